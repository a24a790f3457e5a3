import type { EngineEvent, OpMap } from "@pulumi/pulumi/automation";
import { Automation, Operation, OperationError, OperationResult, PulumiCliMissingError, StackOps } from "./automation";
import { DriverConsole, ProgressCounter, formatDuration } from "./console";
import { STACK_GRAPH, dependenciesOf, orderStacks } from "./graph";

/**
 * Runs one operation over several stacks in the order of the declared graph: a stack starts once
 * everything it waits for succeeded (stacks with nothing between them run at the same time); a
 * failed stack skips those that wait for it while the others go on. `destroy` walks the graph
 * backwards. `drift` is a refresh and then a preview that must propose no change.
 */

export type DriverOperation = Operation | "drift";
export type StackResultKind = "succeeded" | "drifted" | "failed" | "skipped" | "cancelled";

export interface StackRun {
    readonly stack: string;
    readonly operation: DriverOperation;
    readonly result: StackResultKind;
    /** Changes made or proposed (drift: the preview's), by step kind. */
    readonly changes: OpMap;
    readonly durationMs: number;
    /** Why it failed, was skipped or drifted; the CLI's message for failures. */
    readonly message?: string;
    /** The engine events of the last operation run (drift: the preview's), for the PR comment. */
    readonly events: readonly EngineEvent[];
    readonly attempts: number;
}

export interface RetryPolicy {
    /** Total attempts when the stack is locked by another update (ConcurrentUpdateError). */
    readonly attempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 5_000, maxDelayMs: 60_000 };

export interface OrchestratorOptions {
    readonly automation: Automation;
    readonly operation: DriverOperation;
    /** The stacks to run; the order comes from the graph. */
    readonly stacks: readonly string[];
    readonly console: DriverConsole;
    readonly graph?: Readonly<Record<string, readonly string[]>>;
    /** Aborted on Ctrl-C: running operations are interrupted (the CLI gets SIGINT), nothing new starts. */
    readonly cancel?: AbortSignal;
    /** Aborted on a second Ctrl-C: `pulumi cancel` at once for stacks still running. */
    readonly force?: AbortSignal;
    /** After Ctrl-C, how long an operation may take to stop before `pulumi cancel` releases its stack. */
    readonly cancelGraceMs?: number;
    readonly retry?: RetryPolicy;
    readonly now?: () => number;
    /**
     * Whether Ctrl-C interrupts running operations through their signal (SIGINT to the CLI).
     * False when the CLI processes got the terminal's SIGINT themselves: a second one would make
     * them terminate at once instead of cancelling cleanly.
     */
    readonly interruptRunning?: boolean;
    /** CrossGuard packs enforced by previews and updates (drift's preview included). */
    readonly policyPacks?: readonly string[];
}

/** Backoff before attempt `attempt + 1`: doubling from the base, capped. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
    return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
        if (signal?.aborted) {
            resolve();
            return;
        }
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
    });
}

const CHANGE_KINDS = ["create", "update", "delete", "replace"] as const;

/** Steps that change something: every kind but `same` (and reads, which change nothing). */
export function changeCount(changes: OpMap): number {
    return Object.entries(changes)
        .filter(([op]) => op !== "same" && op !== "read")
        .reduce((sum, [, n]) => sum + (n ?? 0), 0);
}

function describeChanges(changes: OpMap): string {
    const parts = CHANGE_KINDS.filter((k) => (changes[k] ?? 0) > 0).map((k) => `${changes[k]} ${k}`);
    return parts.length > 0 ? parts.join(", ") : "no changes";
}

export async function runStacks(options: OrchestratorOptions): Promise<StackRun[]> {
    const graph = options.graph ?? STACK_GRAPH;
    const direction = options.operation === "destroy" ? "reverse" : "forward";
    const order = orderStacks(graph, options.stacks, direction);
    const waits = dependenciesOf(graph, order, direction);
    const now = options.now ?? Date.now;
    const out = options.console;
    // Ends everything when there is no CLI at all: one line, not one failure per stack.
    const fatal = new AbortController();
    let fatalError: Error | undefined;
    const cancel = anySignal([options.cancel, fatal.signal]);

    const runs = new Map<string, Promise<StackRun>>();
    const schedule = (stack: string): Promise<StackRun> => {
        let run = runs.get(stack);
        if (!run) {
            run = (async () => {
                const before = await Promise.all(waits[stack].map(schedule));
                const blocked = before.filter((r) => r.result !== "succeeded" && r.result !== "drifted");
                if (fatal.signal.aborted) {
                    // No CLI: the one error line says it all.
                    return { stack, operation: options.operation, result: "skipped", changes: {}, durationMs: 0, message: "no Pulumi CLI", events: [], attempts: 0 };
                }
                if (blocked.length > 0) {
                    const message = `skipped: ${blocked.map((r) => `${r.stack} ${r.result}`).join(", ")}`;
                    out.line(stack, message);
                    return { stack, operation: options.operation, result: "skipped", changes: {}, durationMs: 0, message, events: [], attempts: 0 };
                }
                if (cancel.aborted) {
                    return { stack, operation: options.operation, result: "cancelled", changes: {}, durationMs: 0, message: "not started: cancelled", events: [], attempts: 0 };
                }
                try {
                    return await runOne(stack);
                } catch (err) {
                    if (err instanceof PulumiCliMissingError) {
                        fatalError ??= err;
                        fatal.abort();
                        return { stack, operation: options.operation, result: "failed", changes: {}, durationMs: 0, message: err.message, events: [], attempts: 0 };
                    }
                    throw err;
                }
            })();
            runs.set(stack, run);
        }
        return run;
    };

    const runOne = async (stack: string): Promise<StackRun> => {
        const started = now();
        const finish = (result: StackResultKind, changes: OpMap, events: readonly EngineEvent[], attempts: number, message?: string): StackRun => {
            const durationMs = now() - started;
            const detail = message ?? describeChanges(changes);
            out.endProgress(stack, `${options.operation} ${result} in ${formatDuration(durationMs)}: ${detail}`);
            return { stack, operation: options.operation, result, changes, durationMs, message, events, attempts };
        };
        let ops: StackOps;
        try {
            // Only preview and up may bring a stack into being; refresh, drift and destroy of a
            // missing stack are errors, not new empty stacks.
            ops = await options.automation.select(stack, { create: options.operation === "preview" || options.operation === "up" });
        } catch (err) {
            if (err instanceof PulumiCliMissingError) {
                throw err;
            }
            return finish("failed", {}, [], 1, `cannot select the stack: ${err instanceof Error ? err.message : String(err)}`);
        }
        out.line(stack, `${options.operation} started`);
        if (options.operation === "drift") {
            const refresh = await attempt(ops, "refresh");
            if (!refresh.ok) {
                return finish(refresh.kind, {}, refresh.events, refresh.attempts, refresh.message);
            }
            const preview = await attempt(ops, "preview");
            if (!preview.ok) {
                return finish(preview.kind, {}, preview.events, refresh.attempts + preview.attempts, preview.message);
            }
            const refreshed = changeCount(refresh.result.changes);
            const proposed = changeCount(preview.result.changes);
            if (refreshed + proposed === 0) {
                return finish("succeeded", preview.result.changes, preview.events, refresh.attempts + preview.attempts, "no drift");
            }
            const message = `drift: refresh changed ${refreshed} resource${refreshed === 1 ? "" : "s"} in state; preview proposes ${describeChanges(preview.result.changes)}`;
            return finish("drifted", preview.result.changes, preview.events, refresh.attempts + preview.attempts, message);
        }
        const outcome = await attempt(ops, options.operation);
        return outcome.ok ? finish("succeeded", outcome.result.changes, outcome.events, outcome.attempts) : finish(outcome.kind, {}, outcome.events, outcome.attempts, outcome.message);
    };

    type Attempt = { ok: true; result: OperationResult; events: EngineEvent[]; attempts: number } | { ok: false; kind: "failed" | "cancelled"; message: string; events: EngineEvent[]; attempts: number };

    const attempt = async (ops: StackOps, operation: Operation): Promise<Attempt> => {
        const retry = options.retry ?? DEFAULT_RETRY;
        const stack = ops.name;
        for (let n = 1; ; n++) {
            const events: EngineEvent[] = [];
            const progress = new ProgressCounter();
            const started = now();
            const interrupt = new AbortController();
            let stopping: Promise<void> | undefined;
            // Aborted when the operation ends, which ends the grace period early.
            const ended = new AbortController();
            // Ctrl-C: SIGINT to the CLI (via the signal); if it has not stopped after the grace
            // period, or on a second Ctrl-C, `pulumi cancel` so the stack is not left locked.
            const onCancel = () => {
                out.line(stack, `cancelling ${operation}: waiting for running steps to finish`);
                if (options.interruptRunning !== false) {
                    interrupt.abort();
                }
                const grace = anySignal([options.force, ended.signal]);
                stopping = sleep(options.cancelGraceMs ?? 120_000, grace).then(async () => {
                    if (ended.signal.aborted) {
                        return;
                    }
                    out.line(stack, `${operation} still running: pulumi cancel`);
                    try {
                        await ops.cancel();
                    } catch (err) {
                        out.line(stack, `pulumi cancel failed: ${err instanceof Error ? err.message : String(err)}`);
                    }
                });
            };
            if (cancel.aborted) {
                return { ok: false, kind: "cancelled", message: "not started: cancelled", events, attempts: n - 1 };
            }
            cancel.addEventListener("abort", onCancel, { once: true });
            try {
                const result = await ops.run(operation, {
                    signal: interrupt.signal,
                    ...(options.policyPacks && (operation === "preview" || operation === "up") ? { policyPacks: options.policyPacks } : {}),
                    onOutput: (text) => out.output(stack, text),
                    onEvent: (event) => {
                        events.push(event);
                        progress.observe(event);
                        if (progress.total > 0) {
                            out.setProgress(stack, `${operation}: ${progress.describe()} (${formatDuration(now() - started)})`);
                        }
                    },
                });
                return { ok: true, result, events, attempts: n };
            } catch (err) {
                const error = err instanceof OperationError ? err : new OperationError("command", err instanceof Error ? err.message : String(err));
                if (cancel.aborted || error.kind === "cancelled") {
                    return { ok: false, kind: "cancelled", message: `cancelled: ${error.message}`, events, attempts: n };
                }
                if (error.kind === "concurrent-update" && n < retry.attempts) {
                    const delay = retryDelay(retry, n);
                    out.line(stack, `locked by another update; retrying in ${formatDuration(delay)} (attempt ${n + 1} of ${retry.attempts})`);
                    await sleep(delay, cancel);
                    continue;
                }
                const message = error.kind === "concurrent-update" ? `still locked by another update after ${n} attempts: ${error.message}` : error.message;
                return { ok: false, kind: "failed", message, events, attempts: n };
            } finally {
                ended.abort();
                cancel.removeEventListener("abort", onCancel);
                out.flush(stack);
                await stopping;
            }
        }
    };

    const results = await Promise.all(order.map(schedule));
    if (fatalError) {
        throw fatalError;
    }
    return results;
}

/** An AbortSignal that aborts when any of the given ones does. */
function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
    const controller = new AbortController();
    for (const s of signals) {
        if (!s) {
            continue;
        }
        if (s.aborted) {
            controller.abort();
            break;
        }
        s.addEventListener("abort", () => controller.abort(), { once: true });
    }
    return controller.signal;
}

export type Summary = Record<StackResultKind, string[]>;

export function summarize(runs: readonly StackRun[]): Summary {
    const summary: Summary = { succeeded: [], drifted: [], failed: [], skipped: [], cancelled: [] };
    for (const r of runs) {
        summary[r.result].push(r.stack);
    }
    return summary;
}

/** Non-zero when any stack failed, drifted or was cancelled or skipped. */
export function exitCode(runs: readonly StackRun[]): number {
    return runs.every((r) => r.result === "succeeded") ? 0 : 1;
}

export function summaryLine(runs: readonly StackRun[]): string {
    const s = summarize(runs);
    const ran = runs.filter((r) => r.attempts > 0).map((r) => r.stack);
    const list = (names: string[]) => (names.length > 0 ? names.join(", ") : "none");
    const parts = [`ran: ${list(ran)}`, `failed: ${list(s.failed)}`, `skipped: ${list(s.skipped)}`];
    if (s.drifted.length > 0) {
        parts.push(`drifted: ${list(s.drifted)}`);
    }
    if (s.cancelled.length > 0) {
        parts.push(`cancelled: ${list(s.cancelled)}`);
    }
    return parts.join("; ");
}

/** The final table: stack, operation, result, creates, updates, deletes, replaces, duration. */
export function resultTable(runs: readonly StackRun[]): string {
    const header = ["stack", "operation", "result", "creates", "updates", "deletes", "replaces", "duration"];
    const rows = runs.map((r) => [
        r.stack,
        r.operation,
        r.result,
        ...CHANGE_KINDS.map((k) => String(r.changes[k] ?? 0)),
        r.attempts > 0 ? formatDuration(r.durationMs) : "-",
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    // Text left, numbers right.
    const fmt = (row: string[]) =>
        row
            .map((cell, i) => (i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return [fmt(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)].join("\n");
}
