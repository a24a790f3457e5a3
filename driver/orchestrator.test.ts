import { OperationError, PulumiCliMissingError } from "./automation";
import { DriverConsole } from "./console";
import { FakeAutomation, TimelineEntry } from "./fixtures/fakeAutomation";
import { DriverOperation, OrchestratorOptions, StackRun, exitCode, resultTable, runStacks, summaryLine } from "./orchestrator";

function capture() {
    const chunks: string[] = [];
    const console = new DriverConsole({ write: (t) => chunks.push(t), isTTY: false }, ["tools", "dev", "prod"], Date.now, 60_000);
    return { console, text: () => chunks.join(""), lines: () => chunks.join("").split("\n").filter(Boolean) };
}

const FAST = { attempts: 4, baseDelayMs: 20, maxDelayMs: 1_000 };

async function drive(fake: FakeAutomation, operation: DriverOperation, extra: Partial<OrchestratorOptions> = {}) {
    const out = capture();
    const runs = await runStacks({ automation: fake, operation, stacks: ["tools", "dev", "prod"], console: out.console, retry: FAST, ...extra });
    return { runs, out };
}

const entry = (fake: FakeAutomation, stack: string, nth = 0): TimelineEntry => fake.timeline.filter((e) => e.stack === stack)[nth];
const results = (runs: StackRun[]) => Object.fromEntries(runs.map((r) => [r.stack, r.result]));

describe("order and parallelism", () => {
    it("runs tools first, then dev and prod at the same time", async () => {
        const fake = new FakeAutomation({
            tools: { ops: { up: [{ durationMs: 60, changes: { create: 2, same: 55 } }] } },
            dev: { ops: { up: [{ durationMs: 200, changes: { create: 1, update: 2, same: 39 } }] } },
            prod: { ops: { up: [{ durationMs: 200, changes: { replace: 1, delete: 1, same: 42 } }] } },
        });
        const { runs } = await drive(fake, "up");
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "succeeded", prod: "succeeded" });
        const [tools, dev, prod] = ["tools", "dev", "prod"].map((s) => entry(fake, s));
        expect(dev.start).toBeGreaterThanOrEqual(tools.end!);
        expect(prod.start).toBeGreaterThanOrEqual(tools.end!);
        // Overlap: each started before the other ended.
        expect(dev.start).toBeLessThan(prod.end!);
        expect(prod.start).toBeLessThan(dev.end!);
        expect(runs.map((r) => r.changes)).toEqual([{ create: 2, same: 55 }, { create: 1, update: 2, same: 39 }, { replace: 1, delete: 1, same: 42 }]);
        expect(exitCode(runs)).toBe(0);
        expect(summaryLine(runs)).toBe("ran: tools, dev, prod; failed: none; skipped: none");
        expect(fake.locks.size).toBe(0);
    });

    it("destroys in reverse: dev and prod together, tools after both", async () => {
        const fake = new FakeAutomation({
            tools: { ops: { destroy: [{ durationMs: 10 }] } },
            dev: { ops: { destroy: [{ durationMs: 120 }] } },
            prod: { ops: { destroy: [{ durationMs: 60 }] } },
        });
        const { runs } = await drive(fake, "destroy");
        const [tools, dev, prod] = ["tools", "dev", "prod"].map((s) => entry(fake, s));
        expect(tools.start).toBeGreaterThanOrEqual(Math.max(dev.end!, prod.end!));
        expect(dev.start).toBeLessThan(prod.end!);
        expect(prod.start).toBeLessThan(dev.end!);
        // The result list keeps the run order: dependents first.
        expect(runs.map((r) => r.stack)).toEqual(["dev", "prod", "tools"]);
    });

    it("runs only the stacks asked for, in graph order", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} });
        const out = capture();
        const runs = await runStacks({ automation: fake, operation: "preview", stacks: ["prod", "tools"], console: out.console });
        expect(runs.map((r) => r.stack)).toEqual(["tools", "prod"]);
        expect(fake.selected).toEqual(["tools", "prod"]);
    });
});

describe("failures", () => {
    it("a failed stack skips its dependents; its message is the CLI's", async () => {
        const fake = new FakeAutomation({
            tools: { ops: { up: [{ error: new OperationError("command", "proxmoxve:index/vmLegacy:VmLegacy resource 'k8s-tools-vm': 596 Connection timed out") }] } },
            dev: {},
            prod: {},
        });
        const { runs, out } = await drive(fake, "up");
        expect(results(runs)).toEqual({ tools: "failed", dev: "skipped", prod: "skipped" });
        expect(runs[0].message).toBe("proxmoxve:index/vmLegacy:VmLegacy resource 'k8s-tools-vm': 596 Connection timed out");
        expect(fake.selected).toEqual(["tools"]);
        expect(out.lines()).toEqual([
            "tools | up started",
            expect.stringMatching(/^tools \| up failed in \d+ms: proxmoxve:index\/vmLegacy:VmLegacy resource 'k8s-tools-vm': 596 Connection timed out$/),
            "dev   | skipped: tools failed",
            "prod  | skipped: tools failed",
        ]);
        expect(exitCode(runs)).toBe(1);
        expect(summaryLine(runs)).toBe("ran: tools; failed: tools; skipped: dev, prod");
    });

    it("the other stacks go on when one fails", async () => {
        const fake = new FakeAutomation({
            tools: {},
            dev: { ops: { up: [{ durationMs: 10, error: new OperationError("command", "talosctl bootstrap failed") }] } },
            prod: { ops: { up: [{ durationMs: 80, changes: { update: 1 } }] } },
        });
        const { runs } = await drive(fake, "up");
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "failed", prod: "succeeded" });
        expect(summaryLine(runs)).toBe("ran: tools, dev, prod; failed: dev; skipped: none");
        expect(exitCode(runs)).toBe(1);
    });

    it("a failed destroy of a dependent keeps tools", async () => {
        const fake = new FakeAutomation({
            tools: {},
            dev: {},
            prod: { ops: { destroy: [{ error: new OperationError("command", "resource is protected") }] } },
        });
        const { runs } = await drive(fake, "destroy");
        expect(results(runs)).toEqual({ dev: "succeeded", prod: "failed", tools: "skipped" });
        expect(runs.find((r) => r.stack === "tools")!.message).toBe("skipped: prod failed");
    });

    it("a stack that cannot be selected fails alone", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: { selectError: new OperationError("stack-not-found", "no stack named 'dev' found") }, prod: {} });
        const { runs } = await drive(fake, "preview");
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "failed", prod: "succeeded" });
        expect(runs[1].message).toBe("cannot select the stack: no stack named 'dev' found");
    });

    it("only preview and up may create a missing stack; refresh, drift and destroy only select", async () => {
        const modes: Record<string, string[]> = {};
        for (const operation of ["preview", "up", "refresh", "drift", "destroy"] as const) {
            const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} });
            await drive(fake, operation);
            modes[operation] = [...fake.selectModes].sort();
        }
        const all = (mode: string) => ["dev", "prod", "tools"].map((s) => `${s}:${mode}`);
        expect(modes).toEqual({ preview: all("create-or-select"), up: all("create-or-select"), refresh: all("select"), drift: all("select"), destroy: all("select") });
    });

    it("without a CLI the whole run stops with that one error and prints nothing else", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} }, true);
        const out = capture();
        await expect(runStacks({ automation: fake, operation: "up", stacks: ["tools", "dev", "prod"], console: out.console })).rejects.toBeInstanceOf(PulumiCliMissingError);
        expect(out.text()).toBe("");
    });
});

describe("retries", () => {
    const locked = () => new OperationError("concurrent-update", "the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.");

    it("retries a locked stack with doubling backoff, then succeeds", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: { ops: { up: [{ error: locked() }, { error: locked() }, { changes: { update: 1 } }] } }, prod: {} });
        const { runs, out } = await drive(fake, "up");
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "succeeded", prod: "succeeded" });
        expect(runs[1].attempts).toBe(3);
        const tries = fake.timeline.filter((e) => e.stack === "dev");
        expect(tries.map((t) => t.outcome)).toEqual(["error", "error", "ok"]);
        expect(tries[1].start - tries[0].end!).toBeGreaterThanOrEqual(19);
        expect(tries[2].start - tries[1].end!).toBeGreaterThanOrEqual(39);
        expect(out.lines().filter((l) => l.includes("retrying"))).toEqual([
            "dev   | locked by another update; retrying in 20ms (attempt 2 of 4)",
            "dev   | locked by another update; retrying in 40ms (attempt 3 of 4)",
        ]);
    });

    it("gives up after the bounded number of attempts", async () => {
        const fake = new FakeAutomation({ tools: { ops: { up: [{ error: locked() }] } }, dev: {}, prod: {} });
        const { runs } = await drive(fake, "up");
        expect(fake.timeline.filter((e) => e.stack === "tools")).toHaveLength(4);
        expect(runs[0]).toMatchObject({ result: "failed", attempts: 4, message: `still locked by another update after 4 attempts: ${locked().message}` });
        expect(results(runs)).toEqual({ tools: "failed", dev: "skipped", prod: "skipped" });
    });

    it("does not retry other errors", async () => {
        const fake = new FakeAutomation({ tools: { ops: { up: [{ error: new OperationError("command", "boom") }, {}] } }, dev: {}, prod: {} });
        await drive(fake, "up");
        expect(fake.timeline.filter((e) => e.stack === "tools")).toHaveLength(1);
    });
});

describe("cancel (Ctrl-C)", () => {
    it("interrupts running operations, leaves no stack locked and starts nothing new", async () => {
        const fake = new FakeAutomation({
            tools: { ops: { up: [{ durationMs: 10 }] } },
            dev: { ops: { up: [{ durationMs: 10_000 }] } },
            prod: { ops: { up: [{ durationMs: 10_000 }] } },
        });
        const cancel = new AbortController();
        const started = performance.now();
        setTimeout(() => cancel.abort(), 100);
        const { runs, out } = await drive(fake, "up", { cancel: cancel.signal, cancelGraceMs: 5_000 });
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "cancelled", prod: "cancelled" });
        expect(fake.timeline.map((e) => `${e.stack}:${e.outcome}`)).toEqual(["tools:ok", "dev:aborted", "prod:aborted"]);
        expect(fake.locks.size).toBe(0);
        // The CLI stopped by itself: no `pulumi cancel` needed.
        expect(fake.cancels).toEqual([]);
        expect(out.lines()).toContain("dev   | cancelling up: waiting for running steps to finish");
        expect(runs[1].message).toBe("cancelled: update canceled");
        expect(exitCode(runs)).toBe(1);
        expect(summaryLine(runs)).toBe("ran: tools, dev, prod; failed: none; skipped: none; cancelled: dev, prod");
    });

    it("cancelled before a stack starts: it never starts and its dependents are skipped", async () => {
        const fake = new FakeAutomation({ tools: { ops: { up: [{ durationMs: 10_000 }] } }, dev: {}, prod: {} });
        const cancel = new AbortController();
        setTimeout(() => cancel.abort(), 50);
        const { runs } = await drive(fake, "up", { cancel: cancel.signal });
        expect(results(runs)).toEqual({ tools: "cancelled", dev: "skipped", prod: "skipped" });
        expect(fake.selected).toEqual(["tools"]);
        expect(fake.locks.size).toBe(0);
    });

    it("a CLI that does not stop within the grace period gets `pulumi cancel`, which unlocks the stack", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: { ops: { up: [{ durationMs: 10_000, ignoreSignal: true }] } }, prod: { ops: { up: [{ durationMs: 10_000 }] } } });
        const cancel = new AbortController();
        setTimeout(() => cancel.abort(), 80);
        const { runs, out } = await drive(fake, "up", { cancel: cancel.signal, cancelGraceMs: 100 });
        expect(fake.cancels).toEqual(["dev"]);
        expect(fake.locks.size).toBe(0);
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "cancelled", prod: "cancelled" });
        expect(out.lines()).toContain("dev   | up still running: pulumi cancel");
    });

    it("a second Ctrl-C runs `pulumi cancel` at once", async () => {
        const fake = new FakeAutomation({ tools: { ops: { up: [{ durationMs: 10_000, ignoreSignal: true }] } }, dev: {}, prod: {} });
        const cancel = new AbortController();
        const force = new AbortController();
        setTimeout(() => cancel.abort(), 30);
        setTimeout(() => force.abort(), 60);
        const started = performance.now();
        const { runs } = await drive(fake, "up", { cancel: cancel.signal, force: force.signal, cancelGraceMs: 60_000 });
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(fake.cancels).toEqual(["tools"]);
        expect(results(runs)).toEqual({ tools: "cancelled", dev: "skipped", prod: "skipped" });
        expect(fake.locks.size).toBe(0);
    });

    it("when the CLI got the terminal's Ctrl-C itself, the driver does not signal it again", async () => {
        const fake = new FakeAutomation({ tools: { ops: { up: [{ durationMs: 150 }] } }, dev: {}, prod: {} });
        const cancel = new AbortController();
        setTimeout(() => cancel.abort(), 30);
        const { runs } = await drive(fake, "up", { cancel: cancel.signal, interruptRunning: false, cancelGraceMs: 5_000 });
        // Not aborted through the signal: it ran to its end (a real CLI would have stopped on the terminal's SIGINT).
        expect(fake.timeline.map((e) => `${e.stack}:${e.outcome}`)).toEqual(["tools:ok"]);
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "cancelled", prod: "cancelled" });
        expect(fake.cancels).toEqual([]);
    });
});

describe("drift", () => {
    it("refresh, then a preview that must propose nothing; drift is non-zero but skips nothing", async () => {
        const fake = new FakeAutomation({
            tools: { ops: { refresh: [{ changes: { same: 57 } }], preview: [{ changes: { same: 57 } }] } },
            dev: { ops: { refresh: [{ changes: { update: 1, same: 41 } }], preview: [{ changes: { update: 1, same: 41 } }] } },
            prod: { ops: { refresh: [{ changes: { same: 44 } }], preview: [{ changes: { same: 44 } }] } },
        });
        const { runs } = await drive(fake, "drift");
        expect(fake.timeline.filter((e) => e.stack === "dev").map((e) => e.operation)).toEqual(["refresh", "preview"]);
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "drifted", prod: "succeeded" });
        expect(runs[0].message).toBe("no drift");
        expect(runs[1].message).toBe("drift: refresh changed 1 resource in state; preview proposes 1 update");
        expect(exitCode(runs)).toBe(1);
        expect(summaryLine(runs)).toBe("ran: tools, dev, prod; failed: none; skipped: none; drifted: dev");
    });

    it("drift that shows only in the refresh (the preview proposes nothing) is still drift", async () => {
        const fake = new FakeAutomation({
            tools: {},
            dev: { ops: { refresh: [{ changes: { update: 2, same: 40 } }], preview: [{ changes: { same: 42 } }] } },
            prod: {},
        });
        const { runs } = await drive(fake, "drift");
        expect(results(runs)).toEqual({ tools: "succeeded", dev: "drifted", prod: "succeeded" });
        expect(runs[1].message).toBe("drift: refresh changed 2 resources in state; preview proposes no changes");
        expect(exitCode(runs)).toBe(1);
    });

    it("a drifted tools stack still lets dev and prod be checked", async () => {
        const fake = new FakeAutomation({ tools: { ops: { preview: [{ changes: { create: 1 } }] } }, dev: {}, prod: {} });
        const { runs } = await drive(fake, "drift");
        expect(results(runs)).toEqual({ tools: "drifted", dev: "succeeded", prod: "succeeded" });
    });
});

describe("the final table", () => {
    it("lists stack, operation, result, creates, updates, deletes, replaces and duration", () => {
        const runs: StackRun[] = [
            { stack: "tools", operation: "up", result: "succeeded", changes: { create: 12, same: 45 }, durationMs: 95_400, events: [], attempts: 1 },
            { stack: "dev", operation: "up", result: "failed", changes: {}, durationMs: 4_200, message: "boom", events: [], attempts: 2 },
            { stack: "prod", operation: "up", result: "succeeded", changes: { update: 2, delete: 1, replace: 3 }, durationMs: 640, events: [], attempts: 1 },
            { stack: "obs", operation: "up", result: "skipped", changes: {}, durationMs: 0, events: [], attempts: 0 },
        ];
        expect(resultTable(runs)).toBe(
            [
                "stack  operation  result     creates  updates  deletes  replaces  duration",
                "-----  ---------  ---------  -------  -------  -------  --------  --------",
                "tools  up         succeeded       12        0        0         0     1m35s",
                "dev    up         failed           0        0        0         0      4.2s",
                "prod   up         succeeded        0        2        1         3     640ms",
                "obs    up         skipped          0        0        0         0         -",
            ].join("\n"),
        );
    });
});
