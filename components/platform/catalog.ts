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

/** Role layers add their services here as they are built; the base is the same for every role. */
export const ROLE_LAYERS: Readonly<Record<ClusterRole, readonly string[]>> = {
    tools: [],
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
