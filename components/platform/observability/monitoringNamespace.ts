import type { NamespaceSpec } from "../namespace";
import { MONITORING_NAMESPACE } from "../namespace";

/**
 * The `monitoring` namespace every observability release shares, on the hub and on each edge cluster.
 * Other platform namespaces already let `monitoring` scrape their metrics ports (namespace.ts).
 */
export interface MonitoringNetwork {
    readonly nodeCidr: string;
    readonly podCidr: string;
}

/** Ports the node-level scrapes use: kubelet (cAdvisor, resource metrics) and node-exporter (host network). */
const NODE_SCRAPE_PORTS = [10250, 9100];

export function monitoringNamespace(kind: "hub" | "edge", net: MonitoringNetwork, objectStorePort?: number): NamespaceSpec {
    return {
        name: MONITORING_NAMESPACE,
        // prometheus-node-exporter (kube-prometheus-stack's subchart) runs with hostNetwork, hostPID and
        // hostPath mounts of /proc, /sys and /; on edge clusters Fluent Bit also reads /var/log from the host.
        podSecurity: "privileged",
        podSecurityReason:
            kind === "hub"
                ? "prometheus-node-exporter uses hostNetwork, hostPID and hostPath (/proc, /sys, /)"
                : "prometheus-node-exporter uses hostNetwork, hostPID and hostPath (/proc, /sys, /); fluent-bit reads /var/log from the host",
        // The namespace scrapes itself too (same-namespace traffic is allowed): operator, Prometheus, collectors.
        apiServer: true,
        // kube-prometheus-stack's operator admission webhook (port 10250 in the operator pod).
        webhookPorts: [10250],
        extraIngress:
            kind === "edge"
                ? // Applications send OTLP to the edge collector from any namespace (their own policies must allow the egress).
                  [{ name: "otlp-from-pods", cidrs: [net.podCidr], ports: [4317, 4318] }]
                : [],
        extraEgress: [
            { name: "scrape-nodes", cidrs: [net.nodeCidr], ports: NODE_SCRAPE_PORTS },
            { name: "scrape-pods", cidrs: [net.podCidr], ports: [] },
            ...(kind === "edge"
                ? // The hub's gateway (HTTPS), wherever its LoadBalancer address is.
                  [{ name: "observability-hub", cidrs: ["0.0.0.0/0"], ports: [443] }]
                : objectStorePort !== undefined
                  ? [{ name: "object-store", cidrs: ["0.0.0.0/0"], ports: [objectStorePort] }]
                  : []),
        ],
    };
}
