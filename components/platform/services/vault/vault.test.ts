import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { namespacePolicies } from "../../namespaceSpec";
import { raftConfig, READINESS_PATH, urlHost, VAULT_NAMESPACE, vaultCertificateNames, vaultTlsObjects, vaultValues } from "./vault";

describe("Vault's chart values", () => {
    const values = vaultValues({ loadBalancerIp: "192.168.1.209" });

    it("sets only keys the chart has at 0.34.1", () => {
        expect(unknownKeys(values, chartKeys("vault"))).toEqual([]);
        // A misspelt key is caught.
        expect(unknownKeys({ ui: { loadBalancerIp: "192.168.1.209" } }, chartKeys("vault"))).toEqual(["ui.loadBalancerIp"]);
    });

    it("runs one raft replica with TLS, a volume, a probe that passes while sealed, and the MetalLB address", () => {
        expect(vaultValues({ loadBalancerIp: "192.168.1.209" })).toStrictEqual({
            global: { tlsDisable: false },
            injector: { enabled: false },
            server: {
                ha: { enabled: true, replicas: 1, raft: { enabled: true, config: raftConfig() } },
                dataStorage: { enabled: true, size: "10Gi" },
                readinessProbe: { enabled: true, path: "/v1/sys/health?standbyok=true&sealedcode=204&uninitcode=204" },
                extraVolumes: [{ type: "secret", name: "vault-server-tls" }],
                extraEnvironmentVars: { VAULT_CACERT: "/vault/userconfig/vault-server-tls/ca.crt" },
                statefulSet: {
                    securityContext: {
                        pod: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                        container: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    },
                },
            },
            ui: { enabled: true, serviceType: "LoadBalancer", loadBalancerIP: "192.168.1.209", activeVaultPodOnly: false, externalPort: 8200 },
        });
        expect(READINESS_PATH).toBe("/v1/sys/health?standbyok=true&sealedcode=204&uninitcode=204");
        expect(raftConfig()).toBe(
            [
                "ui = true",
                "disable_mlock = true",
                'listener "tcp" {',
                '  address = "[::]:8200"',
                '  cluster_address = "[::]:8201"',
                '  tls_cert_file = "/vault/userconfig/vault-server-tls/tls.crt"',
                '  tls_key_file = "/vault/userconfig/vault-server-tls/tls.key"',
                '  tls_min_version = "tls12"',
                "}",
                'storage "raft" {',
                '  path = "/vault/data"',
                "}",
                'service_registration "kubernetes" {}',
                "",
            ].join("\n"),
        );
    });

    it("sizes raft's volume as configured, 10Gi by default", () => {
        expect((vaultValues({ loadBalancerIp: "10.0.0.5", storageSize: "20Gi" }).server as { dataStorage: unknown }).dataStorage).toStrictEqual({ enabled: true, size: "20Gi" });
        expect((vaultValues({ loadBalancerIp: "10.0.0.5" }).server as { dataStorage: unknown }).dataStorage).toStrictEqual({ enabled: true, size: "10Gi" });
        expect((vaultValues({ loadBalancerIp: "10.0.0.5" }).ui as { loadBalancerIP: string }).loadBalancerIP).toBe("10.0.0.5");
    });

    it("keeps the pods within PodSecurity restricted", () => {
        const sc = (values.server as { statefulSet: { securityContext: { pod: Record<string, unknown>; container: Record<string, unknown> } } }).statefulSet.securityContext;
        expect(sc.pod).toEqual({ runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
        expect(sc.container).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(VAULT_NAMESPACE.podSecurity).toBe("restricted");
    });
});

describe("Vault's certificate", () => {
    it("names the clients' host, the MetalLB IP, loopback and the in-cluster Services", () => {
        expect(vaultCertificateNames(["vault.home.arpa", "192.168.1.209"])).toStrictEqual({
            dnsNames: [
                "vault.home.arpa",
                ...["vault", "vault-active", "vault-ui"].flatMap((s) => [s, `${s}.vault`, `${s}.vault.svc`, `${s}.vault.svc.cluster.local`]),
                "*.vault-internal",
            ],
            ipAddresses: ["192.168.1.209", "127.0.0.1"],
        });
    });

    it("tells IP addresses from names by the whole host, lists each name once, and follows the namespace", () => {
        expect(vaultCertificateNames(["10.0.0.1.nip.io", "vault-10.0.0.1", "192.168.10.209", "127.0.0.1", "vault", "vault.home.arpa", "vault.home.arpa"], "secrets")).toStrictEqual({
            dnsNames: [
                "10.0.0.1.nip.io",
                "vault-10.0.0.1",
                "vault",
                "vault.home.arpa",
                "vault.secrets",
                "vault.secrets.svc",
                "vault.secrets.svc.cluster.local",
                "vault-active",
                "vault-active.secrets",
                "vault-active.secrets.svc",
                "vault-active.secrets.svc.cluster.local",
                "vault-ui",
                "vault-ui.secrets",
                "vault-ui.secrets.svc",
                "vault-ui.secrets.svc.cluster.local",
                "*.vault-internal",
            ],
            ipAddresses: ["192.168.10.209", "127.0.0.1"],
        });
    });

    it("is issued by a CA Issuer in Vault's namespace over the program's CA Secret; both valid cert-manager.io/v1 objects", () => {
        const [issuer, certificate] = vaultTlsObjects(["vault.home.arpa", "192.168.1.209"]);
        expect(issuer).toEqual({ apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: "vault-ca", namespace: "vault" }, spec: { ca: { secretName: "vault-ca" } } });
        expect(certificate).toStrictEqual({
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: "vault-server-tls", namespace: "vault" },
            spec: {
                secretName: "vault-server-tls",
                ...vaultCertificateNames(["vault.home.arpa", "192.168.1.209"], "vault"),
                duration: "2160h",
                renewBefore: "720h",
                usages: ["server auth", "digital signature", "key encipherment"],
                issuerRef: { group: "cert-manager.io", kind: "Issuer", name: "vault-ca" },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            },
        });
        expect((certificate.spec as { ipAddresses: string[] }).ipAddresses).toStrictEqual(["192.168.1.209", "127.0.0.1"]);
        expect([issuer, certificate].map(validateObject)).toEqual(["cert-manager.io/v1/Issuer", "cert-manager.io/v1/Certificate"]);
        expect(() => validateObject({ ...certificate, spec: { ...(certificate.spec as object), ipAddresses: "192.168.1.209" } })).toThrow("must be array");
    });

    it("takes the host of a URL", () => {
        expect(urlHost("https://192.168.1.209:8200")).toBe("192.168.1.209");
        expect(urlHost("https://vault.home.arpa:8200/")).toBe("vault.home.arpa");
    });
});

describe("Vault's namespace", () => {
    it("admits clients on 8200 from anywhere and external-secrets, and lets Vault reach API servers for token reviews", () => {
        const names = namespacePolicies(VAULT_NAMESPACE, { nodeCidr: "192.168.1.0/24" }).map((p) => p.metadata.name);
        expect(names).toEqual(["default-deny", "allow-same-namespace", "allow-dns", "allow-gateway", "allow-api-server", "allow-vault-api", "allow-kubernetes-apis"]);
        const api = namespacePolicies(VAULT_NAMESPACE, { nodeCidr: "192.168.1.0/24" }).find((p) => p.metadata.name === "allow-vault-api")!;
        expect(api.spec).toEqual({
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "external-secrets" } } }], ports: [{ protocol: "TCP", port: 8200 }] }],
        });
    });
});
