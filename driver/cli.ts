import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { Automation, PulumiCliMissingError } from "./automation";
import { commentMarker, noStacksComment, renderComment } from "./comment";
import { DriverConsole, Terminal } from "./console";
import { postComment, targetFromEnv } from "./github";
import { STACK_GRAPH, orderStacks } from "./graph";
import { VaultKv, checkOwnVaultPath, entriesFromOutputs, entriesFromVault, mergeKubeconfigs, writePrivateFile } from "./kubeconfig";
import { DriverOperation, RetryPolicy, StackRun, exitCode, resultTable, runStacks, summaryLine } from "./orchestrator";

export const HELP = `Drives the platform's stacks with the Pulumi Automation API, in dependency order.

usage: npm run platform -- <command> [stacks...] [options]

commands:
  preview [stacks...]      pulumi preview per stack
      --comment-file FILE  also write the pull-request comment (Markdown) to FILE
      --github             post that comment on the pull request, editing the earlier one;
                           needs GITHUB_TOKEN, GITHUB_REPOSITORY and the PR number (--pr N, or
                           GITHUB_EVENT_PATH on a pull_request event); GITHUB_API_URL for GHES
      --pr N               the pull request number
      --none-affected      preview nothing: the change affects no stack; with --github, edit an
                           earlier preview comment to say so (none is created)
      --policy-pack DIR    enforce this CrossGuard pack (preview, up, drift), e.g. --policy-pack policy
  up [stacks...]           pulumi up per stack
  refresh [stacks...]      pulumi refresh per stack
  destroy [stacks...]      pulumi destroy per stack, dependents first; needs --yes
  drift [stacks...]        refresh, then a preview that must propose no change; exit 1 on drift
  outputs [stacks...]      stack outputs, every secret shown as [secret]
      --json               one JSON object by stack
  kubeconfig [stacks...]   one kubeconfig, a context per cluster
      --from outputs|vault the stacks' secret outputs (default), or Vault KV v2
                           <mount>/<stack>/<cluster>/kubeconfig (VAULT_ADDR or --vault-address,
                           VAULT_TOKEN, --vault-mount, default homelab)
      --out FILE           write it here with mode 0600 (default ~/.kube/homelab.yaml)
      --vault-path PATH    write it to Vault KV v2 <mount>/PATH instead (a path outside the stacks' folders)
  render <stack>           the offline render (no CLI, no credentials): out/<stack>/

stacks: ${Object.entries(STACK_GRAPH)
    .map(([s, deps]) => (deps.length ? `${s} (after ${deps.join(", ")})` : s))
    .join(", ")}; default all. Stacks with nothing between them run
in parallel; a failed stack skips the stacks that depend on it, the others go on.

options:
  --project-dir DIR        the Pulumi project (default: this repository)
  -h, --help               this text

Ctrl-C stops starting stacks and interrupts running operations (the CLI finishes the steps in
flight and unlocks the stack); operations still running after 2 minutes, or at a second Ctrl-C,
get \`pulumi cancel\`. Exit status: 0 all succeeded, 1 a stack failed, drifted, was skipped or
cancelled, 2 bad usage, 127 no Pulumi CLI.

CI (pull requests): npm run platform -- preview dev prod --comment-file preview.md --github
`;

export interface CliDeps {
    /** The Automation implementation; the real one is created for the project directory. */
    readonly automation: (projectDir: string) => Automation;
    readonly stdout: Terminal;
    readonly stderr: (text: string) => void;
    readonly env: NodeJS.ProcessEnv;
    readonly cancel?: AbortSignal;
    readonly force?: AbortSignal;
    readonly retry?: RetryPolicy;
    readonly cancelGraceMs?: number;
    readonly now?: () => number;
    /** False when Ctrl-C already reached the CLI processes (same terminal process group). */
    readonly interruptRunning?: boolean;
}

interface Parsed {
    command: string;
    stacks: string[];
    flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(["--policy-pack", "--comment-file", "--pr", "--from", "--out", "--vault-path", "--vault-address", "--vault-mount", "--project-dir"]);
const BOOLEAN_FLAGS = new Set(["--github", "--json", "--yes", "--help", "-h", "--none-affected"]);
const COMMAND_FLAGS: Record<string, string[]> = {
    preview: ["--comment-file", "--github", "--pr", "--policy-pack", "--none-affected"],
    up: ["--policy-pack"],
    refresh: [],
    destroy: ["--yes"],
    drift: ["--policy-pack"],
    outputs: ["--json"],
    kubeconfig: ["--from", "--out", "--vault-path", "--vault-address", "--vault-mount"],
};

class UsageError extends Error {}

function parse(argv: readonly string[]): Parsed {
    const flags = new Map<string, string | true>();
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (VALUE_FLAGS.has(arg)) {
            const value = argv[++i];
            if (value === undefined || value.startsWith("--")) {
                throw new UsageError(`${arg} needs a value`);
            }
            flags.set(arg, value);
        } else if (BOOLEAN_FLAGS.has(arg)) {
            flags.set(arg, true);
        } else if (arg.startsWith("-")) {
            throw new UsageError(`unknown option ${arg}`);
        } else {
            positional.push(arg);
        }
    }
    return { command: positional[0] ?? "", stacks: positional.slice(1), flags };
}

function projectName(projectDir: string): string {
    const doc = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: string };
    return doc.name ?? "project";
}

/** The CLI, callable in-process: returns the exit code. */
export async function platformCli(argv: readonly string[], deps: CliDeps): Promise<number> {
    const out = (text: string) => deps.stdout.write(text);
    let parsed: Parsed;
    try {
        parsed = parse(argv);
        if (parsed.flags.has("--help") || parsed.flags.has("-h") || parsed.command === "help") {
            out(HELP);
            return 0;
        }
        if (parsed.command === "render") {
            // The offline render has its own arguments (<stack> [--project-dir DIR]). Loaded
            // here only: it pulls in the whole program and every provider SDK, which the other
            // commands never need (they run the program through the CLI).
            const renderArgs = argv.slice(argv.indexOf("render") + 1);
            const stack = renderArgs.find((a, i) => !a.startsWith("-") && renderArgs[i - 1] !== "--project-dir");
            if (stack !== undefined && !(stack in STACK_GRAPH)) {
                // The same usage error as `preview nope`, before the render's heavy import.
                try {
                    orderStacks(STACK_GRAPH, [stack], "forward");
                } catch (err) {
                    deps.stderr(`error: ${(err as Error).message}\n`);
                    return 2;
                }
            }
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { renderCli } = require("../render/cli") as typeof import("../render/cli");
            return await renderCli(renderArgs, { out, err: deps.stderr });
        }
        if (!(parsed.command in COMMAND_FLAGS)) {
            throw new UsageError(parsed.command ? `unknown command "${parsed.command}"` : "no command given");
        }
        const allowed = new Set([...COMMAND_FLAGS[parsed.command], "--project-dir"]);
        const stray = [...parsed.flags.keys()].filter((f) => !allowed.has(f));
        if (stray.length > 0) {
            throw new UsageError(`${parsed.command} does not take ${stray.join(", ")}`);
        }
        if (parsed.flags.has("--none-affected") && parsed.stacks.length > 0) {
            throw new UsageError("--none-affected takes no stacks");
        }
        if (parsed.command === "destroy" && !parsed.flags.has("--yes")) {
            throw new UsageError("destroy deletes every resource of the stacks; confirm with --yes");
        }
    } catch (err) {
        if (err instanceof UsageError) {
            deps.stderr(`error: ${err.message} (npm run platform -- --help)\n`);
            return 2;
        }
        throw err;
    }
    const { command, flags } = parsed;
    const projectDir = path.resolve((flags.get("--project-dir") as string | undefined) ?? path.resolve(__dirname, ".."));
    let stacks: string[];
    try {
        stacks = orderStacks(STACK_GRAPH, parsed.stacks.length > 0 ? parsed.stacks : Object.keys(STACK_GRAPH), "forward");
    } catch (err) {
        deps.stderr(`error: ${(err as Error).message}\n`);
        return 2;
    }
    const automation = deps.automation(projectDir);
    try {
        switch (command) {
            case "outputs":
                return await outputs(automation, stacks, flags.has("--json"), deps);
            case "kubeconfig":
                return await kubeconfig(automation, stacks, flags, deps);
            default:
                return await operate(command as DriverOperation, automation, stacks, flags, projectDir, deps);
        }
    } catch (err) {
        if (err instanceof PulumiCliMissingError) {
            deps.stderr(`error: ${err.message}\n`);
            return 127;
        }
        throw err;
    }
}

/**
 * A push that affects no stack: nothing to preview, but an earlier preview comment would still
 * show the previews of a change the PR no longer has. Edit it to say so; create none.
 */
async function noneAffected(projectDir: string, commentFile: string | undefined, target: ReturnType<typeof targetFromEnv> | undefined, deps: CliDeps): Promise<number> {
    const project = projectName(projectDir);
    const body = noStacksComment(project);
    if (commentFile) {
        fs.writeFileSync(commentFile, body);
    }
    if (target && !("problems" in target)) {
        try {
            const posted = await postComment(target, body, commentMarker(project), { create: false });
            deps.stdout.write(
                posted.action === "updated"
                    ? `no stack affected: updated the comment on ${target.owner}/${target.repo}#${target.issueNumber}: ${posted.url}\n`
                    : `no stack affected, and no earlier preview comment on ${target.owner}/${target.repo}#${target.issueNumber}: nothing posted\n`,
            );
        } catch (err) {
            deps.stderr(`error: posting the comment on ${target.owner}/${target.repo}#${target.issueNumber}: ${err instanceof Error ? err.message : String(err)}\n`);
            return 1;
        }
    } else {
        deps.stdout.write("no stack affected: nothing to preview\n");
    }
    return 0;
}

async function operate(operation: DriverOperation, automation: Automation, stacks: string[], flags: Map<string, string | true>, projectDir: string, deps: CliDeps): Promise<number> {
    const commentFile = flags.get("--comment-file") as string | undefined;
    const github = flags.has("--github");
    let pr: number | undefined;
    if (flags.has("--pr")) {
        pr = Number(flags.get("--pr"));
        if (!Number.isInteger(pr) || pr <= 0) {
            deps.stderr(`error: --pr must be a pull request number, got "${flags.get("--pr")}"\n`);
            return 2;
        }
    }
    // Check GitHub's settings before spending minutes on previews.
    const target = github ? targetFromEnv(deps.env, pr) : undefined;
    if (target && "problems" in target) {
        deps.stderr(target.problems.map((p) => `error: --github: ${p}\n`).join(""));
        return 2;
    }
    if (flags.has("--none-affected")) {
        return await noneAffected(projectDir, commentFile, target, deps);
    }
    const console = new DriverConsole(deps.stdout, stacks, deps.now);
    const runs = await runStacks({
        automation,
        operation,
        stacks,
        console,
        cancel: deps.cancel,
        force: deps.force,
        retry: deps.retry,
        cancelGraceMs: deps.cancelGraceMs,
        now: deps.now,
        interruptRunning: deps.interruptRunning,
        policyPacks: flags.has("--policy-pack") ? [path.resolve(flags.get("--policy-pack") as string)] : undefined,
    });
    let code = exitCode(runs);
    if (commentFile || target) {
        const body = renderComment(runs, { project: projectName(projectDir) });
        if (commentFile) {
            fs.writeFileSync(commentFile, body);
            console.info(`wrote the pull-request comment to ${commentFile} (${body.length} characters)`);
        }
        if (target && !("problems" in target)) {
            try {
                const posted = await postComment(target, body, commentMarker(projectName(projectDir)));
                console.info(`${posted.action} the comment on ${target.owner}/${target.repo}#${target.issueNumber}: ${posted.url}`);
            } catch (err) {
                deps.stderr(`error: posting the comment on ${target.owner}/${target.repo}#${target.issueNumber}: ${err instanceof Error ? err.message : String(err)}\n`);
                code = 1;
            }
        }
    }
    report(console, runs);
    return code;
}

function report(console: DriverConsole, runs: readonly StackRun[]): void {
    console.info(`\n${resultTable(runs)}\n\n${summaryLine(runs)}`);
}

async function outputs(automation: Automation, stacks: string[], json: boolean, deps: CliDeps): Promise<number> {
    const all: Record<string, unknown> = {};
    let failed = false;
    const console = new DriverConsole(deps.stdout, stacks, deps.now);
    for (const stack of stacks) {
        try {
            // Only the CLI's masked view is ever printed: secrets, nested or not, are [secret].
            all[stack] = await (await automation.select(stack)).maskedOutputs();
        } catch (err) {
            if (err instanceof PulumiCliMissingError) {
                throw err;
            }
            failed = true;
            deps.stderr(`${stack}: ${err instanceof Error ? err.message : String(err)}\n`);
        }
    }
    if (json) {
        deps.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    } else {
        for (const [stack, value] of Object.entries(all)) {
            console.line(stack, JSON.stringify(value, null, 2));
        }
    }
    return failed ? 1 : 0;
}

async function kubeconfig(automation: Automation, stacks: string[], flags: Map<string, string | true>, deps: CliDeps): Promise<number> {
    const from = (flags.get("--from") as string | undefined) ?? "outputs";
    if (from !== "outputs" && from !== "vault") {
        deps.stderr(`error: --from must be outputs or vault, got "${from}"\n`);
        return 2;
    }
    const vaultPath = flags.get("--vault-path") as string | undefined;
    if (vaultPath !== undefined && flags.has("--out")) {
        deps.stderr("error: give either --out or --vault-path, not both\n");
        return 2;
    }
    let kv: VaultKv | undefined;
    if (from === "vault" || vaultPath !== undefined) {
        const address = (flags.get("--vault-address") as string | undefined) ?? deps.env.VAULT_ADDR;
        const token = deps.env.VAULT_TOKEN;
        const problems = [!address && "no Vault address: set VAULT_ADDR or --vault-address", !token && "no Vault token: set VAULT_TOKEN (a token that may read the stacks' kubeconfig paths)"].filter(Boolean);
        if (problems.length > 0) {
            deps.stderr(problems.map((p) => `error: ${p}\n`).join(""));
            return 2;
        }
        kv = new VaultKv({ address: address!, token: token!, mount: (flags.get("--vault-mount") as string | undefined) ?? "homelab" });
    }
    if (vaultPath !== undefined) {
        const problem = checkOwnVaultPath(vaultPath, Object.keys(STACK_GRAPH));
        if (problem) {
            deps.stderr(`error: ${problem}\n`);
            return 2;
        }
    }
    try {
        const entries =
            from === "vault"
                ? await entriesFromVault(kv!, stacks)
                : (await Promise.all(stacks.map(async (s) => entriesFromOutputs(s, await (await automation.select(s)).secretOutputs())))).flat();
        const merged = mergeKubeconfigs(entries);
        const contexts = entries.map((e) => `${e.cluster} (${e.stack})`).join(", ");
        if (vaultPath !== undefined) {
            await kv!.write(vaultPath, { kubeconfig: merged });
            deps.stdout.write(`wrote the merged kubeconfig to Vault ${kv!.mount}/${vaultPath}: contexts ${contexts}\n`);
        } else {
            const file = (flags.get("--out") as string | undefined) ?? path.join(os.homedir(), ".kube", "homelab.yaml");
            writePrivateFile(file, merged);
            deps.stdout.write(`wrote ${file} (mode 0600): contexts ${contexts}\n`);
        }
        return 0;
    } catch (err) {
        if (err instanceof PulumiCliMissingError) {
            throw err;
        }
        deps.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    }
}

if (require.main === module) {
    // Loaded only here, so tests that inject an Automation never touch the real one.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LocalAutomation } = require("./localAutomation") as typeof import("./localAutomation");
    const cancel = new AbortController();
    const force = new AbortController();
    // Only stack operations need a clean stop; the other commands keep Node's default (exit).
    const command = process.argv.slice(2).find((a) => !a.startsWith("-"));
    if (command && ["preview", "up", "refresh", "destroy", "drift"].includes(command)) {
        process.on("SIGINT", () => {
            if (!cancel.signal.aborted) {
                process.stderr.write("\nCtrl-C: stopping; running operations finish their steps in flight and unlock their stacks (Ctrl-C again: pulumi cancel now)\n");
                cancel.abort();
            } else if (!force.signal.aborted) {
                process.stderr.write("\nCtrl-C: pulumi cancel for the stacks still running (Ctrl-C again: quit at once)\n");
                force.abort();
            } else {
                process.exit(130);
            }
        });
    }
    platformCli(process.argv.slice(2), {
        automation: (dir) => new LocalAutomation(dir),
        stdout: { write: (t) => process.stdout.write(t), isTTY: Boolean(process.stdout.isTTY) },
        stderr: (t) => process.stderr.write(t),
        env: process.env,
        cancel: cancel.signal,
        force: force.signal,
        // At a terminal, Ctrl-C reaches the whole process group, the pulumi processes included: a
        // second SIGINT from the driver would make them terminate instead of cancelling cleanly.
        interruptRunning: !process.stdin.isTTY,
    }).then(
        (code) => process.exit(code),
        (err: unknown) => {
            process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(1);
        },
    );
}
