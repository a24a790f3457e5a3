import type { EngineEvent } from "@pulumi/pulumi/automation";
import { DriverConsole, ProgressCounter, formatDuration } from "./console";
import { DEV_PREVIEW_EVENTS } from "./fixtures/events";

const pre = (urn: string, op: "create" | "same" = "create"): EngineEvent => ({ sequence: 0, timestamp: 0, resourcePreEvent: { metadata: { op, urn, type: urn.split("::")[2], provider: "" } } });
const done = (urn: string): EngineEvent => ({ sequence: 0, timestamp: 0, resOutputsEvent: { metadata: { op: "create", urn, type: urn.split("::")[2], provider: "" } } });
const failed = (urn: string): EngineEvent => ({ sequence: 0, timestamp: 0, resOpFailedEvent: { status: 1, steps: 1, metadata: { op: "create", urn, type: urn.split("::")[2], provider: "" } } });

describe("progress from engine events", () => {
    it("counts resources started and done, not the stack root, each URN once", () => {
        const p = new ProgressCounter();
        const a = "urn:pulumi:dev::homelab::proxmoxve:index/vmLegacy:VmLegacy::a";
        const b = "urn:pulumi:dev::homelab::proxmoxve:index/vmLegacy:VmLegacy::b";
        const c = "urn:pulumi:dev::homelab::proxmoxve:index/fileLegacy:FileLegacy::c";
        for (const e of [pre("urn:pulumi:dev::homelab::pulumi:pulumi:Stack::homelab-dev", "same"), pre(a), pre(b), pre(c), done(a), failed(b)]) {
            p.observe(e);
        }
        expect([p.done, p.total, p.failed]).toEqual([2, 3, 1]);
        expect(p.describe()).toBe("2/3 resources done, 1 in progress, 1 failed");
    });

    it("over a recorded preview: a replace's three steps are one resource", () => {
        const p = new ProgressCounter();
        DEV_PREVIEW_EVENTS.forEach((e) => p.observe(e));
        // provider, component, ProxmoxVm, 2 new files/VMs, replaced snippet, updated VM, the StackReference read.
        expect(p.total).toBe(8);
        expect(p.describe()).toBe("0/8 resources done, 8 in progress");
    });
});

describe("the console", () => {
    it("prefixes each line with the stack, aligned, and joins partial chunks", () => {
        const out: string[] = [];
        const c = new DriverConsole({ write: (t) => out.push(t), isTTY: false }, ["tools", "dev"]);
        c.output("dev", "Previewing update (dev):\n    + proxmoxve:index/vmLe");
        c.output("tools", "Resources:\r\n");
        c.output("dev", "gacy:VmLegacy k8s-dev-vm create\nunterminated");
        c.flush("dev");
        expect(out.join("")).toBe(
            ["dev   | Previewing update (dev):", "tools | Resources:", "dev   |     + proxmoxve:index/vmLegacy:VmLegacy k8s-dev-vm create", "dev   | unterminated", ""].join("\n"),
        );
    });

    it("in a log, prints a stack's progress at most once per interval", () => {
        const out: string[] = [];
        let t = 0;
        const c = new DriverConsole({ write: (x) => out.push(x), isTTY: false }, ["dev"], () => t, 10_000);
        c.setProgress("dev", "up: 1/5");
        t = 4_000;
        c.setProgress("dev", "up: 2/5");
        t = 10_000;
        c.setProgress("dev", "up: 3/5");
        c.endProgress("dev", "up succeeded");
        expect(out.join("")).toBe("dev | up: 1/5\ndev | up: 3/5\ndev | up succeeded\n");
    });

    it("on a terminal, keeps one live line per stack below the output and redraws it in place", () => {
        const out: string[] = [];
        const c = new DriverConsole({ write: (x) => out.push(x), isTTY: true }, ["dev", "prod"]);
        c.setProgress("dev", "up: 1/5");
        c.setProgress("prod", "up: 1/9");
        c.line("dev", "creating k8s-dev-vm");
        c.setProgress("dev", "up: 2/5");
        c.endProgress("dev", "up succeeded");
        expect(out).toEqual([
            "dev  | up: 1/5\n",
            "\x1b[1A\r\x1b[Jdev  | up: 1/5\nprod | up: 1/9\n",
            "\x1b[2A\r\x1b[Jdev  | creating k8s-dev-vm\ndev  | up: 1/5\nprod | up: 1/9\n",
            "\x1b[2A\r\x1b[Jdev  | up: 2/5\nprod | up: 1/9\n",
            "\x1b[2A\r\x1b[Jdev  | up succeeded\nprod | up: 1/9\n",
        ]);
    });

    it("formats durations", () => {
        expect([formatDuration(640), formatDuration(4_200), formatDuration(95_400), formatDuration(3_600_000)]).toEqual(["640ms", "4.2s", "1m35s", "60m00s"]);
    });
});
