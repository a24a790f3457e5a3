/**
 * Entries of a cluster's folder that its own external-secrets must not read: Argo CD's connection
 * and admin login (argocd.ts argocdConnectionSecretName, argocdAdminSecretName). Here rather than in
 * argocd.ts, so this module of pure path and policy builders loads neither the Pulumi SDK nor the
 * Vault provider (the external-secrets values builder imports it).
 */
export const ADMIN_ONLY_ENTRIES = ["argocd", "argocd-admin"] as const;

/**
 * Where kubeconfigs live in Vault KV v2: one secret per cluster, under the stack that owns it, so
 * no two stacks ever write the same secret (a KV v2 write replaces the whole secret).
 */
export function kubeconfigSecretName(stack: string, cluster: string): string {
    return `${stack}/${cluster}/kubeconfig`;
}

/** The Kubernetes auth method of one cluster: one mount per cluster, as each has its own API and CA. */
export function kubernetesAuthPath(cluster: string): string {
    return `kubernetes-${cluster}`;
}

/** Name of the policy a stack's scoped token carries. */
export function stackPolicyName(stack: string): string {
    return `homelab-${stack}`;
}

/** Name of the policy external-secrets on a cluster gets through its Kubernetes auth role. */
export function externalSecretsPolicyName(cluster: string): string {
    return `external-secrets-${cluster}`;
}

/**
 * How external-secrets logs in on every cluster: the chart's release `external-secrets` in the
 * namespace of that name runs as the service account `external-secrets`. The role binds the token
 * audience `vault`, so the ClusterSecretStore must request it (`serviceAccountRef.audiences: [vault]`):
 * a token minted for the API server is not accepted.
 */
export const EXTERNAL_SECRETS_LOGIN = {
    role: "external-secrets",
    namespace: "external-secrets",
    serviceAccount: "external-secrets",
    audience: "vault",
} as const;

/**
 * The policy a stack's token needs: its own clusters' paths, nothing else (never the root token).
 * With `clusters`, also the config of each cluster's Kubernetes auth method (API address and CA),
 * which only that stack knows; the tools stack creates the mount and its roles.
 */
export function stackVaultPolicy(mount: string, stack: string, clusters: readonly string[] = []): string {
    const auth = clusters.map(
        (cluster) => `
path "auth/${kubernetesAuthPath(cluster)}/config" {
  capabilities = ["create", "update", "read"]
}
`,
    );
    return `# Vault policy for the ${stack} stack's token: write its own clusters' kubeconfigs, nothing else.
# vault policy write ${stackPolicyName(stack)} <this file>
# vault token create -policy=${stackPolicyName(stack)} -period=720h
path "${mount}/data/${stack}/*" {
  capabilities = ["create", "update", "read"]
}

path "${mount}/metadata/${stack}/*" {
  capabilities = ["read", "list", "delete"]
}
${auth.join("")}`;
}

/**
 * What external-secrets on one cluster may read: that cluster's own entries, except its admin
 * kubeconfig and its Argo CD credentials (components/vault/argocd.ts): an exact path outranks the
 * glob in Vault's policy matching.
 * https://developer.hashicorp.com/vault/docs/concepts/policies#priority-matching
 */
export function externalSecretsPolicy(mount: string, stack: string, cluster: string): string {
    return `# external-secrets on the ${cluster} cluster (${stack} stack): read that cluster's entries, nothing else.
path "${mount}/data/${stack}/${cluster}/*" {
  capabilities = ["read"]
}

path "${mount}/metadata/${stack}/${cluster}/*" {
  capabilities = ["read", "list"]
}

path "${mount}/data/${kubeconfigSecretName(stack, cluster)}" {
  capabilities = ["deny"]
}
${ADMIN_ONLY_ENTRIES.map((entry) => `
path "${mount}/data/${stack}/${cluster}/${entry}" {
  capabilities = ["deny"]
}
`).join("")}`;
}

/**
 * What a stack reading Vault from the tools stack (homelab:vault.fromStack) needs among its outputs:
 * `vault` and `vaultTokens.<stack>`. The message for the first one missing; undefined when both are there.
 */
export function missingVaultOutput(outputs: Readonly<Record<string, unknown>>, fromStack: string, stack: string): string | undefined {
    if (!("vault" in outputs)) {
        return `stack ${fromStack} has no output \`vault\`: run it first, with homelab:vault.server set (homelab:vault.fromStack names it)`;
    }
    const tokens = outputs.vaultTokens as Record<string, unknown> | undefined;
    if (!tokens || typeof tokens[stack] !== "string") {
        return `stack ${fromStack} has no output \`vaultTokens.${stack}\`: list ${stack} under homelab:vault.server.clientStacks in its config and run it first`;
    }
    return undefined;
}
