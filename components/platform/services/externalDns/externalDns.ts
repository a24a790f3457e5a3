import type { NamespaceSpec } from "../../namespace";
import { CLOUDFLARE_SECRET } from "../certManager/certManager";

/**
 * external-dns, twice: Cloudflare for public records (TXT ownership per cluster, so clusters never
 * remove each other's records) and Pi-hole for internal ones. Pi-hole has no TXT records, so that
 * instance runs without a registry and only ever adds or updates (upsert-only), never deletes.
 * Chart: https://github.com/kubernetes-sigs/external-dns/tree/external-dns-helm-chart-1.21.1/charts/external-dns
 */
export const EXTERNAL_DNS_NAMESPACE: NamespaceSpec = {
    name: "external-dns",
    podSecurity: "restricted",
    metricsPorts: [7979],
    apiServer: true,
    // The Cloudflare API (443) and the Pi-hole web API (80/443).
    extraEgress: [{ name: "dns-providers", cidrs: ["0.0.0.0/0"], ports: [80, 443] }],
};

export const PIHOLE_SECRET = { name: "pihole-password", key: "password" } as const;

export interface ExternalDnsArgs {
    readonly domain: string;
    /** TXT owner id: unique per stack and cluster. */
    readonly ownerId: string;
    /** Whether Istio's CRDs exist, so Gateways and VirtualServices can be sources. */
    readonly istio: boolean;
}

function sources(istio: boolean): string[] {
    return istio ? ["service", "istio-gateway", "istio-virtualservice"] : ["service"];
}

export function cloudflareValues(args: ExternalDnsArgs): Record<string, unknown> {
    return {
        provider: { name: "cloudflare" },
        // https://github.com/kubernetes-sigs/external-dns/blob/v0.21.0/docs/tutorials/cloudflare.md
        env: [{ name: "CF_API_TOKEN", valueFrom: { secretKeyRef: { name: CLOUDFLARE_SECRET.name, key: CLOUDFLARE_SECRET.key } } }],
        sources: sources(args.istio),
        domainFilters: [args.domain],
        policy: "sync",
        registry: "txt",
        txtOwnerId: args.ownerId,
    };
}

export function piholeValues(args: ExternalDnsArgs, server: string): Record<string, unknown> {
    return {
        provider: { name: "pihole" },
        // https://github.com/kubernetes-sigs/external-dns/blob/v0.21.0/docs/tutorials/pihole.md
        env: [{ name: "EXTERNAL_DNS_PIHOLE_PASSWORD", valueFrom: { secretKeyRef: { name: PIHOLE_SECRET.name, key: PIHOLE_SECRET.key } } }],
        extraArgs: { "pihole-server": server, "pihole-api-version": "6" },
        sources: sources(args.istio),
        domainFilters: [args.domain],
        policy: "upsert-only",
        registry: "noop",
    };
}
