import { Secret } from "@pulumi/policy";

/**
 * Rules that tell a secret in a resource input, independent of how the program built it:
 * by the input's name, by a known secret-bearing path of a resource type, or by the value's shape.
 * A value found by any rule must reach the engine marked secret.
 */

/** An input named like this holds a secret (`password`, `apiToken`, `clientKey`, `vaultToken`, ...). */
const SECRET_NAME = /(^|[a-z0-9_-])(password|passwd|passphrase|secret|token|apiKey|privateKey|privateKeyPem|clientKey|accessKey|secretKey|kubeconfig|talosconfig)$/i;
/** ...unless it only names or points at one (`secretName`, `tokenFile`, `passwordSecretRef`, `existingSecret`), or is a switch about one (the Vault provider's `skipChildToken`). */
const REFERENCE_NAME = /(Name|Names|Ref|File|Path|Id|Ids|Namespace|Selector|Ttl|TTL|Type|Length|Policy|Policies)$|^existing|^skip/;

/** Inputs of particular resource types that hold secrets whatever they are called. */
const SECRET_PATHS: Readonly<Record<string, readonly RegExp[]>> = {
    "kubernetes:core/v1:Secret": [/^data\./, /^stringData\./],
    "vault:kv/secretV2:SecretV2": [/^dataJson$/],
    "vault:generic/secret:Secret": [/^dataJson$/],
    "proxmoxve:index/vmLegacy:VmLegacy": [/^initialization\.userAccount\.password$/],
    "pulumi:providers:proxmoxve": [/^apiToken$/, /^password$/, /^ssh\.privateKey$/, /^ssh\.password$/],
    "pulumi:providers:kubernetes": [/^kubeconfig$/],
    "pulumi:providers:vault": [/^token$/],
};

/**
 * Inputs of particular resource types that are named like a secret but, as a string, only name one:
 * the gha-runner-scale-set chart's `githubConfigSecret` is the name of a pre-defined Secret when it is
 * a string (values.yaml at gha-runner-scale-set-0.14.2, "Variation C"; a map there holds the credentials
 * themselves, whose keys the other rules still check).
 */
const REFERENCE_PATHS: Readonly<Record<string, readonly RegExp[]>> = {
    "kubernetes:helm.sh/v3:Release": [/^values\.githubConfigSecret$/],
};

/** Values that are secrets by their shape, wherever they appear (snippets, Helm values, env vars). */
const SECRET_VALUES: readonly { readonly what: string; readonly pattern: RegExp }[] = [
    { what: "a PEM private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/ },
    { what: "a Proxmox API token", pattern: /\b[\w.-]+@[\w.-]+![\w.-]+=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/ },
    { what: "a Vault token", pattern: /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/ },
    { what: "a GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})/ },
    { what: "a Pulumi access token", pattern: /\bpul-[0-9a-f]{40}\b/ },
    { what: "an AWS access key", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { what: "a Kubernetes bootstrap token", pattern: /(?:^|[^a-z0-9.])[a-z0-9]{6}\.[a-z0-9]{16}(?:$|[^a-z0-9.])/ },
    { what: "a K3s server token", pattern: /\bK10[0-9a-f]{64}::server:/ },
];

export interface PlaintextSecret {
    /** Input path, `sourceRaw.data`, `metadata.annotations.token`. */
    readonly path: string;
    readonly why: string;
}

/** Pulumi's unknown-value sentinel (sdk/nodejs/runtime/rpc.ts): not known yet, nothing to check. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function join(parent: string, key: string | number): string {
    return typeof key === "number" ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;
}

/**
 * Every plaintext (not `Secret`-wrapped) string in `props` that a rule says is a secret.
 * `props` must hold `Secret` instances where the engine sent secrets: see `withSecrets`.
 */
export function findPlaintextSecrets(type: string, props: unknown): PlaintextSecret[] {
    const found: PlaintextSecret[] = [];
    const typePaths = SECRET_PATHS[type] ?? [];
    const referencePaths = REFERENCE_PATHS[type] ?? [];
    const visit = (value: unknown, path: string, key: string | undefined) => {
        if (value instanceof Secret) {
            return; // marked: the engine encrypts it
        }
        if (Array.isArray(value)) {
            value.forEach((v, i) => visit(v, join(path, i), key));
            return;
        }
        if (typeof value === "object" && value !== null) {
            for (const [k, v] of Object.entries(value)) {
                visit(v, join(path, k), k);
            }
            return;
        }
        if (typeof value !== "string" || value === "" || value === UNKNOWN) {
            return;
        }
        if (typePaths.some((p) => p.test(path))) {
            found.push({ path, why: `${type} ${path} holds a secret` });
        } else if (key !== undefined && SECRET_NAME.test(key) && !REFERENCE_NAME.test(key) && !referencePaths.some((p) => p.test(path))) {
            found.push({ path, why: `an input named "${key}" holds a secret` });
        } else {
            const shape = SECRET_VALUES.find((s) => s.pattern.test(value));
            if (shape) {
                found.push({ path, why: `it contains ${shape.what}` });
            }
        }
    };
    visit(props, "", undefined);
    return found;
}

/**
 * The props a remediation receives, with the engine's secrets as `Secret` instances.
 *
 * CrossGuard unwraps secrets before a *validation* sees them (pulumi-policy sdk/nodejs/policy/server.ts
 * calls `deserializeProperties(props, false)`), so no validation can tell a marked secret from plaintext.
 * A *remediation* gets them wrapped (`deserializeProperties(props, true)`) behind a proxy whose `get`
 * unwraps; reading own property descriptors passes by that trap and sees the `Secret` instances.
 */
export function withSecrets(props: unknown): unknown {
    if (props instanceof Secret || typeof props !== "object" || props === null) {
        return props;
    }
    const descriptors = Object.getOwnPropertyDescriptors(props);
    if (Array.isArray(props)) {
        return Array.from({ length: props.length }, (_, i) => withSecrets(descriptors[i]?.value));
    }
    const out: Record<string, unknown> = {};
    for (const [k, d] of Object.entries(descriptors)) {
        if (d.enumerable) {
            out[k] = withSecrets(d.value);
        }
    }
    return out;
}

/** A copy of `props` (from `withSecrets`) with the values at `paths` wrapped as `Secret`. */
export function markSecret(props: unknown, paths: ReadonlySet<string>, path = ""): unknown {
    if (paths.has(path)) {
        return new Secret(props);
    }
    if (props instanceof Secret || typeof props !== "object" || props === null) {
        return props;
    }
    if (Array.isArray(props)) {
        return props.map((v, i) => markSecret(v, paths, join(path, i)));
    }
    return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, markSecret(v, paths, join(path, k))]));
}
