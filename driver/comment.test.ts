import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { COMMENT_LIMIT, changedResources, commentMarker, diagnostics, noStacksComment, renderComment, stackMarker, stripAnsi } from "./comment";
import { DEV_PREVIEW_CHANGES, DEV_PREVIEW_EVENTS, PROD_FAILED_PREVIEW_EVENTS } from "./fixtures/events";
import type { StackRun } from "./orchestrator";

const run = (stack: string, extra: Partial<StackRun>): StackRun => ({ stack, operation: "preview", result: "succeeded", changes: {}, durationMs: 1000, events: [], attempts: 1, ...extra });

describe("PR comment", () => {
    it("renders recorded previews: totals, changed resources, diagnostics, one <details> per stack", () => {
        const md = renderComment(
            [
                run("tools", { changes: { same: 57 } }),
                run("dev", { changes: DEV_PREVIEW_CHANGES, events: DEV_PREVIEW_EVENTS }),
                run("prod", { result: "failed", events: PROD_FAILED_PREVIEW_EVENTS, message: "preview failed" }),
            ],
            { project: "homelab" },
        );
        expect(md).toBe(`<!-- platform-preview:homelab -->
## Pulumi preview: \`homelab\`

| stack | result | create | update | delete | replace | unchanged |
|---|---|---:|---:|---:|---:|---:|
| tools | succeeded | 0 | 0 | 0 | 0 | 57 |
| dev | succeeded | 3 | 1 | 0 | 1 | 38 |
| prod | failed | 0 | 0 | 0 | 0 | 0 |

<!-- platform-preview:homelab/tools -->
### \`tools\`: no changes, 57 unchanged

<details>
<summary>0 changed resources</summary>

No resource changes.

</details>

<!-- platform-preview:homelab/dev -->
### \`dev\`: 3 to create, 1 to update, 1 to replace, 38 unchanged

<details>
<summary>5 changed resources, 1 warning</summary>

| change | name | type |
|---|---|---|
| create | \`k8s-dev-worker-2\` | \`homelab:hosts:ProxmoxVm\` |
| create | \`k8s-dev-worker-2-user-data\` | \`proxmoxve:index/fileLegacy:FileLegacy\` |
| create | \`k8s-dev-worker-2-vm\` | \`proxmoxve:index/vmLegacy:VmLegacy\` |
| replace | \`k8s-dev-user-data\` | \`proxmoxve:index/fileLegacy:FileLegacy\` |
| update | \`k8s-dev-vm\` | \`proxmoxve:index/vmLegacy:VmLegacy\` |

**Diagnostics**

- warning:
  \`\`\`text
  vms/k8s-dev-worker-2.yaml: cipassword: a password in a VM file is committed in plaintext; it is kept secret in state, but prefer SSH keys (sshkeys) and remove it
  \`\`\`

</details>

<!-- platform-preview:homelab/prod -->
### \`prod\`: failed

<details>
<summary>0 changed resources, 1 error</summary>

**Diagnostics**

- error:
  \`\`\`text
  Running program '/work/homelab' failed with an unhandled exception:
  invalid platform definition: 1 problem found, nothing was created:
    - Pulumi.prod.yaml: homelab:clusters[0].loadBalancer: VM "haproxy-2" is not defined in vms/
  \`\`\`

</details>
`);
        expect(md).not.toMatch(/\x1b/);
        expect(md.match(/<details>/g)).toHaveLength(3);
    });

    it("shows the CLI's message for a failure without error diagnostics, and why a stack was skipped", () => {
        const md = renderComment(
            [
                run("tools", { result: "failed", message: "\x1b[31mthe stack is currently locked by 1 lock(s)\x1b[0m", attempts: 4 }),
                run("dev", { result: "skipped", message: "skipped: tools failed", attempts: 0 }),
            ],
            { project: "homelab" },
        );
        expect(md.split("<!-- platform-preview:homelab/tools -->")[1]).toBe(`
### \`tools\`: failed

<details>
<summary>0 changed resources</summary>

**Error**

\`\`\`text
the stack is currently locked by 1 lock(s)
\`\`\`

</details>

<!-- platform-preview:homelab/dev -->
### \`dev\`: skipped

<details>
<summary>0 changed resources</summary>

**Error**

\`\`\`text
skipped: tools failed
\`\`\`

</details>
`);
    });

    it("lists changed resources once: no same steps, reads, replacement halves or the Stack root", () => {
        expect(changedResources(DEV_PREVIEW_EVENTS).map((r) => `${r.op} ${r.name}`)).toEqual([
            "create k8s-dev-worker-2",
            "create k8s-dev-worker-2-user-data",
            "create k8s-dev-worker-2-vm",
            "replace k8s-dev-user-data",
            "update k8s-dev-vm",
        ]);
        const deleteRoot: EngineEvent = {
            sequence: 1,
            timestamp: 1,
            resourcePreEvent: { metadata: { op: "delete", urn: "urn:pulumi:dev::homelab::pulumi:pulumi:Stack::homelab-dev", type: "pulumi:pulumi:Stack", provider: "" } },
        };
        expect(changedResources([deleteRoot])).toEqual([]);
    });

    it("keeps error and warning diagnostics once each, names the resource, drops info", () => {
        const events: EngineEvent[] = [
            { sequence: 1, timestamp: 1, diagnosticEvent: { message: "info only\n", color: "never", severity: "info" } },
            { sequence: 2, timestamp: 1, diagnosticEvent: { message: "stderr chatter\n", color: "never", severity: "info#err" } },
            {
                sequence: 3,
                timestamp: 1,
                diagnosticEvent: {
                    urn: "urn:pulumi:prod::homelab::homelab:hosts:ProxmoxVm$proxmoxve:index/vmLegacy:VmLegacy::haproxy-vm",
                    message: "<{%fg 1%}>error creating VM: 500 can't lock file '/var/lock/qemu-server/lock-120.conf'<{%reset%}>\n",
                    color: "raw",
                    severity: "error",
                },
            },
        ];
        expect(diagnostics([...events, ...events])).toEqual([{ severity: "error", resource: "haproxy-vm", message: "error creating VM: 500 can't lock file '/var/lock/qemu-server/lock-120.conf'" }]);
    });

    it("lists policy violations: mandatory as errors, advisory as warnings", () => {
        const policy = (enforcementLevel: "mandatory" | "warning", policyName: string, message: string): EngineEvent => ({
            sequence: 1,
            timestamp: 1,
            policyEvent: {
                resourceUrn: "urn:pulumi:prod::homelab::homelab:hosts:ProxmoxVm$proxmoxve:index/vmLegacy:VmLegacy::k8s-prod-cp-1-vm",
                message,
                color: "never",
                policyName,
                policyPackName: "homelab-policies",
                policyPackVersion: "0.1.0",
                policyPackVersionTag: "0.1.0",
                enforcementLevel,
            },
        });
        expect(diagnostics([policy("mandatory", "protected-vms-and-cas", "prod VMs must be protected"), policy("warning", "no-plaintext-secrets", "`password` is not secret")])).toEqual([
            { severity: "error", resource: "k8s-prod-cp-1-vm", message: "policy homelab-policies/protected-vms-and-cas: prod VMs must be protected" },
            { severity: "warning", resource: "k8s-prod-cp-1-vm", message: "policy homelab-policies/no-plaintext-secrets: `password` is not secret" },
        ]);
    });

    it("strips ANSI colour and cursor codes and Pulumi's colour markup", () => {
        expect(stripAnsi("\x1b[1m\x1b[38;5;2m+ \x1b[0mcreate\x1b[K \x1b]8;;https://x\x07link\x1b]8;;\x07 <{%bold%}>done<{%reset%}>")).toBe("+ create link done");
    });

    it("fences messages that contain backticks with a longer fence", () => {
        const events: EngineEvent[] = [{ sequence: 1, timestamp: 1, diagnosticEvent: { message: "run ```pulumi cancel```", color: "never", severity: "warning" } }];
        expect(renderComment([run("dev", { events })], { project: "p" })).toContain("- warning:\n  ````text\n  run ```pulumi cancel```\n  ````\n");
    });

    it("caps the comment at 64,000 characters, closing what it cut and saying so", () => {
        const events: EngineEvent[] = Array.from({ length: 3000 }, (_, i) => ({
            sequence: i,
            timestamp: 1,
            resourcePreEvent: {
                metadata: { op: "create" as const, urn: `urn:pulumi:dev::homelab::proxmoxve:index/vmLegacy:VmLegacy::vm-${i}`, type: "proxmoxve:index/vmLegacy:VmLegacy", provider: "" },
            },
        }));
        const warning: EngineEvent = { sequence: 9999, timestamp: 1, diagnosticEvent: { message: "x".repeat(200_000), color: "never", severity: "warning" } };
        const md = renderComment([run("dev", { changes: { create: 3000 }, events: [...events, warning] }), run("prod", { changes: { same: 1 } })], { project: "homelab" });
        expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(md.length).toBeGreaterThan(COMMENT_LIMIT - 200);
        expect(md.startsWith(commentMarker("homelab"))).toBe(true);
        expect(md.endsWith("\n:warning: This comment was trimmed to 64,000 characters; the full preview is in the job's log.\n")).toBe(true);
        expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
        expect(md).not.toContain("platform-preview:homelab/prod");
    });

    it("trims inside a code block by closing the fence first", () => {
        const long: EngineEvent = { sequence: 1, timestamp: 1, diagnosticEvent: { message: Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n"), color: "never", severity: "error" } };
        const md = renderComment([run("dev", { result: "failed", events: [long] })], { project: "p", limit: 600 });
        expect(md.length).toBeLessThanOrEqual(600);
        const lines = md.split("\n");
        const fences = lines.filter((l) => l.trim().startsWith("```"));
        expect(fences.length % 2).toBe(0);
        expect(lines.slice(-5)).toEqual(["  ```", "</details>", "", ":warning: This comment was trimmed to 600 characters; the full preview is in the job's log.", ""]);
    });
});

describe("PR comment details", () => {
    const pre = (op: OpType, urn: string, type = "proxmoxve:index/vmLegacy:VmLegacy"): EngineEvent => ({ sequence: 1, timestamp: 1, resourcePreEvent: { metadata: { op, urn, type, provider: "" } } });
    const diag = (severity: "error" | "warning" | "info", message: string, urn?: string): EngineEvent => ({ sequence: 1, timestamp: 1, diagnosticEvent: { urn, message, color: "never", severity } });
    const VM = "urn:pulumi:dev::homelab::proxmoxve:index/vmLegacy:VmLegacy::vm-1";
    const section = (md: string, stack: string) => md.split(`<!-- platform-preview:p/${stack} -->\n`)[1].split("<!-- platform-preview:")[0];

    it("marks the comment and each stack's section by project", () => {
        expect(commentMarker("homelab")).toBe("<!-- platform-preview:homelab -->");
        expect(stackMarker("homelab", "dev")).toBe("<!-- platform-preview:homelab/dev -->");
        expect(COMMENT_LIMIT).toBe(64_000);
    });

    it("lists a resource once per kind of change, hides the replacement halves and every step that changes nothing", () => {
        const hidden: OpType[] = ["same", "read", "create-replacement", "delete-replaced", "discard-replaced", "read-replacement", "import-replacement", "refresh"];
        const events = [pre("update", VM), pre("update", VM), pre("replace", VM), ...hidden.map((op) => pre(op, `${VM}-${op}`)), pre("delete", "urn:pulumi:dev::homelab::a$b::c::d")];
        expect(changedResources(events)).toEqual([
            { op: "update", name: "vm-1", type: "proxmoxve:index/vmLegacy:VmLegacy" },
            { op: "replace", name: "vm-1", type: "proxmoxve:index/vmLegacy:VmLegacy" },
            { op: "delete", name: "d", type: "proxmoxve:index/vmLegacy:VmLegacy" },
        ]);
        expect(changedResources([{ sequence: 1, timestamp: 1, diagnosticEvent: { message: "x", color: "never", severity: "error" } }])).toEqual([]);
    });

    it("keeps diagnostics about the stack root without a resource, drops empty ones, and keeps the same message once per resource and severity", () => {
        const root = "urn:pulumi:dev::homelab::pulumi:pulumi:Stack::homelab-dev";
        expect(diagnostics([diag("error", "  \x1b[31m\x1b[0m \n"), diag("error", "boom\n", root), diag("warning", "boom"), diag("error", "boom", VM), diag("error", "boom", VM), diag("info", "boom", VM)])).toEqual([
            { severity: "error", resource: undefined, message: "boom" },
            { severity: "warning", resource: undefined, message: "boom" },
            { severity: "error", resource: "vm-1", message: "boom" },
        ]);
    });

    it("names no resource for a policy about the whole stack, and keeps each policy violation once", () => {
        const policy = (enforcementLevel: "mandatory" | "warning", resourceUrn?: string): EngineEvent => ({
            sequence: 1,
            timestamp: 1,
            policyEvent: { resourceUrn, message: " \x1b[1mno VMs on node pve3\x1b[0m\n", color: "always", policyName: "placement", policyPackName: "homelab", policyPackVersion: "1", policyPackVersionTag: "1", enforcementLevel },
        });
        expect(diagnostics([policy("warning"), policy("warning"), policy("mandatory"), policy("mandatory", VM), policy("mandatory", VM)])).toEqual([
            { severity: "warning", resource: undefined, message: "policy homelab/placement: no VMs on node pve3" },
            { severity: "error", resource: undefined, message: "policy homelab/placement: no VMs on node pve3" },
            { severity: "error", resource: "vm-1", message: "policy homelab/placement: no VMs on node pve3" },
        ]);
    });

    it("strips every kind of escape sequence and only those", () => {
        expect(stripAnsi("a\x1b[?25lb\x1b[2Jc\x1b[1;31md\x1b]0;title\x1b\\e\x1b]8;;u\x07f\x1bMgh\x1b_i<{%fg 7%}>j<{%%}>k")).toBe("abcdefghijk");
        expect(stripAnsi("50% [done] {x} <{not markup}> %} a|b `c`")).toBe("50% [done] {x} <{not markup}> %} a|b `c`");
    });

    it("totals the changes in the headline and counts resources, errors and warnings in the summary", () => {
        const events = [pre("create", VM), diag("error", "e1", VM), diag("error", "e2", VM), diag("warning", "w1", VM)];
        const md = renderComment(
            [
                run("a", { changes: { create: 1 }, events: [pre("create", VM), diag("warning", "w1")] }),
                run("b", { result: "drifted", changes: { update: 2, same: 3 }, events, message: "drift: refresh changed 1 resource in state; preview proposes 2 update" }),
                run("c", { result: "cancelled", changes: {}, message: "cancelled: update canceled" }),
                run("d", { changes: {} }),
            ],
            { project: "p" },
        );
        expect(md.split("\n").slice(3, 9)).toEqual([
            "| stack | result | create | update | delete | replace | unchanged |",
            "|---|---|---:|---:|---:|---:|---:|",
            "| a | succeeded | 1 | 0 | 0 | 0 | 0 |",
            "| b | drifted | 0 | 2 | 0 | 0 | 3 |",
            "| c | cancelled | 0 | 0 | 0 | 0 | 0 |",
            "| d | succeeded | 0 | 0 | 0 | 0 | 0 |",
        ]);
        expect(section(md, "a").split("\n").slice(0, 4)).toEqual(["### `a`: 1 to create", "", "<details>", "<summary>1 changed resource, 1 warning</summary>"]);
        // Error diagnostics say why: the CLI's message is not repeated.
        expect(section(md, "b")).toBe(`### \`b\`: 2 to update, 3 unchanged

<details>
<summary>1 changed resource, 2 errors, 1 warning</summary>

| change | name | type |
|---|---|---|
| create | \`vm-1\` | \`proxmoxve:index/vmLegacy:VmLegacy\` |

**Diagnostics**

- error on \`vm-1\`:
  \`\`\`text
  e1
  \`\`\`
- error on \`vm-1\`:
  \`\`\`text
  e2
  \`\`\`
- warning on \`vm-1\`:
  \`\`\`text
  w1
  \`\`\`

</details>

`);
        expect(section(md, "c")).toBe("### `c`: cancelled\n\n<details>\n<summary>0 changed resources</summary>\n\n**Error**\n\n```text\ncancelled: update canceled\n```\n\n</details>\n\n");
        expect(section(md, "d")).toBe("### `d`: no changes\n\n<details>\n<summary>0 changed resources</summary>\n\nNo resource changes.\n\n</details>\n");
    });

    it("shows no error block for a succeeded stack with a message, and none for a failure without one", () => {
        const md = renderComment([run("a", { message: "no drift" }), run("b", { result: "failed" })], { project: "p" });
        expect(section(md, "a")).toBe("### `a`: no changes\n\n<details>\n<summary>0 changed resources</summary>\n\nNo resource changes.\n\n</details>\n\n");
        expect(section(md, "b")).toBe("### `b`: failed\n\n<details>\n<summary>0 changed resources</summary>\n\n</details>\n");
    });

    it("escapes table pipes in names and types", () => {
        const md = renderComment([run("a", { events: [pre("create", "urn:pulumi:dev::homelab::x|y::a|b", "t|u")] })], { project: "p" });
        expect(md).toContain("| create | `a\\|b` | `t\\|u` |\n");
    });

    it("returns the comment whole when it fits the limit exactly, and trims it when one character over", () => {
        const full = renderComment([run("a", {})], { project: "p" });
        expect(renderComment([run("a", {})], { project: "p", limit: full.length })).toBe(full);
        const trimmed = renderComment([run("a", {})], { project: "p", limit: full.length - 1 });
        expect(trimmed.length).toBeLessThanOrEqual(full.length - 1);
        expect(trimmed.endsWith(`\n:warning: This comment was trimmed to ${(full.length - 1).toLocaleString("en-US")} characters; the full preview is in the job's log.\n`)).toBe(true);
    });

    it("when trimming, closes the open <details> of every stack it cut into, and no fence outside a block", () => {
        const warnings = Array.from({ length: 30 }, (_, i) => diag("warning", `warning number ${i}`, VM));
        const md = renderComment([run("a", { events: warnings })], { project: "p", limit: 900 });
        const lines = md.split("\n");
        expect(lines.filter((l) => l === "<details>")).toHaveLength(1);
        expect(lines.filter((l) => l === "</details>")).toHaveLength(1);
        expect(lines.filter((l) => /^\s*```/.test(l)).length % 2).toBe(0);
        expect(md.length).toBeLessThanOrEqual(900);
        expect(md.length).toBeGreaterThan(900 - 64 - 200);
    });

    it("keeps the same message on two resources as two diagnostics", () => {
        expect(diagnostics([diag("error", "boom", VM), diag("error", "boom", `${VM}-2`)])).toEqual([
            { severity: "error", resource: "vm-1", message: "boom" },
            { severity: "error", resource: "vm-1-2", message: "boom" },
        ]);
    });

    it("joins several totals without an unchanged count, and trims the CLI's message", () => {
        const md = renderComment([run("a", { changes: { create: 1, delete: 2 } }), run("b", { result: "failed", message: "boom\n\n" })], { project: "p" });
        expect(section(md, "a").split("\n")[0]).toBe("### `a`: 1 to create, 2 to delete");
        expect(section(md, "b")).toContain("**Error**\n\n```text\nboom\n```\n");
    });

    it("when trimming inside a later stack, closes only its <details>, not the ones already closed", () => {
        const warnings = Array.from({ length: 40 }, (_, i) => diag("warning", `warning number ${i}`, VM));
        const md = renderComment([run("a", {}), run("b", { events: warnings })], { project: "p", limit: 1200 });
        const lines = md.split("\n");
        expect(md).toContain("<!-- platform-preview:p/b -->");
        expect([lines.filter((l) => l === "<details>").length, lines.filter((l) => l === "</details>").length]).toEqual([2, 2]);
    });

    it("replaces earlier previews with a note when the changes affect no stack", () => {
        expect(noStacksComment("homelab")).toBe(
            "<!-- platform-preview:homelab -->\n## Pulumi preview: `homelab`\n\nThe pull request's latest changes affect no stack (the path filters of `deployments/paths.ts`): nothing to preview. The previews this comment showed before are gone with the changes that caused them.\n",
        );
    });
});
