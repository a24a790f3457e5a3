import { buildClusterPlatform, buildPlatformSettings, checkPlatformRequirements } from "./platform";
import { revealed } from "./testing/inputs";
import { recorder } from "./testing/recorder";

/**
 * The platform layer's config checks and builders (config/platform.ts), called with values shaped as
 * the stack config reader hands them over: each key validated, its defaults applied.
 */

type Raw = Record<string, unknown>;

const VELERO = { bucket: "velero", s3Url: "https://s3.home.arpa:9000" };
const SECRETS = { cloudflareApiToken: "cf-token", veleroAccessKeyId: "velero-id", veleroSecretAccessKey: "velero-key" };
const NO_VAULT = { mount: "homelab", skipTlsVerify: false };

/** A workload cluster with what its base services need: a domain and a pool. */
const workload = (name: string, extra: Raw = {}): Raw => ({ name, role: "workload", distribution: "talos", domain: `${name}.example.com`, loadBalancerPool: ["192.168.1.200-192.168.1.209"], services: {}, ...extra });
/** A K3s tools cluster, likewise. */
const tools = (name: string, services: Raw = {}, extra: Raw = {}): Raw => workload(name, { role: "tools", distribution: "k3s", services, ...extra });

const values = (clusters: unknown[], extra: Raw = {}): Raw => ({ vault: NO_VAULT, platform: { velero: VELERO }, ...SECRETS, clusters, ...extra });

function check(input: Raw, reported: readonly string[] = []): string[] {
    const { report, lines } = recorder();
    checkPlatformRequirements(input, report, (path) => reported.includes(path));
    return lines;
}

const setIt = (key: string) => `set it with \`pulumi config set --secret homelab:${key} <value>\``;

describe("checkPlatformRequirements: per cluster", () => {
    it("accepts clusters with what their services need, and skips entries that failed their own checks", () => {
        expect(check(values([workload("dev"), undefined, workload("prod", { distribution: "kubeadm", loadBalancerPool: ["192.168.1.210-192.168.1.219"] })]))).toEqual([]);
        expect(check({ vault: NO_VAULT, platform: {} })).toEqual([]);
    });

    it("reads a cluster without toggles as its distribution's and role's defaults", () => {
        const bare = (name: string, distribution: string, role = "workload") => ({ name, role, distribution, domain: `${name}.example.com`, loadBalancerPool: ["192.168.1.200-192.168.1.209"] });
        expect(check(values([bare("a", "k3s"), bare("b", "talos"), bare("t", "k3s", "tools")]))).toEqual([]);
        expect(check(values([bare("a", "k3s"), bare("b", "kubeadm")], { cloudflareApiToken: "", veleroAccessKeyId: "" }))).toEqual([
            `homelab:cloudflareApiToken: is required: cert-manager's DNS-01 and external-dns use it on a, b; ${setIt("cloudflareApiToken")}`,
            `homelab:veleroAccessKeyId: is required: Velero runs on a, b; ${setIt("veleroAccessKeyId")}`,
        ]);
    });

    it("refuses a toggle switching on what the distribution ships, not one switching it off", () => {
        expect(check(values([tools("t", { metricsServer: true, localPathProvisioner: true }), tools("u", { metricsServer: false, localPathProvisioner: false }), workload("w", { services: { metricsServer: true } })]))).toEqual([
            "homelab:clusters[0].services.localPathProvisioner: k3s ships it built in; remove this toggle",
            "homelab:clusters[0].services.metricsServer: k3s ships it built in; remove this toggle",
        ]);
    });

    it("refuses external-secrets on a stack without Vault, whichever way Vault is reached", () => {
        const on = [workload("dev", { services: { externalSecrets: true } })];
        expect(check(values(on))).toEqual([
            "homelab:clusters[0].services.externalSecrets: external-secrets reads from Vault, and this stack has none: set homelab:vault (address, fromStack or server), or remove this toggle",
        ]);
        expect(check(values(on, { vault: undefined }))).toHaveLength(1);
        expect(check(values(on, { vault: { ...NO_VAULT, address: "https://vault.home.arpa:8200" } }))).toEqual([]);
        expect(check(values(on, { vault: { ...NO_VAULT, fromStack: "org/homelab/tools" } }))).toEqual([]);
        expect(check(values(on, { vault: { ...NO_VAULT, server: { address: "https://vault.home.arpa:8200" } } }))).toEqual([]);
        expect(check(values([workload("dev", { services: { externalSecrets: false } })]))).toEqual([]);
    });

    it("needs a domain for the services that serve names, naming them", () => {
        expect(check(values([workload("a", { domain: undefined })]))).toEqual(["homelab:clusters[0].domain: is required: certManager, istio and externalDns need it (or switch them off under services)"]);
        expect(check(values([workload("a", { domain: undefined, services: { istio: false, externalDns: false } })]))).toEqual([
            "homelab:clusters[0].domain: is required: certManager needs it (or switch them off under services)",
        ]);
        expect(check(values([workload("a", { domain: undefined, services: { istio: false } })]))).toEqual([
            "homelab:clusters[0].domain: is required: certManager and externalDns need it (or switch them off under services)",
        ]);
        expect(check(values([workload("a", { domain: undefined, services: { certManager: false, istio: false, externalDns: false } })], { cloudflareApiToken: "" }))).toEqual([]);
    });

    it("needs addresses for MetalLB, and MetalLB for the Istio gateway", () => {
        expect(check(values([workload("a", { loadBalancerPool: [] }), workload("b", { loadBalancerPool: undefined })]))).toEqual([
            "homelab:clusters[0].loadBalancerPool: is required: metallb needs addresses to hand out (or switch it off under services)",
            "homelab:clusters[1].loadBalancerPool: is required: metallb needs addresses to hand out (or switch it off under services)",
        ]);
        expect(check(values([workload("a", { loadBalancerPool: [], services: { metallb: false } })]))).toEqual([
            "homelab:clusters[0].services.istio: the ingress gateway is a LoadBalancer Service: it needs metallb on this cluster",
        ]);
        expect(check(values([workload("a", { loadBalancerPool: [], services: { metallb: false, istio: false } })]))).toEqual([]);
    });
});

describe("checkPlatformRequirements: stack-wide settings and secrets", () => {
    it("needs the Cloudflare token once per cluster that runs cert-manager or external-dns", () => {
        const clusters = [workload("a"), workload("b", { services: { certManager: false, istio: false } }), workload("c", { services: { externalDns: false } }), workload("d", { services: { certManager: false, externalDns: false, istio: false } })];
        expect(check(values(clusters, { cloudflareApiToken: "" }))).toEqual([
            `homelab:cloudflareApiToken: is required: cert-manager's DNS-01 and external-dns use it on a, c, b; ${setIt("cloudflareApiToken")}`,
        ]);
        expect(check(values(clusters, { cloudflareApiToken: "" }), ["homelab:cloudflareApiToken"])).toEqual([]);
        expect(check(values([workload("d", { services: { certManager: false, externalDns: false, istio: false } })], { cloudflareApiToken: "" }))).toEqual([]);
    });

    it("needs Velero's bucket and keys while Velero runs", () => {
        const clusters = [workload("a"), workload("b", { services: { velero: false } }), workload("c")];
        expect(check(values(clusters, { platform: {}, veleroAccessKeyId: "", veleroSecretAccessKey: undefined }))).toEqual([
            "homelab:platform.velero: is required: Velero runs on a, c and needs a bucket and s3Url (or switch it off under services)",
            `homelab:veleroAccessKeyId: is required: Velero runs on a, c; ${setIt("veleroAccessKeyId")}`,
            `homelab:veleroSecretAccessKey: is required: Velero runs on a, c; ${setIt("veleroSecretAccessKey")}`,
        ]);
        // homelab:platform failed its own check (it reads as unset then): nothing more about it.
        expect(check(values(clusters, { platform: undefined }))).toEqual([]);
        expect(check(values(clusters, { platform: {} }), ["homelab:platform"])).toEqual([]);
        expect(check(values([workload("b", { services: { velero: false } })], { platform: {}, veleroAccessKeyId: "", veleroSecretAccessKey: "" }))).toEqual([]);
    });

    it("needs the Pi-hole password where external-dns writes to a Pi-hole", () => {
        const pihole = { velero: VELERO, pihole: { url: "http://192.168.1.3" } };
        expect(check(values([workload("a"), workload("b", { services: { externalDns: false } })], { platform: pihole }))).toEqual([
            `homelab:piholePassword: is required: external-dns writes to homelab:platform.pihole on a; ${setIt("piholePassword")}`,
        ]);
        expect(check(values([workload("a")], { platform: pihole, piholePassword: "pw" }))).toEqual([]);
        expect(check(values([workload("a", { services: { externalDns: false } })], { platform: pihole }))).toEqual([]);
        expect(check(values([workload("a")]))).toEqual([]);
    });

    it("runs the observability layer's checks too", () => {
        expect(check(values([workload("a", { role: "observability", services: { argoRollouts: true } })], { lokiAccessKeyId: "x", lokiSecretAccessKey: "y", platform: { velero: VELERO, loki: VELERO } }))).toEqual([
            "homelab:clusters[0].services.argoRollouts: is not a service of role observability (its layer runs kubePrometheusStack, grafana, loki, jaeger, otelCollector); remove this toggle",
        ]);
    });
});

describe("checkPlatformRequirements: the tools services", () => {
    const SERVER = { ...NO_VAULT, server: { address: "https://192.168.1.209:8200" } };
    const RUNNERS = { githubConfigUrl: "https://github.com/me", runnerScaleSetName: "homelab", minRunners: 0, maxRunners: 3, containerMode: "dind" };
    const STORAGE = { buckets: ["pulumi-state", "velero"], stateBucket: "pulumi-state", size: "50Gi", backup: { s3Url: "https://s3.example.com", bucket: "copy", region: "us-east-1", schedule: "30 2 * * *" } };
    const GITHUB = { githubAppId: "1", githubAppInstallationId: "2", githubAppPrivateKey: "pem" };
    const BACKUP = { stateBackupAccessKeyId: "id", stateBackupSecretAccessKey: "key" };
    const all = { actionsRunners: true, harbor: true, objectStorage: true, cloudnativePg: true };
    const toolsValues = (clusters: unknown[], extra: Raw = {}) => values(clusters, { vault: SERVER, platform: { velero: VELERO, actionsRunners: RUNNERS, objectStorage: STORAGE }, ...GITHUB, ...BACKUP, ...extra });

    it("accepts every tools service on a tools cluster with its settings, secrets and the Vault it runs", () => {
        expect(check(toolsValues([tools("t", all)]))).toEqual([]);
    });

    it("refuses tools toggles on other roles, switched on only", () => {
        expect(check(toolsValues([workload("w", { services: { harbor: true, cloudnativePg: true, objectStorage: false } })]))).toEqual([
            "homelab:clusters[0].services.harbor: belongs to the tools role; w has role workload",
            "homelab:clusters[0].services.cloudnativePg: belongs to the tools role; w has role workload",
        ]);
    });

    it("needs the gateway for the services it exposes", () => {
        expect(check(toolsValues([tools("t", { harbor: true, objectStorage: true, istio: false })]))).toEqual([
            "homelab:clusters[0].services.istio: is required: harbor and objectStorage need it to serve through the cluster's gateway",
        ]);
        expect(check(toolsValues([tools("t", { objectStorage: true, istio: false })]))).toEqual([
            "homelab:clusters[0].services.istio: is required: objectStorage needs it to serve through the cluster's gateway",
        ]);
        expect(check(toolsValues([tools("t", { actionsRunners: true, cloudnativePg: true, istio: false })]))).toEqual([]);
    });

    it("needs the runners' settings, minRunners at most maxRunners, and the GitHub App's secrets", () => {
        const on = [tools("t", { actionsRunners: true }), tools("u", { actionsRunners: false }), tools("v", { actionsRunners: true })];
        expect(check(toolsValues(on, { platform: { velero: VELERO }, githubAppId: "", githubAppInstallationId: "", githubAppPrivateKey: "" }))).toEqual([
            "homelab:platform.actionsRunners: is required: actionsRunners runs on t, v and needs githubConfigUrl (or switch it off under services)",
            `homelab:githubAppId: is required: actionsRunners runs on t, v; ${setIt("githubAppId")}`,
            `homelab:githubAppInstallationId: is required: actionsRunners runs on t, v; ${setIt("githubAppInstallationId")}`,
            `homelab:githubAppPrivateKey: is required: actionsRunners runs on t, v; ${setIt("githubAppPrivateKey")}`,
        ]);
        expect(check(toolsValues(on, { platform: { velero: VELERO, actionsRunners: { ...RUNNERS, minRunners: 4 } } }))).toEqual(["homelab:platform.actionsRunners.minRunners: 4 is above maxRunners (3)"]);
        expect(check(toolsValues(on, { platform: { velero: VELERO, actionsRunners: { ...RUNNERS, minRunners: 3 } } }))).toEqual([]);
        expect(check(toolsValues(on, { platform: undefined }))).toEqual([]);
    });

    it("needs the object store's settings, its state bucket among its buckets, each once, and the backup secrets", () => {
        const on = [tools("t", { objectStorage: true })];
        const withStorage = (objectStorage: unknown) => toolsValues(on, { platform: { velero: VELERO, objectStorage } });
        expect(check(toolsValues(on, { platform: { velero: VELERO }, stateBackupAccessKeyId: "", stateBackupSecretAccessKey: "" }))).toEqual([
            "homelab:platform.objectStorage: is required: objectStorage runs on t and needs a backup location for its state bucket (or switch it off under services)",
            `homelab:stateBackupAccessKeyId: is required: objectStorage copies its state bucket on t; ${setIt("stateBackupAccessKeyId")}`,
            `homelab:stateBackupSecretAccessKey: is required: objectStorage copies its state bucket on t; ${setIt("stateBackupSecretAccessKey")}`,
        ]);
        expect(check(toolsValues([...on, tools("u", { objectStorage: true })], { platform: { velero: VELERO } }))).toEqual([
            "homelab:platform.objectStorage: is required: objectStorage runs on t, u and needs a backup location for its state bucket (or switch it off under services)",
        ]);
        expect(check(withStorage({ ...STORAGE, stateBucket: "state" }))).toEqual(["homelab:platform.objectStorage.stateBucket: state is not one of buckets (pulumi-state, velero)"]);
        expect(check(withStorage({ ...STORAGE, buckets: ["pulumi-state", "velero", "pulumi-state"] }))).toEqual(["homelab:platform.objectStorage.buckets: lists a bucket twice"]);
        expect(check(toolsValues(on, { platform: undefined }))).toEqual([]);
    });

    it("needs the Vault this stack runs for the services that generate credentials", () => {
        const address = { ...NO_VAULT, address: "https://vault.home.arpa:8200" };
        expect(check(toolsValues([tools("t", { harbor: true, objectStorage: true }), tools("u", { harbor: true })], { vault: address }))).toEqual([
            "homelab:vault.server: is required: harbor and objectStorage keep their generated credentials in the Vault this stack runs (t, u)",
        ]);
        expect(check(toolsValues([tools("t", { objectStorage: true })], { vault: NO_VAULT }))).toEqual([
            "homelab:vault.server: is required: harbor and objectStorage keep their generated credentials in the Vault this stack runs (t)",
        ]);
        // homelab:vault failed its own check: nothing more about it.
        expect(check(toolsValues([tools("t", { harbor: true })], { vault: undefined }))).toEqual([]);
        expect(check(toolsValues([tools("t", { actionsRunners: true, cloudnativePg: true })], { vault: address }))).toEqual([]);
    });
});

describe("buildClusterPlatform", () => {
    it("resolves every service of the cluster's distribution, role and stack", () => {
        expect(buildClusterPlatform(tools("t", { harbor: true, longhorn: true, fluentBit: false, actionsRunners: false }), { vault: true })).toStrictEqual({
            domain: "t.example.com",
            loadBalancerPool: ["192.168.1.200-192.168.1.209"],
            services: { metallb: true, certManager: true, istio: true, externalDns: true, metricsServer: false, localPathProvisioner: false, longhorn: true, velero: true, externalSecrets: true },
            layerServices: { kubePrometheusStack: false, grafana: false, loki: false, jaeger: false, otelCollector: true, fluentBit: false, prometheusAgent: true, argoRollouts: false },
            toolsServices: ["harbor"],
        });
    });

    it("reads absent fields as their defaults", () => {
        expect(buildClusterPlatform({ name: "w", role: "workload", distribution: "kubeadm" }, { vault: false })).toStrictEqual({
            domain: undefined,
            loadBalancerPool: [],
            services: { metallb: true, certManager: true, istio: true, externalDns: true, metricsServer: true, localPathProvisioner: true, longhorn: false, velero: true, externalSecrets: false },
            layerServices: { kubePrometheusStack: false, grafana: false, loki: false, jaeger: false, otelCollector: true, fluentBit: true, prometheusAgent: true, argoRollouts: true },
            toolsServices: [],
        });
    });
});

describe("buildPlatformSettings", () => {
    it("is empty for a stack that sets nothing", async () => {
        expect(await revealed(buildPlatformSettings({}))).toStrictEqual({
            acmeEmail: undefined,
            pihole: undefined,
            velero: undefined,
            cloudflareApiToken: undefined,
            loki: undefined,
            observabilityFromStack: undefined,
            actionsRunners: undefined,
            objectStorage: undefined,
        });
    });

    it("carries every setting with its secrets, kept secret", async () => {
        const settings = buildPlatformSettings({
            platform: {
                acmeEmail: "ops@example.com",
                pihole: { url: "http://192.168.1.3" },
                velero: { bucket: "velero", s3Url: "https://s3.home.arpa:9000", region: "eu-west-1" },
                loki: { bucket: "loki", s3Url: "https://s3.home.arpa:9000" },
                actionsRunners: { githubConfigUrl: "https://github.com/me", runnerScaleSetName: "homelab", minRunners: 1, maxRunners: 3, containerMode: "kubernetes" },
                objectStorage: { buckets: ["pulumi-state"], stateBucket: "pulumi-state", size: "50Gi", backup: { s3Url: "https://s3.example.com", bucket: "copy", region: "us-east-1", schedule: "30 2 * * *" } },
            },
            observability: { fromStack: "org/homelab/tools" },
            piholePassword: "pihole-pw",
            cloudflareApiToken: "cf",
            veleroAccessKeyId: "v-id",
            veleroSecretAccessKey: "v-key",
            lokiAccessKeyId: "l-id",
            lokiSecretAccessKey: "l-key",
            githubAppId: "app",
            githubAppInstallationId: "inst",
            githubAppPrivateKey: "pem",
            stateBackupAccessKeyId: "b-id",
            stateBackupSecretAccessKey: "b-key",
        });
        expect(await revealed(settings)).toStrictEqual({
            acmeEmail: "ops@example.com",
            pihole: { url: "http://192.168.1.3", password: { secret: "pihole-pw" } },
            velero: { bucket: "velero", s3Url: "https://s3.home.arpa:9000", region: "eu-west-1", accessKeyId: { secret: "v-id" }, secretAccessKey: { secret: "v-key" } },
            cloudflareApiToken: { secret: "cf" },
            // A bucket without its region (a hand-made value; the schema's default is the same) is in us-east-1.
            loki: { bucket: "loki", s3Url: "https://s3.home.arpa:9000", region: "us-east-1", accessKeyId: { secret: "l-id" }, secretAccessKey: { secret: "l-key" } },
            observabilityFromStack: "org/homelab/tools",
            actionsRunners: {
                githubConfigUrl: "https://github.com/me",
                runnerScaleSetName: "homelab",
                minRunners: 1,
                maxRunners: 3,
                containerMode: "kubernetes",
                githubAppId: { secret: "app" },
                githubAppInstallationId: { secret: "inst" },
                githubAppPrivateKey: { secret: "pem" },
            },
            objectStorage: {
                buckets: ["pulumi-state"],
                stateBucket: "pulumi-state",
                size: "50Gi",
                backup: { s3Url: "https://s3.example.com", bucket: "copy", region: "us-east-1", schedule: "30 2 * * *", accessKeyId: { secret: "b-id" }, secretAccessKey: { secret: "b-key" } },
            },
        });
    });

    it("leaves out each setting until its last secret is set", async () => {
        const platform = {
            pihole: { url: "http://192.168.1.3" },
            velero: { bucket: "velero", s3Url: "https://s3.home.arpa:9000", region: "us-east-1" },
            loki: { bucket: "loki", s3Url: "https://s3.home.arpa:9000", region: "us-east-1" },
            actionsRunners: { githubConfigUrl: "https://github.com/me", runnerScaleSetName: "homelab", minRunners: 0, maxRunners: 3, containerMode: "dind" },
            objectStorage: { buckets: ["pulumi-state"], stateBucket: "pulumi-state", size: "50Gi", backup: { s3Url: "https://s3.example.com", bucket: "copy", region: "us-east-1", schedule: "30 2 * * *" } },
        };
        const secrets: Raw = {
            piholePassword: "p",
            veleroAccessKeyId: "v",
            veleroSecretAccessKey: "v",
            lokiAccessKeyId: "l",
            lokiSecretAccessKey: "l",
            githubAppId: "g",
            githubAppInstallationId: "g",
            githubAppPrivateKey: "g",
            stateBackupAccessKeyId: "b",
            stateBackupSecretAccessKey: "b",
        };
        const settingOf: Record<string, string> = {
            piholePassword: "pihole",
            veleroAccessKeyId: "velero",
            veleroSecretAccessKey: "velero",
            lokiAccessKeyId: "loki",
            lokiSecretAccessKey: "loki",
            githubAppId: "actionsRunners",
            githubAppInstallationId: "actionsRunners",
            githubAppPrivateKey: "actionsRunners",
            stateBackupAccessKeyId: "objectStorage",
            stateBackupSecretAccessKey: "objectStorage",
        };
        const complete = buildPlatformSettings({ platform, ...secrets }) as unknown as Raw;
        for (const [key, setting] of Object.entries(settingOf)) {
            const without = buildPlatformSettings({ platform, ...secrets, [key]: "" }) as unknown as Raw;
            expect([key, without[setting]]).toEqual([key, undefined]);
            expect([key, complete[setting]]).toEqual([key, expect.objectContaining({})]);
        }
        // A secret without its setting makes nothing either.
        const secretsOnly = buildPlatformSettings(secrets) as unknown as Raw;
        expect(["pihole", "velero", "loki", "actionsRunners", "objectStorage"].map((s) => secretsOnly[s])).toEqual([undefined, undefined, undefined, undefined, undefined]);
    });
});
