import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { externalSecretsPolicy, missingVaultOutput, stackVaultPolicy } from "../components/vault/paths";
import { SECRET_MASK, SERIALIZED_PROVIDER } from "../render/harness";
import { baseConfig, byName, makeProject, PLATFORM_SECRETS, platformFields, reportLines, runStack, vmYaml } from "./helpers";
import { realisticMocks, TOOLS_STACK, TOOLS_STACK_OUTPUTS } from "./mocks";
import { stackRun } from "./stackRuns";
import { issueCa } from "./openssl";

const files = { "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.70/24,gw=192.168.1.1"' }) };
const cluster = { name: "lab", role: "workload", distribution: "k3s", controlPlanes: ["cp"], ...platformFields(0) };
const VAULT_TOKEN = "hvs.CAESIJ-scoped-test-token";
const SECRETS = [...PLATFORM_SECRETS, "homelab:proxmoxApiToken", "homelab:vaultToken"];

type Kubeconfig = { clusters: { cluster: { "certificate-authority-data": string } }[] };
const vaultProvider = (run: { resources: { type: string }[] }) => run.resources.find((r) => r.type === "pulumi:providers:vault") as ReturnType<typeof byName>;
const caOf = (kubeconfig: string) => Buffer.from((yaml.load(kubeconfig) as Kubeconfig).clusters[0].cluster["certificate-authority-data"], "base64").toString("utf8");

/** realisticMocks, giving a StackReference the outputs the test names. */
function referencing(outputs: Record<string, unknown>, referenced: string[] = []): pulumi.runtime.Mocks {
    return {
        newResource: (args) => {
            if (args.type === "pulumi:pulumi:StackReference") {
                referenced.push(args.inputs.name);
                return { id: args.inputs.name, state: { name: args.inputs.name, outputs, secretOutputNames: ["vaultTokens"] } };
            }
            return realisticMocks.newResource(args);
        },
        call: realisticMocks.call,
    };
}

describe("kubeconfigs in Vault KV v2, with this stack's own token (homelab:vault.address)", () => {
    it("writes each cluster's kubeconfig to its own path, through a provider with the scoped token", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200", mount: "kv" }, vaultToken: VAULT_TOKEN },
            secretKeys: SECRETS,
            projectDir: makeProject(files),
        });
        expect(run.error).toBeUndefined();
        const provider = vaultProvider(run);
        expect(provider.type).toBe("pulumi:providers:vault");
        expect(provider.secretPaths).toEqual(["token"]);
        expect(provider.rawInputs).toMatchObject({ address: "https://vault.home.arpa:8200", token: VAULT_TOKEN, skipTlsVerify: "false", skipChildToken: "true" });
        const secret = byName(run, "kubeconfigs-lab");
        expect(secret.type).toBe("vault:kv/secretV2:SecretV2");
        expect(secret.inputs).toEqual({ mount: "kv", name: "test/lab/kubeconfig", dataJson: SECRET_MASK, deleteAllVersions: true });
        expect(secret.provider?.startsWith("urn:pulumi:test::homelab::pulumi:pulumi:Stack$pulumi:providers:vault::vault::")).toBe(true);
        const data = JSON.parse(secret.rawInputs.dataJson as string) as { kubeconfig: string; endpoint: string };
        expect(data.endpoint).toBe("https://192.168.1.70:6443");
        expect((run.rawOutputs.clusters as Record<string, { kubeconfig: string }>).lab.kubeconfig).toBe(data.kubeconfig);
        expect((yaml.load(data.kubeconfig) as { "current-context": string })["current-context"]).toBe("lab");
        expect(run.outputs.clusters).toEqual({ lab: { endpoint: "https://192.168.1.70:6443", kubeconfig: SECRET_MASK, vaultPath: "kv/test/lab/kubeconfig" } });
        expect(run.outputs.vault).toEqual({ address: "https://vault.home.arpa:8200", mount: "kv" });
        // No auth config from a stack that does not read the tools stack's Vault.
        expect(run.resources.filter((r) => r.type.startsWith("vault:kubernetes"))).toEqual([]);
        expect(JSON.stringify([run.outputs, run.resources.map((r) => r.inputs)])).not.toContain(VAULT_TOKEN);
    });

    it("writes nothing to Vault when none is configured", async () => {
        const run = await runStack({ config: { ...baseConfig(), clusters: [cluster] }, projectDir: makeProject(files) });
        expect(run.resources.filter((r) => r.type.startsWith("vault:") || r.type === "pulumi:providers:vault")).toEqual([]);
        expect((run.outputs.clusters as Record<string, { vaultPath: unknown }>).lab.vaultPath).toBeNull();
        expect(run.artefacts.find((a) => a.path === "vault/policy-test.hcl")?.content).toBe(stackVaultPolicy("homelab", "test", ["lab"]));
    });

    it("requires the token with an address, and refuses it in plaintext", async () => {
        const missing = await runStack({ config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200" } }, projectDir: makeProject(files) });
        expect(reportLines(missing)).toEqual(["Pulumi.test.yaml: homelab:vaultToken: is required with homelab:vault.address; set it with `pulumi config set --secret homelab:vaultToken <token>`"]);
        const plaintext = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200" }, vaultToken: VAULT_TOKEN },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken"],
            projectDir: makeProject(files),
        });
        expect(reportLines(plaintext)).toEqual(["Pulumi.test.yaml: homelab:vaultToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:vaultToken <value>`"]);
        expect(plaintext.resources).toEqual([]);
    });
});

describe("a stack reading the tools stack's Vault (homelab:vault.fromStack)", () => {
    it("reads address, mount and its own scoped token through a StackReference, and writes its kubeconfig and auth config", async () => {
        const referenced: string[] = [];
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { fromStack: "homelab-org/homelab/tools" } },
            projectDir: makeProject(files),
            mocks: referencing({ vault: { address: "https://vault.tools:8200", mount: "kv2" }, vaultTokens: { test: "hvs.test-token", other: "hvs.other-token" } }, referenced),
        });
        expect(run.error).toBeUndefined();
        expect(referenced).toEqual(["homelab-org/homelab/tools"]);
        const reference = byName(run, "vault-source");
        expect([reference.type, reference.read]).toEqual(["pulumi:pulumi:StackReference", true]);
        const provider = vaultProvider(run);
        expect(provider.rawInputs).toMatchObject({ address: "https://vault.tools:8200", token: "hvs.test-token", skipChildToken: "true" });
        expect(provider.secretPaths).toEqual(["token"]);
        expect(byName(run, "kubeconfigs-lab").inputs).toEqual({ mount: "kv2", name: "test/lab/kubeconfig", dataJson: SECRET_MASK, deleteAllVersions: true });
        const auth = byName(run, "vault-auth-lab");
        expect(auth.type).toBe("vault:kubernetes/authBackendConfig:AuthBackendConfig");
        const kubeconfig = (run.rawOutputs.clusters as Record<string, { kubeconfig: string }>).lab.kubeconfig;
        expect(auth.rawInputs).toEqual({ backend: "kubernetes-lab", kubernetesHost: "https://192.168.1.70:6443", kubernetesCaCert: caOf(kubeconfig), disableLocalCaJwt: true });
        expect(auth.rawInputs.kubernetesCaCert).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
        expect(auth.provider).toBe(provider.urn + "::vault-id");
        expect((run.outputs.clusters as Record<string, { vaultPath: string }>).lab.vaultPath).toBe("kv2/test/lab/kubeconfig");
        expect(run.outputs.vault).toBeUndefined();
        expect(JSON.stringify([run.outputs, run.resources.map((r) => r.inputs)])).not.toContain("hvs.");
    });

    it("names the output it misses: `vault`, or this stack's token", () => {
        // The program throws this before anything uses the reference (program.ts requireVaultOutputs).
        expect(missingVaultOutput({}, "o/homelab/tools", "dev")).toBe("stack o/homelab/tools has no output `vault`: run it first, with homelab:vault.server set (homelab:vault.fromStack names it)");
        expect(missingVaultOutput({ vault: {}, vaultTokens: { prod: "t" } }, "o/homelab/tools", "dev")).toBe(
            "stack o/homelab/tools has no output `vaultTokens.dev`: list dev under homelab:vault.server.clientStacks in its config and run it first",
        );
        expect(missingVaultOutput({ vault: {} }, "o/homelab/tools", "dev")).toBe(
            "stack o/homelab/tools has no output `vaultTokens.dev`: list dev under homelab:vault.server.clientStacks in its config and run it first",
        );
        expect(missingVaultOutput(TOOLS_STACK_OUTPUTS, TOOLS_STACK, "prod")).toBeUndefined();
    });

    it("refuses a token of its own with fromStack, and both an address and a stack", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200", fromStack: "o/homelab/tools" }, vaultToken: VAULT_TOKEN },
            secretKeys: SECRETS,
            projectDir: makeProject(files),
        });
        expect(reportLines(run)).toEqual([
            "Pulumi.test.yaml: homelab:vault: address and fromStack exclude each other: set the address here, read it from the stack that runs Vault (fromStack), or run it here (server)",
            "Pulumi.test.yaml: homelab:vaultToken: is not used with homelab:vault.fromStack: this stack reads its scoped token from that stack's `vaultTokens` output; remove it",
        ]);
        expect(run.resources).toEqual([]);
    });
});

describe("the Vault a stack runs (homelab:vault.server)", () => {
    const toolsFiles = { "tools.yaml": vmYaml("tools-cp", { ipconfig0: '"ip=192.168.1.80/24,gw=192.168.1.1"' }) };
    const toolsCluster = { name: "tools", role: "tools", distribution: "k3s", controlPlanes: ["tools-cp"], ...platformFields(0) };
    const server = { address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.209:8200", clientStacks: { dev: ["dev"], prod: ["prod"] } };
    const VAULT_TYPES = ["pulumi-nodejs:dynamic/vault:VaultInit", "pulumi:providers:vault"];

    /** Runs with the init resource's answer recorded, to look for its secrets everywhere. */
    async function runServer(extra: Record<string, unknown> = {}, projectFiles: Record<string, string> = toolsFiles) {
        const answers: Record<string, unknown>[] = [];
        const run = await runStack({
            config: { ...baseConfig(), clusters: [toolsCluster], vault: { server, ...extra } },
            projectDir: makeProject(projectFiles),
            mocks: {
                newResource: (args) => {
                    const result = realisticMocks.newResource(args) as { id: string; state: Record<string, unknown> };
                    if (args.type === VAULT_TYPES[0]) {
                        answers.push(result.state);
                    }
                    return result;
                },
                call: realisticMocks.call,
            },
        });
        return { run, init: answers[0] as { unsealKeys: string[]; rootToken: string } };
    }

    /** The default server run, evaluated once for the three tests that read it (the mock runtime keeps no state between them). */
    let defaultRun: ReturnType<typeof runServer> | undefined;
    const defaultServer = () => (defaultRun ??= runServer());

    it("initialises Vault with a protected dynamic resource whose keys and root token are secret outputs", async () => {
        const { run, init } = await defaultServer();
        expect(run.error).toBeUndefined();
        const resource = byName(run, "vault-init");
        expect(resource.type).toBe("pulumi-nodejs:dynamic/vault:VaultInit");
        expect(resource.protect).toBe(true);
        expect(resource.additionalSecretOutputs).toEqual(["unsealKeys", "rootToken"]);
        // It trusts the CA the program issues Vault's certificate from (exported for the other stacks).
        const ca = (run.rawOutputs.vault as { caCertPem: string }).caCertPem;
        expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
        expect(resource.inputs).toEqual({ __provider: SERIALIZED_PROVIDER, address: "https://192.168.1.209:8200", caPem: ca, secretShares: 5, secretThreshold: 3 });
        // Vault runs on this stack's cluster: the init waits for it and for Vault's release.
        expect(resource.dependencies).toContain(byName(run, "tools-cp-vm").urn);
        expect(resource.dependencies).toContain(byName(run, "tools-vault-release").urn);
        // The provider's code travels with the resource, serialised.
        expect(resource.rawInputs.__provider).toMatch(/sys\/seal-status/);
        expect(init.unsealKeys).toHaveLength(5);
        // The root token reaches only the Vault provider, as a secret.
        const provider = vaultProvider(run);
        expect(provider.rawInputs).toMatchObject({ address: "https://192.168.1.209:8200", token: init.rootToken, skipChildToken: "true" });
        expect(provider.secretPaths).toEqual(["token"]);
        const everywhere = JSON.stringify([run.rawOutputs, run.outputs, run.resources.map((r) => r.inputs), run.artefacts]);
        for (const secret of [init.rootToken, ...init.unsealKeys]) {
            expect(everywhere).not.toContain(secret);
        }
        expect(JSON.stringify(run.resources.filter((r) => r.type !== "pulumi:providers:vault").map((r) => r.rawInputs))).not.toContain(init.rootToken);
    });

    it("configures a KV v2 mount, an auth method per cluster with an external-secrets role, least-privilege policies and renewable scoped tokens", async () => {
        const { run } = await defaultServer();
        const vaultResources = run.resources.filter((r) => r.type.startsWith("vault:")).map((r) => `${r.type}::${r.name}`).sort();
        expect(vaultResources).toEqual(
            [
                "vault:index/mount:Mount::vault-kv",
                ...["tools", "dev", "prod"].flatMap((c) => [
                    `vault:index/authBackend:AuthBackend::vault-auth-${c}`,
                    `vault:index/policy:Policy::vault-external-secrets-${c}`,
                    `vault:kubernetes/authBackendRole:AuthBackendRole::vault-external-secrets-${c}`,
                ]),
                "vault:kubernetes/authBackendConfig:AuthBackendConfig::vault-auth-tools",
                "vault:index/policy:Policy::vault-stack-dev",
                "vault:index/policy:Policy::vault-stack-prod",
                "vault:index/token:Token::vault-token-dev",
                "vault:index/token:Token::vault-token-prod",
                "vault:kv/secretV2:SecretV2::kubeconfigs-tools",
            ].sort(),
        );
        const provider = vaultProvider(run).urn + "::vault-id";
        expect(run.resources.filter((r) => r.type.startsWith("vault:")).every((r) => r.provider === provider)).toBe(true);
        expect(byName(run, "vault-kv").inputs).toEqual({ path: "homelab", type: "kv", options: { version: "2" }, description: "Platform secrets: kubeconfigs and cluster secrets, by stack and cluster" });
        expect(byName(run, "vault-auth-dev").inputs).toEqual({ type: "kubernetes", path: "kubernetes-dev", description: "Kubernetes logins from the dev cluster (dev stack)" });
        const kubeconfig = (run.rawOutputs.clusters as Record<string, { kubeconfig: string }>).tools.kubeconfig;
        expect(run.resources.find((r) => r.type === "vault:kubernetes/authBackendConfig:AuthBackendConfig")!.rawInputs).toEqual({
            backend: "kubernetes-tools",
            kubernetesHost: "https://192.168.1.80:6443",
            kubernetesCaCert: caOf(kubeconfig),
            disableLocalCaJwt: true,
        });
        expect(run.resources.find((r) => r.type === "vault:kubernetes/authBackendRole:AuthBackendRole" && r.name === "vault-external-secrets-prod")!.inputs).toEqual({
            backend: "kubernetes-prod",
            roleName: "external-secrets",
            boundServiceAccountNames: ["external-secrets"],
            boundServiceAccountNamespaces: ["external-secrets"],
            audience: "vault",
            tokenPolicies: ["external-secrets-prod"],
            tokenTtl: 3600,
        });
        expect(run.resources.find((r) => r.type === "vault:index/policy:Policy" && r.name === "vault-external-secrets-prod")!.inputs).toEqual({
            name: "external-secrets-prod",
            policy: externalSecretsPolicy("homelab", "prod", "prod"),
        });
        expect(run.resources.find((r) => r.type === "vault:index/policy:Policy" && r.name === "vault-external-secrets-tools")!.inputs.policy).toBe(externalSecretsPolicy("homelab", "test", "tools"));
        expect(byName(run, "vault-stack-dev").inputs).toEqual({ name: "homelab-dev", policy: stackVaultPolicy("homelab", "dev", ["dev"]) });
        expect(byName(run, "vault-token-dev").inputs).toEqual({
            displayName: "homelab-dev",
            policies: ["homelab-dev"],
            renewable: true,
            period: "720h",
            noParent: true,
            renewMinLease: 1296000,
            renewIncrement: 2592000,
            metadata: { stack: "dev" },
        });
        expect(byName(run, "vault-token-dev").dependencies).toEqual([byName(run, "vault-stack-dev").urn]);
        // This stack's own kubeconfig goes in once the mount exists.
        expect(byName(run, "kubeconfigs-tools").inputs).toEqual({ mount: "homelab", name: "test/tools/kubeconfig", dataJson: SECRET_MASK, deleteAllVersions: true });
        expect(byName(run, "kubeconfigs").dependencies).toContain(byName(run, "vault-kv").urn);
        expect(run.artefacts.map((a) => a.path).filter((p) => p.startsWith("vault/"))).toEqual([
            "vault/external-secrets-dev.hcl",
            "vault/external-secrets-prod.hcl",
            "vault/external-secrets-tools.hcl",
            "vault/policy-dev.hcl",
            "vault/policy-prod.hcl",
        ]);
    });

    it("exports the public address, the mount and each client stack's token as a secret, never the root token", async () => {
        const { run, init } = await defaultServer();
        expect(run.outputs.vault).toEqual({ address: "https://vault.home.arpa:8200", mount: "homelab", caCertPem: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/) });
        expect(run.outputs.vaultTokens).toEqual({ dev: SECRET_MASK, prod: SECRET_MASK });
        expect(run.outputSecretPaths.filter((p) => p.startsWith("vault"))).toEqual(["vaultTokens.dev", "vaultTokens.prod"]);
        expect((run.rawOutputs.vaultTokens as Record<string, string>).dev).toMatch(/^hvs\./);
        expect(JSON.stringify(run.rawOutputs)).not.toContain(init.rootToken);
    });

    it("trusts the CA file homelab:vault.caCertFile names, for the init and the provider", async () => {
        const ca = issueCa("vault-ca");
        const dir = makeProject(toolsFiles);
        fs.mkdirSync(path.join(dir, "certs"));
        fs.writeFileSync(path.join(dir, "certs", "vault-ca.pem"), ca.certPem);
        const run = await runStack({ config: { ...baseConfig(), clusters: [toolsCluster], vault: { server, caCertFile: "certs/vault-ca.pem" } }, projectDir: dir });
        expect(run.error).toBeUndefined();
        expect(byName(run, "vault-init").rawInputs.caPem).toBe(ca.certPem);
        expect(vaultProvider(run).rawInputs.caCertFile).toBe(path.join(dir, "certs", "vault-ca.pem"));
    });

    it("reports every misuse of its config at once, registering nothing", async () => {
        const dir = makeProject(toolsFiles);
        fs.writeFileSync(path.join(dir, "not-a-cert.pem"), "hello\n");
        const run = await runStack({
            config: {
                ...baseConfig(),
                clusters: [toolsCluster],
                vault: { address: "https://vault.home.arpa:8200", server: { ...server, secretShares: 3, secretThreshold: 4, clientStacks: { test: [], dev: ["dev", "tools"], prod: ["dev"] } }, caCertFile: "not-a-cert.pem" },
                vaultToken: VAULT_TOKEN,
            },
            secretKeys: SECRETS,
            projectDir: dir,
        });
        expect(reportLines(run)).toEqual([
            "Pulumi.test.yaml: homelab:vault: address and server exclude each other: set the address here, read it from the stack that runs Vault (fromStack), or run it here (server)",
            "Pulumi.test.yaml: homelab:vaultToken: is not used with homelab:vault.server: this stack uses the root token it gets by initialising Vault; remove it",
            "Pulumi.test.yaml: homelab:vault.server.secretThreshold: must not exceed secretShares (3), got 4",
            "Pulumi.test.yaml: homelab:vault.server.clientStacks.test: is this stack, which runs Vault and uses its root token; list only the stacks that read it",
            'Pulumi.test.yaml: homelab:vault.server.clientStacks.dev[1]: cluster "tools" is one of this stack\'s clusters; each cluster has one auth method, kubernetes-tools',
            'Pulumi.test.yaml: homelab:vault.server.clientStacks.prod[0]: cluster "dev" is already listed under dev; each cluster has one auth method, kubernetes-dev',
        ]);
        expect(run.resources).toEqual([]);
        const one = await runStack({ config: { ...baseConfig(), clusters: [toolsCluster], vault: { server: { ...server, secretShares: 2, secretThreshold: 1 } } }, projectDir: dir });
        expect(reportLines(one)).toEqual([
            "Pulumi.test.yaml: homelab:vault.server.secretThreshold: must be at least 2 when secretShares is above 1: Vault refuses a threshold of 1 for multiple shares",
        ]);
        // The CA file is read once the config is valid.
        const notCa = await runStack({ config: { ...baseConfig(), clusters: [toolsCluster], vault: { server, caCertFile: "not-a-cert.pem" } }, projectDir: dir });
        expect(reportLines(notCa)).toEqual(["Pulumi.test.yaml: homelab:vault.caCertFile: not-a-cert.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)"]);
        const absent = await runStack({ config: { ...baseConfig(), clusters: [toolsCluster], vault: { server, caCertFile: "certs/none.pem" } }, projectDir: dir });
        expect(reportLines(absent)).toEqual([`Pulumi.test.yaml: homelab:vault.caCertFile: cannot read certs/none.pem (resolved against the project: ${path.join(dir, "certs/none.pem")})`]);
        expect([notCa.resources, absent.resources]).toEqual([[], []]);
    });
});

describe("the committed stacks", () => {
    it("tools runs Vault and exports its address, mount and the dev and prod tokens", async () => {
        const { run } = await stackRun("tools");
        expect(run.error).toBeUndefined();
        expect(run.outputs.vault).toEqual({ address: "https://vault.home.arpa:8200", mount: "homelab", caCertPem: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/) });
        expect(run.outputs.vaultTokens).toEqual({ dev: SECRET_MASK, prod: SECRET_MASK });
        // The program reaches Vault at its MetalLB address (initAddress); clients use the name.
        expect(byName(run, "vault-init").inputs).toMatchObject({ address: "https://192.168.1.209:8200", secretShares: 5, secretThreshold: 3 });
        expect(run.resources.filter((r) => r.type === "vault:kubernetes/authBackendConfig:AuthBackendConfig").map((r) => r.rawInputs.backend).sort()).toEqual(["kubernetes-observability", "kubernetes-tools"]);
        // The kubeconfigs, and the services' generated credentials (tests/tools.test.ts, tests/argocd.test.ts, tests/observability.test.ts).
        expect(run.resources.filter((r) => r.type === "vault:kv/secretV2:SecretV2").map((r) => r.inputs.name).sort()).toEqual([
            "tools/observability/grafana",
            "tools/observability/kubeconfig",
            "tools/tools/argocd-admin",
            "tools/tools/harbor/admin",
            "tools/tools/kubeconfig",
            "tools/tools/object-storage/admin",
        ]);
        // A whole-program run of the tools stack, Vault's release and both clusters' layers included.
    }, 120_000);

    it.each([
        ["dev", "dev"],
        ["prod", "prod"],
    ])("%s reads the tools stack's Vault and its own token, and writes %s's kubeconfig to KV v2", async (stack, clusterName) => {
        const { run } = await stackRun(stack);
        expect(run.error).toBeUndefined();
        const reads = run.resources.filter((r) => r.read);
        expect(reads.map((r) => [r.type, r.name, r.inputs])).toEqual([["pulumi:pulumi:StackReference", "vault-source", { name: TOOLS_STACK }]]);
        const provider = vaultProvider(run);
        expect(provider.rawInputs).toMatchObject({ address: TOOLS_STACK_OUTPUTS.vault.address, token: TOOLS_STACK_OUTPUTS.vaultTokens[stack as "dev" | "prod"] });
        expect(provider.secretPaths).toEqual(["token"]);
        const writes = run.resources.filter((r) => r.type === "vault:kv/secretV2:SecretV2");
        // The kubeconfig, and the cluster's connection for Argo CD (tests/argocd.test.ts).
        expect(writes.map((r) => r.inputs).sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
            { mount: "homelab", name: `${stack}/${clusterName}/argocd`, dataJson: SECRET_MASK, deleteAllVersions: true },
            { mount: "homelab", name: `${stack}/${clusterName}/kubeconfig`, dataJson: SECRET_MASK, deleteAllVersions: true },
        ]);
        expect(byName(run, `vault-auth-${clusterName}`).inputs).toMatchObject({ backend: `kubernetes-${clusterName}`, disableLocalCaJwt: true });
        expect((run.outputs.clusters as Record<string, { vaultPath: string }>)[clusterName].vaultPath).toBe(`homelab/${stack}/${clusterName}/kubeconfig`);
        expect(run.outputs.vault).toBeUndefined();
        expect(JSON.stringify([run.outputs, run.resources.map((r) => r.inputs), run.artefacts])).not.toContain("scoped-token-from-tools");
    }, 120_000);
});

describe("Vault policies", () => {
    it("scopes a stack's token policy to its own paths and its clusters' auth config", () => {
        expect(stackVaultPolicy("kv", "dev", ["dev"])).toBe(`# Vault policy for the dev stack's token: write its own clusters' kubeconfigs, nothing else.
# vault policy write homelab-dev <this file>
# vault token create -policy=homelab-dev -period=720h
path "kv/data/dev/*" {
  capabilities = ["create", "update", "read"]
}

path "kv/metadata/dev/*" {
  capabilities = ["read", "list", "delete"]
}

path "auth/kubernetes-dev/config" {
  capabilities = ["create", "update", "read"]
}
`);
    });

    it("lets external-secrets read its own cluster's entries but not its kubeconfig nor its Argo CD credentials", () => {
        expect(externalSecretsPolicy("kv", "prod", "prod")).toBe(`# external-secrets on the prod cluster (prod stack): read that cluster's entries, nothing else.
path "kv/data/prod/prod/*" {
  capabilities = ["read"]
}

path "kv/metadata/prod/prod/*" {
  capabilities = ["read", "list"]
}

path "kv/data/prod/prod/kubeconfig" {
  capabilities = ["deny"]
}

path "kv/data/prod/prod/argocd" {
  capabilities = ["deny"]
}

path "kv/data/prod/prod/argocd-admin" {
  capabilities = ["deny"]
}
`);
    });
});
