import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { externalSecretsPolicy } from "../../../vault/paths";
import {
    CLUSTER_SECRET_STORE,
    clusterSecretsDelivery,
    clusterSecretsKey,
    clusterSecretStore,
    EXTERNAL_SECRETS_NAMESPACE,
    externalSecretsValues,
    loginAudiences,
} from "./externalSecrets";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("external-secrets' chart values", () => {
    it("installs the CRDs, runs as the service account the Vault role binds, with TokenReview rights; keys of the chart at 2.9.0", () => {
        expect(externalSecretsValues()).toStrictEqual({ installCRDs: true, serviceAccount: { name: "external-secrets" }, systemAuthDelegator: true });
        expect(unknownKeys(externalSecretsValues(), chartKeys("external-secrets"))).toEqual([]);
        // charts.md: the key is webhook.certManager, and Helm would ignore the other spelling.
        expect(unknownKeys({ webhook: { "cert-manager": { enabled: true } } }, chartKeys("external-secrets"))).toEqual(["webhook.cert-manager.enabled"]);
        expect(unknownKeys({ webhook: { certManager: { enabled: true } } }, chartKeys("external-secrets"))).toEqual([]);
    });

    it("lives in a restricted namespace that may reach Vault", () => {
        expect(EXTERNAL_SECRETS_NAMESPACE).toStrictEqual({
            name: "external-secrets",
            podSecurity: "restricted",
            metricsPorts: [8080],
            apiServer: true,
            webhookPorts: [10250],
            extraEgress: [{ name: "vault", cidrs: ["0.0.0.0/0"], namespaces: ["vault"], ports: [8200] }],
        });
    });
});

describe("the ClusterSecretStore", () => {
    const store = clusterSecretStore({ cluster: "dev", server: "https://vault.home.arpa:8200", mount: "homelab", caPem: CA, audiences: loginAudiences("talos", "https://192.168.1.12:6443") });

    it("reads KV v2 at the mount, logging in with the cluster's own auth method and role", () => {
        expect(CLUSTER_SECRET_STORE).toBe("vault");
        const store = clusterSecretStore({ cluster: "dev", server: "https://vault.home.arpa:8200", mount: "homelab", caPem: CA, audiences: loginAudiences("talos", "https://192.168.1.12:6443") });
        expect(store).toStrictEqual({
            apiVersion: "external-secrets.io/v1",
            kind: "ClusterSecretStore",
            metadata: { name: "vault" },
            spec: {
                provider: {
                    vault: {
                        server: "https://vault.home.arpa:8200",
                        path: "homelab",
                        version: "v2",
                        // The PEM's bytes, base64-encoded (not the PEM's own base64 body).
                        caBundle: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=",
                        auth: {
                            kubernetes: {
                                mountPath: "kubernetes-dev",
                                role: "external-secrets",
                                serviceAccountRef: { name: "external-secrets", namespace: "external-secrets", audiences: ["vault", "https://192.168.1.12:6443"] },
                            },
                        },
                    },
                },
            },
        });
        expect(validateObject(store)).toBe("external-secrets.io/v1/ClusterSecretStore");
    });

    it("trusts the system's CAs without a CA PEM", () => {
        const plain = clusterSecretStore({ cluster: "x", server: "https://v:8200", mount: "m", caPem: "", audiences: ["vault"] });
        expect([plain.apiVersion, plain.kind, plain.metadata]).toStrictEqual(["external-secrets.io/v1", "ClusterSecretStore", { name: "vault" }]);
        expect(plain.spec).toStrictEqual({
            provider: {
                vault: {
                    server: "https://v:8200",
                    path: "m",
                    version: "v2",
                    auth: { kubernetes: { mountPath: "kubernetes-x", role: "external-secrets", serviceAccountRef: { name: "external-secrets", namespace: "external-secrets", audiences: ["vault"] } } },
                },
            },
        });
    });

    it("is refused by the CRD schema with a misspelt field", () => {
        const spec = store.spec as { provider: { vault: Record<string, unknown> } };
        expect(() => validateObject({ ...store, spec: { provider: { vault: { ...spec.provider.vault, mountPath: "x" } } } })).toThrow(
            'external-secrets.io/v1/ClusterSecretStore "vault": data/spec/provider/vault must NOT have additional properties',
        );
    });

    it("asks for the Vault audience and the API server's own (kubeadm and K3s: the in-cluster name; Talos: its endpoint)", () => {
        expect(loginAudiences("kubeadm", "https://192.168.1.40:6443")).toEqual(["vault", "https://kubernetes.default.svc.cluster.local"]);
        expect(loginAudiences("k3s", "https://192.168.1.15:6443")).toEqual(["vault", "https://kubernetes.default.svc.cluster.local"]);
        expect(loginAudiences("talos", "https://192.168.1.12:6443")).toEqual(["vault", "https://192.168.1.12:6443"]);
    });
});

describe("cluster-secrets", () => {
    it("goes from the cluster's own Vault entry to every namespace labelled cluster-secrets=true", () => {
        const delivery = clusterSecretsDelivery("prod", "prod-b");
        expect(delivery).toStrictEqual({
            apiVersion: "external-secrets.io/v1",
            kind: "ClusterExternalSecret",
            metadata: { name: "cluster-secrets" },
            spec: {
                externalSecretName: "cluster-secrets",
                namespaceSelectors: [{ matchLabels: { "cluster-secrets": "true" } }],
                refreshTime: "1m",
                externalSecretSpec: {
                    secretStoreRef: { kind: "ClusterSecretStore", name: "vault" },
                    refreshInterval: "1h",
                    target: { name: "cluster-secrets", creationPolicy: "Owner" },
                    dataFrom: [{ extract: { key: "prod/prod-b/cluster-secrets" } }],
                },
            },
        });
        expect(validateObject(delivery)).toBe("external-secrets.io/v1/ClusterExternalSecret");
    });

    it("is read from a path the cluster's external-secrets policy allows, and no other cluster's", () => {
        expect(clusterSecretsKey("dev", "dev")).toBe("dev/dev/cluster-secrets");
        expect(externalSecretsPolicy("homelab", "dev", "dev")).toContain('path "homelab/data/dev/dev/*" {\n  capabilities = ["read"]\n}');
        expect(externalSecretsPolicy("homelab", "prod", "prod")).not.toContain("dev/dev");
    });
});
