/**
 * kube-prometheus-stack: on the hub a full Prometheus with its remote-write receiver on; on every
 * other cluster the same chart in agent mode (a PrometheusAgent: scrape and remote-write only).
 * Chart: https://github.com/prometheus-community/helm-charts/tree/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack
 *
 * Why agent mode, not the OpenTelemetry collector, for edge metrics: the chart brings node-exporter,
 * kube-state-metrics, the kubelet/cAdvisor scrapes and the operator that turns every chart's
 * ServiceMonitors and PodMonitors into scrape configs, and the series keep the names the chart's
 * dashboards and rules (on the hub) expect. The collector would need each of those rebuilt by hand.
 */

/** Fixed, so in-cluster names are predictable: the Prometheus Service is `kps-prometheus`. */
export const KPS_FULLNAME = "kps";
export const PROMETHEUS_SERVICE = { name: `${KPS_FULLNAME}-prometheus`, port: 9090 } as const;

/** The label every series carries; set once per cluster, as a Prometheus external label. */
export const CLUSTER_LABEL = "cluster";

const POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } };

/** Shared by hub and agents: pick up every ServiceMonitor, PodMonitor, Probe, rule and ScrapeConfig, not only the release's. */
const SELECT_ALL = {
    serviceMonitorSelectorNilUsesHelmValues: false,
    podMonitorSelectorNilUsesHelmValues: false,
    probeSelectorNilUsesHelmValues: false,
    scrapeConfigSelectorNilUsesHelmValues: false,
};

/**
 * Control-plane components the chart scrapes on their own endpoints: K3s runs them in one process
 * without those endpoints, Talos and kubeadm bind them to localhost. Off everywhere rather than
 * half-failing targets; the API server and kubelets are still scraped.
 */
const CONTROL_PLANE_OFF = {
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
};

export interface HubPrometheusArgs {
    readonly cluster: string;
    /** Days of local retention. */
    readonly retentionDays: number;
    /** Size of Prometheus's volume (the cluster's default StorageClass). */
    readonly storageSize: string;
}

export function hubPrometheusValues(args: HubPrometheusArgs): Record<string, unknown> {
    return {
        fullnameOverride: KPS_FULLNAME,
        crds: { enabled: true },
        // One Grafana, its own release (services/grafana); the chart still ships its dashboards as ConfigMaps.
        grafana: { enabled: false, forceDeployDashboards: true },
        alertmanager: { enabled: false },
        ...CONTROL_PLANE_OFF,
        prometheus: {
            prometheusSpec: {
                // --web.enable-remote-write-receiver: the edge agents write to /api/v1/write.
                enableRemoteWriteReceiver: true,
                // --web.enable-otlp-receiver: the hub's collector writes OTLP metrics to /api/v1/otlp/v1/metrics,
                // with the edge collectors' `cluster` resource attribute promoted to a label.
                enableOTLPReceiver: true,
                otlp: { promoteResourceAttributes: [CLUSTER_LABEL] },
                // Applied to what leaves the hub (federation, remote write); the edges' series carry their own.
                externalLabels: { [CLUSTER_LABEL]: args.cluster },
                retention: `${args.retentionDays}d`,
                ...SELECT_ALL,
                ruleSelectorNilUsesHelmValues: false,
                securityContext: POD_SECURITY,
                storageSpec: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: args.storageSize } } } } },
            },
        },
    };
}

export interface AgentPrometheusArgs {
    readonly cluster: string;
    /** The hub's remote-write URL (observability.endpoints.prometheusRemoteWrite). */
    readonly remoteWriteUrl: string;
}

export function agentPrometheusValues(args: AgentPrometheusArgs): Record<string, unknown> {
    return {
        fullnameOverride: KPS_FULLNAME,
        crds: { enabled: true },
        grafana: { enabled: false },
        alertmanager: { enabled: false },
        // Rules are evaluated on the hub; an agent cannot evaluate them.
        defaultRules: { create: false },
        ...CONTROL_PLANE_OFF,
        prometheus: {
            // A PrometheusAgent (monitoring.coreos.com/v1alpha1): scrape, write ahead, remote-write; no queries, no rules.
            agentMode: true,
            prometheusSpec: {
                // Set once, here: every series this agent sends carries cluster=<name>.
                externalLabels: { [CLUSTER_LABEL]: args.cluster },
                remoteWrite: [{ url: args.remoteWriteUrl }],
                ...SELECT_ALL,
                securityContext: POD_SECURITY,
            },
        },
    };
}
