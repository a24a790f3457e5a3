import { asCliMissing, asOperationError, cliMessage } from "./localAutomation";

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
