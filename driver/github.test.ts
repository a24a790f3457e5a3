import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { commentMarker } from "./comment";
import { FakeGitHub } from "./fixtures/githubServer";
import { postComment, targetFromEnv } from "./github";

describe("posting the PR comment (local GitHub REST stand-in)", () => {
    const marker = commentMarker("homelab");
    let gh: FakeGitHub;
    beforeEach(async () => {
        gh = new FakeGitHub("lab", "platform", 42, "ghs_test");
        await gh.start();
    });
    afterEach(() => gh.stop());
    const target = () => ({ owner: "lab", repo: "platform", issueNumber: 42, token: "ghs_test", baseUrl: gh.baseUrl });

    it("creates the comment on the first run and edits it on the second, searching every page", async () => {
        // 150 comments by people: two pages of 100, none with the marker.
        gh.seed(150, (i) => `review comment ${i}`);
        const first = await postComment(target(), `${marker}\nfirst preview`, marker);
        expect(first).toEqual({ action: "created", id: 1150, url: "https://github.com/lab/platform/pull/42#issuecomment-1150" });
        expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
            "GET /repos/lab/platform/issues/42/comments?per_page=100",
            "GET /repos/lab/platform/issues/42/comments?per_page=100&page=2",
            "POST /repos/lab/platform/issues/42/comments",
        ]);
        expect(gh.requests.every((r) => r.authorization === "token ghs_test")).toBe(true);

        gh.requests.length = 0;
        const second = await postComment(target(), `${marker}\nsecond preview`, marker);
        expect(second).toEqual({ action: "updated", id: 1150, url: "https://github.com/lab/platform/pull/42#issuecomment-1150" });
        // The comment sits on page 2: found only by following the Link header.
        expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
            "GET /repos/lab/platform/issues/42/comments?per_page=100",
            "GET /repos/lab/platform/issues/42/comments?per_page=100&page=2",
            "PATCH /repos/lab/platform/issues/comments/1150",
        ]);
        expect(gh.requests[2].body).toEqual({ body: `${marker}\nsecond preview` });
        expect(gh.comments.filter((c) => c.body.includes(marker))).toEqual([{ id: 1150, body: `${marker}\nsecond preview`, user: { login: "github-actions[bot]" } }]);
        expect(gh.comments).toHaveLength(151);
    });

    it("stops paging once the marked comment is found", async () => {
        gh.seed(1, () => `${marker}\nold`);
        gh.seed(250, (i) => `comment ${i}`);
        const result = await postComment(target(), `${marker}\nnew`, marker);
        expect(result.action).toBe("updated");
        expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /repos/lab/platform/issues/42/comments?per_page=100", "PATCH /repos/lab/platform/issues/comments/1000"]);
    });

    it("with create: false, edits an earlier comment but never adds one", async () => {
        gh.seed(3, (i) => `comment ${i}`);
        expect(await postComment(target(), `${marker}\nnothing`, marker, { create: false })).toEqual({ action: "none", id: 0, url: "" });
        expect(gh.requests.map((r) => r.method)).toEqual(["GET"]);
        gh.seed(1, () => `${marker}\nold`);
        expect((await postComment(target(), `${marker}\nnothing`, marker, { create: false })).action).toBe("updated");
        expect(gh.comments.filter((c) => c.body.includes(marker)).map((c) => c.body)).toEqual([`${marker}\nnothing`]);
    });

    it("ignores comments with another project's marker", async () => {
        gh.seed(1, () => `${commentMarker("other")}\nx`);
        expect((await postComment(target(), `${marker}\nnew`, marker)).action).toBe("created");
    });

    it("fails with GitHub's message on bad credentials", async () => {
        await expect(postComment({ ...target(), token: "wrong" }, "x", marker)).rejects.toThrow("Bad credentials");
    });
});

describe("the target from GitHub Actions' environment", () => {
    it("reads the repository, token, API URL and the PR number from the event payload", () => {
        const event = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-event-")), "event.json");
        fs.writeFileSync(event, JSON.stringify({ action: "synchronize", number: 7, pull_request: { number: 7 } }));
        expect(targetFromEnv({ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "lab/platform", GITHUB_EVENT_PATH: event, GITHUB_API_URL: "https://ghe.lab/api/v3" })).toEqual({
            owner: "lab",
            repo: "platform",
            issueNumber: 7,
            token: "t",
            baseUrl: "https://ghe.lab/api/v3",
        });
    });

    it("names everything that is missing", () => {
        expect(targetFromEnv({ GITHUB_REPOSITORY: "platform" })).toEqual({
            problems: [
                "GITHUB_TOKEN is not set (the workflow needs `permissions: pull-requests: write` and `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`)",
                'GITHUB_REPOSITORY must be owner/repo, got "platform"',
                "no pull request number: pass --pr N, or run on a pull_request event",
            ],
        });
    });

    it("takes --pr over the event", () => {
        expect(targetFromEnv({ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "a/b" }, 12)).toMatchObject({ issueNumber: 12 });
    });
});
