import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { ClusterLayerArgs } from "../platform";
import { VaultWrites, writeKvSecret } from "../../vault/kvWrites";
import { versions } from "../../../versions";
import { requireValid } from "../../clusters/nodes";
import { HelmService } from "../helmService";
import { PlatformNamespace } from "../namespace";
import { declareObject, declareSecret } from "../objects";
import { GRAFANA_ADMIN_SECRET, GRAFANA_ADMIN_USER, GRAFANA_SERVICE, grafanaValues } from "../services/grafana/grafana";
import { jaegerValues } from "../services/jaeger/jaeger";
import { hubPrometheusValues, PROMETHEUS_SERVICE } from "../services/kubePrometheusStack/kubePrometheusStack";
import { LOKI_S3_SECRET, LOKI_SERVICE, lokiValues } from "../services/loki/loki";
import { COLLECTOR_FULLNAME, hubCollectorValues, OTLP_PORTS } from "../services/otelCollector/otelCollector";
import { HUB_HOSTS, HubEndpoints, hubEndpoints } from "./endpoints";
import { monitoringNamespace } from "./monitoringNamespace";
import { Route, virtualService } from "./routes";

/** Where the hub keeps its generated Grafana admin credentials in Vault KV v2, under the stack's folder. */
export type HubVault = VaultWrites;

export interface ObservabilityHubArgs extends ClusterLayerArgs {
    /** The release bringing Istio's CRDs (the platform's istio-base): the VirtualServices wait for it. */
    readonly istioCrds?: pulumi.Resource;
    /** The stack's Vault, when it has one: the Grafana admin password is stored there too. */
    readonly vault?: HubVault;
}

/** Sizes and retention, fixed for a homelab hub; raise them here. */
export const HUB_SIZING = { prometheusRetentionDays: 15, prometheusStorage: "50Gi", lokiRetentionDays: 30, grafanaStorage: "5Gi", jaegerMaxTraces: 100000 } as const;

/**
 * The observability hub (DESIGN.md §1) on the cluster of role `observability`: kube-prometheus-stack
 * (Prometheus with its remote-write and OTLP receivers), Loki on object storage, Jaeger v2, the OTLP
 * ingestion collector and Grafana, all in `monitoring`; remote-write, Loki push, OTLP and Grafana
 * through the cluster's TLS gateway. The releases do not need each other at install time (clients
 * retry), so each waits only for the namespace and the cluster.
 */
export class ObservabilityHub extends pulumi.ComponentResource {
    public readonly endpoints: HubEndpoints;
    public readonly releases: Readonly<Record<string, k8s.helm.v3.Release>>;
    /** `<mount>/<stack>/<cluster>/grafana` when the stack has a Vault. */
    public readonly grafanaAdminVaultPath?: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityHubArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ObservabilityHub", name, {}, opts);
        const { cluster, settings } = args;
        const on = cluster.layerServices;
        requireValid("ObservabilityHub", name, [
            ...(cluster.role !== "observability" ? [{ propertyPath: "cluster.role", reason: `is ${cluster.role}: the hub runs on the cluster of role observability` }] : []),
            ...(!cluster.domain ? [{ propertyPath: "cluster.domain", reason: "is required: the hub's endpoints are served under it" }] : []),
            ...(on.loki && !settings.loki ? [{ propertyPath: "settings.loki", reason: "is required by Loki" }] : []),
        ]);
        const domain = cluster.domain!;
        this.endpoints = hubEndpoints(domain);
        const child = { parent: this };
        const onCluster = { parent: this, provider: args.provider };
        const loki = settings.loki;
        const objectStorePort = loki ? Number(new URL(loki.s3Url).port || (loki.s3Url.startsWith("https:") ? 443 : 80)) : undefined;
        const ns = new PlatformNamespace(
            `${name}-monitoring-ns`,
            { cluster: cluster.name, spec: monitoringNamespace("hub", { nodeCidr: args.nodeCidr, podCidr: cluster.podCidr }, objectStorePort), network: { nodeCidr: args.nodeCidr }, provider: args.provider, dependsOn: args.dependsOn },
            child,
        );
        const namespace = ns.name;
        const releases: Record<string, k8s.helm.v3.Release> = {};
        const service = (key: string, chart: (typeof versions.charts)[keyof typeof versions.charts], values: Record<string, unknown>, dependsOn: pulumi.Resource[] = []) => {
            const svc = new HelmService(
                `${name}-${key}`,
                { cluster: cluster.name, provider: args.provider, network: { nodeCidr: args.nodeCidr }, releaseName: key, chart, namespace: ns, values, dependsOn: [...(args.dependsOn ?? []), ...dependsOn] },
                child,
            );
            releases[key] = svc.release;
            return svc;
        };
        const routes: Route[] = [];

        if (on.kubePrometheusStack) {
            service("kube-prometheus-stack", versions.charts.kubePrometheusStack, hubPrometheusValues({ cluster: cluster.name, retentionDays: HUB_SIZING.prometheusRetentionDays, storageSize: HUB_SIZING.prometheusStorage }));
            routes.push({ name: "prometheus-remote-write", host: `${HUB_HOSTS.prometheus}.${domain}`, paths: [{ exact: "/api/v1/write" }], service: PROMETHEUS_SERVICE.name, port: PROMETHEUS_SERVICE.port });
        }
        if (on.loki) {
            const credentials = declareSecret(
                cluster.name,
                `${name}-loki-s3`,
                { name: LOKI_S3_SECRET.name, namespace, stringData: { [LOKI_S3_SECRET.accessKeyId]: loki!.accessKeyId, [LOKI_S3_SECRET.secretAccessKey]: loki!.secretAccessKey } },
                { ...onCluster, dependsOn: [ns] },
            );
            service("loki", versions.charts.loki, lokiValues({ bucket: loki!.bucket, s3Url: loki!.s3Url, region: loki!.region, retentionDays: HUB_SIZING.lokiRetentionDays }), [credentials]);
            routes.push({ name: "loki-push", host: `${HUB_HOSTS.loki}.${domain}`, paths: [{ exact: "/loki/api/v1/push" }], service: LOKI_SERVICE.name, port: LOKI_SERVICE.port });
        }
        if (on.jaeger) {
            service("jaeger", versions.charts.jaeger, jaegerValues(HUB_SIZING.jaegerMaxTraces));
        }
        if (on.otelCollector) {
            service("otel-collector", versions.charts.otelCollector, hubCollectorValues({ namespace }));
            routes.push({
                name: "otlp-http",
                host: `${HUB_HOSTS.otlp}.${domain}`,
                paths: [{ exact: "/v1/traces" }, { exact: "/v1/metrics" }, { exact: "/v1/logs" }],
                service: COLLECTOR_FULLNAME,
                port: OTLP_PORTS.http,
            });
        }
        if (on.grafana) {
            // Generated once, kept secret in state; rotating it is `pulumi up --replace` of this resource.
            const password = new random.RandomPassword(`${name}-grafana-admin-password`, { length: 32, special: false }, child);
            const secret = declareSecret(
                cluster.name,
                `${name}-grafana-admin`,
                { name: GRAFANA_ADMIN_SECRET.name, namespace, stringData: { [GRAFANA_ADMIN_SECRET.userKey]: GRAFANA_ADMIN_USER, [GRAFANA_ADMIN_SECRET.passwordKey]: password.result } },
                { ...onCluster, dependsOn: [ns] },
            );
            service("grafana", versions.charts.grafana, grafanaValues({ rootUrl: this.endpoints.grafana, namespace, storageSize: HUB_SIZING.grafanaStorage }), [secret]);
            routes.push({ name: "grafana", host: `${HUB_HOSTS.grafana}.${domain}`, paths: [], service: GRAFANA_SERVICE.name, port: GRAFANA_SERVICE.port });
            if (args.vault) {
                this.grafanaAdminVaultPath = writeKvSecret(
                    `${name}-grafana-admin-vault`,
                    { mount: args.vault.mount, path: `${args.stack}/${cluster.name}/grafana`, data: { username: GRAFANA_ADMIN_USER, password: password.result, url: this.endpoints.grafana } },
                    { parent: this, provider: args.vault.provider, dependsOn: args.vault.dependsOn },
                );
            }
        }
        // The VirtualServices need Istio's CRDs (istio-base) and their namespace.
        for (const route of routes) {
            declareObject(cluster.name, `${name}-${route.name}-route`, virtualService(namespace, route), { ...onCluster, dependsOn: [ns, ...(args.istioCrds ? [args.istioCrds] : [])] });
        }
        this.releases = releases;
        this.registerOutputs({ endpoints: this.endpoints, grafanaAdminVaultPath: this.grafanaAdminVaultPath });
    }
}
