import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { certManagerValues, clusterIssuers, wildcardCertificate } from "./certManager";

describe("cert-manager", () => {
    it("installs its CRDs, keeps them on uninstall, and checks DNS-01 against public resolvers", () => {
        expect(certManagerValues()).toStrictEqual({
            crds: { enabled: true, keep: true },
            global: { leaderElection: { namespace: "cert-manager" } },
            dns01RecursiveNameservers: "1.1.1.1:53,1.0.0.1:53",
            dns01RecursiveNameserversOnly: true,
        });
        expect(unknownKeys(certManagerValues(), chartKeys("cert-manager"))).toEqual([]);
    });

    it("issues from Let's Encrypt staging and production through Cloudflare DNS-01, for the cluster's zone only", () => {
        const [staging, production] = clusterIssuers("dev.example.com", "ops@example.com");
        expect(staging).toStrictEqual({
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata: { name: "letsencrypt-staging" },
            spec: {
                acme: {
                    server: "https://acme-staging-v02.api.letsencrypt.org/directory",
                    email: "ops@example.com",
                    privateKeySecretRef: { name: "letsencrypt-staging-account-key" },
                    solvers: [{ selector: { dnsZones: ["dev.example.com"] }, dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } } }],
                },
            },
        });
        expect(production).toStrictEqual({
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata: { name: "letsencrypt-production" },
            spec: {
                acme: {
                    server: "https://acme-v02.api.letsencrypt.org/directory",
                    email: "ops@example.com",
                    privateKeySecretRef: { name: "letsencrypt-production-account-key" },
                    solvers: [{ selector: { dnsZones: ["dev.example.com"] }, dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } } }],
                },
            },
        });
        expect((staging.spec as { acme: { server: string } }).acme.server).toBe("https://acme-staging-v02.api.letsencrypt.org/directory");
        expect([staging, production].map(validateObject)).toEqual(["cert-manager.io/v1/ClusterIssuer", "cert-manager.io/v1/ClusterIssuer"]);
        // Without an email, ACME registers no contact: the field is left out, not set empty.
        expect(clusterIssuers("dev.example.com").map((issuer) => Object.keys((issuer.spec as { acme: Record<string, unknown> }).acme))).toStrictEqual([
            ["server", "privateKeySecretRef", "solvers"],
            ["server", "privateKeySecretRef", "solvers"],
        ]);
    });

    it("asks for the wildcard and the bare name in one certificate, from production by default", () => {
        expect((wildcardCertificate("example.com", "istio-ingress", "letsencrypt-staging").spec as { issuerRef: unknown }).issuerRef).toStrictEqual({
            group: "cert-manager.io",
            kind: "ClusterIssuer",
            name: "letsencrypt-staging",
        });
        const cert = wildcardCertificate("example.com", "istio-ingress");
        expect(cert).toStrictEqual({
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: "wildcard", namespace: "istio-ingress" },
            spec: {
                secretName: "wildcard-tls",
                dnsNames: ["*.example.com", "example.com"],
                issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "letsencrypt-production" },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            },
        });
        expect(validateObject(cert)).toBe("cert-manager.io/v1/Certificate");
        expect(() => validateObject({ ...cert, spec: { dnsNames: ["x"] } })).toThrow(/secretName/);
    });
});
