import type { KubeObject } from "./objects";

/**
 * A namespace the platform creates, with its PodSecurity level and a default-deny NetworkPolicy
 * plus the explicit allows every service namespace gets (same namespace, DNS, the gateway,
 * monitoring scrapes) and those a service asks for (the API server, webhooks, the outside world).
 * The pure part: the spec and the objects it becomes. namespace.ts declares them (PlatformNamespace)
 * and re-exports all of this; the services' values builders import it from here, so their unit
 * tests load neither the Pulumi SDK nor the providers.
 */

/** https://kubernetes.io/docs/concepts/security/pod-security-standards/ */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export interface TrafficRule {
    /** Names the policy: `allow-<name>`. */
    readonly name: string;
    /** Addresses on the other side (CIDRs); with `namespaces`, either may match. */
    readonly cidrs?: readonly string[];
    /** Namespaces on the other side, by name. */
    readonly namespaces?: readonly string[];
    /** TCP unless `/udp` is appended (`53/udp`); empty means every port. */
    readonly ports: readonly (number | string)[];
}

export interface NamespaceSpec {
    readonly name: string;
    readonly podSecurity: PodSecurityLevel;
    /** Required for anything looser than `restricted`: what in the namespace needs it. */
    readonly podSecurityReason?: string;
    /** Ports monitoring (namespace `monitoring`) may scrape. */
    readonly metricsPorts?: readonly number[];
    /** The namespace runs controllers that talk to the API server. */
    readonly apiServer?: boolean;
    /** Ports the API server calls (admission webhooks, aggregated APIs). */
    readonly webhookPorts?: readonly number[];
    readonly extraIngress?: readonly TrafficRule[];
    readonly extraEgress?: readonly TrafficRule[];
}

/** What the policies need to know about the cluster. */
export interface ClusterNetwork {
    /** The nodes' network: the API server and kubelets live there (host network). */
    readonly nodeCidr: string;
}

/** Namespaces the allows name. */
export const GATEWAY_NAMESPACE = "istio-ingress";
export const MONITORING_NAMESPACE = "monitoring";

const byName = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });

function ports(list: readonly (number | string)[]): { protocol: string; port: number }[] | undefined {
    if (list.length === 0) {
        return undefined;
    }
    return list.map((p) => {
        const [port, protocol] = String(p).split("/");
        return { protocol: (protocol ?? "tcp").toUpperCase(), port: Number(port) };
    });
}

function peers(rule: TrafficRule): Record<string, unknown>[] {
    return [
        ...(rule.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
        ...(rule.namespaces ?? []).map((ns) => ({ namespaceSelector: byName(ns) })),
    ];
}

function policy(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
    return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec: { podSelector: {}, ...spec } };
}

/** The Namespace object: PodSecurity admission labels at one level for enforce, audit and warn. */
export function namespaceObject(spec: NamespaceSpec): KubeObject {
    const labels: Record<string, string> = {};
    for (const mode of ["enforce", "audit", "warn"]) {
        labels[`pod-security.kubernetes.io/${mode}`] = spec.podSecurity;
    }
    return {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: {
            name: spec.name,
            labels: { ...labels, "app.kubernetes.io/managed-by": "pulumi" },
            ...(spec.podSecurityReason ? { annotations: { "homelab/pod-security-reason": spec.podSecurityReason } } : {}),
        },
    };
}

/** Default deny, then one policy per allow, so each reads on its own in `kubectl get netpol`. */
export function namespacePolicies(spec: NamespaceSpec, cluster: ClusterNetwork): KubeObject[] {
    const ns = spec.name;
    const ingress = (rule: TrafficRule) => policy(ns, `allow-${rule.name}`, { policyTypes: ["Ingress"], ingress: [{ from: peers(rule), ...(ports(rule.ports) ? { ports: ports(rule.ports) } : {}) }] });
    const egress = (rule: TrafficRule) => policy(ns, `allow-${rule.name}`, { policyTypes: ["Egress"], egress: [{ to: peers(rule), ...(ports(rule.ports) ? { ports: ports(rule.ports) } : {}) }] });
    const list: KubeObject[] = [
        policy(ns, "default-deny", { policyTypes: ["Ingress", "Egress"] }),
        policy(ns, "allow-same-namespace", { policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }),
        policy(ns, "allow-dns", {
            policyTypes: ["Egress"],
            egress: [{ to: [{ namespaceSelector: byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: ports(["53/udp", 53]) }],
        }),
        ingress({ name: "gateway", namespaces: [GATEWAY_NAMESPACE], ports: [] }),
    ];
    if (spec.metricsPorts?.length) {
        list.push(ingress({ name: "monitoring", namespaces: [MONITORING_NAMESPACE], ports: spec.metricsPorts }));
    }
    // The API server and kubelets use the host network, so traffic to and from them carries node
    // addresses; policies see the endpoint (node:6443) after the `kubernetes` Service is translated.
    if (spec.apiServer) {
        list.push(egress({ name: "api-server", cidrs: [cluster.nodeCidr], ports: [6443] }));
    }
    if (spec.webhookPorts?.length) {
        list.push(ingress({ name: "api-server-webhooks", cidrs: [cluster.nodeCidr], ports: spec.webhookPorts }));
    }
    list.push(...(spec.extraIngress ?? []).map(ingress), ...(spec.extraEgress ?? []).map(egress));
    return list;
}
