import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { kubeconfigOf, pem } from "./fixtures/kubeconfigs";
import { FakeVault } from "./fixtures/vaultServer";
import { VaultKv, checkOwnVaultPath, entriesFromOutputs, entriesFromVault, mergeKubeconfigs, writePrivateFile } from "./kubeconfig";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("merging kubeconfigs", () => {
    it("gives each cluster its own cluster, user and context, the first one current", () => {
        const merged = yaml.load(
            mergeKubeconfigs([
                { stack: "tools", cluster: "tools", kubeconfig: kubeconfigOf("tools", "192.168.1.10") },
                { stack: "tools", cluster: "observability", kubeconfig: kubeconfigOf("observability", "192.168.1.11") },
                { stack: "dev", cluster: "dev", kubeconfig: kubeconfigOf("dev", "192.168.1.12") },
            ]),
        );
        expect(merged).toEqual({
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                { name: "tools", cluster: { server: "https://192.168.1.10:6443", "certificate-authority-data": b64(pem("tools CA")) } },
                { name: "observability", cluster: { server: "https://192.168.1.11:6443", "certificate-authority-data": b64(pem("observability CA")) } },
                { name: "dev", cluster: { server: "https://192.168.1.12:6443", "certificate-authority-data": b64(pem("dev CA")) } },
            ],
            users: [
                { name: "tools-admin", user: { "client-certificate-data": b64(pem("tools CERT")), "client-key-data": b64(pem("tools KEY")) } },
                { name: "observability-admin", user: { "client-certificate-data": b64(pem("observability CERT")), "client-key-data": b64(pem("observability KEY")) } },
                { name: "dev-admin", user: { "client-certificate-data": b64(pem("dev CERT")), "client-key-data": b64(pem("dev KEY")) } },
            ],
            contexts: [
                { name: "tools", context: { cluster: "tools", user: "tools-admin" } },
                { name: "observability", context: { cluster: "observability", user: "observability-admin" } },
                { name: "dev", context: { cluster: "dev", user: "dev-admin" } },
            ],
            "current-context": "tools",
            preferences: {},
        });
    });

    it("reports every bad entry at once", () => {
        expect(() =>
            mergeKubeconfigs([
                { stack: "tools", cluster: "lab", kubeconfig: kubeconfigOf("lab", "10.0.0.1") },
                { stack: "dev", cluster: "lab", kubeconfig: kubeconfigOf("lab", "10.0.0.2") },
                { stack: "prod", cluster: "prod", kubeconfig: "apiVersion: v1\nkind: Config\nclusters: []\n" },
                { stack: "prod", cluster: "broken", kubeconfig: "a: [" },
            ]),
        ).toThrow(
            [
                "cannot merge the kubeconfigs:",
                '  - dev/lab: a cluster named "lab" also comes from stack tools; cluster names must be unique across stacks',
                "  - prod/prod: the kubeconfig has no complete current context (cluster, user and context entries)",
                "  - prod/broken: not YAML: unexpected end of the stream within a flow collection (1:5)",
            ].join("\n"),
        );
    });

    it("says so when there is nothing to merge", () => {
        expect(() => mergeKubeconfigs([])).toThrow("no cluster kubeconfigs found in the selected stacks");
    });

    it("reads clusters.<name>.kubeconfig from stack outputs", () => {
        expect(entriesFromOutputs("prod", { hosts: {}, clusters: { prod: { endpoint: "https://192.168.1.30:6443", kubeconfig: "K" } } })).toEqual([{ stack: "prod", cluster: "prod", kubeconfig: "K" }]);
        expect(entriesFromOutputs("x", { hosts: {} })).toEqual([]);
    });
});

describe("writing the file", () => {
    it("is mode 0600, also when the file existed with wider permissions", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
        const file = path.join(dir, "nested", "homelab.yaml");
        fs.mkdirSync(path.dirname(file));
        fs.writeFileSync(file, "old", { mode: 0o644 });
        writePrivateFile(file, "apiVersion: v1\n");
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        expect(fs.readFileSync(file, "utf8")).toBe("apiVersion: v1\n");
        expect(fs.readdirSync(path.dirname(file))).toEqual(["homelab.yaml"]);
    });
});

describe("Vault KV v2 (local stand-in)", () => {
    let vault: FakeVault;
    beforeEach(async () => {
        vault = new FakeVault("homelab", { operator: ["tools/", "dev/", "prod/", "fleet/"], dev: ["dev/"] });
        await vault.start();
        vault.secrets.set("tools/tools/kubeconfig", { kubeconfig: kubeconfigOf("tools", "192.168.1.10"), endpoint: "https://192.168.1.10:6443" });
        vault.secrets.set("tools/observability/kubeconfig", { kubeconfig: kubeconfigOf("observability", "192.168.1.11"), endpoint: "x" });
        vault.secrets.set("dev/dev/kubeconfig", { kubeconfig: kubeconfigOf("dev", "192.168.1.12"), endpoint: "x" });
    });
    afterEach(() => vault.stop());

    it("lists each stack's clusters and reads <stack>/<cluster>/kubeconfig", async () => {
        const kv = new VaultKv({ address: vault.address, token: "operator", mount: "homelab" });
        const entries = await entriesFromVault(kv, ["tools", "dev", "prod"]);
        expect(entries.map((e) => `${e.stack}/${e.cluster}`)).toEqual(["tools/observability", "tools/tools", "dev/dev"]);
        expect(entries[2].kubeconfig).toBe(kubeconfigOf("dev", "192.168.1.12"));
        expect(vault.requests).toEqual([
            "GET /v1/homelab/metadata/tools/?list=true",
            "GET /v1/homelab/data/tools/observability/kubeconfig",
            "GET /v1/homelab/data/tools/tools/kubeconfig",
            "GET /v1/homelab/metadata/dev/?list=true",
            "GET /v1/homelab/data/dev/dev/kubeconfig",
            "GET /v1/homelab/metadata/prod/?list=true",
        ]);
    });

    it("writes the merged kubeconfig to its own path", async () => {
        const kv = new VaultKv({ address: vault.address, token: "operator", mount: "homelab" });
        await kv.write("fleet/kubeconfig", { kubeconfig: "merged" });
        expect(vault.secrets.get("fleet/kubeconfig")).toEqual({ kubeconfig: "merged" });
    });

    it("fails with Vault's own error for a token without access", async () => {
        const kv = new VaultKv({ address: vault.address, token: "dev", mount: "homelab" });
        await expect(entriesFromVault(kv, ["tools"])).rejects.toThrow("Vault GET homelab/metadata/tools/?list=true: HTTP 403: 1 error occurred:\n\t* permission denied");
    });

    it("keeps the merged kubeconfig out of the stacks' folders", () => {
        expect(checkOwnVaultPath("fleet/kubeconfig", ["tools", "dev", "prod"])).toBeUndefined();
        expect(checkOwnVaultPath("dev/all", ["tools", "dev", "prod"])).toBe('--vault-path "dev/all" is inside stack dev\'s folder, which only that stack writes; use a path of its own, like fleet/kubeconfig');
        expect(checkOwnVaultPath("fleet/", ["dev"])).toBe('--vault-path "fleet/" must be a secret path like fleet/kubeconfig');
    });
});
