import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { registerArtefact } from "../core/artefacts";
import {
    EXTERNAL_SECRETS_LOGIN,
    externalSecretsPolicy,
    externalSecretsPolicyName,
    kubernetesAuthPath,
    stackPolicyName,
    stackVaultPolicy,
} from "./paths";

/** A cluster as Vault's Kubernetes auth method needs it: where its API is and the CA it chains to. */
export interface ClusterApi {
    readonly endpoint: pulumi.Input<string>;
    readonly caCertPem: pulumi.Input<string>;
}

/**
 * The config of one cluster's Kubernetes auth method (`auth/kubernetes-<cluster>/config`).
 * Vault reaches each cluster from outside it, so it never uses its own pod's CA and token
 * (`disableLocalCaJwt`); with no reviewer JWT, Vault reviews a login with the logging-in
 * service account's own token, which therefore needs `system:auth-delegator` on its cluster.
 * https://developer.hashicorp.com/vault/docs/auth/kubernetes#use-the-vault-client-s-jwt-as-the-reviewer-jwt
 */
export function authBackendConfigArgs(cluster: string, api: ClusterApi): vault.kubernetes.AuthBackendConfigArgs {
    return { backend: kubernetesAuthPath(cluster), kubernetesHost: api.endpoint, kubernetesCaCert: api.caCertPem, disableLocalCaJwt: true };
}

export interface VaultConfigurationArgs {
    /** The stack that runs Vault (tools). */
    readonly stack: string;
    /** Path of the KV v2 mount. */
    readonly mount: string;
    /** This stack's clusters: an auth method each, configured here with the cluster's API and CA. */
    readonly clusters: Readonly<Record<string, ClusterApi>>;
    /**
     * Other stacks writing to this Vault, with their clusters' names: a policy and a scoped token
     * each, and an auth method per cluster whose config that stack writes itself (only it knows the
     * cluster's CA, and tools never reads the workload stacks).
     */
    readonly clientStacks: Readonly<Record<string, readonly string[]>>;
    /**
     * More policies for a cluster's external-secrets role, by cluster: the Argo CD cluster's reads the
     * destinations' connections (components/vault/argocd.ts).
     */
    readonly externalSecretsPolicies?: Readonly<Record<string, readonly pulumi.Input<string>[]>>;
    /** Period of the scoped tokens: each renewal extends them by this much. Default `720h`. */
    readonly tokenPeriod?: string;
}

/**
 * Vault as the platform uses it: a KV v2 mount, a Kubernetes auth method per cluster with a role for
 * external-secrets, least-privilege policies, and a scoped, renewable token per client stack.
 * Its children use the caller's Vault provider (with the root token); none of them outputs it.
 */
export class VaultConfiguration extends pulumi.ComponentResource {
    public readonly mount: pulumi.Output<string>;
    /** Scoped tokens by client stack, secrets. */
    public readonly tokens: Readonly<Record<string, pulumi.Output<string>>>;
    /** Auth method paths by cluster. */
    public readonly authPaths: Readonly<Record<string, pulumi.Output<string>>>;
    /** The KV v2 mount, for writers to depend on. */
    public readonly kv: vault.Mount;

    constructor(name: string, args: VaultConfigurationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:vault:VaultConfiguration", name, {}, opts);
        const problems: string[] = [];
        const own = Object.keys(args.clusters);
        for (const [stack, clusters] of Object.entries(args.clientStacks)) {
            if (stack === args.stack) {
                problems.push(`clientStacks.${stack}: the stack that runs Vault uses the root token, not a scoped one`);
            }
            for (const cluster of clusters.filter((c) => own.includes(c) || Object.entries(args.clientStacks).some(([s, cs]) => s < stack && cs.includes(c)))) {
                problems.push(`clientStacks.${stack}: cluster ${cluster} is named twice; each cluster has one auth method, kubernetes-${cluster}`);
            }
        }
        if (problems.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `VaultConfiguration ${name}: invalid arguments`, errors: problems.map((reason) => ({ propertyPath: "clientStacks", reason })) });
        }
        const child = { parent: this };

        // KV v2 is the `kv` engine with version 2 (https://developer.hashicorp.com/vault/docs/secrets/kv/kv-v2/setup).
        this.kv = new vault.Mount(`${name}-kv`, { path: args.mount, type: "kv", options: { version: "2" }, description: "Platform secrets: kubeconfigs and cluster secrets, by stack and cluster" }, child);

        const authPaths: Record<string, pulumi.Output<string>> = {};
        const auth = (cluster: string, stack: string, api?: ClusterApi) => {
            const backend = new vault.AuthBackend(`${name}-auth-${cluster}`, { type: "kubernetes", path: kubernetesAuthPath(cluster), description: `Kubernetes logins from the ${cluster} cluster (${stack} stack)` }, child);
            if (api) {
                new vault.kubernetes.AuthBackendConfig(`${name}-auth-${cluster}`, { ...authBackendConfigArgs(cluster, api), backend: backend.path }, child);
            }
            const esoPolicy = externalSecretsPolicy(args.mount, stack, cluster);
            registerArtefact(`vault/${externalSecretsPolicyName(cluster)}.hcl`, esoPolicy);
            const policy = new vault.Policy(`${name}-external-secrets-${cluster}`, { name: externalSecretsPolicyName(cluster), policy: esoPolicy }, child);
            new vault.kubernetes.AuthBackendRole(
                `${name}-external-secrets-${cluster}`,
                {
                    backend: backend.path,
                    roleName: EXTERNAL_SECRETS_LOGIN.role,
                    boundServiceAccountNames: [EXTERNAL_SECRETS_LOGIN.serviceAccount],
                    boundServiceAccountNamespaces: [EXTERNAL_SECRETS_LOGIN.namespace],
                    audience: EXTERNAL_SECRETS_LOGIN.audience,
                    tokenPolicies: [policy.name, ...(args.externalSecretsPolicies?.[cluster] ?? [])],
                    // An hour; external-secrets logs in again when its token runs out.
                    tokenTtl: 3600,
                },
                child,
            );
            authPaths[cluster] = backend.path;
        };
        for (const [cluster, api] of Object.entries(args.clusters)) {
            auth(cluster, args.stack, api);
        }

        const tokens: Record<string, pulumi.Output<string>> = {};
        for (const [stack, clusters] of Object.entries(args.clientStacks)) {
            for (const cluster of clusters) {
                auth(cluster, stack);
            }
            const stackPolicy = stackVaultPolicy(args.mount, stack, clusters);
            registerArtefact(`vault/policy-${stack}.hcl`, stackPolicy);
            const policy = new vault.Policy(`${name}-stack-${stack}`, { name: stackPolicyName(stack), policy: stackPolicy }, child);
            // Periodic and orphan: it lives as long as it is renewed within the period, and revoking the
            // root token does not revoke it. The provider renews it on `pulumi refresh` once less than
            // half the period is left (renewMinLease, in seconds), by one period (renewIncrement).
            const period = args.tokenPeriod ?? "720h";
            const periodSeconds = durationSeconds(period);
            const token = new vault.Token(
                `${name}-token-${stack}`,
                {
                    displayName: stackPolicyName(stack),
                    policies: [policy.name],
                    renewable: true,
                    period,
                    noParent: true,
                    renewMinLease: Math.floor(periodSeconds / 2),
                    renewIncrement: periodSeconds,
                    metadata: { stack },
                },
                child,
            );
            tokens[stack] = pulumi.secret(token.clientToken);
        }

        this.mount = this.kv.path;
        this.tokens = tokens;
        this.authPaths = authPaths;
        this.registerOutputs({ mount: this.mount, tokens, authPaths });
    }
}

/** Seconds in a Vault duration like `720h`, `30m` or `3600s` (as the Token resource's `period`). */
export function durationSeconds(duration: string): number {
    const match = /^(\d+)([smh]?)$/.exec(duration);
    if (!match) {
        throw new Error(`not a duration like 720h: ${JSON.stringify(duration)}`);
    }
    return Number(match[1]) * { "": 1, s: 1, m: 60, h: 3600 }[match[2] as "" | "s" | "m" | "h"];
}
