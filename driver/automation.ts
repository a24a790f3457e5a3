import type { EngineEvent, OpMap } from "@pulumi/pulumi/automation";

/**
 * The driver's only view of Pulumi: a small interface over the Automation API. The real
 * implementation (localAutomation.ts) is a thin adapter over `LocalWorkspace` and needs the Pulumi
 * CLI; the orchestration, output and comment code depend on this interface alone, so tests drive
 * them with an injected implementation.
 */

export type Operation = "preview" | "up" | "refresh" | "destroy";

export const OPERATIONS: readonly Operation[] = ["preview", "up", "refresh", "destroy"];

export interface OperationOptions {
    /** Every engine event of the operation, in order (`EngineEvent` from `@pulumi/pulumi/automation`). */
    readonly onEvent: (event: EngineEvent) => void;
    /** The CLI's own output, in chunks as it arrives (secrets already masked by the CLI). */
    readonly onOutput: (text: string) => void;
    /** Aborting sends the CLI SIGINT: it stops starting new steps, lets running ones finish and unlocks the stack. */
    readonly signal: AbortSignal;
    /** CrossGuard packs to enforce (`--policy-pack`); preview and up only. */
    readonly policyPacks?: readonly string[];
}

export interface OperationResult {
    /**
     * What the operation changed (`up`, `refresh`, `destroy`: `summary.resourceChanges`) or would
     * change (`preview`: `changeSummary`), by step kind.
     */
    readonly changes: OpMap;
}

export interface StackOps {
    readonly name: string;
    run(operation: Operation, options: OperationOptions): Promise<OperationResult>;
    /** The outputs as `pulumi stack output --json` shows them: every secret, nested or not, is `[secret]`. */
    maskedOutputs(): Promise<Record<string, unknown>>;
    /** The outputs in plaintext. Only for assembling kubeconfigs; never printed. */
    secretOutputs(): Promise<Record<string, unknown>>;
    /** `pulumi cancel`: ends the stack's running update and releases its lock. */
    cancel(): Promise<void>;
}

export interface Automation {
    /**
     * Selects the stack; creates it only with `create` (preview and up: the commands that are meant
     * to bring a stack into being). Read-only commands select only, so a typo or a missing stack
     * is an error (`stack-not-found`) instead of a new empty stack in the backend. Throws
     * PulumiCliMissingError without a usable CLI.
     */
    select(stack: string, options?: { readonly create?: boolean }): Promise<StackOps>;
}

/** Why an operation failed, as far as the driver needs to tell. */
export type FailureKind = "concurrent-update" | "stack-not-found" | "cancelled" | "command";

/** A failed operation, with the CLI's own message (not the SDK's dump of stdout and stderr). */
export class OperationError extends Error {
    constructor(
        readonly kind: FailureKind,
        message: string,
    ) {
        super(message);
        this.name = "OperationError";
    }
}

/** No Pulumi CLI to run: fatal for every stack, reported as one line. */
export class PulumiCliMissingError extends Error {
    constructor(detail: string) {
        super(
            `the Pulumi CLI is needed for this command but ${detail}: install it (https://www.pulumi.com/docs/iac/download-install/, ` +
                "or `curl -fsSL https://get.pulumi.com | sh`) and put `pulumi` on PATH; `npm run platform -- render <stack>` works without it",
        );
        this.name = "PulumiCliMissingError";
    }
}
