import * as policyDeserialize from "@pulumi/policy/deserialize";
import { PolicyProviderResource, ResourceValidationArgs, ResourceValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { RecordedResource, UNKNOWN } from "../render/harness";

/**
 * Replays resources recorded by render/harness.ts through policies as the CrossGuard server would:
 * inputs in the engine's wire form (secrets signed, unknowns as the sentinel) turned into a
 * protobuf Struct and deserialized by @pulumi/policy's own code, with the same proxies, provider
 * and options it passes. No Pulumi CLI needed.
 */

// Internal to @pulumi/policy (stripped from its typings); the server calls exactly these.
const { deserializeProperties, serializeProperties } = policyDeserialize as unknown as {
    deserializeProperties(struct: Struct, keepSecrets: boolean): Record<string, unknown>;
    serializeProperties(props: unknown): Promise<Record<string, unknown>>;
};
export { serializeProperties };

const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function pathTokens(path: string): (string | number)[] {
    return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** The inputs as the engine sends them to an analyzer: secrets signed, unknowns as the sentinel. */
export function wireInputs(resource: Pick<RecordedResource, "rawInputs" | "secretPaths">): Record<string, unknown> {
    const restore = (v: unknown): unknown =>
        v === UNKNOWN ? UNKNOWN_SENTINEL : Array.isArray(v) ? v.map(restore) : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, restore(x)])) : v;
    const wire = restore(resource.rawInputs) as Record<string, unknown>;
    for (const path of resource.secretPaths) {
        const tokens = pathTokens(path);
        let holder: Record<string | number, unknown> = wire;
        for (const t of tokens.slice(0, -1)) {
            holder = holder[t] as Record<string | number, unknown>;
        }
        const last = tokens[tokens.length - 1];
        holder[last] = { [specialSigKey]: specialSecretSig, value: holder[last] };
    }
    return wire;
}

function providerOf(resource: RecordedResource, all: readonly RecordedResource[], stack: string): PolicyProviderResource {
    const pkg = resource.type.split(":")[0];
    if (!resource.provider) {
        // What the engine creates when a resource names no provider.
        return { type: `pulumi:providers:${pkg}`, name: "default", urn: `urn:pulumi:${stack}::homelab::pulumi:providers:${pkg}::default`, props: {} };
    }
    const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    const type = urn.split("::")[2].split("$").pop()!;
    const recorded = all.find((r) => r.type === type && r.name === name);
    return { type, name, urn, props: recorded ? deserializeProperties(Struct.fromJavaScript(wireInputs(recorded) as never), false) : {} };
}

export interface ReplayOptions {
    /** Policy config, as `pulumi preview --policy-pack-config` would give it. */
    readonly config?: Record<string, Record<string, unknown>>;
}

/** The arguments the server builds for a resource; `keepSecrets` as for a remediation. */
export function argsFor(
    policy: ResourceValidationPolicy,
    resource: RecordedResource,
    all: readonly RecordedResource[],
    keepSecrets: boolean,
    options: ReplayOptions = {},
): ResourceValidationArgs {
    const stack = resource.urn.split("::")[0].replace("urn:pulumi:", "");
    const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).map(([k, s]) => [k, (s as { default?: unknown }).default]));
    const props = unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(wireInputs(resource) as never), keepSecrets)) as Record<string, unknown>;
    return {
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props,
        opts: {
            protect: resource.protect,
            ignoreChanges: resource.ignoreChanges,
            deleteBeforeReplace: resource.deleteBeforeReplace,
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: resource.additionalSecretOutputs,
            parent: resource.parent,
        },
        provider: providerOf(resource, all, stack),
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => ({ ...defaults, ...(options.config?.[policy.name] ?? {}) }) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason ?? ""}`);
        },
    };
}

/** Every violation the policies' validations report over `resources`, as `policy: message`. */
export async function violations(policies: readonly ResourceValidationPolicy[], resources: readonly RecordedResource[], options: ReplayOptions = {}): Promise<string[]> {
    const found: string[] = [];
    for (const policy of policies) {
        const validations = policy.validateResource ? (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource]) : [];
        for (const resource of resources.filter((r) => !r.read)) {
            for (const validate of validations) {
                await validate(argsFor(policy, resource, resources, false, options), (message) => found.push(`${policy.name}: ${message}`));
            }
        }
    }
    return found;
}

/** What a policy's remediation returns for each resource it changes, by resource name. */
export async function remediations(policy: ResourceValidationPolicy, resources: readonly RecordedResource[]): Promise<Record<string, Record<string, unknown>>> {
    const changed: Record<string, Record<string, unknown>> = {};
    for (const resource of resources.filter((r) => !r.read)) {
        const result = await policy.remediateResource?.(argsFor(policy, resource, resources, true));
        if (result) {
            changed[resource.name] = result as Record<string, unknown>;
        }
    }
    return changed;
}
