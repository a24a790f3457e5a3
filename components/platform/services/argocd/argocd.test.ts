import { X509Certificate } from "crypto";
import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { issueCa, issueLeaf } from "../../../../tests/openssl";
import { namespacePolicies } from "../../namespaceSpec";
import {
    ADMIN_PASSWORD_SET_AT,
    APPLICATION_HEALTH_LUA,
    ARGOCD_MANAGER_GROUP,
    ARGOCD_NAMESPACE,
    argocdConnection,
    argocdManagerBinding,
    argocdValues,
    CLUSTER_SECRET_STORE,
    destinationExternalSecret,
    rootApplication,
} from "./argocd";

/** What external-secrets' template engine v2 does with `{{ .field }}` (Go text/template, fields of the Vault entry). */
function renderTemplate(template: string, data: Record<string, string>): string {
    return template.replace(/\{\{ \.(\w+) \}\}/g, (_, field: string) => {
        if (!(field in data)) {
            throw new Error(`no field ${field}`);
        }
        return data[field];
    });
}

describe("Argo CD's chart values", () => {
    it("sets only keys argo-cd 10.1.1 has, the health check under the free-form configs.cm", () => {
        const values = argocdValues({ domain: "tools.homelab.example.com", adminPasswordHash: "$2a$10$hash" });
        expect(unknownKeys(values, chartKeys("argo-cd"))).toEqual([]);
        expect(values).toStrictEqual({
            global: { domain: "argocd.tools.homelab.example.com" },
            configs: {
                cm: { "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA },
                secret: { argocdServerAdminPassword: "$2a$10$hash", argocdServerAdminPasswordMtime: ADMIN_PASSWORD_SET_AT },
            },
            dex: { enabled: false },
        });
        // The fixture test can fail: a misspelt key is reported.
        expect(unknownKeys({ ...values, configs: { secret: { argocdServerAdminPasword: "x" } }, dex: { enable: false } }, chartKeys("argo-cd"))).toEqual([
            "configs.secret.argocdServerAdminPasword",
            "dex.enable",
        ]);
    });

    it("leaves global.domain to the chart without a cluster domain", () => {
        expect(argocdValues({ adminPasswordHash: "h" })).not.toHaveProperty("global");
        expect(argocdValues({ domain: "", adminPasswordHash: "h" })).toStrictEqual({
            configs: {
                cm: { "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA },
                secret: { argocdServerAdminPassword: "h", argocdServerAdminPasswordMtime: "2026-11-30T00:00:00Z" },
            },
            dex: { enabled: false },
        });
    });

    it("sets the mtime in the format the chart documents", () => {
        expect(ADMIN_PASSWORD_SET_AT).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });
});

describe("the root Application", () => {
    const app = rootApplication({ repoUrl: "https://github.com/example/homelab-apps.git", revision: "main", path: "apps" });

    it("syncs the repository's path into argocd, automated with prune and self-heal, creating namespaces", () => {
        expect(rootApplication({ repoUrl: "https://git.example.com/apps.git", revision: "v1.2.0", path: "clusters/all" })).toStrictEqual({
            apiVersion: "argoproj.io/v1alpha1",
            kind: "Application",
            metadata: { name: "root", namespace: "argocd" },
            spec: {
                project: "default",
                source: { repoURL: "https://git.example.com/apps.git", targetRevision: "v1.2.0", path: "clusters/all" },
                destination: { server: "https://kubernetes.default.svc", namespace: "argocd" },
                syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
            },
        });
    });

    it("conforms to the Application schema, which refuses a misspelt field", () => {
        expect(validateObject(app)).toBe("argoproj.io/v1alpha1/Application");
        const spec = app.spec as Record<string, unknown>;
        expect(() => validateObject({ ...app, spec: { ...spec, destination: undefined } })).toThrow(/destination/);
        expect(() => validateObject({ ...app, spec: { ...spec, syncPolicy: { automated: { prune: "yes" } } } })).toThrow(/prune/);
    });
});

describe("a destination's ExternalSecret", () => {
    const es = destinationExternalSecret({ stack: "dev", cluster: "dev" }, "dev/dev/argocd");

    it("conforms to external-secrets.io/v1 at v2.9.0, which refuses unknown fields", () => {
        expect(validateObject(es)).toBe("external-secrets.io/v1/ExternalSecret");
        const spec = es.spec as Record<string, unknown>;
        expect(() => validateObject({ ...es, spec: { ...spec, secretStoreRef: { kind: "ClusterSecretStore", nmae: "vault" } } })).toThrow(
            'external-secrets.io/v1/ExternalSecret "cluster-dev": data/spec/secretStoreRef must NOT have additional properties',
        );
    });

    it("is exactly this document", () => {
        expect(destinationExternalSecret({ stack: "prod", cluster: "prod-a" }, "prod/prod-a/argocd")).toStrictEqual({
            apiVersion: "external-secrets.io/v1",
            kind: "ExternalSecret",
            metadata: { name: "cluster-prod-a", namespace: "argocd" },
            spec: {
                refreshInterval: "1h",
                secretStoreRef: { kind: "ClusterSecretStore", name: "vault" },
                target: {
                    name: "cluster-prod-a",
                    creationPolicy: "Owner",
                    template: {
                        engineVersion: "v2",
                        type: "Opaque",
                        metadata: { labels: { "argocd.argoproj.io/secret-type": "cluster" } },
                        data: {
                            name: "prod-a",
                            server: "{{ .server }}",
                            config: '{"tlsClientConfig":{"caData":"{{ .caData }}","certData":"{{ .certData }}","keyData":"{{ .keyData }}"}}',
                        },
                    },
                },
                dataFrom: [{ extract: { key: "prod/prod-a/argocd" } }],
            },
        });
    });

    it("reads the workload stack's entry through the shared store into a labelled cluster Secret in argocd", () => {
        expect(es.metadata).toEqual({ name: "cluster-dev", namespace: "argocd" });
        const spec = es.spec as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked against the CRD above
        expect(spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE });
        expect(CLUSTER_SECRET_STORE).toBe("vault");
        expect(spec.dataFrom).toEqual([{ extract: { key: "dev/dev/argocd" } }]);
        expect(spec.target.name).toBe("cluster-dev");
        expect(spec.target.template.metadata).toEqual({ labels: { "argocd.argoproj.io/secret-type": "cluster" } });
        expect(Object.keys(spec.target.template.data).sort()).toEqual(["config", "name", "server"]);
    });

    it("writes each PEM base64-encoded under the cluster's name and server", () => {
        expect(argocdConnection("dev", "https://10.0.0.1:6443", { caCertPem: "ca", certPem: "cert", keyPem: "key" })).toStrictEqual({
            name: "dev",
            server: "https://10.0.0.1:6443",
            caData: "Y2E=",
            certData: "Y2VydA==",
            keyData: "a2V5",
        });
    });

    it("templates the Secret Argo CD expects from what the workload stack writes", () => {
        const ca = issueCa("dev-ca");
        const client = issueLeaf(ca, { commonName: "argocd-manager", organization: ARGOCD_MANAGER_GROUP, uses: ["client_auth"] });
        const entry = argocdConnection("dev", "https://192.168.1.60:6443", { caCertPem: ca.certPem, certPem: client.certPem, keyPem: client.keyPem });
        const data = (es.spec as any).target.template.data as Record<string, string>; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked above
        const rendered = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, renderTemplate(v, entry as unknown as Record<string, string>)]));
        expect(rendered.name).toBe("dev");
        expect(rendered.server).toBe("https://192.168.1.60:6443");
        const config = JSON.parse(rendered.config) as { tlsClientConfig: Record<string, string> };
        expect(Object.keys(config)).toEqual(["tlsClientConfig"]);
        const pem = (field: string) => Buffer.from(config.tlsClientConfig[field], "base64").toString("utf8");
        expect(pem("caData")).toBe(ca.certPem);
        expect(pem("keyData")).toBe(client.keyPem);
        const cert = new X509Certificate(pem("certData"));
        expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
        expect(cert.subject).toContain(`O=${ARGOCD_MANAGER_GROUP}`);
    });
});

describe("a workload cluster's binding for Argo CD", () => {
    it("gives Argo CD's group cluster-admin, and conforms to the RBAC schema", () => {
        const binding = argocdManagerBinding();
        expect(validateObject(binding)).toBe("rbac.authorization.k8s.io/v1/ClusterRoleBinding");
        expect(binding).toStrictEqual({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "homelab-argocd-manager", labels: { "app.kubernetes.io/managed-by": "pulumi" } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "homelab:argocd-managers" }],
        });
        expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" });
        expect(binding.subjects).toEqual([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "homelab:argocd-managers" }]);
    });
});

describe("Argo CD's namespace", () => {
    it("is restricted and lets the controller reach git and the destination API servers", () => {
        expect(ARGOCD_NAMESPACE.podSecurity).toBe("restricted");
        const names = namespacePolicies(ARGOCD_NAMESPACE, { nodeCidr: "192.168.1.0/24" }).map((p) => p.metadata.name);
        expect(names).toEqual(["default-deny", "allow-same-namespace", "allow-dns", "allow-gateway", "allow-api-server", "allow-git-and-destinations"]);
        const egress = namespacePolicies(ARGOCD_NAMESPACE, { nodeCidr: "192.168.1.0/24" }).find((p) => p.metadata.name === "allow-git-and-destinations")!;
        expect((egress.spec as { egress: unknown }).egress).toEqual([
            { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 22 }, { protocol: "TCP", port: 6443 }] },
        ]);
    });
});
