import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";

/**
 * cert-manager with its CRDs, Let's Encrypt issuers solving DNS-01 through Cloudflare, and the
 * cluster's wildcard certificate. Chart: https://github.com/cert-manager/cert-manager/tree/v1.21.1/deploy/charts/cert-manager
 */
export const CERT_MANAGER_NAMESPACE: NamespaceSpec = {
    name: "cert-manager",
    podSecurity: "restricted",
    metricsPorts: [9402],
    apiServer: true,
    // The webhook's secure port (webhook.securePort).
    webhookPorts: [10250],
    extraEgress: [
        // ACME (acme-v02.api.letsencrypt.org) and the Cloudflare API.
        { name: "acme-and-cloudflare", cidrs: ["0.0.0.0/0"], ports: [443] },
        // DNS-01 self-checks ask public resolvers directly (dns01RecursiveNameservers).
        { name: "public-dns", cidrs: ["1.1.1.1/32", "1.0.0.1/32"], ports: ["53/udp", 53] },
    ],
};

/** The Secret holding the Cloudflare token, and its key. */
export const CLOUDFLARE_SECRET = { name: "cloudflare-api-token", key: "api-token" } as const;
export const WILDCARD_SECRET = "wildcard-tls";
export const ISSUERS = { staging: "letsencrypt-staging", production: "letsencrypt-production" } as const;

export function certManagerValues(): Record<string, unknown> {
    return {
        // The chart's CRDs, kept on uninstall so certificates survive a reinstall.
        crds: { enabled: true, keep: true },
        // Leader election in its own namespace instead of kube-system.
        global: { leaderElection: { namespace: CERT_MANAGER_NAMESPACE.name } },
        // Check DNS-01 propagation against public resolvers: the homelab's own DNS (Pi-hole) may
        // answer for the zone itself and never see Cloudflare's TXT record.
        dns01RecursiveNameservers: "1.1.1.1:53,1.0.0.1:53",
        dns01RecursiveNameserversOnly: true,
    };
}

/** ACME endpoints: https://letsencrypt.org/docs/staging-environment/ */
const ACME_SERVERS = {
    staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
    production: "https://acme-v02.api.letsencrypt.org/directory",
} as const;

/** cert-manager.io/v1 ClusterIssuers, staging and production, solving DNS-01 for the cluster's zone only. */
export function clusterIssuers(domain: string, email?: string): KubeObject[] {
    return (["staging", "production"] as const).map((env) => ({
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: ISSUERS[env] },
        spec: {
            acme: {
                server: ACME_SERVERS[env],
                ...(email ? { email } : {}),
                privateKeySecretRef: { name: `${ISSUERS[env]}-account-key` },
                solvers: [
                    {
                        selector: { dnsZones: [domain] },
                        // https://cert-manager.io/docs/configuration/acme/dns01/cloudflare/
                        dns01: { cloudflare: { apiTokenSecretRef: { name: CLOUDFLARE_SECRET.name, key: CLOUDFLARE_SECRET.key } } },
                    },
                ],
            },
        },
    }));
}

/** The wildcard certificate and the bare name, in the namespace whose workload serves it. */
export function wildcardCertificate(domain: string, namespace: string, issuer: string = ISSUERS.production): KubeObject {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: "wildcard", namespace },
        spec: {
            secretName: WILDCARD_SECRET,
            dnsNames: [`*.${domain}`, domain],
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: issuer },
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        },
    };
}
