import * as pulumi from "@pulumi/pulumi";
import { bool, object, pattern, str, z } from "../components/core/schema";
import { BASE_SERVICES, enabledServices, resolveServices, ServiceName, SERVICE_DESCRIPTIONS, SHIPPED_BY_DISTRIBUTION } from "../components/platform/catalog";
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
        Object.fromEntries(BASE_SERVICES.map((name) => [name, bool(SERVICE_DESCRIPTIONS[name]).optional()])) as Record<ServiceName, z.ZodOptional<z.ZodBoolean>>,
        "Switch base services off (false) or optional ones on (true)",
    ).default({}),
};

const secretString = (description: string) => str(description);

/** Stack-wide keys. Secrets are optional, like homelab:vaultToken: required only by the services that use them. */
export const PLATFORM_KEYS = {
    platform: {
        required: false,
        secret: false,
        description: "Settings the base services share: acmeEmail, pihole.url, velero.{bucket, s3Url, region}",
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
} as const;

export interface ClusterPlatformConfig {
    readonly domain?: string;
    readonly loadBalancerPool: readonly string[];
    /** Every base service, on or off, defaults applied. */
    readonly services: Readonly<Record<ServiceName, boolean>>;
}

export interface PlatformSettings {
    readonly acmeEmail?: string;
    readonly pihole?: { readonly url: string; readonly password: pulumi.Output<string> };
    readonly velero?: { readonly bucket: string; readonly s3Url: string; readonly region: string; readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> };
    /** Undefined when no cluster runs a service that needs it. */
    readonly cloudflareApiToken?: pulumi.Output<string>;
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- shape checked by the specs above

const needs = (names: readonly string[]) => (names.length === 1 ? `${names[0]} needs it` : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} need it`);

/**
 * What the enabled services require of config, checked once every key has its shape: a cluster's
 * domain and pool, the shared settings and the secrets. Reported against the key to set.
 */
export function checkPlatformRequirements(values: Raw, report: (path: string, message: string) => void, alreadyReported: (path: string) => boolean): void {
    const clusters = (values.clusters ?? []) as Raw[];
    const using = (service: ServiceName) => clusters.filter((c) => c && resolveServices(c.distribution as Distribution, c.services ?? {})[service]).map((c) => c.name as string);
    clusters.forEach((c, index) => {
        if (!c) {
            return;
        }
        const at = (field: string) => `${NS}:clusters[${index}].${field}`;
        for (const service of SHIPPED_BY_DISTRIBUTION[c.distribution as Distribution] ?? []) {
            if (c.services?.[service] === true) {
                report(at(`services.${service}`), `${c.distribution} ships it built in; remove this toggle`);
            }
        }
        const services = enabledServices(resolveServices(c.distribution as Distribution, c.services ?? {}));
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
    if (veleroUsers.length > 0 && !values.platform?.velero && !alreadyReported(`${NS}:platform`)) {
        report(`${NS}:platform.velero`, `is required: Velero runs on ${veleroUsers.join(", ")} and needs a bucket and s3Url (or switch it off under services)`);
    }
    secret("veleroAccessKeyId", veleroUsers, "Velero runs");
    secret("veleroSecretAccessKey", veleroUsers, "Velero runs");
    const piholeUsers = values.platform?.pihole ? using("externalDns") : [];
    secret("piholePassword", piholeUsers, "external-dns writes to homelab:platform.pihole");
}

export function buildClusterPlatform(c: Raw): ClusterPlatformConfig {
    return { domain: c.domain, loadBalancerPool: c.loadBalancerPool ?? [], services: resolveServices(c.distribution as Distribution, c.services ?? {}) };
}

export function buildPlatformSettings(v: Raw): PlatformSettings {
    const p: Raw = v.platform ?? {};
    return {
        acmeEmail: p.acmeEmail,
        pihole: p.pihole && v.piholePassword ? { url: p.pihole.url, password: pulumi.secret(v.piholePassword as string) } : undefined,
        velero:
            p.velero && v.veleroAccessKeyId && v.veleroSecretAccessKey
                ? {
                      bucket: p.velero.bucket,
                      s3Url: p.velero.s3Url,
                      region: p.velero.region ?? "us-east-1",
                      accessKeyId: pulumi.secret(v.veleroAccessKeyId as string),
                      secretAccessKey: pulumi.secret(v.veleroSecretAccessKey as string),
                  }
                : undefined,
        cloudflareApiToken: v.cloudflareApiToken ? pulumi.secret(v.cloudflareApiToken as string) : undefined,
    };
}
