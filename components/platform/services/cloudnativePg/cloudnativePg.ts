import type { NamespaceSpec } from "../../namespace";

/**
 * The CloudNativePG operator. Chart: https://github.com/cloudnative-pg/charts/tree/cloudnative-pg-v0.29.0/charts/cloudnative-pg
 * Postgres clusters are `postgresql.cnpg.io/v1` Cluster resources that services declare themselves.
 */
export function cloudnativePgNamespace(podCidr: string): NamespaceSpec {
    return {
        name: "cnpg-system",
        // The chart's podSecurityContext and containerSecurityContext meet `restricted` (values.yaml).
        podSecurity: "restricted",
        apiServer: true,
        // Its mutating and validating webhooks (webhook.port).
        webhookPorts: [9443],
        metricsPorts: [8080],
        // The operator asks each instance manager for its status (port 8000) in the clusters' namespaces.
        extraEgress: [{ name: "postgres-instances", cidrs: [podCidr], ports: [8000] }],
    };
}

export function cloudnativePgValues(): Record<string, unknown> {
    return {
        crds: { create: true },
        // One operator for every namespace.
        config: { clusterWide: true },
    };
}
