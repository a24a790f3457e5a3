import { randomBytes } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { collectArtefacts, resetArtefacts } from "../components/core/artefacts";
import type { PlatformProgram } from "../program";

/**
 * Runs the platform program in-process under Pulumi's mock monitor and records what it registers.
 * The offline render, the benchmark and the tests share it, so what they show is the same program
 * that `pulumi up` runs, evaluated without a provider: provider-computed values stay unknown in
 * preview mode, exactly as `pulumi preview` shows them.
 */

export const SECRET_MASK = "[secret]";
export const UNKNOWN = "<computed>";

// Pulumi's wire-format markers (sdk/nodejs/runtime/rpc.ts).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent: string | undefined;
    readonly dependencies: string[];
    readonly provider: string | undefined;
    readonly protect: boolean;
    readonly ignoreChanges: string[];
    /** Replace delete-first rather than the default create-before-delete. */
    readonly deleteBeforeReplace: boolean;
    /** Output properties the engine stores as secrets although the provider's schema does not. */
    readonly additionalSecretOutputs: string[];
    /** A read of an existing resource (a StackReference, say), not something the stack creates. */
    readonly read: boolean;
    /** Inputs as sent to the engine, secrets replaced by SECRET_MASK, unknowns by UNKNOWN. */
    readonly inputs: Record<string, unknown>;
    /** The same inputs unmasked, for tests that check what the provider would receive. */
    readonly rawInputs: Record<string, unknown>;
    /** Paths of secret input values (`sourceRaw.data`). */
    readonly secretPaths: string[];
}

/** What a dynamic resource's `__provider` input (the provider serialised as JavaScript) shows as. */
export const SERIALIZED_PROVIDER = "<serialized dynamic provider>";

export interface ProgramRun {
    readonly resources: RecordedResource[];
    /** Stack outputs, masked like inputs. */
    readonly outputs: Record<string, unknown>;
    readonly rawOutputs: Record<string, unknown>;
    readonly outputSecretPaths: string[];
    readonly artefacts: { path: string; content: string }[];
    /** What the program threw, if it failed. */
    readonly error?: Error;
}

export interface RunOptions {
    readonly project?: string;
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly secretKeys: readonly string[];
    /** Preview leaves provider-computed values unknown (the render); false resolves them from `mocks` (tests that need `apply`). */
    readonly preview: boolean;
    /** Loads and validates (may throw), then returns the program to run inside the root stack. */
    readonly prepare: () => PlatformProgram;
    /** Provider stand-ins; defaults to `providerLikeMocks`. */
    readonly mocks?: pulumi.runtime.Mocks;
    /**
     * Build the render's artefacts (default true). The bench's whole-process evaluation turns it off:
     * under `pulumi up` nothing collects them, so their text (YAML dumps, redacted user-data) is never built.
     */
    readonly artefacts?: boolean;
}

function mask(value: unknown, path: string, secretPaths: string[], reveal: boolean): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => mask(v, `${path}[${i}]`, secretPaths, reveal));
    }
    if (value === UNKNOWN_VALUE) {
        return UNKNOWN;
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            secretPaths.push(path);
            return reveal ? mask(record.value, path, [], true) : SECRET_MASK;
        }
        if (record[SIG_KEY] === RESOURCE_SIG) {
            return { resource: record.urn };
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(record)) {
            out[k] = mask(v, path ? `${path}.${k}` : k, secretPaths, reveal);
        }
        return out;
    }
    return value;
}

/**
 * A dynamic resource's `__provider` input is its provider's serialized JavaScript: long, and only a
 * function of this repository's code, so the render shows a marker instead.
 */
function withoutProviderCode(inputs: Record<string, unknown>): Record<string, unknown> {
    return "__provider" in inputs ? { ...inputs, __provider: "<serialized dynamic provider>" } : inputs;
}

/** A value as a provider receives it: secrets unwrapped from their wire form. */
export function revealed(value: unknown): unknown {
    return mask(value, "", [], true);
}

/** A string honouring RandomString/RandomPassword's length and character-class flags. */
function randomText(inputs: Record<string, unknown>): string {
    const classes = [
        inputs.lower === false ? "" : "abcdefghijklmnopqrstuvwxyz",
        inputs.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        inputs.numeric === false || inputs.number === false ? "" : "0123456789",
        inputs.special === false ? "" : ((inputs.overrideSpecial as string | undefined) ?? "!@#$%&*()-_=+[]{}<>:?"),
    ].join("");
    return Array.from(randomBytes(Number(inputs.length)), (b) => classes[b % classes.length]).join("");
}

/** IDs and computed values shaped like the real providers', for runs with preview=false. */
export const providerLikeMocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        const inputs = args.inputs as Record<string, unknown>;
        switch (args.type) {
            case "proxmoxve:index/fileLegacy:FileLegacy": {
                const raw = inputs.sourceRaw as { fileName: string };
                return { id: `${inputs.datastoreId}:${inputs.contentType}/${raw.fileName}`, state: inputs };
            }
            case "proxmoxve:download/file:File":
                return { id: `${inputs.datastoreId}:${inputs.contentType}/${inputs.fileName}`, state: inputs };
            case "proxmoxve:index/vmLegacy:VmLegacy":
                return { id: String(inputs.vmId ?? 0), state: { ...inputs, vmId: inputs.vmId ?? 0 } };
            case "pulumi:pulumi:StackReference":
                // The referenced stack's outputs are the test's to give; without them, an empty stack.
                return { id: String(inputs.name), state: { name: inputs.name, outputs: {}, secretOutputNames: [] } };
            case "random:index/randomBytes:RandomBytes": {
                const bytes = randomBytes(Number(inputs.length));
                return { id: `${args.name}-id`, state: { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") } };
            }
            case "pulumi-nodejs:dynamic/vault:VaultInit":
                // What Vault's `sys/init` answers: shares (base64) and a root token.
                return {
                    id: `${args.name}-cluster-id`,
                    state: {
                        ...inputs,
                        unsealKeys: Array.from({ length: Number(inputs.secretShares) }, () => randomBytes(33).toString("base64")),
                        rootToken: `hvs.${randomBytes(18).toString("base64url")}`,
                        sealed: false,
                    },
                };
            case "vault:index/token:Token":
                return { id: `${args.name}-accessor`, state: { ...inputs, clientToken: `hvs.${randomBytes(18).toString("base64url")}` } };
            case "random:index/randomPassword:RandomPassword":
            case "random:index/randomString:RandomString":
                return { id: `${args.name}-id`, state: { ...inputs, result: randomText(inputs) } };
            default:
                return { id: `${args.name}-id`, state: inputs };
        }
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        throw new Error(`unexpected invoke ${args.token}: the platform program makes no provider calls`);
    },
};

/** In preview, providers have not computed anything yet, and another stack's outputs are not known. */
const previewMocks: pulumi.runtime.Mocks = {
    newResource: (args) =>
        args.type === "pulumi:pulumi:StackReference"
            ? { id: undefined, state: { name: args.inputs.name, outputs: UNKNOWN_VALUE, secretOutputNames: [] } }
            : { id: undefined, state: args.inputs },
    call: providerLikeMocks.call,
};

type Monitor = {
    registerResource(req: RegisterRequest, callback: (err: Error | null, resp?: unknown) => void): void;
    readResource(req: ReadRequest, callback: (err: Error | null, resp?: unknown) => void): void;
    registerResourceOutputs(req: OutputsRequest, callback: (err: Error | null, resp?: unknown) => void): void;
};
type ProtoStruct = { toJavaScript(): Record<string, unknown> } | undefined;
type RegisterRequest = {
    getType(): string; getName(): string; getCustom(): boolean; getParent(): string; getDependenciesList(): string[];
    getProvider(): string; getProtect(): boolean; getIgnorechangesList(): string[]; getObject(): ProtoStruct;
    getDeletebeforereplace(): boolean; getAdditionalsecretoutputsList(): string[];
};
type OutputsRequest = { getUrn(): string; getOutputs(): ProtoStruct };
type ReadRequest = { getType(): string; getName(): string; getParent(): string; getId(): string; getProvider(): string; getProperties(): ProtoStruct; getDependenciesList(): string[] };

export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    const project = options.project ?? "homelab";
    await pulumi.runtime.setMocks(options.mocks ?? (options.preview ? previewMocks : providerLikeMocks), project, options.stack, options.preview);
    pulumi.runtime.setAllConfig(options.config, [...options.secretKeys]);
    resetArtefacts();

    const resources: RecordedResource[] = [];
    let stackOutputs: Record<string, unknown> = {};
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const record = (req: RegisterRequest | ReadRequest, read: boolean, object: Record<string, unknown>) => {
        const type = req.getType();
        const name = req.getName();
        const parent = req.getParent() || undefined;
        const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
        const secretPaths: string[] = [];
        const registered = read ? undefined : (req as RegisterRequest);
        resources.push({
            urn: `urn:pulumi:${options.stack}::${project}::${qualified}::${name}`,
            type,
            name,
            custom: registered ? registered.getCustom() : true,
            parent,
            dependencies: [...new Set(req.getDependenciesList())].sort(),
            provider: req.getProvider() || undefined,
            protect: registered ? registered.getProtect() : false,
            ignoreChanges: registered ? registered.getIgnorechangesList() : [],
            deleteBeforeReplace: registered ? registered.getDeletebeforereplace() : false,
            additionalSecretOutputs: registered ? registered.getAdditionalsecretoutputsList() : [],
            read,
            inputs: withoutProviderCode(mask(object, "", secretPaths, false) as Record<string, unknown>),
            rawInputs: revealed(object) as Record<string, unknown>,
            secretPaths,
        });
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        record(req, false, req.getObject()?.toJavaScript() ?? {});
        register(req, callback);
    };
    const readResource = monitor.readResource.bind(monitor);
    monitor.readResource = (req, callback) => {
        record(req, true, req.getProperties()?.toJavaScript() ?? {});
        readResource(req, callback);
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
        if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
            stackOutputs = req.getOutputs()?.toJavaScript() ?? {};
        }
        registerOutputs(req, callback);
    };

    // Validation runs before the root stack exists, as under `pulumi up`: bad input registers nothing.
    let program: PlatformProgram;
    try {
        program = options.prepare();
    } catch (err) {
        return { resources, outputs: {}, rawOutputs: {}, outputSecretPaths: [], artefacts: [], error: err instanceof Error ? err : new Error(String(err)) };
    }
    // An error inside an Output (a StackReference's missing output, say) surfaces as an unhandled
    // rejection when the resource that uses it is registered; Pulumi's language host reports it as the
    // program's error, and so does the harness instead of letting it end the process.
    const failures: Error[] = [];
    const onRejection = (reason: unknown) => void failures.push(reason instanceof Error ? reason : new Error(String(reason)));
    process.on("unhandledRejection", onRejection);
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (!waitForRPCs) {
        throw new Error("this @pulumi/pulumi has no runtime.waitForRPCs; the harness cannot tell when registrations finish");
    }
    const fail = (err: unknown) => void failures.push(err instanceof Error ? err : new Error(String(err)));
    try {
        await pulumi.runtime.runInPulumiStack(program).catch(fail);
        // Even after a failure: what was registered before it finishes here, not in the next run.
        await waitForRPCs().catch(fail);
        // Rejections are reported after the microtask queue drains.
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        process.off("unhandledRejection", onRejection);
    }
    if (failures.length > 0) {
        return { resources, outputs: {}, rawOutputs: {}, outputSecretPaths: [], artefacts: [], error: failures[0] };
    }
    // Registration order is asynchronous; a stable order keeps two renders diffable.
    resources.sort((a, b) => a.urn.localeCompare(b.urn));
    const outputSecretPaths: string[] = [];
    return {
        resources,
        outputs: mask(stackOutputs, "", outputSecretPaths, false) as Record<string, unknown>,
        rawOutputs: revealed(stackOutputs) as Record<string, unknown>,
        outputSecretPaths,
        artefacts: options.artefacts === false ? [] : await collectArtefacts(),
    };
}
