import * as yaml from "js-yaml";
import { stackVaultPolicy } from "../components/vault/paths";
import { SECRET_MASK } from "../render/harness";
import { baseConfig, byName, makeProject, PLATFORM_SECRETS, platformFields, reportLines, runStack, vmYaml } from "./helpers";
import { realisticMocks } from "./mocks";

const files = { "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.70/24,gw=192.168.1.1"' }) };
const cluster = { name: "lab", role: "workload", distribution: "k3s", controlPlanes: ["cp"], ...platformFields(0) };
const VAULT_TOKEN = "hvs.CAESIJ-scoped-test-token";

describe("kubeconfigs in Vault KV v2", () => {
    it("writes each cluster's kubeconfig to its own path, through a provider with the scoped token", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200", mount: "kv" }, vaultToken: VAULT_TOKEN },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken", "homelab:vaultToken"],
            projectDir: makeProject(files),
        });
        expect(run.error).toBeUndefined();
        const provider = byName(run, "vault");
        expect(provider.type).toBe("pulumi:providers:vault");
        expect(provider.secretPaths).toEqual(["token"]);
        expect(provider.rawInputs).toMatchObject({ address: "https://vault.home.arpa:8200", token: VAULT_TOKEN, skipTlsVerify: "false", skipChildToken: "true" });
        const secret = byName(run, "kubeconfigs-lab");
        expect(secret.type).toBe("vault:kv/secretV2:SecretV2");
        expect(secret.inputs).toEqual({ mount: "kv", name: "test/lab/kubeconfig", dataJson: SECRET_MASK });
        expect(secret.provider?.startsWith("urn:pulumi:test::homelab::pulumi:pulumi:Stack$pulumi:providers:vault::vault::")).toBe(true);
        const data = JSON.parse(secret.rawInputs.dataJson as string) as { kubeconfig: string; endpoint: string };
        expect(data.endpoint).toBe("https://192.168.1.70:6443");
        expect((run.rawOutputs.clusters as Record<string, { kubeconfig: string }>).lab.kubeconfig).toBe(data.kubeconfig);
        expect((yaml.load(data.kubeconfig) as { "current-context": string })["current-context"]).toBe("lab");
        expect(run.outputs.clusters).toEqual({ lab: { endpoint: "https://192.168.1.70:6443", kubeconfig: SECRET_MASK, vaultPath: "kv/test/lab/kubeconfig" } });
        expect(JSON.stringify([run.outputs, run.resources.map((r) => r.inputs)])).not.toContain(VAULT_TOKEN);
    });

    it("writes nothing to Vault when none is configured, and says so in the outputs", async () => {
        const run = await runStack({ config: { ...baseConfig(), clusters: [cluster] }, projectDir: makeProject(files) });
        expect(run.resources.filter((r) => r.type.startsWith("vault:") || r.type === "pulumi:providers:vault")).toEqual([]);
        expect((run.outputs.clusters as Record<string, { vaultPath: unknown }>).lab.vaultPath).toBeNull();
        expect(run.artefacts.find((a) => a.path === "vault/policy-test.hcl")?.content).toBe(stackVaultPolicy("homelab", "test"));
    });

    it("requires the token with an address, and refuses it in plaintext", async () => {
        const missing = await runStack({ config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200" } }, projectDir: makeProject(files) });
        expect(reportLines(missing)).toEqual(["Pulumi.test.yaml: homelab:vaultToken: is required with homelab:vault; set it with `pulumi config set --secret homelab:vaultToken <token>`"]);
        const plaintext = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200" }, vaultToken: VAULT_TOKEN },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken"],
            projectDir: makeProject(files),
        });
        expect(reportLines(plaintext)).toEqual(["Pulumi.test.yaml: homelab:vaultToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:vaultToken <value>`"]);
        expect(plaintext.resources).toEqual([]);
    });

    it("exports the Vault it writes to, for stacks that read it from there", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200", mount: "kv" }, vaultToken: VAULT_TOKEN },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken", "homelab:vaultToken"],
            projectDir: makeProject(files),
        });
        expect(run.outputs.vault).toEqual({ address: "https://vault.home.arpa:8200", mount: "kv" });
    });

    it("reads the address and mount from another stack's `vault` output with homelab:vault.fromStack", async () => {
        const referenced: string[] = [];
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { fromStack: "homelab-org/homelab/tools" }, vaultToken: VAULT_TOKEN },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken", "homelab:vaultToken"],
            projectDir: makeProject(files),
            mocks: {
                newResource: (args) => {
                    if (args.type === "pulumi:pulumi:StackReference") {
                        referenced.push(args.inputs.name);
                        return { id: args.inputs.name, state: { name: args.inputs.name, outputs: { vault: { address: "https://vault.tools:8200", mount: "kv2" } }, secretOutputNames: [] } };
                    }
                    return realisticMocks.newResource(args);
                },
                call: realisticMocks.call,
            },
        });
        expect(run.error).toBeUndefined();
        expect(referenced).toEqual(["homelab-org/homelab/tools"]);
        const reference = byName(run, "vault-source");
        expect([reference.type, reference.read]).toEqual(["pulumi:pulumi:StackReference", true]);
        expect(byName(run, "vault").rawInputs).toMatchObject({ address: "https://vault.tools:8200", token: VAULT_TOKEN });
        expect(byName(run, "kubeconfigs-lab").inputs).toEqual({ mount: "kv2", name: "test/lab/kubeconfig", dataJson: SECRET_MASK });
        expect((run.outputs.clusters as Record<string, { vaultPath: string }>).lab.vaultPath).toBe("kv2/test/lab/kubeconfig");
        expect(run.outputs.vault).toBeUndefined();
    });

    it("refuses both an address and a stack to read it from", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster], vault: { address: "https://vault.home.arpa:8200", fromStack: "o/homelab/tools" }, vaultToken: VAULT_TOKEN },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken", "homelab:vaultToken"],
            projectDir: makeProject(files),
        });
        expect(reportLines(run)).toEqual(["Pulumi.test.yaml: homelab:vault: address and fromStack exclude each other: set the address here, or read it from that stack"]);
    });

    it("scopes a stack's token policy to its own paths", () => {
        expect(stackVaultPolicy("kv", "dev")).toBe(`# Vault policy for the dev stack's token: write its own clusters' kubeconfigs, nothing else.
# vault policy write homelab-dev <this file>
# vault token create -policy=homelab-dev -period=720h
path "kv/data/dev/*" {
  capabilities = ["create", "update", "read"]
}

path "kv/metadata/dev/*" {
  capabilities = ["read", "list", "delete"]
}
`);
    });
});
