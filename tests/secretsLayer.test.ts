import * as fs from "fs";
import { ProgramRun, SECRET_MASK } from "../render/harness";
import { versions } from "../versions";
import { CLUSTER_SECRET_STORE } from "../components/platform/services/externalSecrets/externalSecrets";
import { baseConfig, byName, makeProject, platformFields, reportLines, runStack, vmYaml } from "./helpers";
import { validateObject } from "./kubeModels";
import { TOOLS_STACK_OUTPUTS, TOOLS_VAULT_CA } from "./mocks";
import { stackRun } from "./stackRuns";

/** Vault's release on the tools stack, and external-secrets with its store and cluster-secrets on every cluster. */

const RELEASE = "kubernetes:helm.sh/v3:Release";
const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const DELIVERY = "kubernetes:external-secrets.io/v1:ClusterExternalSecret";
const pin = (p: { chart: string; repo: string; version: string }) => ({ chart: p.chart, repo: p.repo, version: p.version });

function releaseOf(run: ProgramRun, name: string) {
    const r = byName(run, name);
    const i = r.rawInputs as { name: string; namespace: string; chart: string; version: string; repositoryOpts: { repo: string }; values: Record<string, unknown> };
    return { type: r.type, name: i.name, namespace: i.namespace, chart: i.chart, repo: i.repositoryOpts.repo, version: i.version };
}

const vaultSpec = (run: ProgramRun, name: string) => (byName(run, name).rawInputs.spec as { provider: { vault: Record<string, any> } }).provider.vault; // eslint-disable-line @typescript-eslint/no-explicit-any -- CRD spec

describe("Vault and the secrets layer on the committed stacks", () => {
    const runs: Record<string, ProgramRun> = {};
    beforeAll(async () => {
        for (const stack of ["tools", "dev", "prod"]) {
            runs[stack] = (await stackRun(stack)).run;
            expect(runs[stack].error).toBeUndefined();
        }
    }, 300_000);

    it("installs Vault on the tools cluster only, and external-secrets on every cluster: chart, repository, version, namespace, name", () => {
        expect(releaseOf(runs.tools, "tools-vault-release")).toEqual({ type: RELEASE, name: "vault", namespace: "vault", ...pin(versions.charts.vault) });
        expect(versions.charts.vault).toEqual({ repo: "https://helm.releases.hashicorp.com", chart: "vault", version: "0.34.1" });
        expect(versions.charts.externalSecrets).toEqual({ repo: "https://charts.external-secrets.io", chart: "external-secrets", version: "2.9.0" });
        for (const [stack, cluster] of [["tools", "tools"], ["tools", "observability"], ["dev", "dev"], ["prod", "prod"]]) {
            expect(releaseOf(runs[stack], `${cluster}-secrets-external-secrets-release`)).toEqual({ type: RELEASE, name: "external-secrets", namespace: "external-secrets", ...pin(versions.charts.externalSecrets) });
        }
        for (const stack of ["tools", "dev", "prod"]) {
            const vaultReleases = runs[stack].resources.filter((r) => r.type === RELEASE && (r.rawInputs as { chart: string }).chart === "vault");
            expect(vaultReleases.map((r) => r.name)).toEqual(stack === "tools" ? ["tools-vault-release"] : []);
        }
    });

    it("gives Vault its MetalLB address from homelab:vault.server.initAddress, TLS and raft", () => {
        const values = byName(runs.tools, "tools-vault-release").rawInputs.values as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values
        expect(values.ui).toEqual({ enabled: true, serviceType: "LoadBalancer", loadBalancerIP: "192.168.1.209", activeVaultPodOnly: false, externalPort: 8200 });
        expect(values.global).toEqual({ tlsDisable: false });
        expect(values.server.ha).toMatchObject({ enabled: true, replicas: 1, raft: { enabled: true } });
        const release = byName(runs.tools, "tools-vault-release");
        expect([release.rawInputs.atomic, release.rawInputs.timeout, release.deleteBeforeReplace]).toEqual([true, 900, true]);
        expect(release.provider?.split("::").slice(0, -1).join("::")).toBe(byName(runs.tools, "tools-k8s").urn);
    });

    it("orders Vault: namespace and CA Secret, then Issuer after cert-manager, Certificate, then the release after the pool; VaultInit after the release", () => {
        const run = runs.tools;
        const urn = (n: string) => byName(run, n).urn;
        const deps = (n: string) => byName(run, n).dependencies;
        expect(deps("tools-vault-ca-secret")).toContain(urn("tools-vault-ns-namespace"));
        expect(deps("tools-vault-issuer")).toEqual(expect.arrayContaining([urn("tools-cert-manager-release"), urn("tools-vault-ca-secret")]));
        expect(deps("tools-vault-certificate")).toContain(urn("tools-vault-issuer"));
        expect(deps("tools-vault-release")).toEqual(
            expect.arrayContaining([urn("tools-vault-certificate"), urn("tools-ipaddresspool"), urn("tools-l2advertisement"), urn("tools-ready"), urn("tools-vault-ns-namespace")]),
        );
        expect(deps("vault-init")).toContain(urn("tools-vault-release"));
        expect(byName(run, "tools-vault-issuer").type).toBe("kubernetes:cert-manager.io/v1:Issuer");
        expect(byName(run, "tools-vault-certificate").rawInputs.metadata).toEqual({ name: "vault-server-tls", namespace: "vault", annotations: { "pulumi.com/waitFor": "condition=Ready" } });
        expect(byName(run, "tools-vault-certificate").rawInputs.spec).toMatchObject({ ipAddresses: ["192.168.1.209", "127.0.0.1"], issuerRef: { kind: "Issuer", name: "vault-ca" } });
        expect((byName(run, "tools-vault-certificate").rawInputs.spec as { dnsNames: string[] }).dnsNames).toContain("vault.home.arpa");
    });

    it("protects the CA, keeps its key secret, and makes the init, the provider and the export trust its certificate", () => {
        const run = runs.tools;
        expect([byName(run, "tools-vault-ca-key").protect, byName(run, "tools-vault-ca").protect]).toEqual([true, true]);
        const secret = byName(run, "tools-vault-ca-secret");
        expect(secret.secretPaths).toEqual(["stringData"]);
        expect(secret.inputs.stringData).toBe(SECRET_MASK);
        const ca = (run.rawOutputs.vault as { caCertPem: string }).caCertPem;
        expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/);
        expect((secret.rawInputs.stringData as Record<string, string>)["tls.crt"]).toBe(ca);
        expect(byName(run, "vault-init").rawInputs.caPem).toBe(ca);
        const provider = run.resources.find((r) => r.type === "pulumi:providers:vault")!;
        expect(fs.readFileSync(provider.rawInputs.caCertFile as string, "utf8")).toBe(ca);
        const key = (secret.rawInputs.stringData as Record<string, string>)["tls.key"];
        expect(key).toMatch(/PRIVATE KEY/);
        expect(JSON.stringify([run.outputs, run.rawOutputs, run.resources.map((r) => r.inputs), run.artefacts])).not.toContain(key.split("\n")[1]);
    });

    it("declares a ClusterSecretStore `vault` per cluster with its own auth method, the mount and Vault's CA", () => {
        const ca = (runs.tools.rawOutputs.vault as { caCertPem: string }).caCertPem;
        const b64 = (pem: string) => Buffer.from(pem).toString("base64");
        const cases: [ProgramRun, string, string, string, string, string][] = [
            // Vault's own cluster reaches it at its Service; the others at the clients' address.
            [runs.tools, "tools", "https://vault-active.vault.svc:8200", ca, "homelab", "https://kubernetes.default.svc.cluster.local"],
            [runs.tools, "observability", "https://vault.home.arpa:8200", ca, "homelab", "https://kubernetes.default.svc.cluster.local"],
            [runs.dev, "dev", TOOLS_STACK_OUTPUTS.vault.address, TOOLS_VAULT_CA, "homelab", byName(runs.dev, "dev-ready").rawInputs.endpoint as string],
            [runs.prod, "prod", TOOLS_STACK_OUTPUTS.vault.address, TOOLS_VAULT_CA, "homelab", "https://kubernetes.default.svc.cluster.local"],
        ];
        for (const [run, cluster, server, pem, mount, apiAudience] of cases) {
            const store = byName(run, `${cluster}-secrets-store`);
            expect([store.type, store.rawInputs.metadata]).toEqual([STORE, { name: CLUSTER_SECRET_STORE }]);
            expect(vaultSpec(run, `${cluster}-secrets-store`)).toEqual({
                server,
                path: mount,
                version: "v2",
                caBundle: b64(pem),
                auth: { kubernetes: { mountPath: `kubernetes-${cluster}`, role: "external-secrets", serviceAccountRef: { name: "external-secrets", namespace: "external-secrets", audiences: ["vault", apiAudience] } } },
            });
            expect(validateObject({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "vault" }, spec: store.rawInputs.spec })).toBe("external-secrets.io/v1/ClusterSecretStore");
            const release = byName(run, `${cluster}-secrets-external-secrets-release`).urn;
            expect(store.dependencies).toContain(release);
            const delivery = byName(run, `${cluster}-secrets-cluster-secrets`);
            expect(delivery.type).toBe(DELIVERY);
            expect(delivery.dependencies).toEqual(expect.arrayContaining([release, store.urn]));
            expect((delivery.rawInputs.spec as { externalSecretSpec: { dataFrom: unknown } }).externalSecretSpec.dataFrom).toEqual([{ extract: { key: `${run === runs.tools ? "tools" : cluster}/${cluster}/cluster-secrets` } }]);
            expect(byName(run, `${cluster}-secrets-external-secrets-release`).dependencies).toContain(byName(run, `${cluster}-ready`).urn);
        }
        // Talos's API server audience is its endpoint.
        expect(byName(runs.dev, "dev-ready").rawInputs.endpoint).toBe("https://192.168.1.12:6443");
    });

    it("renders Vault's values and the objects, with the CA key masked", () => {
        const paths = runs.tools.artefacts.map((a) => a.path);
        expect(paths).toEqual(expect.arrayContaining(["helm/tools/vault.values.yaml", "helm/tools/external-secrets.values.yaml", "helm/observability/external-secrets.values.yaml", "k8s/tools/cluster/clustersecretstore-vault.yaml", "k8s/tools/vault/certificate-vault-server-tls.yaml"]));
        const caSecret = runs.tools.artefacts.find((a) => a.path === "k8s/tools/vault/secret-vault-ca.yaml")!.content;
        expect(caSecret).toContain("tls.key: '<redacted: secret>'");
        expect(runs.dev.artefacts.find((a) => a.path === "k8s/dev/cluster/clustersecretstore-vault.yaml")!.content).toContain("server: <vault.address from stack organization/homelab/tools>");
    });
});

describe("Vault and external-secrets config", () => {
    const files = { "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.80/24,gw=192.168.1.1"' }), "cp2.yaml": vmYaml("cp2", { ipconfig0: '"ip=192.168.1.81/24,gw=192.168.1.1"' }) };
    const tools = (extra: Record<string, unknown> = {}) => ({ name: "lab", role: "tools", distribution: "k3s", controlPlanes: ["cp"], ...platformFields(0), ...extra });
    const server = { address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.209:8200" };
    const run = (config: Record<string, unknown>) => runStack({ config: { ...baseConfig(), ...config }, projectDir: makeProject(files), preview: true });

    it.each([
        {
            title: "external-secrets switched on without Vault",
            config: { clusters: [tools({ services: { externalSecrets: true } })] },
            expected: ["Pulumi.test.yaml: homelab:clusters[0].services.externalSecrets: external-secrets reads from Vault, and this stack has none: set homelab:vault (address, fromStack or server), or remove this toggle"],
        },
        {
            title: "Vault with no cluster of role tools",
            config: { clusters: [tools({ role: "workload" })], vault: { server } },
            expected: ["Pulumi.test.yaml: homelab:vault.server: Vault runs on the stack's cluster with role tools, and homelab:clusters has none: add one, or read Vault from the stack that runs it (homelab:vault.fromStack)"],
        },
        {
            title: "Vault with two clusters of role tools",
            config: { clusters: [tools(), { name: "lab2", role: "tools", distribution: "k3s", controlPlanes: ["cp2"], ...platformFields(1) }], vault: { server } },
            expected: ["Pulumi.test.yaml: homelab:vault.server: Vault runs on the stack's one cluster with role tools, and homelab:clusters has 2 (lab, lab2): give one of them another role"],
        },
        {
            title: "an address outside the pool",
            config: { clusters: [tools()], vault: { server: { ...server, initAddress: "https://192.168.1.150:8200" } } },
            expected: ["Pulumi.test.yaml: homelab:vault.server.initAddress: 192.168.1.150 is not inside the loadBalancerPool of cluster lab (192.168.1.200-192.168.1.209): MetalLB hands out only those addresses"],
        },
        {
            title: "an address outside the pool beside a cluster without its domain: one cross-key problem does not hide another",
            config: { clusters: [tools({ domain: undefined })], vault: { server: { ...server, initAddress: "https://192.168.1.150:8200" } } },
            expected: [
                "Pulumi.test.yaml: homelab:clusters[0].domain: is required: certManager, istio and externalDns need it (or switch them off under services)",
                "Pulumi.test.yaml: homelab:vault.server.initAddress: 192.168.1.150 is not inside the loadBalancerPool of cluster lab (192.168.1.200-192.168.1.209): MetalLB hands out only those addresses",
            ],
        },
        {
            title: "a host name and no initAddress",
            config: { clusters: [tools()], vault: { server: { address: "https://vault.home.arpa:8200" } } },
            expected: [
                "Pulumi.test.yaml: homelab:vault.server.address: vault.home.arpa is not an IPv4 address: Vault's MetalLB address is the host of initAddress (address when initAddress is unset); set initAddress to https://<an address in cluster lab's loadBalancerPool>:8200",
            ],
        },
        {
            title: "MetalLB and cert-manager switched off where Vault runs",
            config: { clusters: [tools({ services: { metallb: false, certManager: false, istio: false } })], vault: { server } },
            expected: [
                "Pulumi.test.yaml: homelab:clusters[0].services.metallb: Vault runs on cluster lab (homelab:vault.server) and takes its address from MetalLB: remove this toggle",
                "Pulumi.test.yaml: homelab:clusters[0].services.certManager: Vault runs on cluster lab (homelab:vault.server) and gets its TLS certificate from cert-manager: remove this toggle",
            ],
        },
    ])("reports $title before anything is registered", async ({ config, expected }) => {
        const r = await run(config);
        expect(reportLines(r)).toEqual(expected);
        expect(r.resources).toEqual([]);
    });

    it("installs external-secrets only where the stack has Vault, unless a cluster switches it off", async () => {
        const names = (r: ProgramRun) => r.resources.filter((x) => x.name.startsWith("lab-secrets")).map((x) => x.name);
        const without = await run({ clusters: [tools({ role: "workload" })] });
        expect(without.error).toBeUndefined();
        expect(names(without)).toEqual([]);
        const withVault = await runStack({
            config: { ...baseConfig(), clusters: [tools({ role: "workload" })], vault: { address: "https://vault.home.arpa:8200" }, vaultToken: "hvs.own-token" },
            projectDir: makeProject(files),
            preview: true,
        });
        expect(withVault.error).toBeUndefined();
        expect(names(withVault)).toContain("lab-secrets-external-secrets-release");
        expect(vaultSpec(withVault, "lab-secrets-store").server).toBe("https://vault.home.arpa:8200");
        // No CA file: the store trusts the system's CAs.
        expect(vaultSpec(withVault, "lab-secrets-store").caBundle).toBeUndefined();
        const off = await runStack({
            config: { ...baseConfig(), clusters: [tools({ role: "workload", services: { externalSecrets: false } })], vault: { address: "https://vault.home.arpa:8200" }, vaultToken: "hvs.own-token" },
            projectDir: makeProject(files),
            preview: true,
        });
        expect(names(off)).toEqual([]);
    });
});
