import { execFile } from "child_process";
import { CommandError, ConcurrentUpdateError, EngineEvent, LocalWorkspace, OpMap, Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import { Automation, Operation, OperationError, OperationOptions, OperationResult, PulumiCliMissingError, StackOps } from "./automation";

/**
 * The real Automation implementation: `LocalWorkspace.selectStack({ stackName, workDir })`
 * (`createOrSelectStack` for preview and up only)
 * over this same program (the directory holding Pulumi.yaml), one workspace per stack, exactly the
 * program `pulumi up` runs. The only part of the driver that needs the Pulumi CLI.
 */

interface CommandResultLike {
    stdout?: string;
    stderr?: string;
    code?: number;
    err?: { code?: string; message?: string };
}

function commandResult(err: unknown): CommandResultLike | undefined {
    return err instanceof CommandError ? (err as unknown as { commandResult?: CommandResultLike }).commandResult : undefined;
}

/** The CLI's own message: its `error:` lines, else the last line it wrote to stderr. */
export function cliMessage(err: unknown): string {
    const result = commandResult(err);
    if (!result) {
        return err instanceof Error ? err.message : String(err);
    }
    const lines = (result.stderr ?? "")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    const errors = lines.filter((l) => l.startsWith("error:")).map((l) => l.slice("error:".length).trim());
    if (errors.length > 0) {
        return errors.join("; ");
    }
    // -2: the process itself failed (not found, killed by a signal); the SDK puts execa's
    // summary ("Command was killed with SIGINT (Interrupt): pulumi up ...") on the first line.
    if (result.code === -2 && lines.length > 0) {
        return lines[0];
    }
    return lines.at(-1) ?? result.err?.message ?? `pulumi exited with code ${result.code ?? "?"}`;
}

/** `LocalWorkspace` runs `pulumi version` when it is constructed: ENOENT there means no CLI on PATH. */
export function asCliMissing(err: unknown): PulumiCliMissingError | undefined {
    const result = commandResult(err);
    if (result?.err?.code === "ENOENT" || /ENOENT: pulumi version|spawn pulumi ENOENT/.test(result?.stderr ?? "")) {
        return new PulumiCliMissingError("`pulumi` was not found on PATH");
    }
    // Too old a CLI: the SDK's version check says which version it needs.
    if (err instanceof Error && /Minimum version requirement failed/.test(err.message)) {
        return new PulumiCliMissingError(`the installed one is too old (${err.message.split("\n")[0]})`);
    }
    return undefined;
}

export function asOperationError(err: unknown, signal?: AbortSignal): OperationError {
    const message = cliMessage(err);
    if (err instanceof ConcurrentUpdateError) {
        return new OperationError("concurrent-update", message);
    }
    if (err instanceof StackNotFoundError) {
        return new OperationError("stack-not-found", message);
    }
    if (signal?.aborted) {
        return new OperationError("cancelled", message);
    }
    return new OperationError("command", message);
}

/**
 * Passes each engine event on once, by its `sequence` number. The SDK reads events from the CLI's
 * `--event-log` with @logdna/tail-file, whose `quit()` starts one last read while a timer-started
 * read may still be running (lib/tail-file.js: `quit` calls `_pollFileForChanges` without waiting
 * for the one in flight), so on a busy machine the tail of the log can be delivered twice.
 */
export function oncePerSequence(onEvent: (event: EngineEvent) => void): (event: EngineEvent) => void {
    const seen = new Set<number>();
    return (event) => {
        if (seen.has(event.sequence)) {
            return;
        }
        seen.add(event.sequence);
        onEvent(event);
    };
}

class LocalStack implements StackOps {
    constructor(
        private readonly stack: Stack,
        private readonly workDir: string,
    ) {}

    get name(): string {
        return this.stack.name;
    }

    async run(operation: Operation, options: OperationOptions): Promise<OperationResult> {
        // color never: the lines are prefixed and may end up in a PR comment; secrets stay masked (no showSecrets).
        const common = { onEvent: oncePerSequence(options.onEvent), onOutput: options.onOutput, signal: options.signal, color: "never" as const };
        const policyPacks = options.policyPacks?.length ? [...options.policyPacks] : undefined;
        try {
            let changes: OpMap;
            switch (operation) {
                case "preview":
                    changes = (await this.stack.preview({ ...common, diff: false, policyPacks })).changeSummary;
                    break;
                case "up":
                    changes = (await this.stack.up({ ...common, policyPacks })).summary.resourceChanges ?? {};
                    break;
                case "refresh":
                    changes = (await this.stack.refresh(common)).summary.resourceChanges ?? {};
                    break;
                case "destroy":
                    changes = (await this.stack.destroy(common)).summary.resourceChanges ?? {};
                    break;
            }
            return { changes };
        } catch (err) {
            throw asOperationError(err, options.signal);
        }
    }

    /**
     * `pulumi stack output --json` as the CLI prints it: it masks every secret where it sits.
     * (`stack.outputs()` only flags top-level secrets, so `clusters` would come back with its
     * kubeconfigs in plaintext and `secret: false`.)
     */
    maskedOutputs(): Promise<Record<string, unknown>> {
        const ws = this.stack.workspace;
        return new Promise((resolve, reject) => {
            execFile(
                ws.pulumiCommand.command,
                ["stack", "output", "--json", "--stack", this.stack.name, "--non-interactive"],
                { cwd: this.workDir, env: { ...process.env, ...ws.envVars }, maxBuffer: 64 * 1024 * 1024 },
                (err, stdout, stderr) => (err ? reject(new OperationError("command", stderr.trim() || err.message)) : resolve(JSON.parse(stdout) as Record<string, unknown>)),
            );
        });
    }

    async secretOutputs(): Promise<Record<string, unknown>> {
        try {
            const outputs = await this.stack.outputs();
            return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
        } catch (err) {
            throw asOperationError(err);
        }
    }

    async cancel(): Promise<void> {
        try {
            await this.stack.cancel();
        } catch (err) {
            throw asOperationError(err);
        }
    }
}

export class LocalAutomation implements Automation {
    constructor(private readonly workDir: string) {}

    async select(stackName: string, options?: { readonly create?: boolean }): Promise<StackOps> {
        try {
            const args = { stackName, workDir: this.workDir };
            const stack = options?.create ? await LocalWorkspace.createOrSelectStack(args) : await LocalWorkspace.selectStack(args);
            return new LocalStack(stack, this.workDir);
        } catch (err) {
            if (err instanceof StackNotFoundError) {
                // `pulumi stack select` fails with "no stack named 'x' found"; say which command
                // would create it, since only preview and up do.
                throw new OperationError("stack-not-found", `stack "${stackName}" does not exist in this backend (only preview and up create a stack)`);
            }
            throw asCliMissing(err) ?? asOperationError(err);
        }
    }
}
