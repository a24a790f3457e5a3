import type { NamespaceSpec } from "../../namespace";

/**
 * metrics-server, and on Talos kubelet-csr-approver: with `rotate-server-certificates` the kubelets
 * ask for serving certificates signed by the cluster CA, which someone must approve, or metrics,
 * `kubectl logs` and `exec` fail. Charts:
 * https://github.com/kubernetes-sigs/metrics-server/tree/metrics-server-helm-chart-3.13.1/charts/metrics-server
 * https://github.com/postfinance/kubelet-csr-approver/tree/v1.2.14/charts/kubelet-csr-approver
 */
export function metricsServerNamespace(nodeCidr: string): NamespaceSpec {
    return {
        name: "metrics-server",
        podSecurity: "restricted",
        metricsPorts: [10250],
        apiServer: true,
        // The aggregated metrics.k8s.io API: the API server calls the container's secure port.
        webhookPorts: [10250],
        extraEgress: [{ name: "kubelets", cidrs: [nodeCidr], ports: [10250] }],
    };
}

export const CSR_APPROVER_NAMESPACE: NamespaceSpec = {
    name: "kubelet-csr-approver",
    podSecurity: "restricted",
    metricsPorts: [8080],
    apiServer: true,
};

/**
 * `verifiedKubeletCerts`: the kubelets' serving certificates are signed by the cluster CA (Talos
 * with the approver). kubeadm's kubelets serve self-signed certificates (serverTLSBootstrap is off),
 * so there metrics-server skips their verification.
 */
export function metricsServerValues(verifiedKubeletCerts: boolean): Record<string, unknown> {
    return {
        args: ["--kubelet-preferred-address-types=InternalIP", ...(verifiedKubeletCerts ? [] : ["--kubelet-insecure-tls"])],
        podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Approves serving CSRs only for this cluster's nodes, by name and address. */
export function csrApproverValues(nodeNames: readonly string[], nodeCidr: string): Record<string, unknown> {
    return {
        providerRegex: `^(${nodeNames.map(escape).join("|")})$`,
        providerIpPrefixes: [nodeCidr],
        // Node names are not in the cluster's DNS; the name and address checks above still apply.
        bypassDnsResolution: true,
    };
}
