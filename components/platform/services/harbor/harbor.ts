import type { KubeObject } from "../../objects";
import { GATEWAY_NAMESPACE, NamespaceSpec } from "../../namespaceSpec";

/**
 * Harbor, the registry, behind the cluster's Istio gateway at `harbor.<domain>`.
 * Chart: https://github.com/goharbor/harbor-helm/tree/v1.19.1 (values.yaml at that tag).
 */
export const HARBOR_NAMESPACE: NamespaceSpec = {
    name: "harbor",
    // Every Harbor container takes the chart's containerSecurityContext (runAsNonRoot, RuntimeDefault
    // seccomp, no privilege escalation, ALL capabilities dropped), which `restricted` accepts.
    podSecurity: "restricted",
    // Trivy downloads its vulnerability database, and replication/proxy-cache reach other registries.
    extraEgress: [{ name: "registries", cidrs: ["0.0.0.0/0"], ports: [443] }],
};

/** The chart's ClusterIP Service in front of its nginx (expose.clusterIP.name, port 80). */
export const HARBOR_SERVICE = { name: "harbor", port: 80 } as const;

/** Given to the chart as existingSecretAdminPassword / existingSecretAdminPasswordKey: never a value. */
export const ADMIN_PASSWORD_SECRET = { name: "harbor-admin", key: "HARBOR_ADMIN_PASSWORD" } as const;
/** existingSecretSecretKey: the key in that Secret must be `secretKey` (values.yaml). */
export const SECRET_KEY_SECRET = { name: "harbor-secret-key", key: "secretKey" } as const;

/** The Istio Gateway platform.ts declares on every cluster with Istio (services/istio/istio.ts tlsGateway). */
export const CLUSTER_GATEWAY = `${GATEWAY_NAMESPACE}/wildcard`;

export function harborHost(domain: string): string {
    return `harbor.${domain}`;
}

export function harborValues(domain: string): Record<string, unknown> {
    return {
        // TLS ends at the Istio gateway on the cluster's wildcard certificate; Harbor serves plain HTTP
        // behind it, and externalURL tells it (and the docker clients it answers) the outside address.
        expose: { type: "clusterIP", tls: { enabled: false }, clusterIP: { name: HARBOR_SERVICE.name, ports: { httpPort: HARBOR_SERVICE.port } } },
        externalURL: `https://${harborHost(domain)}`,
        existingSecretAdminPassword: ADMIN_PASSWORD_SECRET.name,
        existingSecretAdminPasswordKey: ADMIN_PASSWORD_SECRET.key,
        existingSecretSecretKey: SECRET_KEY_SECRET.name,
        // storageClass "" (the chart's default) means the cluster's default StorageClass.
        persistence: { enabled: true, resourcePolicy: "keep" },
        // ReadWriteOnce volumes cannot be attached to a second pod during a rolling update.
        updateStrategy: { type: "Recreate" },
    };
}

/** networking.istio.io/v1 VirtualService binding harbor.<domain> on the cluster's Gateway to Harbor's Service. */
export function harborVirtualService(domain: string): KubeObject {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: "harbor", namespace: HARBOR_NAMESPACE.name },
        spec: {
            hosts: [harborHost(domain)],
            gateways: [CLUSTER_GATEWAY],
            http: [{ route: [{ destination: { host: `${HARBOR_SERVICE.name}.${HARBOR_NAMESPACE.name}.svc.cluster.local`, port: { number: HARBOR_SERVICE.port } } }] }],
        },
    };
}

/** Where the admin password is kept in Vault KV v2, next to the cluster's kubeconfig. */
export function adminVaultPath(stack: string, cluster: string): string {
    return `${stack}/${cluster}/harbor/admin`;
}
