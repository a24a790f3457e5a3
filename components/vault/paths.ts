/**
 * Where kubeconfigs live in Vault KV v2: one secret per cluster, under the stack that owns it, so
 * no two stacks ever write the same secret (a KV v2 write replaces the whole secret).
 */
export function kubeconfigSecretName(stack: string, cluster: string): string {
    return `${stack}/${cluster}/kubeconfig`;
}

/** The policy a stack's token needs: its own clusters' paths, nothing else (never the root token). */
export function stackVaultPolicy(mount: string, stack: string): string {
    return `# Vault policy for the ${stack} stack's token: write its own clusters' kubeconfigs, nothing else.
# vault policy write homelab-${stack} <this file>
# vault token create -policy=homelab-${stack} -period=720h
path "${mount}/data/${stack}/*" {
  capabilities = ["create", "update", "read"]
}

path "${mount}/metadata/${stack}/*" {
  capabilities = ["read", "list", "delete"]
}
`;
}
