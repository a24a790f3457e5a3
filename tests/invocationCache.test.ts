import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ProgramRun } from "../render/harness";
import { INVOCATION_DIR_ENV, invocationDir, sharedAsync, sharedSync, STRYKER_GLOBAL } from "./invocationCache";
import { decodeRun, encodeRun } from "./stackRuns";

describe("results shared by one Jest invocation's test files", () => {
    const saved = process.env[INVOCATION_DIR_ENV];
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-cache-test-"));
        process.env[INVOCATION_DIR_ENV] = dir;
    });
    afterEach(() => {
        process.env[INVOCATION_DIR_ENV] = saved;
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("is set up for this invocation by the global setup", () => {
        expect(path.basename(saved!)).toMatch(/^homelab-jest-/);
        expect(fs.statSync(saved!).isDirectory()).toBe(true);
        // The temporary folder the tests write to is inside it, so the teardown deletes what they leave.
        expect(os.tmpdir()).toBe(path.join(saved!, "tmp"));
        expect(fs.statSync(os.tmpdir()).isDirectory()).toBe(true);
    });

    it("computes a synchronous value once per key, and each key apart", () => {
        let calls = 0;
        const compute = (v: string) => () => ({ v, call: ++calls });
        expect(sharedSync("ns", "a", compute("a"))).toEqual({ v: "a", call: 1 });
        expect(sharedSync("ns", "a", compute("other"))).toEqual({ v: "a", call: 1 });
        expect(sharedSync("ns", "b", compute("b"))).toEqual({ v: "b", call: 2 });
        expect(sharedSync("other-ns", "a", compute("a"))).toEqual({ v: "a", call: 3 });
        expect(calls).toBe(3);
    });

    it("keeps the first published value when two computed the same key", () => {
        // Another file publishes while this one computes: this one's value loses, and it takes the other's.
        const raced = sharedSync("ns", "k", () => {
            expect(sharedSync("ns", "k", () => "first")).toBe("first");
            return "second";
        });
        expect([raced, sharedSync("ns", "k", () => "third")]).toEqual(["first", "first"]);
        expect(fs.readdirSync(path.join(dir, "ns"))).toHaveLength(1);
    });

    it("computes nothing shared without an invocation folder, or under Stryker", () => {
        let calls = 0;
        delete process.env[INVOCATION_DIR_ENV];
        expect(invocationDir()).toBeUndefined();
        sharedSync("ns", "a", () => ++calls);
        sharedSync("ns", "a", () => ++calls);
        expect(calls).toBe(2);

        process.env[INVOCATION_DIR_ENV] = dir;
        expect(invocationDir()).toBe(dir);
        (globalThis as Record<string, unknown>)[STRYKER_GLOBAL] = "__stryker__";
        try {
            expect(invocationDir()).toBeUndefined();
        } finally {
            delete (globalThis as Record<string, unknown>)[STRYKER_GLOBAL];
        }
    });

    it("lets concurrent askers of an asynchronous value wait for the one that computes it", async () => {
        let calls = 0;
        const compute = async () => {
            calls++;
            await new Promise((resolve) => setTimeout(resolve, 100));
            return { n: calls };
        };
        const results = await Promise.all([1, 2, 3].map(() => sharedAsync("runs", "dev", compute, JSON.stringify, JSON.parse)));
        expect(results).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
        expect(calls).toBe(1);
    });

    it("releases its lock when the computation throws, and takes over the lock of a process that died computing", async () => {
        await expect(sharedAsync("runs", "dev", () => Promise.reject(new Error("boom")), JSON.stringify, JSON.parse)).rejects.toThrow("boom");
        expect(fs.readdirSync(path.join(dir, "runs"))).toEqual([]);

        // The lock a process left when it died: its pid, now no one's.
        const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
        const lock = path.join(dir, "runs", `${crypto.createHash("sha256").update("dev").digest("hex")}.json.lock`);
        fs.mkdirSync(lock);
        fs.writeFileSync(path.join(lock, "pid"), dead.stdout);
        expect(await sharedAsync("runs", "dev", async () => "recomputed", JSON.stringify, JSON.parse)).toBe("recomputed");
        expect(fs.readdirSync(path.join(dir, "runs")).map((f) => f.replace(/^[0-9a-f]{64}/, "<sha256>"))).toEqual(["<sha256>.json"]);
    });

    it("records a run as text and reads back the same run: absent parents and providers, and a failure's error", () => {
        const run: ProgramRun = {
            resources: [
                {
                    urn: "urn:pulumi:dev::homelab::pulumi:pulumi:Stack::homelab-dev", type: "pulumi:pulumi:Stack", name: "homelab-dev", custom: false, parent: undefined,
                    dependencies: [], provider: undefined, protect: false, ignoreChanges: [], deleteBeforeReplace: false, additionalSecretOutputs: [], read: false,
                    inputs: { a: [1, "x", null] }, rawInputs: {}, secretPaths: [],
                },
            ],
            outputs: { k: "[secret]" }, rawOutputs: { k: "v" }, outputSecretPaths: ["k"], artefacts: [{ path: "a.yaml", content: "x: 1\n" }],
        };
        expect(decodeRun(encodeRun(run))).toStrictEqual(run);
        const error = new Error("vms/x.yaml: cores: must be at least 1");
        const failed = decodeRun(encodeRun({ ...run, resources: [], error }));
        expect(failed.error).toBeInstanceOf(Error);
        expect([failed.error!.message, failed.error!.stack]).toEqual([error.message, error.stack]);
        expect(failed.resources).toEqual([]);
    });
});
