import * as pulumi from "@pulumi/pulumi";
import { bool, int, object, oneOf, pattern, str, z } from "../components/core/schema";
import { BASE_SERVICES, enabledServices, LAYER_SERVICE_DESCRIPTIONS, LAYER_SERVICES, LayerServiceName, resolveLayerServices, resolveServices, ServiceName, SERVICE_DESCRIPTIONS, SHIPPED_BY_DISTRIBUTION, StackContext } from "../components/platform/catalog";
import { TOOLS_SERVICES, TOOLS_SERVICE_DESCRIPTIONS, toolsServices, ToolsServiceName } from "../components/platform/catalog";
import type { ClusterRole } from "./config";
import { checkObservabilityRequirements, OBSERVABILITY_KEYS, OBSERVABILITY_SETTINGS_FIELDS } from "./observability";
import type { Distribution } from "../versions";

/**
 * The platform layer's stack config: per-cluster fields under `homelab:clusters[]` (domain, MetalLB
 * pool, service toggles) and the stack-wide settings and secrets the base services need. Kept apart
 * from config.ts so the layer's keys sit in one place.
 */

const NS = "homelab";
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const IPV4 = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}";
/** MetalLB's own two forms: a CIDR, or a `first-last` range (metallb.io/v1beta1 IPAddressPool spec.addresses). */
export const POOL_ENTRY = new RegExp(`^${IPV4}(?:/(?:3[0-2]|[12]?\\d)|-${IPV4})$`);

/** Fields added to each `homelab:clusters[]` entry. */
export const CLUSTER_PLATFORM_FIELDS = {
    domain: pattern("DNS zone the cluster serves: its wildcard certificate, gateway and DNS records (dev.example.com; the bare zone for prod)", DNS_NAME, "a DNS name like dev.example.com").optional(),
    loadBalancerPool: z
        .array(pattern("Address range", POOL_ENTRY, "a CIDR or a range like 192.168.1.200-192.168.1.209"))
        .describe("MetalLB addresses: CIDRs or first-last ranges inside the cluster's network")
        .default([]),
    services: object(
        {
            ...(Object.fromEntries(BASE_SERVICES.map((name) => [name, bool(SERVICE_DESCRIPTIONS[name]).optional()])) as Record<ServiceName, z.ZodOptional<z.ZodBoolean>>),
            // The role layers' services (observability hub and edge, delivery): on for the roles that get them.
            ...(Object.fromEntries(LAYER_SERVICES.map((name) => [name, bool(LAYER_SERVICE_DESCRIPTIONS[name]).optional()])) as Record<LayerServiceName, z.ZodOptional<z.ZodBoolean>>),
            ...(Object.fromEntries(TOOLS_SERVICES.map((name) => [name, bool(TOOLS_SERVICE_DESCRIPTIONS[name]).optional()])) as Record<ToolsServiceName, z.ZodOptional<z.ZodBoolean>>),
        },
        "Switch base services off (false) or optional ones on (true)",
    ).default({}),
};

const secretString = (description: string) => str(description);

/** S3 bucket names (AWS's rules, which SeaweedFS and rclone follow): 3-63 lowercase letters, digits, dots, hyphens. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const bucket = (description: string) => pattern(description, BUCKET, "3-63 lowercase letters, digits, dots and hyphens");
/** Five cron fields, as batch/v1 CronJob takes them. */
const CRON = /^(\S+\s+){4}\S+$/;

/** Stack-wide keys. Secrets are optional, like homelab:vaultToken: required only by the services that use them. */
export const PLATFORM_KEYS = {
    platform: {
        required: false,
        secret: false,
        description:
            "Settings the platform services share: acmeEmail, pihole.url, velero.{bucket, s3Url, region}, loki.{bucket, s3Url, region}, actionsRunners.{githubConfigUrl, ...}, objectStorage.{buckets, backup, ...}",
        default: {},
        schema: object({
            acmeEmail: pattern("Contact for the Let's Encrypt account (expiry notices)", /^[^@\s]+@[^@\s]+$/, "an email address").optional(),
            pihole: object(
                { url: pattern("Pi-hole web server (API v6)", /^https?:\/\/[^/\s]+\/?$/, "a URL like http://192.168.1.3") },
                "Pi-hole that external-dns keeps internal records in; unset means no Pi-hole instance",
            ).optional(),
            velero: object(
                {
                    bucket: str("Bucket name"),
                    s3Url: pattern("S3 endpoint URL", /^https?:\/\/[^/\s]+\/?$/, "a URL like https://s3.home.arpa:9000"),
                    region: str("Region the store expects").default("us-east-1"),
                },
                "S3-compatible bucket for Velero backups; each cluster writes under its own prefix",
            ).optional(),
            ...OBSERVABILITY_SETTINGS_FIELDS,
            actionsRunners: object(
                {
                    githubConfigUrl: pattern(
                        "Where the runners register: a GitHub organisation, repository or enterprise URL",
                        /^https:\/\/[^/\s]+\/(enterprises\/)?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)?\/?$/,
                        "a URL like https://github.com/my-org or https://github.com/my-org/my-repo",
                    ),
                    runnerScaleSetName: pattern("Runner scale set name (the `runs-on` label) and its Helm release name", /^[a-z0-9]([-a-z0-9]{0,43}[a-z0-9])?$/, "a DNS label of at most 45 characters").default("homelab"),
                    minRunners: int("Idle runners kept ready", 0, 100).default(0),
                    maxRunners: int("Most runners at once", 1, 100).default(3),
                    containerMode: oneOf("How jobs run: dind (a privileged Docker daemon per runner) or kubernetes (job containers as pods)", ["dind", "kubernetes"]).default("dind"),
                },
                "GitHub Actions runner scale set on the tools cluster (services.actionsRunners); GitHub App credentials are the secrets homelab:githubApp*",
            ).optional(),
            objectStorage: object(
                {
                    buckets: z.array(bucket("Bucket name")).min(1).describe("Buckets created with the store").default(["pulumi-state", "velero", "loki"]),
                    stateBucket: bucket("The bucket holding Pulumi state, copied to backup").default("pulumi-state"),
                    size: pattern("Data volume size", /^[1-9][0-9]*(Gi|Ti)$/, "a size like 50Gi").default("50Gi"),
                    backup: object(
                        {
                            s3Url: pattern("S3 endpoint URL of the second location", /^https?:\/\/[^/\s]+\/?$/, "a URL like https://s3.example.com"),
                            bucket: bucket("Bucket at the second location"),
                            region: str("Region the second location expects").default("us-east-1"),
                            schedule: pattern("When the copy runs (cron, cluster time)", CRON, "five cron fields like 30 2 * * *").default("30 2 * * *"),
                        },
                        "Second S3 location the state bucket is copied to; its keys are the secrets homelab:stateBackupAccessKeyId and homelab:stateBackupSecretAccessKey",
                    ),
                },
                "SeaweedFS object storage on the tools cluster (services.objectStorage)",
            ).optional(),
        }),
    },
    cloudflareApiToken: {
        required: false,
        secret: true,
        placeholder: "offline-render-cloudflare-token",
        description: "Cloudflare API token (Zone:DNS:Edit) for cert-manager's DNS-01 and external-dns; required while either runs",
        schema: secretString("Cloudflare API token"),
        default: "",
    },
    piholePassword: {
        required: false,
        secret: true,
        placeholder: "offline-render-pihole-password",
        description: "Pi-hole web password for external-dns; required with homelab:platform.pihole",
        schema: secretString("Pi-hole password"),
        default: "",
    },
    veleroAccessKeyId: {
        required: false,
        secret: true,
        placeholder: "offline-render-access-key-id",
        description: "S3 access key id for Velero; required while Velero runs",
        schema: secretString("S3 access key id"),
        default: "",
    },
    veleroSecretAccessKey: {
        required: false,
        secret: true,
        placeholder: "offline-render-secret-access-key",
        description: "S3 secret access key for Velero; required while Velero runs",
        schema: secretString("S3 secret access key"),
        default: "",
    },
    ...OBSERVABILITY_KEYS,
    githubAppId: {
        required: false,
        secret: true,
        placeholder: "offline-render-github-app-id",
        description: "GitHub App id (or client id) the runner scale set authenticates as; required with services.actionsRunners",
        schema: secretString("GitHub App id"),
        default: "",
    },
    githubAppInstallationId: {
        required: false,
        secret: true,
        placeholder: "offline-render-github-app-installation-id",
        description: "The GitHub App's installation id on the organisation or repository; required with services.actionsRunners",
        schema: secretString("GitHub App installation id"),
        default: "",
    },
    githubAppPrivateKey: {
        required: false,
        secret: true,
        placeholder: "offline-render-github-app-private-key",
        description: "The GitHub App's private key (PEM); required with services.actionsRunners",
        schema: secretString("GitHub App private key"),
        default: "",
    },
    stateBackupAccessKeyId: {
        required: false,
        secret: true,
        placeholder: "offline-render-backup-access-key-id",
        description: "S3 access key id at the state copy's second location; required with services.objectStorage",
        schema: secretString("S3 access key id"),
        default: "",
    },
    stateBackupSecretAccessKey: {
        required: false,
        secret: true,
        placeholder: "offline-render-backup-secret-access-key",
        description: "S3 secret access key at the state copy's second location; required with services.objectStorage",
        schema: secretString("S3 secret access key"),
        default: "",
    },
} as const;

export interface ClusterPlatformConfig {
    readonly domain?: string;
    readonly loadBalancerPool: readonly string[];
    /** Every base service, on or off, defaults applied. */
    readonly services: Readonly<Record<ServiceName, boolean>>;
    /** The role layers' services (observability, delivery), on or off, defaults applied. */
    readonly layerServices: Readonly<Record<LayerServiceName, boolean>>;
    /** The tools services this cluster turned on (tools role only). */
    readonly toolsServices: readonly ToolsServiceName[];
}

export interface ActionsRunnersSettings {
    readonly githubConfigUrl: string;
    readonly runnerScaleSetName: string;
    readonly minRunners: number;
    readonly maxRunners: number;
    readonly containerMode: "dind" | "kubernetes";
    readonly githubAppId: pulumi.Output<string>;
    readonly githubAppInstallationId: pulumi.Output<string>;
    readonly githubAppPrivateKey: pulumi.Output<string>;
}

export interface ObjectStorageSettings {
    readonly buckets: readonly string[];
    readonly stateBucket: string;
    readonly size: string;
    readonly backup: {
        readonly s3Url: string;
        readonly bucket: string;
        readonly region: string;
        readonly schedule: string;
        readonly accessKeyId: pulumi.Output<string>;
        readonly secretAccessKey: pulumi.Output<string>;
    };
}

export interface PlatformSettings {
    readonly acmeEmail?: string;
    readonly pihole?: { readonly url: string; readonly password: pulumi.Output<string> };
    readonly velero?: { readonly bucket: string; readonly s3Url: string; readonly region: string; readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> };
    /** Undefined when no cluster runs a service that needs it. */
    readonly cloudflareApiToken?: pulumi.Output<string>;
    /** Loki's bucket on the hub (homelab:platform.loki and its secret keys); undefined without a hub. */
    readonly loki?: { readonly bucket: string; readonly s3Url: string; readonly region: string; readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> };
    /** The stack whose `observability` output this stack's edge collectors read (homelab:observability.fromStack). */
    readonly observabilityFromStack?: string;
    /** Set when homelab:platform.actionsRunners and the GitHub App secrets are. */
    readonly actionsRunners?: ActionsRunnersSettings;
    /** Set when homelab:platform.objectStorage and the backup secrets are. */
    readonly objectStorage?: ObjectStorageSettings;
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- shape checked by the specs above

const needs = (names: readonly string[]) => (names.length === 1 ? `${names[0]} needs it` : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} need it`);

/**
 * What the enabled services require of config, checked once every key has its shape: a cluster's
 * domain and pool, the shared settings and the secrets. Reported against the key to set.
 */
export function checkPlatformRequirements(values: Raw, report: (path: string, message: string) => void, alreadyReported: (path: string) => boolean): void {
    const clusters = (values.clusters ?? []) as Raw[];
    const stack: StackContext = { vault: Boolean(values.vault?.address || values.vault?.fromStack || values.vault?.server) };
    const using = (service: ServiceName) => clusters.filter((c) => c && resolveServices(c.distribution as Distribution, c.services ?? {}, stack)[service]).map((c) => c.name as string);
    clusters.forEach((c, index) => {
        if (!c) {
            return;
        }
        const at = (field: string) => `${NS}:clusters[${index}].${field}`;
        // Stryker disable next-line ArrayDeclaration: the fallback stands for "ships nothing"; the mutant's "Stryker was here" is no toggle either, since services is a strict object of the catalog's names.
        for (const service of SHIPPED_BY_DISTRIBUTION[c.distribution as Distribution] ?? []) {
            if (c.services?.[service] === true) {
                report(at(`services.${service}`), `${c.distribution} ships it built in; remove this toggle`);
            }
        }
        if (c.services?.externalSecrets === true && !stack.vault) {
            report(at("services.externalSecrets"), `external-secrets reads from Vault, and this stack has none: set ${NS}:vault (address, fromStack or server), or remove this toggle`);
        }
        const services = enabledServices(resolveServices(c.distribution as Distribution, c.services ?? {}, stack));
        const wantDomain = services.filter((n) => n === "certManager" || n === "istio" || n === "externalDns");
        if (c.domain === undefined && wantDomain.length > 0) {
            report(at("domain"), `is required: ${needs(wantDomain)} (or switch them off under services)`);
        }
        if ((c.loadBalancerPool ?? []).length === 0 && services.includes("metallb")) {
            report(at("loadBalancerPool"), "is required: metallb needs addresses to hand out (or switch it off under services)");
        }
        if (services.includes("istio") && !services.includes("metallb")) {
            report(at("services.istio"), "the ingress gateway is a LoadBalancer Service: it needs metallb on this cluster");
        }
    });
    const secret = (key: string, users: string[], why: string) => {
        if (users.length > 0 && !values[key] && !alreadyReported(`${NS}:${key}`)) {
            report(`${NS}:${key}`, `is required: ${why} on ${users.join(", ")}; set it with \`pulumi config set --secret ${NS}:${key} <value>\``);
        }
    };
    const cloudflareUsers = [...new Set([...using("certManager"), ...using("externalDns")])];
    secret("cloudflareApiToken", cloudflareUsers, "cert-manager's DNS-01 and external-dns use it");
    const veleroUsers = using("velero");
    // values.platform is undefined when one of its fields was already reported.
    if (veleroUsers.length > 0 && values.platform !== undefined && !values.platform.velero && !alreadyReported(`${NS}:platform`)) {
        report(`${NS}:platform.velero`, `is required: Velero runs on ${veleroUsers.join(", ")} and needs a bucket and s3Url (or switch it off under services)`);
    }
    secret("veleroAccessKeyId", veleroUsers, "Velero runs");
    secret("veleroSecretAccessKey", veleroUsers, "Velero runs");
    const piholeUsers = values.platform?.pihole ? using("externalDns") : [];
    secret("piholePassword", piholeUsers, "external-dns writes to homelab:platform.pihole");
    checkObservabilityRequirements(values, report, alreadyReported);
    checkToolsRequirements(values, clusters, report, secret);
}

/** The tools services: on tools clusters only, each with the settings and secrets it needs. */
function checkToolsRequirements(
    values: Raw,
    clusters: Raw[],
    report: (path: string, message: string) => void,
    secret: (key: string, users: string[], why: string) => void,
): void {
    const toolsUsers = (service: ToolsServiceName) => clusters.filter((c) => c && toolsServices(c.role as ClusterRole, c.services ?? {}).includes(service)).map((c) => c.name as string);
    clusters.forEach((c, index) => {
        if (!c) {
            return;
        }
        for (const service of TOOLS_SERVICES) {
            if (c.services?.[service] === true && c.role !== "tools") {
                report(`${NS}:clusters[${index}].services.${service}`, `belongs to the tools role; ${c.name} has role ${c.role}`);
            }
        }
        const exposed = toolsServices(c.role as ClusterRole, c.services ?? {}).filter((s) => s === "harbor" || s === "objectStorage");
        if (exposed.length > 0 && !resolveServices(c.distribution as Distribution, c.services ?? {}).istio) {
            report(`${NS}:clusters[${index}].services.istio`, `is required: ${needs(exposed)} to serve through the cluster's gateway`);
        }
    });
    // Undefined when one of its fields was already reported: nothing more to say about it then.
    const platformOk = values.platform !== undefined;
    const runners = toolsUsers("actionsRunners");
    if (runners.length > 0 && platformOk) {
        const r = values.platform.actionsRunners;
        if (!r) {
            report(`${NS}:platform.actionsRunners`, `is required: actionsRunners runs on ${runners.join(", ")} and needs githubConfigUrl (or switch it off under services)`);
        } else if (r.minRunners > r.maxRunners) {
            report(`${NS}:platform.actionsRunners.minRunners`, `${r.minRunners} is above maxRunners (${r.maxRunners})`);
        }
    }
    secret("githubAppId", runners, "actionsRunners runs");
    secret("githubAppInstallationId", runners, "actionsRunners runs");
    secret("githubAppPrivateKey", runners, "actionsRunners runs");
    const storage = toolsUsers("objectStorage");
    if (storage.length > 0 && platformOk) {
        const o = values.platform.objectStorage;
        if (!o) {
            report(`${NS}:platform.objectStorage`, `is required: objectStorage runs on ${storage.join(", ")} and needs a backup location for its state bucket (or switch it off under services)`);
        } else if (!o.buckets.includes(o.stateBucket)) {
            report(`${NS}:platform.objectStorage.stateBucket`, `${o.stateBucket} is not one of buckets (${o.buckets.join(", ")})`);
        } else if (new Set(o.buckets).size !== o.buckets.length) {
            report(`${NS}:platform.objectStorage.buckets`, "lists a bucket twice");
        }
    }
    secret("stateBackupAccessKeyId", storage, "objectStorage copies its state bucket");
    secret("stateBackupSecretAccessKey", storage, "objectStorage copies its state bucket");
    // Generated credentials are kept in the Vault this stack runs.
    const vaulted = [...new Set([...toolsUsers("harbor"), ...storage])];
    if (vaulted.length > 0 && values.vault !== undefined && !values.vault.server) {
        report(`${NS}:vault.server`, `is required: harbor and objectStorage keep their generated credentials in the Vault this stack runs (${vaulted.join(", ")})`);
    }
}

export function buildClusterPlatform(c: Raw, stack: StackContext): ClusterPlatformConfig {
    return {
        domain: c.domain,
        loadBalancerPool: c.loadBalancerPool ?? [],
        services: resolveServices(c.distribution as Distribution, c.services ?? {}, stack),
        layerServices: resolveLayerServices(c.role as ClusterRole, c.services ?? {}),
        toolsServices: toolsServices(c.role as ClusterRole, c.services ?? {}),
    };
}

/** An S3 bucket's settings with its two secret keys, or undefined until all three are set. */
function s3Bucket(bucket: Raw | undefined, accessKeyId: unknown, secretAccessKey: unknown) {
    return bucket && accessKeyId && secretAccessKey
        ? {
              bucket: bucket.bucket as string,
              s3Url: bucket.s3Url as string,
              region: (bucket.region as string | undefined) ?? "us-east-1",
              accessKeyId: pulumi.secret(accessKeyId as string),
              secretAccessKey: pulumi.secret(secretAccessKey as string),
          }
        : undefined;
}

export function buildPlatformSettings(v: Raw): PlatformSettings {
    const p: Raw = v.platform ?? {};
    return {
        acmeEmail: p.acmeEmail,
        pihole: p.pihole && v.piholePassword ? { url: p.pihole.url, password: pulumi.secret(v.piholePassword as string) } : undefined,
        velero: s3Bucket(p.velero, v.veleroAccessKeyId, v.veleroSecretAccessKey),
        cloudflareApiToken: v.cloudflareApiToken ? pulumi.secret(v.cloudflareApiToken as string) : undefined,
        loki: s3Bucket(p.loki, v.lokiAccessKeyId, v.lokiSecretAccessKey),
        observabilityFromStack: v.observability?.fromStack,
        actionsRunners:
            p.actionsRunners && v.githubAppId && v.githubAppInstallationId && v.githubAppPrivateKey
                ? {
                      ...(p.actionsRunners as Omit<ActionsRunnersSettings, "githubAppId" | "githubAppInstallationId" | "githubAppPrivateKey">),
                      githubAppId: pulumi.secret(v.githubAppId as string),
                      githubAppInstallationId: pulumi.secret(v.githubAppInstallationId as string),
                      githubAppPrivateKey: pulumi.secret(v.githubAppPrivateKey as string),
                  }
                : undefined,
        objectStorage:
            p.objectStorage && v.stateBackupAccessKeyId && v.stateBackupSecretAccessKey
                ? {
                      buckets: p.objectStorage.buckets,
                      stateBucket: p.objectStorage.stateBucket,
                      size: p.objectStorage.size,
                      backup: {
                          ...p.objectStorage.backup,
                          accessKeyId: pulumi.secret(v.stateBackupAccessKeyId as string),
                          secretAccessKey: pulumi.secret(v.stateBackupSecretAccessKey as string),
                      },
                  }
                : undefined,
    };
}
