import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";
import { GATEWAY_NAMESPACE } from "../../namespaceSpec";

/**
 * Istio as the cluster's ingress: base (CRDs), then istiod, then the gateway, each a chart of
 * https://github.com/istio/istio/tree/1.30.3/manifests/charts, plus a TLS-terminating Gateway on the
 * wildcard certificate. The gateway's Service is a LoadBalancer: MetalLB gives it its address.
 */
export const ISTIO_SYSTEM_NAMESPACE: NamespaceSpec = {
    name: "istio-system",
    podSecurity: "restricted",
    metricsPorts: [15014],
    apiServer: true,
    // The sidecar injector and validation webhooks (istiod Service 443 -> 15017).
    webhookPorts: [15017],
};

/** Release name `istio-ingress`: the gateway chart labels its pods `istio: ingress` (name minus `istio-`). */
export const GATEWAY_RELEASE = "istio-ingress";
export const GATEWAY_SELECTOR = { istio: "ingress" } as const;

export function gatewayNamespace(podCidr: string): NamespaceSpec {
    return {
        name: GATEWAY_NAMESPACE,
        podSecurity: "restricted",
        metricsPorts: [15020],
        extraIngress: [
            // Clients from anywhere, through MetalLB, to the container ports (80/443: the chart lowers
            // net.ipv4.ip_unprivileged_port_start so the non-root proxy can bind them).
            { name: "clients", cidrs: ["0.0.0.0/0"], ports: [80, 443] },
        ],
        extraEgress: [
            { name: "istiod", namespaces: [ISTIO_SYSTEM_NAMESPACE.name], ports: [15012] },
            // The routes' backends, in any namespace.
            { name: "backends", cidrs: [podCidr], ports: [] },
        ],
    };
}

export function istioBaseValues(): Record<string, unknown> {
    return { defaultRevision: "default" };
}

export function istiodValues(): Record<string, unknown> {
    return {
        // istiod's containers already drop every capability and run as non-root; the profile is what
        // PodSecurity `restricted` still asks for.
        seccompProfile: { type: "RuntimeDefault" },
        // Free-form MeshConfig: the chart merges it whole into the mesh ConfigMap (templates/configmap.yaml).
        meshConfig: { accessLogFile: "/dev/stdout" },
    };
}

export function gatewayValues(pool: string): Record<string, unknown> {
    return {
        service: {
            type: "LoadBalancer",
            // Draw the address from this cluster's MetalLB pool.
            annotations: { "metallb.io/address-pool": pool },
            // Keep client source addresses (Local), served by the nodes that run a gateway pod.
            externalTrafficPolicy: "Local",
        },
        // The chart's default pod securityContext (only the sysctl) plus the seccomp profile
        // PodSecurity `restricted` requires.
        securityContext: {
            sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}

/** networking.istio.io/v1 Gateway: HTTPS on the wildcard certificate, HTTP redirected to it. */
export function tlsGateway(domain: string, credentialName: string): KubeObject {
    const hosts = [`*.${domain}`, domain];
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: { name: "wildcard", namespace: GATEWAY_NAMESPACE },
        spec: {
            selector: { ...GATEWAY_SELECTOR },
            servers: [
                { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts, tls: { mode: "SIMPLE", credentialName } },
                { port: { number: 80, name: "http", protocol: "HTTP" }, hosts, tls: { httpsRedirect: true } },
            ],
        },
    };
}
