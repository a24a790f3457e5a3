import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";
import { VAULT_NAMESPACE } from "../vault/vault";
import { EXTERNAL_SECRETS_LOGIN, kubernetesAuthPath } from "../../../vault/paths";
import type { Distribution } from "../../../../versions";

/**
 * external-secrets on every cluster, reading Vault KV v2 through the cluster's own Kubernetes auth
 * method. Chart: https://github.com/external-secrets/external-secrets/tree/helm-chart-2.9.0/deploy/charts/external-secrets
 * CRDs (external-secrets.io/v1): https://github.com/external-secrets/external-secrets/tree/v2.9.0/config/crds/bases
 */

/** The ClusterSecretStore every cluster has: ExternalSecrets (Argo CD's cluster Secrets, say) name it in `secretStoreRef`. */
export const CLUSTER_SECRET_STORE = "vault";
/** The Secret delivered to every namespace labelled `cluster-secrets=true`, and that label. */
export const CLUSTER_SECRETS = { name: "cluster-secrets", label: "cluster-secrets", value: "true" } as const;
/** The release runs as the service account the Vault role is bound to (components/vault/paths.ts). */
export const EXTERNAL_SECRETS_RELEASE = "external-secrets";

export const EXTERNAL_SECRETS_NAMESPACE: NamespaceSpec = {
    name: EXTERNAL_SECRETS_LOGIN.namespace,
    podSecurity: "restricted",
    // The controller's metrics (metrics.service.port).
    metricsPorts: [8080],
    apiServer: true,
    // The validating webhook (webhook.port).
    webhookPorts: [10250],
    extraEgress: [
        // Vault: at its MetalLB address from any cluster, at its Service on the cluster that runs it.
        { name: "vault", cidrs: ["0.0.0.0/0"], namespaces: [VAULT_NAMESPACE.name], ports: [8200] },
    ],
};

export function externalSecretsValues(): Record<string, unknown> {
    return {
        installCRDs: true,
        // Named so, whatever the release's name: the Vault role binds this service account.
        serviceAccount: { name: EXTERNAL_SECRETS_LOGIN.serviceAccount },
        // Vault reviews a login with the logging-in token itself (no reviewer JWT, components/vault/vaultConfiguration.ts),
        // which needs TokenReview rights: the chart binds system:auth-delegator to the controller's service account.
        // https://developer.hashicorp.com/vault/docs/auth/kubernetes#use-the-vault-client-s-jwt-as-the-reviewer-jwt
        systemAuthDelegator: true,
    };
}

/**
 * Audiences of the token external-secrets requests to log in to Vault. `vault` is what the Vault role
 * binds (EXTERNAL_SECRETS_LOGIN.audience); the API server's own audience is needed too, as Vault sends
 * the same token as the bearer of its TokenReview, which the API server authenticates only if the
 * token is meant for it. Defaults of each distribution (none of them is overridden by this program):
 * kubeadm and K3s issue for `https://kubernetes.default.svc.cluster.local`; Talos for its
 * `cluster.controlPlane.endpoint` (siderolabs/talos#11694), which is the cluster's endpoint here.
 */
export function loginAudiences(distribution: Distribution, endpoint: string): string[] {
    const api = distribution === "talos" ? endpoint : "https://kubernetes.default.svc.cluster.local";
    return [EXTERNAL_SECRETS_LOGIN.audience, api];
}

export interface StoreArgs {
    readonly cluster: string;
    /** Vault's address as this cluster reaches it. */
    readonly server: string;
    /** The KV v2 mount (homelab:vault.mount). */
    readonly mount: string;
    /** PEM of the CA that issued Vault's certificate; empty: the system's CAs. */
    readonly caPem: string;
    readonly audiences: readonly string[];
}

/** The ClusterSecretStore `vault`: KV v2 at the mount, logging in with the cluster's Kubernetes auth role. */
export function clusterSecretStore(args: StoreArgs): KubeObject {
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: CLUSTER_SECRET_STORE },
        spec: {
            provider: {
                vault: {
                    server: args.server,
                    path: args.mount,
                    version: "v2",
                    ...(args.caPem ? { caBundle: Buffer.from(args.caPem).toString("base64") } : {}),
                    auth: {
                        kubernetes: {
                            mountPath: kubernetesAuthPath(args.cluster),
                            role: EXTERNAL_SECRETS_LOGIN.role,
                            serviceAccountRef: { name: EXTERNAL_SECRETS_LOGIN.serviceAccount, namespace: EXTERNAL_SECRETS_LOGIN.namespace, audiences: [...args.audiences] },
                        },
                    },
                },
            },
        },
    };
}

/**
 * Where a cluster's own secrets live in KV v2: under its stack and cluster, the only paths its
 * external-secrets policy reads (components/vault/paths.ts externalSecretsPolicy). Not shared across
 * clusters: a shared path would need a policy that lets every cluster read it, and one cluster's
 * secrets leaking to another is what the per-cluster policy exists to prevent.
 */
export function clusterSecretsKey(stack: string, cluster: string): string {
    return `${stack}/${cluster}/${CLUSTER_SECRETS.name}`;
}

/**
 * The ClusterExternalSecret that writes `cluster-secrets` into every namespace labelled
 * `cluster-secrets=true`: every key of the Vault entry, refreshed hourly.
 */
export function clusterSecretsDelivery(stack: string, cluster: string): KubeObject {
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterExternalSecret",
        metadata: { name: CLUSTER_SECRETS.name },
        spec: {
            externalSecretName: CLUSTER_SECRETS.name,
            namespaceSelectors: [{ matchLabels: { [CLUSTER_SECRETS.label]: CLUSTER_SECRETS.value } }],
            refreshTime: "1m",
            externalSecretSpec: {
                secretStoreRef: { kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE },
                refreshInterval: "1h",
                target: { name: CLUSTER_SECRETS.name, creationPolicy: "Owner" },
                dataFrom: [{ extract: { key: clusterSecretsKey(stack, cluster) } }],
            },
        },
    };
}
