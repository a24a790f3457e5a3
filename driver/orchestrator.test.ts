import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Automation, OperationError, PulumiCliMissingError } from "./automation";
import { DriverConsole } from "./console";
import { FakeAutomation, TimelineEntry } from "./fixtures/fakeAutomation";
import { DEFAULT_RETRY, DriverOperation, OrchestratorOptions, StackRun, changeCount, exitCode, resultTable, retryDelay, runStacks, summarize, summaryLine } from "./orchestrator";

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

describe("retry delays and change counts", () => {
    it("doubles the delay from the base on each attempt, capped at the maximum", () => {
        const policy = { attempts: 9, baseDelayMs: 5_000, maxDelayMs: 60_000 };
        expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(policy, n))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
        expect(DEFAULT_RETRY).toEqual({ attempts: 4, baseDelayMs: 5_000, maxDelayMs: 60_000 });
    });

    it("counts every step kind that changes something, not same or read", () => {
        expect(changeCount({ same: 40, read: 3, create: 1, update: 2, delete: 1, replace: 4 })).toBe(8);
        expect(changeCount({ same: 40, read: 3 })).toBe(0);
        expect(changeCount({ "create-replacement": 1, "delete-replaced": 1 })).toBe(2);
        expect(changeCount({ create: undefined, update: 2 })).toBe(2);
    });

    it("sorts stacks by result", () => {
        const r = (stack: string, result: StackRun["result"]): StackRun => ({ stack, operation: "up", result, changes: {}, durationMs: 0, events: [], attempts: 1 });
        expect(summarize([r("a", "succeeded"), r("b", "drifted"), r("c", "failed"), r("d", "skipped"), r("e", "cancelled"), r("f", "succeeded")])).toEqual({
            succeeded: ["a", "f"],
            drifted: ["b"],
            failed: ["c"],
            skipped: ["d"],
            cancelled: ["e"],
        });
    });
});

describe("what a run prints", () => {
    const pre = (urn: string, type = "proxmoxve:index/vmLegacy:VmLegacy"): EngineEvent => ({ sequence: 1, timestamp: 1, resourcePreEvent: { metadata: { op: "create", urn, type, provider: "" } } });

    it("the start, the first progress line once the engine plans a resource, the CLI's output, and the result with its changes", async () => {
        const events = [pre("urn:pulumi:dev::homelab::pulumi:pulumi:Stack::homelab-dev", "pulumi:pulumi:Stack"), pre("urn:pulumi:dev::homelab::proxmoxve:index/vmLegacy:VmLegacy::vm-1")];
        const fake = new FakeAutomation({ dev: { ops: { up: [{ events, output: "Updating (dev)\npartial", changes: { create: 1, update: 2, delete: 3, replace: 4, same: 5 } }] } } });
        const out = capture();
        let clock = 0;
        const runs = await runStacks({ automation: fake, operation: "up", stacks: ["dev"], console: out.console, graph: { dev: [] }, now: () => (clock += 1_000) });
        expect(out.lines()).toEqual([
            "dev   | up started",
            "dev   | Updating (dev)",
            "dev   | up: 0/1 resources done, 1 in progress (1.0s)",
            "dev   | partial",
            "dev   | up succeeded in 3.0s: 1 create, 2 update, 3 delete, 4 replace",
        ]);
        expect(runs).toEqual([{ stack: "dev", operation: "up", result: "succeeded", changes: { create: 1, update: 2, delete: 3, replace: 4, same: 5 }, durationMs: 3_000, message: undefined, events, attempts: 1 }]);
    });

    it("no progress line while the engine has planned only the stack itself, and `no changes` when nothing changed", async () => {
        const fake = new FakeAutomation({ dev: { ops: { preview: [{ events: [pre("urn:pulumi:dev::homelab::pulumi:pulumi:Stack::homelab-dev", "pulumi:pulumi:Stack")], changes: { same: 3 } }] } } });
        const out = capture();
        await runStacks({ automation: fake, operation: "preview", stacks: ["dev"], console: out.console, graph: { dev: [] }, now: () => 0 });
        expect(out.lines()).toEqual(["dev   | preview started", "dev   | preview succeeded in 0ms: no changes"]);
    });
});

describe("policy packs", () => {
    it("go to previews and updates only: drift's preview has them, its refresh, refresh and destroy do not", async () => {
        const packs = ["policies/homelab"];
        const seen: Record<string, unknown[]> = {};
        for (const operation of ["preview", "up", "refresh", "drift", "destroy"] as const) {
            const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} });
            await drive(fake, operation, { policyPacks: packs });
            seen[operation] = fake.timeline.filter((e) => e.stack === "dev").map((e) => [e.operation, e.policyPacks]);
        }
        expect(seen).toEqual({
            preview: [["preview", packs]],
            up: [["up", packs]],
            refresh: [["refresh", undefined]],
            drift: [
                ["refresh", undefined],
                ["preview", packs],
            ],
            destroy: [["destroy", undefined]],
        });
        const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} });
        await drive(fake, "up");
        expect(fake.timeline.map((e) => e.policyPacks)).toEqual([undefined, undefined, undefined]);
    });
});

describe("failures the CLI reports in other shapes", () => {
    /** An Automation whose one stack fails as told; `cancel` records its calls and fails as told. */
    function failing(run: () => Promise<never>, select?: () => Promise<never>, cancelError?: unknown) {
        const cancels: string[] = [];
        const automation: Automation = {
            select: async (stack) =>
                select
                    ? select()
                    : {
                          name: stack,
                          run,
                          maskedOutputs: async () => ({}),
                          secretOutputs: async () => ({}),
                          cancel: async () => {
                              cancels.push(stack);
                              if (cancelError !== undefined) {
                                  throw cancelError;
                              }
                          },
                      },
        };
        return { automation, cancels };
    }
    const runDev = async (automation: Automation, extra: Partial<OrchestratorOptions> = {}) => {
        const out = capture();
        const runs = await runStacks({ automation, operation: "up", stacks: ["dev"], console: out.console, graph: { dev: [] }, now: () => 0, ...extra });
        return { runs, lines: out.lines() };
    };

    it("an error that is not an OperationError fails the stack with its message, or its text when it is no Error", async () => {
        const { runs } = await runDev(failing(() => Promise.reject(new TypeError("spawn pulumi EACCES"))).automation);
        expect(runs[0]).toMatchObject({ result: "failed", message: "spawn pulumi EACCES", attempts: 1 });
        const thrown = await runDev(failing(() => Promise.reject("exit code 255")).automation);
        expect(thrown.runs[0]).toMatchObject({ result: "failed", message: "exit code 255", attempts: 1 });
        expect(thrown.lines).toEqual(["dev   | up started", "dev   | up failed in 0ms: exit code 255"]);
    });

    it("a select that throws something other than an Error", async () => {
        const { runs, lines } = await runDev(failing(() => Promise.reject(new Error("unused")), () => Promise.reject("backend unreachable")).automation);
        expect(runs[0]).toMatchObject({ result: "failed", message: "cannot select the stack: backend unreachable", attempts: 1 });
        expect(lines).toEqual(["dev   | up failed in 0ms: cannot select the stack: backend unreachable"]);
    });

    it("an operation the CLI reports as cancelled is cancelled, not failed, even without Ctrl-C", async () => {
        const { runs } = await runDev(failing(() => Promise.reject(new OperationError("cancelled", "update canceled"))).automation);
        expect(runs[0]).toMatchObject({ result: "cancelled", message: "cancelled: update canceled", attempts: 1 });
    });

    it("says so when `pulumi cancel` itself fails, and still ends the stack cancelled", async () => {
        for (const [cancelError, said] of [
            [new Error("no update in progress"), "no update in progress"],
            ["exit status 1", "exit status 1"],
        ] as const) {
            let reject: (e: unknown) => void = () => undefined;
            const pending = new Promise<never>((_resolve, r) => (reject = r));
            // Should the run end without waiting for the operation, its late rejection must fail this test, not the process.
            pending.catch(() => undefined);
            const { automation, cancels } = failing(() => pending, undefined, cancelError);
            const cancel = new AbortController();
            setTimeout(() => cancel.abort(), 20);
            const running = runDev(automation, { cancel: cancel.signal, cancelGraceMs: 30, interruptRunning: false });
            await new Promise((resolve) => setTimeout(resolve, 150));
            reject(new OperationError("cancelled", "the update was cancelled"));
            const { runs, lines } = await running;
            expect(cancels).toEqual(["dev"]);
            expect(lines).toEqual([
                "dev   | up started",
                "dev   | cancelling up: waiting for running steps to finish",
                "dev   | up still running: pulumi cancel",
                `dev   | pulumi cancel failed: ${said}`,
                "dev   | up cancelled in 0ms: cancelled: the update was cancelled",
            ]);
            expect(runs[0].result).toBe("cancelled");
        }
    });
});

describe("cancelled before anything starts", () => {
    it("starts no stack when Ctrl-C came before the run", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: {}, prod: {} });
        const cancel = new AbortController();
        cancel.abort();
        const { runs, out } = await drive(fake, "up", { cancel: cancel.signal });
        expect(runs.map((r) => [r.stack, r.result, r.message, r.attempts])).toEqual([
            ["tools", "cancelled", "not started: cancelled", 0],
            ["dev", "skipped", "skipped: tools cancelled", 0],
            ["prod", "skipped", "skipped: tools cancelled", 0],
        ]);
        expect(fake.selected).toEqual([]);
        expect(out.lines()).toEqual(["dev   | skipped: tools cancelled", "prod  | skipped: tools cancelled"]);
        expect(summaryLine(runs)).toBe("ran: none; failed: none; skipped: dev, prod; cancelled: tools");
    });

    it("Ctrl-C during the backoff of a locked stack ends the wait at once and starts no further attempt", async () => {
        const locked = new OperationError("concurrent-update", "the stack is currently locked by 1 lock(s)");
        const fake = new FakeAutomation({ tools: { ops: { up: [{ error: locked }] } }, dev: {}, prod: {} });
        const cancel = new AbortController();
        setTimeout(() => cancel.abort(), 50);
        const started = performance.now();
        const { runs } = await drive(fake, "up", { cancel: cancel.signal, retry: { attempts: 4, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(runs[0]).toMatchObject({ stack: "tools", result: "cancelled", message: "not started: cancelled", attempts: 1 });
        expect(fake.timeline).toHaveLength(1);
    });
});

describe("more of what a run reports", () => {
    it("names every failed stack a skipped one waited for", async () => {
        const fake = new FakeAutomation({ a: { ops: { up: [{ error: new OperationError("command", "a broke") }] } }, b: { ops: { up: [{ error: new OperationError("command", "b broke") }] } }, c: {} });
        const out = capture();
        const runs = await runStacks({ automation: fake, operation: "up", stacks: ["a", "b", "c"], console: out.console, graph: { a: [], b: [], c: ["a", "b"] }, now: () => 0 });
        expect(runs[2]).toEqual({ stack: "c", operation: "up", result: "skipped", changes: {}, durationMs: 0, message: "skipped: a failed, b failed", events: [], attempts: 0 });
    });

    it("a drift whose refresh fails stops there; one whose preview fails counts both operations' attempts", async () => {
        const fake = new FakeAutomation({
            tools: { ops: { refresh: [{ error: new OperationError("command", "refresh broke") }] } },
            dev: { ops: { preview: [{ error: new OperationError("command", "preview broke") }] } },
            prod: {},
        });
        const { runs } = await drive(fake, "drift", { graph: { tools: [], dev: [], prod: [] } });
        expect(runs.map((r) => [r.stack, r.result, r.message, r.attempts, r.changes, r.events])).toEqual([
            ["tools", "failed", "refresh broke", 1, {}, []],
            ["dev", "failed", "preview broke", 2, {}, []],
            ["prod", "succeeded", "no drift", 2, {}, []],
        ]);
        expect(fake.timeline.filter((e) => e.stack === "tools").map((e) => e.operation)).toEqual(["refresh"]);
    });

    it("a stack that could not be selected carries no events", async () => {
        const fake = new FakeAutomation({ tools: {}, dev: { selectError: new OperationError("stack-not-found", "no stack named 'dev' found") }, prod: {} });
        const { runs } = await drive(fake, "preview");
        expect(runs[1]).toMatchObject({ result: "failed", events: [], attempts: 1, changes: {} });
    });

    it("Ctrl-C after a stack finished says nothing about it", async () => {
        const fake = new FakeAutomation({ tools: { ops: { up: [{ durationMs: 10 }] } }, dev: { ops: { up: [{ durationMs: 10_000 }] } }, prod: { ops: { up: [{ durationMs: 10_000 }] } } });
        const cancel = new AbortController();
        setTimeout(() => cancel.abort(), 100);
        const { out } = await drive(fake, "up", { cancel: cancel.signal, cancelGraceMs: 5_000 });
        expect(out.lines().filter((l) => l.includes("cancelling"))).toEqual(["dev   | cancelling up: waiting for running steps to finish", "prod  | cancelling up: waiting for running steps to finish"]);
    });

    it("with the second Ctrl-C already given, the first one runs `pulumi cancel` at once", async () => {
        const fake = new FakeAutomation({ tools: { ops: { up: [{ durationMs: 10_000, ignoreSignal: true }] } }, dev: {}, prod: {} });
        const cancel = new AbortController();
        const force = new AbortController();
        force.abort();
        setTimeout(() => cancel.abort(), 30);
        const started = performance.now();
        await drive(fake, "up", { cancel: cancel.signal, force: force.signal, cancelGraceMs: 60_000 });
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(fake.cancels).toEqual(["tools"]);
    });
});
