import * as fs from "fs";
import { Octokit } from "@octokit/rest";

/**
 * Posts the preview comment on a pull request, editing the one that carries the marker when it
 * exists. Every page of the PR's comments is searched (100 per page, following GitHub's `Link`
 * header through Octokit's paginator): a busy PR has more than the first page's 30, and missing the
 * old comment would post a second one. REST: https://docs.github.com/en/rest/issues/comments
 *
 * @octokit/rest is pinned to 20.1.2: the last line published as CommonJS (dist-node). From 21.0.0
 * it is ESM only ("type": "module"), which Jest 29 running this CommonJS project (ts-jest) and
 * ts-node cannot load without switching the whole project to ESM. 20.1.2 carries the fixed
 * @octokit/request, request-error and plugin-paginate-rest (the 2025 ReDoS advisories).
 */

export interface PullRequestTarget {
    readonly owner: string;
    readonly repo: string;
    readonly issueNumber: number;
    readonly token: string;
    /** https://api.github.com, or GHES's `https://host/api/v3`. */
    readonly baseUrl?: string;
}

export interface PostResult {
    /** `none`: no earlier comment, and `create: false`. */
    readonly action: "created" | "updated" | "none";
    readonly id: number;
    readonly url: string;
}

export async function postComment(target: PullRequestTarget, body: string, marker: string, options: { readonly create?: boolean } = {}): Promise<PostResult> {
    const octokit = new Octokit({ auth: target.token, baseUrl: target.baseUrl ?? "https://api.github.com", userAgent: "homelab-platform-driver" });
    const where = { owner: target.owner, repo: target.repo };
    let existing: { id: number } | undefined;
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...where, issue_number: target.issueNumber, per_page: 100 })) {
        existing = page.data.find((c) => c.body?.includes(marker));
        if (existing) {
            break;
        }
    }
    if (existing) {
        const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body });
        return { action: "updated", id: data.id, url: data.html_url };
    }
    if (options.create === false) {
        return { action: "none", id: 0, url: "" };
    }
    const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: target.issueNumber, body });
    return { action: "created", id: data.id, url: data.html_url };
}

/**
 * The target from GitHub Actions' environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo),
 * GITHUB_API_URL, and the PR number from `--pr` or the event payload (GITHUB_EVENT_PATH).
 * Returns the problems instead when something is missing.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv, pr?: number): PullRequestTarget | { problems: string[] } {
    const problems: string[] = [];
    const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
    if (!token) {
        problems.push("GITHUB_TOKEN is not set (the workflow needs `permissions: pull-requests: write` and `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`)");
    }
    const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? "").split("/");
    if (!owner || !repo || rest.length > 0) {
        problems.push(`GITHUB_REPOSITORY must be owner/repo, got "${env.GITHUB_REPOSITORY ?? ""}"`);
    }
    let issueNumber = pr;
    if (issueNumber === undefined && env.GITHUB_EVENT_PATH) {
        try {
            const event = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as { pull_request?: { number?: number }; number?: number };
            issueNumber = event.pull_request?.number ?? event.number;
        } catch (err) {
            problems.push(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${err instanceof Error ? err.message : String(err)}`);
        }
    }
    if (issueNumber === undefined || !Number.isInteger(issueNumber) || issueNumber <= 0) {
        problems.push("no pull request number: pass --pr N, or run on a pull_request event");
    }
    if (problems.length > 0) {
        return { problems };
    }
    return { owner, repo, issueNumber: issueNumber!, token: token!, baseUrl: env.GITHUB_API_URL };
}
