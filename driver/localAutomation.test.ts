import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { OperationError, StackOps } from "./automation";
import { DEV_PREVIEW_CHANGES, DEV_PREVIEW_EVENTS } from "./fixtures/events";
import { LocalAutomation, asCliMissing, asOperationError, cliMessage, oncePerSequence } from "./localAutomation";

// The SDK's own error factory and result type (internal, but what LocalWorkspace throws).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createCommandError } = require("@pulumi/pulumi/automation/errors") as { createCommandError: (r: unknown) => Error };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as { CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown };

const failure = (stderr: string, code = 255, err?: Error) => createCommandError(new CommandResult("Previewing update (dev):\n", stderr, code, err));

describe("mapping the Automation API's errors", () => {
    it("a locked stack (self-managed backend) is a concurrent update, with the CLI's message", () => {
        const err = asOperationError(failure("error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  s3://state/.pulumi/locks/organization/homelab/dev/1.json: created by ci@runner (pid 4121) at 2026-11-30T10:00:00Z\n"));
        expect(err.kind).toBe("concurrent-update");
        expect(err.message).toBe("the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.");
    });

    it("Pulumi Cloud's 409 is a concurrent update too", () => {
        expect(asOperationError(failure("error: [409] Conflict: Another update is currently in progress.\n")).kind).toBe("concurrent-update");
    });

    it("a missing stack", () => {
        const err = asOperationError(failure("error: no stack named 'staging' found\n"));
        expect([err.kind, err.message]).toEqual(["stack-not-found", "no stack named 'staging' found"]);
    });

    it("other failures keep every error line of the CLI, without the SDK's dump", () => {
        const err = asOperationError(failure("    error: proxmoxve:index/vmLegacy:VmLegacy resource 'k8s-dev-vm' has a problem: 596\nerror: preview failed\n"));
        expect([err.kind, err.message]).toEqual(["command", "proxmoxve:index/vmLegacy:VmLegacy resource 'k8s-dev-vm' has a problem: 596; preview failed"]);
    });

    it("an interrupted operation is cancelled", () => {
        const signal = AbortSignal.abort();
        expect(asOperationError(failure("error: update canceled\n"), signal).kind).toBe("cancelled");
    });

    it("falls back to the last stderr line", () => {
        expect(cliMessage(failure("warning: something\nsegmentation fault\n"))).toBe("segmentation fault");
        expect(cliMessage(new Error("plain"))).toBe("plain");
        const killed = failure('Command was killed with SIGINT (Interrupt): pulumi up --yes --stack dev\nUpdating (dev):', -2);
        expect(cliMessage(killed)).toBe("Command was killed with SIGINT (Interrupt): pulumi up --yes --stack dev");
    });

    it("recognises a missing or too old CLI", () => {
        const enoent = Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
        expect(asCliMissing(failure("Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT", -2, enoent))?.message).toMatch(/^the Pulumi CLI is needed for this command but `pulumi` was not found on PATH: install it/);
        expect(asCliMissing(new Error("Minimum version requirement failed. The minimum CLI version requirement is 3.150.0, your current CLI version is 3.100.0. Please update the Pulumi CLI."))?.message).toMatch(
            /^the Pulumi CLI is needed for this command but the installed one is too old \(Minimum version requirement failed\. The minimum CLI version requirement is 3\.150\.0/,
        );
        expect(asCliMissing(failure("error: no stack named 'x' found"))).toBeUndefined();
    });
});

describe("engine events from the event log", () => {
    it("are passed on once each, however often the log's tail delivers them", () => {
        const seen: number[] = [];
        const onEvent = oncePerSequence((e) => seen.push(e.sequence));
        for (const e of [...DEV_PREVIEW_EVENTS, ...DEV_PREVIEW_EVENTS.slice(2)]) {
            onEvent(e);
        }
        expect(seen).toEqual(DEV_PREVIEW_EVENTS.map((e) => e.sequence));
        expect(new Set(seen).size).toBe(DEV_PREVIEW_EVENTS.length);
    });
});

describe("the real adapter over LocalWorkspace, against a stand-in `pulumi` on PATH", () => {
    const standin = path.join(__dirname, "fixtures", "pulumi-standin");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-"));
    const logFile = path.join(dir, "calls.log");
    const saved = { PATH: process.env.PATH, STANDIN_SCENARIO: process.env.STANDIN_SCENARIO, STANDIN_LOG: process.env.STANDIN_LOG };
    const calls = () => fs.readFileSync(logFile, "utf8").trim().split("\n");
    beforeAll(() => {
        fs.writeFileSync(
            path.join(dir, "scenario.json"),
            JSON.stringify({
                stacks: {
                    dev: {
                        preview: { events: DEV_PREVIEW_EVENTS, stdout: "Previewing update (dev):\n" },
                        up: { hangUntilSigint: true, stdout: "Updating (dev):\n" },
                        refresh: { stderr: "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" },
                        masked: { clusters: { dev: { endpoint: "https://192.168.1.12:6443", kubeconfig: "[secret]" } } },
                        plaintext: { clusters: { dev: { endpoint: "https://192.168.1.12:6443", kubeconfig: "apiVersion: v1\n" } } },
                    },
                },
            }),
        );
        process.env.PATH = `${standin}:${path.dirname(process.execPath)}:/usr/bin:/bin`;
        process.env.STANDIN_SCENARIO = path.join(dir, "scenario.json");
        process.env.STANDIN_LOG = logFile;
    });
    afterAll(() => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = v;
            }
        }
    });
    beforeEach(() => fs.writeFileSync(logFile, ""));
    const project = path.resolve(__dirname, "..");
    // One selected dev stack for the tests that only use it: each select costs two CLI runs
    // (`pulumi version`, `stack select`), each a Node start. The first test checks those calls.
    let shared: Promise<StackOps> | undefined;
    const devStack = () => (shared ??= new LocalAutomation(project).select("dev"));

    it("selects the stack in the project directory and previews it: events, output and changeSummary", async () => {
        const stack = await new LocalAutomation(project).select("dev");
        const events: EngineEvent[] = [];
        const output: string[] = [];
        const result = await stack.run("preview", { onEvent: (e) => events.push(e), onOutput: (t) => output.push(t), signal: new AbortController().signal, policyPacks: ["/work/policy"] });
        expect(result).toEqual({ changes: DEV_PREVIEW_CHANGES });
        expect(events).toEqual(DEV_PREVIEW_EVENTS);
        expect(output.join("")).toBe("Previewing update (dev):\n");
        expect(calls().map((c) => c.replace(/--event-log \S+/, "--event-log <file>"))).toEqual([
            "version",
            "stack select --stack dev --non-interactive",
            "preview --policy-pack /work/policy --color never --exec-kind auto.local --event-log <file> --stack dev --non-interactive",
        ]);
    });

    it("an unknown stack is created only when asked to (createOrSelectStack, for preview and up)", async () => {
        await expect(new LocalAutomation(project).select("qa", { create: true })).rejects.toMatchObject({ kind: "command" });
        expect(calls()).toEqual(["version", "stack select --stack qa --non-interactive", "stack init qa --non-interactive"]);
    });

    it("otherwise a missing stack is an error naming it, and nothing is created (selectStack)", async () => {
        await expect(new LocalAutomation(project).select("qa")).rejects.toMatchObject({
            kind: "stack-not-found",
            message: 'stack "qa" does not exist in this backend (only preview and up create a stack)',
        });
        expect(calls()).toEqual(["version", "stack select --stack qa --non-interactive"]);
    });

    it("aborting sends the CLI one SIGINT and reports the operation cancelled", async () => {
        const stack = await devStack();
        const abort = new AbortController();
        const running = stack.run("up", { onEvent: () => undefined, onOutput: () => abort.abort(), signal: abort.signal });
        const error = await running.then(
            () => undefined,
            (e: unknown) => e as OperationError,
        );
        expect([error?.kind, error?.message]).toEqual(["cancelled", "update canceled"]);
        expect(calls().filter((c) => c === "SIGINT")).toHaveLength(1);
    });

    it("a locked stack is a concurrent update; cancel() runs `pulumi cancel --yes`", async () => {
        const stack = await devStack();
        await expect(stack.run("refresh", { onEvent: () => undefined, onOutput: () => undefined, signal: new AbortController().signal })).rejects.toMatchObject({ kind: "concurrent-update" });
        await stack.cancel();
        expect(calls().at(-1)).toBe("cancel --yes --stack dev --non-interactive");
    });

    it("masked outputs come from the CLI's own masking; plaintext only from secretOutputs()", async () => {
        const stack = await devStack();
        expect(await stack.maskedOutputs()).toEqual({ clusters: { dev: { endpoint: "https://192.168.1.12:6443", kubeconfig: "[secret]" } } });
        expect(await stack.secretOutputs()).toEqual({ clusters: { dev: { endpoint: "https://192.168.1.12:6443", kubeconfig: "apiVersion: v1\n" } } });
        expect(calls().filter((c) => c.startsWith("stack output"))).toEqual(["stack output --json --stack dev --non-interactive", "stack output --json --stack dev --non-interactive", "stack output --json --show-secrets --stack dev --non-interactive"]);
    });
});

describe("Ctrl-C through the whole driver process, real adapter, stand-in `pulumi`", () => {
    it("interrupts the running update once, reports it cancelled and exits 1", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "standin-sigint-"));
        fs.writeFileSync(path.join(dir, "scenario.json"), JSON.stringify({ stacks: { dev: { up: { hangUntilSigint: true, stdout: "Updating (dev):\n" } } } }));
        fs.writeFileSync(path.join(dir, "calls.log"), "");
        const root = path.resolve(__dirname, "..");
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "driver/cli.ts"), "up", "dev"], {
            cwd: root,
            env: {
                PATH: `${path.join(__dirname, "fixtures", "pulumi-standin")}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
                HOME: dir,
                STANDIN_SCENARIO: path.join(dir, "scenario.json"),
                STANDIN_LOG: path.join(dir, "calls.log"),
            },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let interrupted = false;
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.stdout.on("data", (d: Buffer) => {
            stdout += d.toString();
            // Ctrl-C once the update runs.
            if (!interrupted && stdout.includes("dev | Updating (dev):\n")) {
                interrupted = true;
                child.kill("SIGINT");
            }
        });
        const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
        expect(code).toBe(1);
        expect(stderr).toBe("\nCtrl-C: stopping; running operations finish their steps in flight and unlock their stacks (Ctrl-C again: pulumi cancel now)\n");
        expect(stdout).toContain("dev | cancelling up: waiting for running steps to finish\n");
        expect(stdout).toMatch(/dev \| up cancelled in \d+(ms|\.\ds): cancelled: update canceled\n/);
        expect(stdout).toMatch(/\ndev    up         cancelled        0        0        0         0 +\S+\n\nran: dev; failed: none; skipped: none; cancelled: dev\n$/);
        const calls = fs.readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n");
        expect(calls.filter((c) => c === "SIGINT")).toHaveLength(1);
        // Stopped by its own SIGINT handling: no `pulumi cancel` needed.
        expect(calls.some((c) => c.startsWith("cancel"))).toBe(false);
        // Starting ts-node and the SDK in a child takes long on a loaded machine.
    }, 120_000);
});
