import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";

/**
 * MetalLB in L2 mode: the controller hands out addresses from the cluster's pool, the speakers
 * answer ARP for them. Chart: https://github.com/metallb/metallb/tree/v0.16.1/charts/metallb
 */
export const METALLB_NAMESPACE: NamespaceSpec = {
    name: "metallb-system",
    podSecurity: "privileged",
    // https://metallb.io/installation/#installation-with-helm: the speaker runs on the host network
    // with NET_RAW to answer ARP, which only `privileged` admits.
    podSecurityReason: "the speaker DaemonSet uses the host network and NET_RAW to announce addresses over ARP",
    metricsPorts: [9120],
    apiServer: true,
    // The controller's validating webhook (metallb-webhook-service -> 9443).
    webhookPorts: [9443],
};

/** Chart values: L2 only, so neither the bundled frr-k8s (on by default since 0.15) nor FRR mode. */
export function metallbValues(): Record<string, unknown> {
    return {
        crds: { enabled: true },
        frrk8s: { enabled: false },
        speaker: { frr: { enabled: false } },
    };
}

/** metallb.io/v1beta1: the pool, and its L2 announcement. https://metallb.io/configuration/ */
export function metallbObjects(cluster: string, addresses: readonly string[]): KubeObject[] {
    const pool = `${cluster}-pool`;
    return [
        { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: pool, namespace: METALLB_NAMESPACE.name }, spec: { addresses: [...addresses], autoAssign: true, avoidBuggyIPs: true } },
        { apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: { name: pool, namespace: METALLB_NAMESPACE.name }, spec: { ipAddressPools: [pool] } },
    ];
}
