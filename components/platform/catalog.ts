import type { ClusterRole } from "../../config/config";
import type { Distribution } from "../../versions";

/**
 * Which platform services a cluster runs. Every cluster gets the base, whatever its role; each role
 * adds its own layer (DESIGN.md §1). Stack config can switch a service off per cluster
 * (`homelab:clusters[].services`), and switch the optional ones on.
 */

/** The base services, by the name their toggle has under `homelab:clusters[].services`. */
export const BASE_SERVICES = ["metallb", "certManager", "istio", "externalDns", "metricsServer", "localPathProvisioner", "longhorn", "velero"] as const;
export type ServiceName = (typeof BASE_SERVICES)[number];

/** What each toggle stands for, for config descriptions and the README. */
export const SERVICE_DESCRIPTIONS: Readonly<Record<ServiceName, string>> = {
    metallb: "MetalLB: LoadBalancer addresses from the cluster's loadBalancerPool, announced over L2",
    certManager: "cert-manager, Let's Encrypt issuers (Cloudflare DNS-01) and the cluster's wildcard certificate",
    istio: "Istio (base, istiod, ingress gateway) and the TLS Gateway on the wildcard certificate",
    externalDns: "external-dns for Cloudflare (public) and, with homelab:platform.pihole, Pi-hole (internal)",
    metricsServer: "metrics-server (on Talos with kubelet-csr-approver for kubelet serving certificates)",
    localPathProvisioner: "local-path-provisioner (kubeadm and Talos; K3s ships it)",
    longhorn: "Longhorn replicated block storage (optional; its nodes get open-iscsi, or on Talos the kubelet mount for /var/lib/longhorn)",
    velero: "Velero: daily backups, 30-day retention, to the S3 bucket of homelab:platform.velero",
};

/** Off unless a cluster turns them on. */
const OPTIONAL: ReadonlySet<ServiceName> = new Set(["longhorn"]);

/**
 * The tools role's services that need a cluster's say-so: each takes settings of its own (a GitHub App,
 * a backup target, Vault), so they are off until `homelab:clusters[].services.<name>: true`
 * (components/platform/tools.ts installs them).
 */
export const TOOLS_SERVICES = ["actionsRunners", "harbor", "objectStorage", "cloudnativePg"] as const;
export type ToolsServiceName = (typeof TOOLS_SERVICES)[number];

export const TOOLS_SERVICE_DESCRIPTIONS: Readonly<Record<ToolsServiceName, string>> = {
    actionsRunners: "GitHub Actions runners (tools role, off unless true): actions-runner-controller and a runner scale set from homelab:platform.actionsRunners",
    harbor: "Harbor registry at harbor.<domain> (tools role, off unless true); its admin password is generated and kept in Vault",
    objectStorage: "SeaweedFS S3 store at s3.<domain> with the buckets of homelab:platform.objectStorage, and a CronJob copying the state bucket (tools role, off unless true)",
    cloudnativePg: "CloudNativePG operator (tools role, off unless true)",
};

/** The tools services a cluster turned on; none for clusters of another role. */
export function toolsServices(role: ClusterRole, toggles: Readonly<Partial<Record<string, boolean>>>): ToolsServiceName[] {
    return role === "tools" ? TOOLS_SERVICES.filter((s) => toggles[s] === true) : [];
}

/** Role layers add their services here as they are built; the base is the same for every role. */
export const ROLE_LAYERS: Readonly<Record<ClusterRole, readonly string[]>> = {
    tools: [...TOOLS_SERVICES],
    observability: [],
    workload: [],
};

/** Services a distribution already ships, so the platform must not install them again. */
export const SHIPPED_BY_DISTRIBUTION: Readonly<Partial<Record<Distribution, readonly ServiceName[]>>> = {
    // K3s bundles local-path-provisioner (with its `local-path` StorageClass) and metrics-server
    // in every server: https://docs.k3s.io/installation/packaged-components
    k3s: ["localPathProvisioner", "metricsServer"],
};

/** The toggles a cluster ends up with: defaults, then the cluster's own settings. */
export function resolveServices(distribution: Distribution, toggles: Readonly<Partial<Record<ServiceName, boolean>>>): Readonly<Record<ServiceName, boolean>> {
    const shipped = SHIPPED_BY_DISTRIBUTION[distribution] ?? [];
    return Object.fromEntries(BASE_SERVICES.map((s) => [s, !shipped.includes(s) && (toggles[s] ?? !OPTIONAL.has(s))])) as Record<ServiceName, boolean>;
}

export function enabledServices(services: Readonly<Record<ServiceName, boolean>>): ServiceName[] {
    return BASE_SERVICES.filter((s) => services[s]);
}
