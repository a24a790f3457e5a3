import { X509Certificate } from "crypto";
import * as bcrypt from "bcryptjs";
import { ProgramRun, providerLikeMocks, SECRET_MASK } from "../render/harness";
import { versions } from "../versions";
import { APPLICATION_HEALTH_LUA, rootApplication } from "../components/platform/services/argocd/argocd";
import { argocdDestinationsPolicy } from "../components/vault/argocd";
import { baseConfig, byName, makeProject, PLATFORM_SECRETS, platformFields, reportLines, runStack, vmYaml } from "./helpers";
import { validateObject } from "./kubeModels";
import { stackRun } from "./stackRuns";

const RELEASE = "kubernetes:helm.sh/v3:Release";
type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded inputs

const of = (run: ProgramRun, type: string, name: string) => {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    expect([type, name, found.length]).toEqual([type, name, 1]);
    return found[0];
};

describe("Argo CD on the tools stack", () => {
    let tools: ProgramRun;
    beforeAll(async () => {
        tools = (await stackRun("tools")).run;
        expect(tools.error).toBeUndefined();
    });

    it("installs the pinned chart as release argocd in namespace argocd, on the tools cluster after its readiness", () => {
        const release = of(tools, RELEASE, "tools-argocd-release");
        expect(release.rawInputs).toMatchObject({ name: "argocd", namespace: "argocd", chart: "argo-cd", version: "10.1.1", repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" }, atomic: true, timeout: 900 });
        expect(versions.charts.argoCd).toEqual({ repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.1.1" });
        expect(release.deleteBeforeReplace).toBe(true);
        expect(release.provider?.split("::").slice(0, -1).join("::")).toBe(byName(tools, "tools-k8s").urn);
        expect(release.dependencies).toContain(byName(tools, "tools-ready").urn);
        // Only the tools cluster runs it.
        expect(tools.resources.filter((r) => r.type === RELEASE && (r.rawInputs as Raw).chart === "argo-cd").map((r) => r.name)).toEqual(["tools-argocd-release"]);
    });

    it("gives Argo CD the generated password's bcrypt hash, secret, and keeps the password in Vault", () => {
        const password = of(tools, "random:index/randomPassword:RandomPassword", "tools-argocd-admin-password");
        expect(password.inputs).toEqual({ length: 32, special: false, keepers: { setAt: "2026-11-30T00:00:00Z" } });
        expect(password.additionalSecretOutputs.sort()).toEqual(["bcryptHash", "result"]);

        const release = of(tools, RELEASE, "tools-argocd-release");
        const values = release.rawInputs.values as Raw;
        expect(release.secretPaths).toEqual(["values.configs.secret.argocdServerAdminPassword"]);
        expect((release.inputs.values as Raw).configs.secret.argocdServerAdminPassword).toBe(SECRET_MASK);
        expect(values.configs.secret.argocdServerAdminPasswordMtime).toBe("2026-11-30T00:00:00Z");
        expect(values.configs.cm).toEqual({ "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA });
        expect(values.global).toEqual({ domain: "argocd.tools.homelab.example.com" });
        expect(values.dex).toEqual({ enabled: false });

        const login = of(tools, "vault:kv/secretV2:SecretV2", "tools-argocd-admin-login");
        expect(login.inputs).toEqual({ mount: "homelab", name: "tools/tools/argocd-admin", dataJson: SECRET_MASK, deleteAllVersions: true });
        expect(login.provider?.split("::").slice(0, -1).join("::")).toBe(of(tools, "pulumi:providers:vault", "vault").urn);
        // After the KV v2 mount exists.
        expect(login.dependencies).toContain(of(tools, "vault:index/mount:Mount", "vault-kv").urn);
        const stored = JSON.parse(login.rawInputs.dataJson as string) as { username: string; password: string };
        expect(stored.username).toBe("admin");
        expect(stored.password).toMatch(/^[A-Za-z0-9]{32}$/);
        // The hash in the values is the hash of the password in Vault.
        expect(values.configs.secret.argocdServerAdminPassword).toMatch(/^\$2[aby]\$/);
        expect(bcrypt.compareSync(stored.password, values.configs.secret.argocdServerAdminPassword)).toBe(true);
    });

    it("never shows the password or its hash in outputs, inputs or the render", () => {
        const login = of(tools, "vault:kv/secretV2:SecretV2", "tools-argocd-admin-login");
        const { password } = JSON.parse(login.rawInputs.dataJson as string) as { password: string };
        const hash = (of(tools, RELEASE, "tools-argocd-release").rawInputs.values as Raw).configs.secret.argocdServerAdminPassword as string;
        const visible = JSON.stringify([tools.outputs, tools.resources.map((r) => r.inputs), tools.artefacts]);
        expect([visible.includes(password), visible.includes(hash)]).toEqual([false, false]);
        const rendered = tools.artefacts.find((a) => a.path === "helm/tools/argocd.values.yaml")!.content;
        expect(rendered).toContain("    argocdServerAdminPassword: '<redacted: secret>'\n    argocdServerAdminPasswordMtime: '2026-11-30T00:00:00Z'\n");
        expect(rendered.split("\n")[0]).toBe("# argo-cd 10.1.1 from https://argoproj.github.io/argo-helm, namespace argocd");
    });

    it("declares the root Application from homelab:argocd, after the release that brings its CRD", () => {
        const app = of(tools, "kubernetes:argoproj.io/v1alpha1:Application", "tools-argocd-root-application");
        expect(app.rawInputs).toEqual(rootApplication({ repoUrl: "https://github.com/example/homelab-apps.git", revision: "main", path: "apps" }));
        expect((app.rawInputs as Raw).spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] });
        expect(app.dependencies).toEqual([of(tools, RELEASE, "tools-argocd-release").urn]);
        expect(validateObject(app.rawInputs)).toBe("argoproj.io/v1alpha1/Application");
        expect(tools.artefacts.map((a) => a.path)).toContain("k8s/tools/argocd/application-root.yaml");
    });

    it("turns each destination's Vault entry into a cluster Secret in argocd, through the shared store", () => {
        const secrets = tools.resources.filter((r) => r.type === "kubernetes:external-secrets.io/v1:ExternalSecret");
        expect(secrets.map((r) => r.name).sort()).toEqual(["tools-argocd-cluster-dev", "tools-argocd-cluster-prod"]);
        for (const [cluster, r] of [["dev", secrets.find((s) => s.name.endsWith("-dev"))!], ["prod", secrets.find((s) => s.name.endsWith("-prod"))!]] as const) {
            const spec = r.rawInputs.spec as Raw;
            expect(validateObject(r.rawInputs)).toBe("external-secrets.io/v1/ExternalSecret");
            expect((r.rawInputs as Raw).metadata).toEqual({ name: `cluster-${cluster}`, namespace: "argocd" });
            expect(spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: "vault" });
            expect(spec.dataFrom).toEqual([{ extract: { key: `${cluster}/${cluster}/argocd` } }]);
            expect(spec.target.template.metadata.labels).toEqual({ "argocd.argoproj.io/secret-type": "cluster" });
            expect(spec.target.template.data).toEqual({
                name: cluster,
                server: "{{ .server }}",
                config: '{"tlsClientConfig":{"caData":"{{ .caData }}","certData":"{{ .certData }}","keyData":"{{ .keyData }}"}}',
            });
            expect(r.provider?.split("::").slice(0, -1).join("::")).toBe(byName(tools, "tools-k8s").urn);
            expect(r.dependencies).toContain(byName(tools, "tools-argocd-ns-namespace").urn);
            // external-secrets' CRDs come with its release; the store must exist before the secret reads through it.
            expect(r.dependencies).toEqual(expect.arrayContaining([byName(tools, "tools-secrets-external-secrets-release").urn, byName(tools, "tools-secrets-store").urn]));
        }
    });

    it("lets the tools cluster's external-secrets role read the destinations' connections, and nothing more", () => {
        const policy = of(tools, "vault:index/policy:Policy", "argocd-destinations");
        const text = argocdDestinationsPolicy("homelab", "tools", [
            { stack: "dev", cluster: "dev" },
            { stack: "prod", cluster: "prod" },
        ]);
        expect(policy.inputs).toEqual({ name: "argocd-destinations-tools", policy: text });
        expect(tools.artefacts.find((a) => a.path === "vault/argocd-destinations-tools.hcl")?.content).toBe(text);
        const role = (cluster: string) => of(tools, "vault:kubernetes/authBackendRole:AuthBackendRole", `vault-external-secrets-${cluster}`).rawInputs.tokenPolicies;
        expect(role("tools")).toEqual(["external-secrets-tools", "argocd-destinations-tools"]);
        expect(role("observability")).toEqual(["external-secrets-observability"]);
        expect(role("dev")).toEqual(["external-secrets-dev"]);
    });

    it("writes no destination connection of its own: the tools stack only reads them", () => {
        expect(tools.resources.filter((r) => r.type === "homelab:platform:ArgoCdDestination")).toEqual([]);
        expect(tools.resources.filter((r) => r.type === "pulumi:pulumi:StackReference")).toEqual([]);
    });
});

describe("dev and prod as Argo CD destinations", () => {
    it.each([
        ["dev", "talos"],
        ["prod", "kubeadm"],
    ])("%s writes its cluster's connection for Argo CD to Vault, with a client certificate bound to cluster-admin", async (stack) => {
        const { run } = await stackRun(stack);
        expect(run.error).toBeUndefined();
        const binding = of(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", `argocd-destination-${stack}-cluster-admin`);
        expect(validateObject(binding.rawInputs)).toBe("rbac.authorization.k8s.io/v1/ClusterRoleBinding");
        expect((binding.rawInputs as Raw).subjects).toEqual([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "homelab:argocd-managers" }]);
        expect((binding.rawInputs as Raw).roleRef.name).toBe("cluster-admin");
        expect(binding.provider?.split("::").slice(0, -1).join("::")).toBe(byName(run, `${stack}-k8s`).urn);
        expect(binding.dependencies).toContain(byName(run, `${stack}-ready`).urn);

        const connection = of(run, "vault:kv/secretV2:SecretV2", `argocd-destination-${stack}-connection`);
        expect(connection.inputs).toEqual({ mount: "homelab", name: `${stack}/${stack}/argocd`, dataJson: SECRET_MASK, deleteAllVersions: true });
        expect(connection.dependencies).toContain(binding.urn);
        // Through the stack's own Vault provider (its scoped token from the tools stack), beside the kubeconfig.
        const kubeconfig = of(run, "vault:kv/secretV2:SecretV2", `kubeconfigs-${stack}`);
        expect(connection.provider).toBe(kubeconfig.provider);

        const data = JSON.parse(connection.rawInputs.dataJson as string) as Record<string, string>;
        expect(Object.keys(data).sort()).toEqual(["caData", "certData", "keyData", "name", "server"]);
        expect(data.name).toBe(stack);
        const endpoint = JSON.parse(kubeconfig.rawInputs.dataJson as string).endpoint as string;
        expect(data.server).toBe(endpoint);
        const pem = (field: string) => Buffer.from(data[field], "base64").toString("utf8");
        const kubeconfigCa = (run.rawOutputs.clusters as Record<string, { kubeconfig: string }>)[stack].kubeconfig.match(/certificate-authority-data: (\S+)/)![1];
        expect(data.caData).toBe(kubeconfigCa);
        const cert = new X509Certificate(pem("certData"));
        expect(cert.subject.split("\n").sort()).toEqual(["CN=argocd-manager", "O=homelab:argocd-managers"]);
        // Signed by the CA the admin certificate chains to: the API server's client CA.
        const adminCert = of(run, "tls:index/locallySignedCert:LocallySignedCert", `${stack}-admin-cert`);
        const ownCert = of(run, "tls:index/locallySignedCert:LocallySignedCert", `argocd-destination-${stack}-client-cert`);
        expect(ownCert.rawInputs.caCertPem).toBe(adminCert.rawInputs.caCertPem);
        expect(cert.verify(new X509Certificate(adminCert.rawInputs.caCertPem as string).publicKey)).toBe(true);
        expect(pem("keyData")).toMatch(/^-----BEGIN (EC )?PRIVATE KEY-----/);
        // The key stays secret: nowhere in the visible inputs, outputs or render.
        expect(JSON.stringify([run.outputs, run.resources.map((r) => r.inputs), run.artefacts]).includes(data.keyData)).toBe(false);
        expect(run.artefacts.find((a) => a.path === `k8s/${stack}/cluster/clusterrolebinding-homelab-argocd-manager.yaml`)).toBeDefined();
        // No Argo CD itself on a workload stack.
        expect(run.resources.filter((r) => r.type === "homelab:platform:ArgoCd")).toEqual([]);
    });
});

describe("homelab:argocd validation", () => {
    const files = {
        "tools.yaml": vmYaml("tools", { ipconfig0: '"ip=192.168.1.70/24,gw=192.168.1.1"' }),
        "work.yaml": vmYaml("work", { ipconfig0: '"ip=192.168.1.71/24,gw=192.168.1.1"' }),
    };
    const toolsCluster = { name: "tools", role: "tools", distribution: "k3s", controlPlanes: ["tools"], ...platformFields(0) };
    const server = { address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.209:8200", clientStacks: { dev: ["dev"] } };
    const argocd = { repoUrl: "https://github.com/example/apps.git", revision: "main", path: "apps", destinations: [{ stack: "dev", cluster: "dev" }] };
    // A preview computes nothing: no keys or certificates to make, so each run is quick.
    const computesNothing = { newResource: (args: { inputs: Record<string, unknown> }) => ({ id: undefined, state: args.inputs }), call: providerLikeMocks.call };
    const run = (config: Record<string, unknown>) =>
        runStack({
            stack: "tools",
            config: { ...baseConfig(), clusters: [toolsCluster], vault: { server }, ...config },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken"],
            projectDir: makeProject(files),
            preview: true,
            mocks: computesNothing,
        });

    it("defaults to HEAD at the repository root, and runs no Argo CD without the key", async () => {
        const defaults = await run({ argocd: { repoUrl: "git@github.com:example/apps.git" } });
        expect(defaults.error).toBeUndefined();
        expect((byName(defaults, "tools-argocd-root-application").rawInputs as Raw).spec.source).toEqual({ repoURL: "git@github.com:example/apps.git", targetRevision: "HEAD", path: "." });
        expect(defaults.resources.filter((r) => r.type === "kubernetes:external-secrets.io/v1:ExternalSecret")).toEqual([]);
        const none = await run({});
        expect(none.error).toBeUndefined();
        expect(none.resources.filter((r) => r.name.includes("argocd"))).toEqual([]);
    });

    it.each([
        {
            title: "malformed fields",
            config: { argocd: { repoUrl: "github.com/example/apps", revision: "main branch", path: "/apps/../x", destinations: [{ stack: "Dev", cluster: "dev" }], repoURL: "x" } },
            expected: [
                'Pulumi.tools.yaml: homelab:argocd.repoURL: unknown field (did you mean "repoUrl"?)',
                'Pulumi.tools.yaml: homelab:argocd.repoUrl: "github.com/example/apps" is not a git URL like https://github.com/me/homelab-apps.git or git@github.com:me/homelab-apps.git',
                'Pulumi.tools.yaml: homelab:argocd.revision: "main branch" is not a git revision like main',
                'Pulumi.tools.yaml: homelab:argocd.path: "/apps/../x" is not a relative path like apps or . (no leading /, no ..)',
                'Pulumi.tools.yaml: homelab:argocd.destinations[0].stack: "Dev" is not a stack name like dev',
            ],
        },
        {
            title: "destinations without a repository, this stack, an unlisted cluster and a cluster named twice",
            config: {
                argocd: {
                    destinations: [
                        { stack: "tools", cluster: "observability" },
                        { stack: "prod", cluster: "prod" },
                        { stack: "dev", cluster: "prod" },
                    ],
                },
            },
            expected: [
                "Pulumi.tools.yaml: homelab:argocd.repoUrl: is required: the git repository the root Application syncs",
                "Pulumi.tools.yaml: homelab:argocd.destinations[0].stack: is this stack: Argo CD reaches its own cluster in-cluster; list only the workload stacks' clusters",
                "Pulumi.tools.yaml: homelab:argocd.destinations[1]: prod/prod is not listed under homelab:vault.server.clientStacks.prod: that stack needs its scoped token to write the connection",
                "Pulumi.tools.yaml: homelab:argocd.destinations[2]: dev/prod is not listed under homelab:vault.server.clientStacks.dev: that stack needs its scoped token to write the connection",
                'Pulumi.tools.yaml: homelab:argocd.destinations[2].cluster: "prod" is already destinations[1]: Argo CD names each cluster once',
            ],
        },
        {
            title: "no tools cluster and no Vault run here",
            config: { clusters: [{ ...toolsCluster, role: "workload" }], vault: {}, argocd },
            expected: [
                "Pulumi.tools.yaml: homelab:argocd: needs a cluster with role tools in homelab:clusters: Argo CD runs there",
                "Pulumi.tools.yaml: homelab:argocd: needs homelab:vault.server: the admin password and the destinations' connections are kept in the Vault this stack runs",
            ],
        },
    ])("reports $title before anything is registered", async ({ config, expected }) => {
        const r = await run(config);
        expect(reportLines(r)).toEqual(expected);
        expect(r.resources).toEqual([]);
    });
});
