import type { ClusterRole } from "../../config/config";
import type { Distribution } from "../../versions";

/**
 * Which platform services a cluster runs. Every cluster gets the base, whatever its role; each role
 * adds its own layer (DESIGN.md §1). Stack config can switch a service off per cluster
 * (`homelab:clusters[].services`), and switch the optional ones on.
 */

/** The base services, by the name their toggle has under `homelab:clusters[].services`. */
export const BASE_SERVICES = ["metallb", "certManager", "istio", "externalDns", "metricsServer", "localPathProvisioner", "longhorn", "velero", "externalSecrets"] as const;
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
    externalSecrets: "external-secrets with the ClusterSecretStore `vault` and cluster-secrets for labelled namespaces (on by default where the stack has homelab:vault)",
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
    tools: ["argocd", ...TOOLS_SERVICES],
    observability: [],
    workload: [],
};

/** Services a distribution already ships, so the platform must not install them again. */
export const SHIPPED_BY_DISTRIBUTION: Readonly<Partial<Record<Distribution, readonly ServiceName[]>>> = {
    // K3s bundles local-path-provisioner (with its `local-path` StorageClass) and metrics-server
    // in every server: https://docs.k3s.io/installation/packaged-components
    k3s: ["localPathProvisioner", "metricsServer"],
};

/** Services whose default depends on the stack: on where the stack has Vault (homelab:vault), off elsewhere. */
const NEED_VAULT: ReadonlySet<ServiceName> = new Set(["externalSecrets"]);

/** What a cluster's defaults depend on beyond its distribution. */
export interface StackContext {
    /** homelab:vault is set (address, fromStack or server). */
    readonly vault: boolean;
}

/** The toggles a cluster ends up with: defaults, then the cluster's own settings. */
export function resolveServices(
    distribution: Distribution,
    toggles: Readonly<Partial<Record<ServiceName, boolean>>>,
    stack: StackContext = { vault: false },
): Readonly<Record<ServiceName, boolean>> {
    const shipped = SHIPPED_BY_DISTRIBUTION[distribution] ?? [];
    const byDefault = (s: ServiceName) => !OPTIONAL.has(s) && (!NEED_VAULT.has(s) || stack.vault);
    return Object.fromEntries(BASE_SERVICES.map((s) => [s, !shipped.includes(s) && (toggles[s] ?? byDefault(s))])) as Record<ServiceName, boolean>;
}

export function enabledServices(services: Readonly<Record<ServiceName, boolean>>): ServiceName[] {
    return BASE_SERVICES.filter((s) => services[s]);
}

/**
 * Services the observability and delivery layers add (issue 11), by the name their toggle has under
 * `homelab:clusters[].services`: on for the roles that get them unless switched off, refused on the others.
 */
export const LAYER_SERVICES = ["kubePrometheusStack", "grafana", "loki", "jaeger", "otelCollector", "fluentBit", "prometheusAgent", "argoRollouts"] as const;
export type LayerServiceName = (typeof LAYER_SERVICES)[number];

export const LAYER_SERVICE_DESCRIPTIONS: Readonly<Record<LayerServiceName, string>> = {
    kubePrometheusStack: "Hub (role observability): kube-prometheus-stack, Prometheus with its remote-write and OTLP receivers",
    grafana: "Hub: Grafana with Prometheus, Loki and Jaeger as data sources",
    loki: "Hub: Loki on the S3 bucket of homelab:platform.loki",
    jaeger: "Hub: Jaeger v2",
    otelCollector: "OpenTelemetry collector: the hub's OTLP ingestion point, or an edge cluster's forwarder to it",
    fluentBit: "Edge (every role but observability): Fluent Bit shipping container logs to the hub's Loki",
    prometheusAgent: "Edge: kube-prometheus-stack in agent mode, remote-writing metrics to the hub",
    argoRollouts: "Workload clusters: the Argo Rollouts controller",
};

const HUB: readonly LayerServiceName[] = ["kubePrometheusStack", "grafana", "loki", "jaeger", "otelCollector"];
const EDGE: readonly LayerServiceName[] = ["fluentBit", "prometheusAgent", "otelCollector"];

/** Which layer services each role runs (DESIGN.md §1: hub, edge collectors, delivery). */
export const LAYER_SERVICES_BY_ROLE: Readonly<Record<ClusterRole, readonly LayerServiceName[]>> = {
    observability: HUB,
    tools: EDGE,
    workload: [...EDGE, "argoRollouts"],
};

/** A cluster's layer toggles: its role's services on unless switched off; the other roles' off. */
export function resolveLayerServices(role: ClusterRole, toggles: Readonly<Partial<Record<string, boolean>>>): Readonly<Record<LayerServiceName, boolean>> {
    const mine = LAYER_SERVICES_BY_ROLE[role];
    return Object.fromEntries(LAYER_SERVICES.map((s) => [s, mine.includes(s) && (toggles[s] ?? true)])) as Record<LayerServiceName, boolean>;
}
