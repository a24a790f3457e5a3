import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { namespacePolicies } from "../../namespace";
import { raftConfig, READINESS_PATH, urlHost, VAULT_NAMESPACE, vaultCertificateNames, vaultTlsObjects, vaultValues } from "./vault";

describe("Vault's chart values", () => {
    const values = vaultValues({ loadBalancerIp: "192.168.1.209" });

    it("sets only keys the chart has at 0.34.1", () => {
        expect(unknownKeys(values, chartKeys("vault"))).toEqual([]);
        // A misspelt key is caught.
        expect(unknownKeys({ ui: { loadBalancerIp: "192.168.1.209" } }, chartKeys("vault"))).toEqual(["ui.loadBalancerIp"]);
    });

    it("runs one raft replica with TLS, a volume, a probe that passes while sealed, and the MetalLB address", () => {
        expect(values).toMatchObject({
            global: { tlsDisable: false },
            injector: { enabled: false },
            server: {
                ha: { enabled: true, replicas: 1, raft: { enabled: true } },
                dataStorage: { enabled: true, size: "10Gi" },
                readinessProbe: { enabled: true, path: "/v1/sys/health?standbyok=true&sealedcode=204&uninitcode=204" },
                extraVolumes: [{ type: "secret", name: "vault-server-tls" }],
                extraEnvironmentVars: { VAULT_CACERT: "/vault/userconfig/vault-server-tls/ca.crt" },
            },
            ui: { enabled: true, serviceType: "LoadBalancer", loadBalancerIP: "192.168.1.209", activeVaultPodOnly: false, externalPort: 8200 },
        });
        expect(READINESS_PATH).toContain("uninitcode=204");
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

    it("keeps the pods within PodSecurity restricted", () => {
        const sc = (values.server as { statefulSet: { securityContext: { pod: Record<string, unknown>; container: Record<string, unknown> } } }).statefulSet.securityContext;
        expect(sc.pod).toEqual({ runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
        expect(sc.container).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(VAULT_NAMESPACE.podSecurity).toBe("restricted");
    });
});

describe("Vault's certificate", () => {
    it("names the clients' host, the MetalLB IP, loopback and the in-cluster Services", () => {
        expect(vaultCertificateNames(["vault.home.arpa", "192.168.1.209"])).toEqual({
            dnsNames: [
                "vault.home.arpa",
                ...["vault", "vault-active", "vault-ui"].flatMap((s) => [s, `${s}.vault`, `${s}.vault.svc`, `${s}.vault.svc.cluster.local`]),
                "*.vault-internal",
            ],
            ipAddresses: ["192.168.1.209", "127.0.0.1"],
        });
    });

    it("is issued by a CA Issuer in Vault's namespace over the program's CA Secret; both valid cert-manager.io/v1 objects", () => {
        const [issuer, certificate] = vaultTlsObjects(["vault.home.arpa", "192.168.1.209"]);
        expect(issuer).toEqual({ apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: "vault-ca", namespace: "vault" }, spec: { ca: { secretName: "vault-ca" } } });
        expect(certificate.metadata).toEqual({ name: "vault-server-tls", namespace: "vault" });
        expect(certificate.spec).toMatchObject({
            secretName: "vault-server-tls",
            issuerRef: { group: "cert-manager.io", kind: "Issuer", name: "vault-ca" },
            ipAddresses: ["192.168.1.209", "127.0.0.1"],
            usages: ["server auth", "digital signature", "key encipherment"],
        });
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
