import type { NamespaceSpec } from "../../namespace";

/**
 * Argo Rollouts' controller on the workload clusters. Applications bring their own Rollouts and
 * AnalysisTemplates (README: Progressive delivery); the chart brings the CRDs.
 * Chart: https://github.com/argoproj/argo-helm/tree/argo-rollouts-2.41.0/charts/argo-rollouts
 */
export const ARGO_ROLLOUTS_NAMESPACE: NamespaceSpec = {
    name: "argo-rollouts",
    podSecurity: "restricted",
    // The controller's metrics port (controller.metrics.enabled, Service port 8090).
    metricsPorts: [8090],
    apiServer: true,
    extraEgress: [
        // AnalysisRuns query the hub's Prometheus and web providers over HTTPS.
        { name: "analysis-providers", cidrs: ["0.0.0.0/0"], ports: [443] },
        // ...and in-cluster providers (a workload's own Prometheus or job endpoints).
        { name: "analysis-in-cluster", namespaces: ["monitoring"], ports: [] },
    ],
};

export function argoRolloutsValues(): Record<string, unknown> {
    return {
        installCRDs: true,
        // Keep Rollouts and AnalysisTemplates when the release goes: deleting the CRDs would delete them.
        keepCRDs: true,
        controller: { replicas: 1, metrics: { enabled: true } },
        // The dashboard is an unauthenticated UI; `kubectl argo rollouts` covers it.
        dashboard: { enabled: false },
        podSecurityContext: { runAsNonRoot: true },
        containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
    };
}
