import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OperationError } from "./automation";
import { CliDeps, HELP, platformCli } from "./cli";
import { renderComment } from "./comment";
import { DEV_PREVIEW_CHANGES, DEV_PREVIEW_EVENTS, PROD_FAILED_PREVIEW_EVENTS } from "./fixtures/events";
import { FakeAutomation, FakeStack } from "./fixtures/fakeAutomation";
import { FakeGitHub } from "./fixtures/githubServer";
import { kubeconfigOf } from "./fixtures/kubeconfigs";
import { FakeVault } from "./fixtures/vaultServer";
import { LocalAutomation } from "./localAutomation";

const ROOT = path.resolve(__dirname, "..");

function harness(fake: FakeAutomation, env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const deps: CliDeps = {
        automation: () => fake,
        stdout: { write: (t) => out.push(t), isTTY: false },
        stderr: (t) => err.push(t),
        env,
        // A still clock: durations print as 0ms, so the output is exact.
        now: () => 0,
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    };
    return { deps, stdout: () => out.join(""), stderr: () => err.join("") };
}

const previewStacks = (): Record<string, FakeStack> => ({
    tools: { ops: { preview: [{ changes: { same: 57 }, output: "Previewing update (tools):\n\nResources:\n    57 unchanged\n" }] } },
    dev: { ops: { preview: [{ durationMs: 20, changes: DEV_PREVIEW_CHANGES, events: DEV_PREVIEW_EVENTS, output: "Previewing update (dev):\n    + proxmoxve:index/vmLegacy:VmLegacy k8s-dev-worker-2-vm create\n" }] } },
    prod: { ops: { preview: [{ durationMs: 20, events: PROD_FAILED_PREVIEW_EVENTS, error: new OperationError("command", "preview failed") }] } },
});

describe("npm run platform", () => {
    it("--help documents the commands and the CI call", async () => {
        const h = harness(new FakeAutomation({}));
        expect(await platformCli(["--help"], h.deps)).toBe(0);
        expect(h.stdout()).toBe(HELP);
        for (const command of ["preview", "up", "refresh", "destroy", "drift", "outputs", "kubeconfig", "render"]) {
            expect(HELP).toContain(`\n  ${command} `);
        }
        expect(HELP).toContain("CI (pull requests): npm run platform -- preview dev prod --comment-file preview.md --github\n");
    });

    it.each([
        [[], "error: no command given (npm run platform -- --help)\n"],
        [["deploy"], 'error: unknown command "deploy" (npm run platform -- --help)\n'],
        [["up", "--github"], "error: up does not take --github (npm run platform -- --help)\n"],
        [["preview", "--comment-file"], "error: --comment-file needs a value (npm run platform -- --help)\n"],
        [["destroy", "dev"], "error: destroy deletes every resource of the stacks; confirm with --yes (npm run platform -- --help)\n"],
        [["up", "staging"], 'error: unknown stack "staging"; the stacks are tools, dev, prod\n'],
        [["preview", "--pr", "x"], 'error: --pr must be a pull request number, got "x"\n'],
        [["preview", "--github"], "error: --github: GITHUB_TOKEN is not set (the workflow needs `permissions: pull-requests: write` and `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`)\nerror: --github: GITHUB_REPOSITORY must be owner/repo, got \"\"\nerror: --github: no pull request number: pass --pr N, or run on a pull_request event\n"],
    ])("rejects %j with exit 2 before running anything", async (argv, message) => {
        const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} });
        const h = harness(fake);
        expect(await platformCli(argv, h.deps)).toBe(2);
        expect(h.stderr()).toBe(message);
        expect(fake.timeline).toEqual([]);
    });

    it("previews every stack with prefixed lines, progress, a final table and the summary", async () => {
        const fake = new FakeAutomation(previewStacks());
        const h = harness(fake);
        expect(await platformCli(["preview"], h.deps)).toBe(1);
        const lines = h.stdout().split("\n");
        // dev and prod interleave: compare each stack's own lines, then the end.
        const of = (stack: string) => lines.filter((l) => l.startsWith(`${stack.padEnd(5)} | `));
        expect(of("tools")).toEqual(["tools | preview started", "tools | Previewing update (tools):", "tools | ", "tools | Resources:", "tools |     57 unchanged", "tools | preview succeeded in 0ms: no changes"]);
        expect(of("dev")).toEqual([
            "dev   | preview started",
            "dev   | Previewing update (dev):",
            "dev   |     + proxmoxve:index/vmLegacy:VmLegacy k8s-dev-worker-2-vm create",
            "dev   | preview: 0/1 resources done, 1 in progress (0ms)",
            "dev   | preview succeeded in 0ms: 3 create, 1 update, 1 replace",
        ]);
        // prod's events name no resource but the stack root: no progress line.
        expect(of("prod")).toEqual(["prod  | preview started", "prod  | preview failed in 0ms: preview failed"]);
        expect(lines.slice(-9).join("\n")).toBe(
            [
                "",
                "stack  operation  result     creates  updates  deletes  replaces  duration",
                "-----  ---------  ---------  -------  -------  -------  --------  --------",
                "tools  preview    succeeded        0        0        0         0       0ms",
                "dev    preview    succeeded        3        1        0         1       0ms",
                "prod   preview    failed           0        0        0         0       0ms",
                "",
                "ran: tools, dev, prod; failed: prod; skipped: none",
                "",
            ].join("\n"),
        );
    });

    it("preview --comment-file writes the comment; --github creates it, then edits it", async () => {
        const gh = new FakeGitHub("lab", "platform", 9, "ghs_x");
        await gh.start();
        try {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "comment-"));
            const file = path.join(dir, "preview.md");
            const env = { GITHUB_TOKEN: "ghs_x", GITHUB_REPOSITORY: "lab/platform", GITHUB_API_URL: gh.baseUrl };
            const first = harness(new FakeAutomation(previewStacks()), env);
            expect(await platformCli(["preview", "dev", "prod", "--comment-file", file, "--github", "--pr", "9"], first.deps)).toBe(1);
            const body = fs.readFileSync(file, "utf8");
            expect(body).toBe(
                renderComment(
                    [
                        { stack: "dev", operation: "preview", result: "succeeded", changes: DEV_PREVIEW_CHANGES, durationMs: 0, events: DEV_PREVIEW_EVENTS, attempts: 1 },
                        { stack: "prod", operation: "preview", result: "failed", changes: {}, durationMs: 0, events: PROD_FAILED_PREVIEW_EVENTS, attempts: 1, message: "preview failed" },
                    ],
                    { project: "homelab" },
                ),
            );
            expect(first.stdout()).toContain(`wrote the pull-request comment to ${file} (${body.length} characters)\n`);
            expect(first.stdout()).toContain(`created the comment on lab/platform#9: https://github.com/lab/platform/pull/9#issuecomment-1000\n`);

            const second = harness(new FakeAutomation(previewStacks()), env);
            expect(await platformCli(["preview", "dev", "prod", "--github", "--pr", "9"], second.deps)).toBe(1);
            expect(second.stdout()).toContain(`updated the comment on lab/platform#9: https://github.com/lab/platform/pull/9#issuecomment-1000\n`);
            expect(gh.comments).toHaveLength(1);
            expect(gh.comments[0].body).toBe(body);
        } finally {
            await gh.stop();
        }
    });

    it("preview --none-affected runs no stack and replaces an earlier preview comment, creating none", async () => {
        const gh = new FakeGitHub("lab", "platform", 9, "ghs_x");
        await gh.start();
        try {
            const env = { GITHUB_TOKEN: "ghs_x", GITHUB_REPOSITORY: "lab/platform", GITHUB_API_URL: gh.baseUrl };
            const fake = new FakeAutomation({});
            const none = harness(fake, env);
            expect(await platformCli(["preview", "--none-affected", "--github", "--pr", "9"], none.deps)).toBe(0);
            expect(none.stdout()).toBe("no stack affected, and no earlier preview comment on lab/platform#9: nothing posted\n");
            expect(gh.comments).toEqual([]);

            gh.seed(1, () => "<!-- platform-preview:homelab -->\n## Pulumi preview: `homelab`\nold previews");
            const stale = harness(fake, env);
            expect(await platformCli(["preview", "--none-affected", "--github", "--pr", "9"], stale.deps)).toBe(0);
            expect(stale.stdout()).toBe("no stack affected: updated the comment on lab/platform#9: https://github.com/lab/platform/pull/9#issuecomment-1000\n");
            expect(gh.comments.map((c) => c.body)).toEqual([
                "<!-- platform-preview:homelab -->\n## Pulumi preview: `homelab`\n\nThe pull request's latest changes affect no stack (the path filters of `deployments/paths.ts`): nothing to preview. The previews this comment showed before are gone with the changes that caused them.\n",
            ]);
            expect(fake.selected).toEqual([]);
            const bad = harness(fake, env);
            expect(await platformCli(["preview", "dev", "--none-affected"], bad.deps)).toBe(2);
            expect(bad.stderr()).toBe("error: --none-affected takes no stacks (npm run platform -- --help)\n");
        } finally {
            await gh.stop();
        }
    });

    it("outputs prints the CLI's masked view only; secrets are never read", async () => {
        const fake = new FakeAutomation({
            tools: { masked: { clusters: { tools: { endpoint: "https://192.168.1.10:6443", kubeconfig: "[secret]" } } }, plaintext: { clusters: { tools: { kubeconfig: "PLAINTEXT-KUBECONFIG" } } } },
            dev: { masked: { hosts: { "k8s-dev": { ipv4: "192.168.1.12" } } } },
            prod: { masked: {} },
        });
        const h = harness(fake);
        expect(await platformCli(["outputs", "tools", "dev", "--json"], h.deps)).toBe(0);
        expect(JSON.parse(h.stdout())).toEqual({ tools: { clusters: { tools: { endpoint: "https://192.168.1.10:6443", kubeconfig: "[secret]" } } }, dev: { hosts: { "k8s-dev": { ipv4: "192.168.1.12" } } } });
        const plain = harness(fake);
        expect(await platformCli(["outputs", "tools"], plain.deps)).toBe(0);
        expect(plain.stdout()).toBe(
            ["tools | {", 'tools |   "clusters": {', 'tools |     "tools": {', 'tools |       "endpoint": "https://192.168.1.10:6443",', 'tools |       "kubeconfig": "[secret]"', "tools |     }", "tools |   }", "tools | }", ""].join("\n"),
        );
        expect(h.stdout() + plain.stdout()).not.toContain("PLAINTEXT");
        expect(fake.secretReads).toEqual([]);
        // Read-only: a missing stack is not created.
        expect([...new Set(fake.selectModes)]).toEqual(["tools:select", "dev:select"]);
    });

    it("kubeconfig merges the stacks' secret outputs into a 0600 file and prints no key material", async () => {
        const fake = new FakeAutomation({
            tools: { plaintext: { clusters: { tools: { kubeconfig: kubeconfigOf("tools", "192.168.1.10") }, observability: { kubeconfig: kubeconfigOf("observability", "192.168.1.11") } } } },
            dev: { plaintext: { clusters: { dev: { kubeconfig: kubeconfigOf("dev", "192.168.1.12") } } } },
            prod: { plaintext: { clusters: { prod: { kubeconfig: kubeconfigOf("prod", "192.168.1.30") } } } },
        });
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kc-")), "homelab.yaml");
        const h = harness(fake);
        expect(await platformCli(["kubeconfig", "--out", file], h.deps)).toBe(0);
        expect(h.stdout()).toBe(`wrote ${file} (mode 0600): contexts tools (tools), observability (tools), dev (dev), prod (prod)\n`);
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(fs.readFileSync(file, "utf8")).toContain("current-context: tools\n");
        expect(fake.secretReads.sort()).toEqual(["dev", "prod", "tools"]);
        expect(fake.selectModes.sort()).toEqual(["dev:select", "prod:select", "tools:select"]);
    });

    it("kubeconfig --from vault --vault-path writes the merge to its own Vault path", async () => {
        const vault = new FakeVault("homelab", { operator: ["tools/", "dev/", "prod/", "fleet/"] });
        await vault.start();
        try {
            vault.secrets.set("tools/tools/kubeconfig", { kubeconfig: kubeconfigOf("tools", "192.168.1.10") });
            vault.secrets.set("prod/prod/kubeconfig", { kubeconfig: kubeconfigOf("prod", "192.168.1.30") });
            const fake = new FakeAutomation({});
            const h = harness(fake, { VAULT_ADDR: vault.address, VAULT_TOKEN: "operator" });
            expect(await platformCli(["kubeconfig", "--from", "vault", "--vault-path", "fleet/kubeconfig"], h.deps)).toBe(0);
            expect(h.stdout()).toBe("wrote the merged kubeconfig to Vault homelab/fleet/kubeconfig: contexts tools (tools), prod (prod)\n");
            expect(String(vault.secrets.get("fleet/kubeconfig")?.kubeconfig)).toContain("- name: prod\n");
            // Vault was the source: no stack was touched.
            expect(fake.selected).toEqual([]);
            const bad = harness(fake, { VAULT_ADDR: vault.address });
            expect(await platformCli(["kubeconfig", "--from", "vault"], bad.deps)).toBe(2);
            expect(bad.stderr()).toBe("error: no Vault token: set VAULT_TOKEN (a token that may read the stacks' kubeconfig paths)\n");
        } finally {
            await vault.stop();
        }
    });

    it("--policy-pack reaches previews and updates, not refreshes", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} });
        expect(await platformCli(["drift", "dev", "--policy-pack", "policy"], harness(fake).deps)).toBe(0);
        expect(await platformCli(["up", "dev", "--policy-pack", "policy"], harness(fake).deps)).toBe(0);
        expect(fake.timeline.map((e) => [e.operation, e.policyPacks])).toEqual([
            ["refresh", undefined],
            ["preview", [path.resolve("policy")]],
            ["up", [path.resolve("policy")]],
        ]);
    });

    it("drift exits 1 when a stack drifted", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: { ops: { preview: [{ changes: { update: 1, same: 40 } }] } }, prod: {} });
        const h = harness(fake);
        expect(await platformCli(["drift"], h.deps)).toBe(1);
        expect(h.stdout()).toContain("dev   | drift drifted in 0ms: drift: refresh changed 0 resources in state; preview proposes 1 update\n");
        expect(h.stdout().trimEnd().split("\n").at(-1)).toBe("ran: tools, dev, prod; failed: none; skipped: none; drifted: dev");
    });

    it("render runs the offline render", async () => {
        const h = harness(new FakeAutomation({}));
        expect(await platformCli(["render"], h.deps)).toBe(2);
        expect(h.stderr()).toBe("usage: npm run render -- <stack> [--project-dir DIR]   (stacks: dev, prod, tools)\n");
    });

    it("render of an unknown stack is a usage error, like preview's", async () => {
        const h = harness(new FakeAutomation({}));
        expect(await platformCli(["render", "nope"], h.deps)).toBe(2);
        expect(h.stderr()).toBe('error: unknown stack "nope"; the stacks are tools, dev, prod\n');
        const p = harness(new FakeAutomation({}));
        expect(await platformCli(["preview", "nope"], p.deps)).toBe(2);
        expect(p.stderr()).toBe('error: unknown stack "nope"; the stacks are tools, dev, prod\n');
    });
});

describe("without a Pulumi CLI (none is installed here)", () => {
    const message =
        "error: the Pulumi CLI is needed for this command but `pulumi` was not found on PATH: install it (https://www.pulumi.com/docs/iac/download-install/, or `curl -fsSL https://get.pulumi.com | sh`) and put `pulumi` on PATH; `npm run platform -- render <stack>` works without it\n";

    it("the real LocalWorkspace adapter fails with one line naming what to install", async () => {
        const err: string[] = [];
        const out: string[] = [];
        const code = await platformCli(["preview", "dev"], {
            automation: (dir) => new LocalAutomation(dir),
            stdout: { write: (t) => out.push(t), isTTY: false },
            stderr: (t) => err.push(t),
            env: {},
        });
        expect(code).toBe(127);
        expect(err.join("")).toBe(message);
        expect(out.join("")).toBe("");
    });

    it("the CLI process prints that line alone, no stack trace", async () => {
        const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            execFile(
                process.execPath,
                ["-r", "ts-node/register/transpile-only", path.join(ROOT, "driver/cli.ts"), "up"],
                { cwd: ROOT, env: { PATH: path.join(os.tmpdir(), "no-such-bin"), HOME: os.tmpdir() }, timeout: 120_000 },
                (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
            );
        });
        expect(result).toEqual({ code: 127, stdout: "", stderr: message });
        // Starting ts-node and the SDK in a child takes long on a loaded machine.
    }, 120_000);
});
