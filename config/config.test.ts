import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { clusterPath, CONFIG_KEYS, PlatformConfig, readPlatformConfig } from "./config";
import { IssueCollector, formatIssue } from "../components/core/issues";
import { z } from "../components/core/schema";
import { readStackConfig } from "../render/stackConfig";
import { versions } from "../versions";
import { cluster, revealed } from "./testing/inputs";

// The project root, as tests/helpers.ts has it (not imported from there: it loads the whole program).
const PROJECT_DIR = path.resolve(__dirname, "..");

type Declaration = { type?: string; secret?: boolean; description?: string; default?: unknown; items?: unknown };

const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
    name: string;
    runtime: { name: string; options: Record<string, unknown> };
    main: string;
    config: Record<string, Declaration>;
};

describe("Pulumi.yaml", () => {
    it("runs the TypeScript program through the project's esbuild loader, not ts-node", () => {
        expect(project.name).toBe("homelab");
        // typescript: false keeps @pulumi/pulumi/cmd/run from registering ts-node (PULUMI_NODEJS_TYPESCRIPT unset).
        expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: false, nodeargs: "--require ./loader/register.js" } });
        expect(project.main).toBe("index.ts");
        expect(fs.existsSync(path.join(PROJECT_DIR, "loader", "register.js"))).toBe(true);
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        // The loader runs under `pulumi up`, so esbuild is a runtime dependency.
        expect(pkg.dependencies.esbuild).toMatch(/^\d+\.\d+\.\d+$/);
        // ts-node stays only for the CrossGuard pack: Pulumi runs policy packs with its own ts-node
        // registration and passes `nodeargs` after its runner script, so a loader cannot be preloaded there.
        expect(Object.entries(pkg.scripts).filter(([, script]) => String(script).includes("ts-node"))).toEqual([]);
    });

    it("declares exactly the keys config.ts reads", () => {
        expect(Object.keys(project.config).filter((k) => !k.includes(":")).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    });

    it.each(Object.entries(CONFIG_KEYS))("declares %s as config.ts does", (key, declared) => {
        const d = project.config[key];
        expect(d.description).toBe(declared.description);
        expect(d.secret ?? false).toBe(declared.secret);
        // Pulumi treats a declared key without a default as required, so optional keys need one;
        // required keys may carry a project-wide default (the homelab's hosts and network).
        if (!declared.required) {
            expect(d.default).toEqual((declared as { default?: unknown }).default);
        }
        // Pulumi's schema has only string, integer, boolean and array.
        const schema: z.ZodType = declared.schema;
        const kind = schema instanceof z.ZodString ? "string" : schema instanceof z.ZodBoolean ? "boolean" : undefined;
        if (kind) {
            expect(d.type).toBe(declared.secret && !declared.required ? undefined : kind);
        } else if (schema instanceof z.ZodArray && schema.element instanceof z.ZodString) {
            expect(d).toMatchObject({ type: "array", items: { type: "string" } });
        } else {
            expect(d.type).toBeUndefined();
        }
    });
});

describe("the stack files", () => {
    const secretKeys = Object.entries(CONFIG_KEYS).filter(([, d]) => d.secret).map(([k]) => `homelab:${k}`);

    it.each(["dev", "prod", "tools"])("Pulumi.%s.yaml commits no secret, encrypted or not", (stack) => {
        const text = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
        const keys = Object.keys((yaml.load(text) as { config: Record<string, unknown> }).config);
        expect(keys.filter((k) => secretKeys.includes(k))).toEqual([]);
        expect(text).not.toMatch(/secure:/);
    });
});

describe("offline stack config", () => {
    function project(stackFile: string): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-config-"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.x.yaml"), stackFile);
        return dir;
    }

    it("merges Pulumi.yaml defaults with the stack file, objects as JSON", () => {
        const { config, secretKeys } = readStackConfig(project("config:\n  homelab:protectVms: true\n"), "x");
        expect(config["homelab:protectVms"]).toBe("true");
        expect(config["homelab:vmsDir"]).toBe("vms");
        expect(JSON.parse(config["homelab:networks"]).vmbr0.cidr).toBe("192.168.1.0/24");
        expect(config["homelab:proxmoxApiToken"]).toBe("render@pve!offline=00000000-0000-0000-0000-000000000000");
        // Required secrets and the platform's optional ones (Pulumi.yaml gives those an empty default) get placeholders.
        expect(secretKeys).toEqual([
            "homelab:cloudflareApiToken",
            "homelab:githubAppId",
            "homelab:githubAppInstallationId",
            "homelab:githubAppPrivateKey",
            "homelab:lokiAccessKeyId",
            "homelab:lokiSecretAccessKey",
            "homelab:piholePassword",
            "homelab:proxmoxApiToken",
            "homelab:stateBackupAccessKeyId",
            "homelab:stateBackupSecretAccessKey",
            "homelab:veleroAccessKeyId",
            "homelab:veleroSecretAccessKey",
        ]);
    });

    it("turns `secure:` values, which cannot be decrypted offline, into secret placeholders", () => {
        const { config, secretKeys } = readStackConfig(
            project("config:\n  homelab:proxmoxApiToken:\n    secure: v1:abc\n  homelab:proxmoxSshPrivateKey:\n    secure: v1:def\n"),
            "x",
        );
        expect(config["homelab:proxmoxApiToken"]).toBe("render@pve!offline=00000000-0000-0000-0000-000000000000");
        expect(config["homelab:proxmoxSshPrivateKey"]).toBe("<offline-render-secret>");
        expect(secretKeys).toEqual([
            "homelab:cloudflareApiToken",
            "homelab:githubAppId",
            "homelab:githubAppInstallationId",
            "homelab:githubAppPrivateKey",
            "homelab:lokiAccessKeyId",
            "homelab:lokiSecretAccessKey",
            "homelab:piholePassword",
            "homelab:proxmoxApiToken",
            "homelab:proxmoxSshPrivateKey",
            "homelab:stateBackupAccessKeyId",
            "homelab:stateBackupSecretAccessKey",
            "homelab:veleroAccessKeyId",
            "homelab:veleroSecretAccessKey",
        ]);
    });

    it("names the stack file it cannot find", () => {
        expect(() => readStackConfig(project(""), "staging")).toThrow(/^no stack file Pulumi\.staging\.yaml in /);
    });
});

/**
 * readPlatformConfig on the engine's config as `pulumi up` delivers it (strings, structured values as
 * JSON, the secret keys listed), stack `dev`: the reports it makes before anything is registered,
 * and the PlatformConfig it builds.
 */
describe("readPlatformConfig", () => {
    const TOKEN = "root@pam!pulumi=00000000-0000-0000-0000-000000000000";
    const SECRET = ["proxmoxApiToken", "proxmoxSshPrivateKey", "vaultToken", "cloudflareApiToken", "veleroAccessKeyId", "veleroSecretAccessKey", "piholePassword"];
    const CLUSTER = { name: "lab", role: "workload", distribution: "talos", controlPlanes: ["cp"], domain: "lab.example.com", loadBalancerPool: ["192.168.1.200-192.168.1.209"] };

    function minimal(): Record<string, unknown> {
        return {
            proxmox: { endpoint: "https://pve.home.arpa:8006/", nodes: { node01: { address: "192.168.1.5", cores: 8, memoryMiB: 16384 } } },
            networks: { vmbr0: { cidr: "192.168.1.0/24", gateway: "192.168.1.1" } },
            proxmoxApiToken: TOKEN,
            clusters: [CLUSTER],
            platform: { velero: { bucket: "velero", s3Url: "https://s3.home.arpa:9000" } },
            cloudflareApiToken: "cf-test-token",
            veleroAccessKeyId: "key-id",
            veleroSecretAccessKey: "secret-key",
        };
    }

    const withTools = (extra: Record<string, unknown> = {}) => ({ ...minimal(), clusters: [{ ...CLUSTER, role: "tools", distribution: "k3s" }], ...extra });

    async function read(values: Record<string, unknown>, options: { secret?: string[]; raw?: Record<string, string>; issues?: IssueCollector } = {}) {
        await pulumi.runtime.setMocks({ newResource: () => ({ id: "x", state: {} }), call: () => ({}) }, "homelab", "dev", true);
        const secret = options.secret ?? SECRET.filter((k) => k in values);
        pulumi.runtime.setAllConfig(
            { ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, typeof v === "string" ? v : JSON.stringify(v)])), ...options.raw },
            secret.map((k) => `homelab:${k}`),
        );
        const issues = options.issues ?? new IssueCollector();
        const config = readPlatformConfig(issues);
        return { config, problems: issues.issues.map(formatIssue) };
    }

    it("reports keys of other namespaces it would ignore and unknown homelab keys, with a hint when one is close", async () => {
        const { config, problems } = await read(minimal(), { raw: { "proxmoxve:endpoint": "https://x", "homelab:netwroks": "{}", "homelab:zzzzzzzz": "1", "kubernetes:context": "lab" } });
        expect(config).toBeUndefined();
        expect(problems).toEqual([
            'Pulumi.dev.yaml: homelab:netwroks: unknown config key (did you mean "homelab:networks"?)',
            "Pulumi.dev.yaml: homelab:zzzzzzzz: unknown config key",
            "Pulumi.dev.yaml: proxmoxve:endpoint: is not read: the Proxmox provider is configured from homelab:proxmox and homelab:proxmoxApiToken",
        ]);
    });

    it("reports required keys, telling how to set a secret one", async () => {
        const { proxmox, proxmoxApiToken, ...rest } = minimal();
        void proxmox;
        void proxmoxApiToken;
        expect((await read(rest)).problems).toEqual([
            "Pulumi.dev.yaml: homelab:proxmox: is required",
            "Pulumi.dev.yaml: homelab:proxmoxApiToken: is required; set it with `pulumi config set --secret homelab:proxmoxApiToken <value>`",
        ]);
    });

    it("reads an empty optional key as unset, but checks an empty required one", async () => {
        const { config, problems } = await read({ ...minimal(), vaultToken: "", proxmoxSshPrivateKey: "", vmsDir: "" }, { secret: ["proxmoxApiToken", "cloudflareApiToken", "veleroAccessKeyId", "veleroSecretAccessKey"] });
        expect(problems).toEqual([]);
        expect(config!.vmsDir).toBe("vms");
        expect((await read({ ...minimal(), proxmoxApiToken: "" })).problems).toEqual(["Pulumi.dev.yaml: homelab:proxmoxApiToken: \"\" is not a token like root@pam!pulumi=<uuid>"]);
    });

    it("refuses a secret key stored in plaintext, and then does not ask for it again", async () => {
        expect((await read({ ...minimal(), vault: { address: "https://vault.home.arpa:8200" }, vaultToken: "hvs.x" }, { secret: ["proxmoxApiToken", "veleroAccessKeyId", "veleroSecretAccessKey"] })).problems).toEqual([
            // In the order of CONFIG_KEYS.
            "Pulumi.dev.yaml: homelab:vaultToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:vaultToken <value>`",
            "Pulumi.dev.yaml: homelab:cloudflareApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:cloudflareApiToken <value>`",
        ]);
    });

    it("tells secret keys by the engine's list, or by PULUMI_CONFIG_SECRET_KEYS where the SDK has no isConfigSecret", async () => {
        const runtime = pulumi.runtime as unknown as Record<string, unknown>;
        const isConfigSecret = runtime.isConfigSecret;
        runtime.isConfigSecret = undefined;
        const previous = process.env.PULUMI_CONFIG_SECRET_KEYS;
        try {
            process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(["homelab:proxmoxApiToken", "homelab:cloudflareApiToken", "homelab:veleroAccessKeyId"]);
            expect((await read(minimal(), { secret: [] })).problems).toEqual([
                "Pulumi.dev.yaml: homelab:veleroSecretAccessKey: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:veleroSecretAccessKey <value>`",
            ]);
            process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify({ "homelab:veleroSecretAccessKey": true });
            expect((await read({ ...minimal(), cloudflareApiToken: "x" }, { secret: [] })).problems).toEqual([
                "Pulumi.dev.yaml: homelab:proxmoxApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:proxmoxApiToken <value>`",
                "Pulumi.dev.yaml: homelab:cloudflareApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:cloudflareApiToken <value>`",
                "Pulumi.dev.yaml: homelab:veleroAccessKeyId: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:veleroAccessKeyId <value>`",
                "Pulumi.dev.yaml: homelab:veleroSecretAccessKey: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:veleroSecretAccessKey <value>`",
            ]);
            delete process.env.PULUMI_CONFIG_SECRET_KEYS;
            expect((await read({ ...minimal(), clusters: [], cloudflareApiToken: "", veleroAccessKeyId: "", veleroSecretAccessKey: "" }, { secret: [] })).problems).toEqual([
                "Pulumi.dev.yaml: homelab:proxmoxApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:proxmoxApiToken <value>`",
            ]);
        } finally {
            runtime.isConfigSecret = isConfigSecret;
            if (previous === undefined) {
                delete process.env.PULUMI_CONFIG_SECRET_KEYS;
            } else {
                process.env.PULUMI_CONFIG_SECRET_KEYS = previous;
            }
        }
    });

    it("reports structured config that is not JSON, and a value of the wrong shape", async () => {
        expect((await read(minimal(), { raw: { "homelab:networks": "vmbr0", "homelab:protectVms": "yes" } })).problems).toEqual([
            'Pulumi.dev.yaml: homelab:networks: must be structured config (map), got "vmbr0"',
            'Pulumi.dev.yaml: homelab:protectVms: must be structured config (boolean), got "yes"',
        ]);
    });

    it("checks addresses and CIDRs by parsing them, host bits allowed", async () => {
        expect((await read({ ...minimal(), networks: { vmbr0: { cidr: "192.168.1.0/33", gateway: "192.168.1.300" } } })).problems).toEqual([
            'Pulumi.dev.yaml: homelab:networks.vmbr0.cidr: "192.168.1.0/33" is not a CIDR like 192.168.1.0/24',
            'Pulumi.dev.yaml: homelab:networks.vmbr0.gateway: "192.168.1.300" is not an IPv4 address',
        ]);
        const hostBits = await read({ ...minimal(), networks: { vmbr0: { cidr: "192.168.1.7/24", gateway: "192.168.1.1" } } });
        expect(hostBits.problems).toEqual([]);
        expect(hostBits.config!.networks.vmbr0.cidr).toBe("192.168.1.7/24");
    });

    it("reports a Vault key that failed its own check alone", async () => {
        expect((await read({ ...minimal(), vault: { address: "ftp://vault.home.arpa" }, vaultToken: "hvs.x" })).problems).toEqual([
            'Pulumi.dev.yaml: homelab:vault.address: "ftp://vault.home.arpa" is not a URL like https://vault.home.arpa:8200',
        ]);
    });

    it("takes this stack's token with an address", async () => {
        const { config, problems } = await read({ ...minimal(), vault: { address: "https://vault.home.arpa:8200" }, vaultToken: "hvs.x" });
        expect(problems).toEqual([]);
        expect(await revealed(config!.vault!.token)).toStrictEqual({ secret: "hvs.x" });
    });

    it("needs the cloud image's url and fileName together", async () => {
        const message = "Pulumi.dev.yaml: homelab:cloudImage: url and fileName go together: set both, or neither to use the pinned image";
        expect((await read({ ...minimal(), cloudImage: { url: "https://images.example.com/debian.qcow2" } })).problems).toEqual([message]);
        expect((await read({ ...minimal(), cloudImage: { fileName: "debian.qcow2" } })).problems).toEqual([message]);
        // A cloud image that failed its own check is not asked for its other half.
        expect((await read({ ...minimal(), cloudImage: { url: "ftp://images.example.com/debian.qcow2" } })).problems).toEqual([
            'Pulumi.dev.yaml: homelab:cloudImage.url: "ftp://images.example.com/debian.qcow2" is not an http(s) URL',
        ]);
        const both = await read({ ...minimal(), cloudImage: { url: "https://images.example.com/debian.qcow2", fileName: "debian.qcow2", checksum: "abc", checksumAlgorithm: "sha256" } });
        expect(both.problems).toEqual([]);
        expect(both.config!.cloudImage).toStrictEqual({ url: "https://images.example.com/debian.qcow2", fileName: "debian.qcow2", checksum: "abc", checksumAlgorithm: "sha256" });
    });

    describe("how Vault is reached", () => {
        it("takes one of address, fromStack and server", async () => {
            const all = { address: "https://vault.home.arpa:8200", fromStack: "org/homelab/tools", server: { address: "https://192.168.1.209:8200" } };
            expect((await read(withTools({ vault: all, vaultToken: "hvs.x" }))).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vault: address and fromStack and server exclude each other: set the address here, read it from the stack that runs Vault (fromStack), or run it here (server)",
                "Pulumi.dev.yaml: homelab:vaultToken: is not used with homelab:vault.fromStack: this stack reads its scoped token from that stack's `vaultTokens` output; remove it",
            ]);
            expect((await read({ ...minimal(), vault: { address: all.address, fromStack: all.fromStack } })).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vault: address and fromStack exclude each other: set the address here, read it from the stack that runs Vault (fromStack), or run it here (server)",
                "Pulumi.dev.yaml: homelab:vaultToken: is required with homelab:vault.address; set it with `pulumi config set --secret homelab:vaultToken <token>`",
            ]);
        });

        it("needs this stack's token with an address, and none with fromStack or server", async () => {
            expect((await read({ ...minimal(), vault: { address: "https://vault.home.arpa:8200" } })).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vaultToken: is required with homelab:vault.address; set it with `pulumi config set --secret homelab:vaultToken <token>`",
            ]);
            expect((await read({ ...minimal(), vault: { fromStack: "org/homelab/tools" }, vaultToken: "hvs.x" })).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vaultToken: is not used with homelab:vault.fromStack: this stack reads its scoped token from that stack's `vaultTokens` output; remove it",
            ]);
            expect((await read(withTools({ vault: { server: { address: "https://192.168.1.209:8200" } }, vaultToken: "hvs.x" }))).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vaultToken: is not used with homelab:vault.server: this stack uses the root token it gets by initialising Vault; remove it",
            ]);
            expect((await read({ ...minimal(), vault: { fromStack: "org/homelab/tools" } })).problems).toEqual([]);
        });

        it("needs a threshold Vault accepts", async () => {
            const server = (fields: Record<string, unknown>) => withTools({ vault: { server: { address: "https://192.168.1.209:8200", ...fields } } });
            expect((await read(server({ secretThreshold: 6 }))).problems).toEqual(["Pulumi.dev.yaml: homelab:vault.server.secretThreshold: must not exceed secretShares (5), got 6"]);
            expect((await read(server({ secretShares: 2 }))).problems).toEqual(["Pulumi.dev.yaml: homelab:vault.server.secretThreshold: must not exceed secretShares (2), got 3"]);
            expect((await read(server({ secretShares: 2, secretThreshold: 1 }))).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vault.server.secretThreshold: must be at least 2 when secretShares is above 1: Vault refuses a threshold of 1 for multiple shares",
            ]);
            expect((await read(server({ secretShares: 1, secretThreshold: 1 }))).problems).toEqual([]);
            expect((await read(server({ secretShares: 3, secretThreshold: 3 }))).problems).toEqual([]);
            expect((await read(server({ secretShares: 2, secretThreshold: 2 }))).problems).toEqual([]);
        });

        it("lists only other stacks' clusters as Vault's clients, each once", async () => {
            const clientStacks = { dev: ["x"], prod: ["lab", "edge"], qa: ["edge", "qa", "edge"] };
            expect((await read(withTools({ vault: { server: { address: "https://192.168.1.209:8200", clientStacks } } }))).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vault.server.clientStacks.dev: is this stack, which runs Vault and uses its root token; list only the stacks that read it",
                'Pulumi.dev.yaml: homelab:vault.server.clientStacks.prod[0]: cluster "lab" is one of this stack\'s clusters; each cluster has one auth method, kubernetes-lab',
                'Pulumi.dev.yaml: homelab:vault.server.clientStacks.qa[0]: cluster "edge" is already listed under prod; each cluster has one auth method, kubernetes-edge',
                'Pulumi.dev.yaml: homelab:vault.server.clientStacks.qa[2]: cluster "edge" is already listed under qa; each cluster has one auth method, kubernetes-edge',
            ]);
        });

        it("counts the Vault checks' own reports as already made for the checks after them", async () => {
            // No tools cluster: checkVaultServer would say so, but the threshold is wrong already.
            expect((await read({ ...minimal(), vault: { server: { address: "https://192.168.1.209:8200", secretThreshold: 6 } } })).problems).toEqual([
                "Pulumi.dev.yaml: homelab:vault.server.secretThreshold: must not exceed secretShares (5), got 6",
            ]);
        });
    });

    it("keeps the cross-key checks silent about keys that failed their own checks, and only those", async () => {
        const argocd = { repoUrl: "https://github.com/me/apps.git" };
        // A broken cluster entry: Argo CD's "needs a tools cluster" would only repeat it.
        const broken = await read(withTools({ clusters: [{ ...CLUSTER, role: "tools", distribution: "k3s", name: "Lab" }], vault: { server: { address: "https://192.168.1.209:8200" } }, argocd }));
        expect(broken.problems).toEqual(['Pulumi.dev.yaml: homelab:clusters[0].name: "Lab" is not a DNS label']);
        // The Cloudflare token reported as plaintext is not reported as missing too.
        const plaintext = await read(minimal(), { secret: ["proxmoxApiToken", "veleroAccessKeyId", "veleroSecretAccessKey"] });
        expect(plaintext.problems).toEqual([
            "Pulumi.dev.yaml: homelab:cloudflareApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:cloudflareApiToken <value>`",
        ]);
        // A cross-key problem (a missing domain) does not silence the others.
        const crossKey = await read({ ...minimal(), clusters: [{ ...CLUSTER, domain: undefined }], cloudflareApiToken: "" });
        expect(crossKey.problems).toEqual([
            "Pulumi.dev.yaml: homelab:clusters[0].domain: is required: certManager, istio and externalDns need it (or switch them off under services)",
            "Pulumi.dev.yaml: homelab:cloudflareApiToken: is required: cert-manager's DNS-01 and external-dns use it on lab; set it with `pulumi config set --secret homelab:cloudflareApiToken <value>`",
        ]);
        // A key's own problem does not silence the checks of other keys.
        const other = await read({ ...minimal(), veleroAccessKeyId: "" }, { secret: ["proxmoxApiToken", "veleroSecretAccessKey"] });
        expect(other.problems).toEqual([
            "Pulumi.dev.yaml: homelab:cloudflareApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:cloudflareApiToken <value>`",
            "Pulumi.dev.yaml: homelab:veleroAccessKeyId: is required: Velero runs on lab; set it with `pulumi config set --secret homelab:veleroAccessKeyId <value>`",
        ]);
        // A key whose name only starts like a reported one is still checked.
        const prefix = await read({ ...minimal(), vault: { address: "https://vault.home.arpa:8200" }, vaultToken: "hvs.x" }, { secret: ["proxmoxApiToken", "cloudflareApiToken", "veleroAccessKeyId", "veleroSecretAccessKey"] });
        expect(prefix.problems).toEqual([
            "Pulumi.dev.yaml: homelab:vaultToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:vaultToken <value>`",
        ]);
    });

    it("builds the config of a valid stack, even into a collector that already holds problems", async () => {
        const issues = new IssueCollector();
        issues.add("vms/x.yaml", "name", "earlier problem");
        const { config } = await read(minimal(), { issues });
        expect(config?.stack).toBe("dev");
        expect(config?.file).toBe("Pulumi.dev.yaml");
        expect(issues.count).toBe(1);
    });

    it("builds everything a full stack sets, secrets kept secret, and freezes it", async () => {
        const values = {
            ...withTools(),
            proxmox: {
                endpoint: "https://pve.home.arpa:8006/",
                insecure: true,
                ssh: { username: "pulumi", agent: false },
                nodes: { node01: { address: "192.168.1.5", cores: 8, memoryMiB: 16384 } },
                templates: { ubuntu: { vmId: 9000, node: "node01" } },
                snippetDatastore: "snippets",
                imageDatastore: "images",
            },
            networks: { vmbr0: { cidr: "192.168.1.0/24", gateway: "192.168.1.1", dnsServers: ["192.168.1.3"], domain: "home.arpa" } },
            clusters: [
                { ...CLUSTER, role: "tools", distribution: "k3s", version: "v1.33.0+k3s1", workers: ["w"], podCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" },
                { ...CLUSTER, name: "prod", distribution: "kubeadm", controlPlanes: ["p1", "p2", "p3"], loadBalancer: "lb", loadBalancerPool: ["192.168.1.210-192.168.1.219"] },
            ],
            standaloneVms: ["s"],
            protectVms: true,
            vmsDir: "machines",
            vault: { server: { address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.209:8200", secretShares: 3, secretThreshold: 2, clientStacks: { prod: ["p"] } }, mount: "kv", skipTlsVerify: true, caCertFile: "ca.pem" },
            argocd: { repoUrl: "https://github.com/me/apps.git", destinations: [{ stack: "prod", cluster: "p" }] },
        };
        const { config, problems } = await read(values);
        expect(problems).toEqual([]);
        const c = config as PlatformConfig;
        expect(await revealed(c.proxmox)).toStrictEqual({
            endpoint: "https://pve.home.arpa:8006/",
            insecure: true,
            apiToken: { secret: TOKEN },
            ssh: { username: "pulumi", agent: false, privateKey: undefined },
            nodes: { node01: { name: "node01", address: "192.168.1.5", cores: 8, memoryMiB: 16384 } },
            templates: { ubuntu: { vmId: 9000, node: "node01" } },
            snippetDatastore: "snippets",
            imageDatastore: "images",
        });
        expect(c.networks).toStrictEqual({ vmbr0: { bridge: "vmbr0", cidr: "192.168.1.0/24", gateway: "192.168.1.1", dnsServers: ["192.168.1.3"], domain: "home.arpa" } });
        expect(c.clusters.map((k) => [k.index, k.name, k.role, k.distribution, k.version, k.controlPlanes, k.workers, k.loadBalancer, k.vip, k.podCidr, k.serviceCidr])).toStrictEqual([
            [0, "lab", "tools", "k3s", "v1.33.0+k3s1", ["cp"], ["w"], undefined, undefined, "10.42.0.0/16", "10.43.0.0/16"],
            [1, "prod", "workload", "kubeadm", versions.distributions.kubeadm, ["p1", "p2", "p3"], [], "lb", undefined, "10.244.0.0/16", "10.96.0.0/12"],
        ]);
        // The platform fields, with the stack's Vault: external-secrets on by default.
        expect(c.clusters[1].services.externalSecrets).toBe(true);
        expect(c.clusters[0].toolsServices).toStrictEqual([]);
        expect([c.standaloneVms, c.protectVms, c.vmsDir]).toStrictEqual([["s"], true, "machines"]);
        expect(await revealed(c.vault)).toStrictEqual({
            address: undefined,
            fromStack: undefined,
            server: { address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.209:8200", secretShares: 3, secretThreshold: 2, clientStacks: { prod: ["p"] } },
            mount: "kv",
            skipTlsVerify: true,
            caCertFile: "ca.pem",
            token: undefined,
        });
        expect(c.argocd).toStrictEqual({ repoUrl: "https://github.com/me/apps.git", revision: "HEAD", path: ".", destinations: [{ stack: "prod", cluster: "p" }] });
        expect(await revealed(c.platform.velero)).toStrictEqual({ bucket: "velero", s3Url: "https://s3.home.arpa:9000", region: "us-east-1", accessKeyId: { secret: "key-id" }, secretAccessKey: { secret: "secret-key" } });
        expect([Object.isFrozen(c), Object.isFrozen(c.clusters[1].controlPlanes), Object.isFrozen(c.vault!.server!.clientStacks.prod), Object.isFrozen(c.proxmox.apiToken)]).toEqual([true, true, true, false]);
    });

    it("reads Vault from another stack with no token of its own, and without a tools cluster's services", async () => {
        const { config, problems } = await read({ ...minimal(), vault: { fromStack: "org/homelab/tools" } });
        expect(problems).toEqual([]);
        expect(config!.vault).toStrictEqual({ address: undefined, fromStack: "org/homelab/tools", server: undefined, mount: "homelab", skipTlsVerify: false, caCertFile: undefined, token: undefined });
        expect(config!.clusters[0].services.externalSecrets).toBe(true);
        expect(config!.argocd).toBeUndefined();
        const none = await read(minimal());
        expect(none.config!.clusters[0].services.externalSecrets).toBe(false);
    });

    it("uses the SSH key it is given instead of the agent, even when the agent is asked for", async () => {
        const values = { ...minimal(), proxmox: { ...(minimal().proxmox as object), ssh: { agent: true } }, proxmoxSshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n" };
        const { config } = await read(values);
        expect(await revealed(config!.proxmox.ssh)).toStrictEqual({ username: "root", agent: false, privateKey: { secret: values.proxmoxSshPrivateKey } });
        const agentOff = await read({ ...minimal(), proxmox: { ...(minimal().proxmox as object), ssh: { agent: false } } });
        expect(agentOff.config!.proxmox.ssh).toStrictEqual({ username: "root", agent: false, privateKey: undefined });
    });
});

describe("clusterPath", () => {
    it("addresses a cluster's field, and an item of it", () => {
        const c = cluster(2, { name: "c", controlPlanes: ["a"] });
        expect(clusterPath(c, "workers")).toBe("homelab:clusters[2].workers");
        expect(clusterPath(c, "controlPlanes", 0)).toBe("homelab:clusters[2].controlPlanes[0]");
    });
});
