import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ClusterConfig } from "../../../config/config";
import { versions } from "../../../versions";
import { requireValid } from "../../clusters/nodes";
import { HelmService } from "../helmService";
import { PlatformNamespace } from "../namespace";
import { fluentBitValues } from "../services/fluentBit/fluentBit";
import { agentPrometheusValues } from "../services/kubePrometheusStack/kubePrometheusStack";
import { edgeCollectorValues } from "../services/otelCollector/otelCollector";
import { HubEndpoints, httpTarget, HttpTarget } from "./endpoints";
import { monitoringNamespace } from "./monitoringNamespace";

export interface EdgeCollectorsArgs {
    readonly cluster: ClusterConfig;
    readonly provider: k8s.Provider;
    /** The cluster's readiness. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    readonly nodeCidr: string;
    /**
     * The hub's endpoints: plain when the hub runs in this stack or the source stack's outputs are
     * known (every `pulumi up` and `pulumi preview`); an Output only where they are not (the offline render).
     */
    readonly endpoints: HubEndpoints | pulumi.Output<HubEndpoints>;
    /** Where an Output's endpoints come from, for the render: `organization/homelab/tools`. */
    readonly endpointsSource?: string;
}

/** The values of the three collectors, from the hub's endpoints. */
export function edgeValues(cluster: string, endpoints: HubEndpoints, loki: HttpTarget = httpTarget(endpoints.lokiPush)) {
    return {
        prometheusAgent: agentPrometheusValues({ cluster, remoteWriteUrl: endpoints.prometheusRemoteWrite }),
        fluentBit: fluentBitValues({ cluster, loki }),
        otelCollector: edgeCollectorValues({ cluster, otlpHttp: endpoints.otlpHttp }),
    };
}

/** The render's stand-in for endpoints read from another stack: each value says where it comes from. */
export function computedEndpoints(source: string): { endpoints: HubEndpoints; loki: HttpTarget } {
    const computed = (what: string) => `<computed: ${what} from ${source}>`;
    const endpoints: HubEndpoints = {
        prometheusRemoteWrite: computed("observability.endpoints.prometheusRemoteWrite"),
        lokiPush: computed("observability.endpoints.lokiPush"),
        otlpHttp: computed("observability.endpoints.otlpHttp"),
        grafana: computed("observability.endpoints.grafana"),
    };
    return { endpoints, loki: { host: computed("the host of observability.endpoints.lokiPush"), port: computed("its port"), path: computed("its path"), tls: true } };
}

/**
 * The edge collectors of a cluster that is not the hub (DESIGN.md §1): Prometheus in agent mode
 * (metrics), Fluent Bit (logs) and the OpenTelemetry collector (OTLP traces, metrics and logs from
 * applications), each sending to the hub and each stamping `cluster=<name>` once, in its own
 * configuration. The three do not need each other: each waits only for the namespace.
 */
export class EdgeCollectors extends pulumi.ComponentResource {
    public readonly releases: Readonly<Record<string, k8s.helm.v3.Release>>;

    constructor(name: string, args: EdgeCollectorsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:EdgeCollectors", name, {}, opts);
        const { cluster } = args;
        const known = !pulumi.Output.isInstance(args.endpoints);
        requireValid("EdgeCollectors", name, [
            ...(cluster.role === "observability" ? [{ propertyPath: "cluster.role", reason: "is observability: the hub receives, it runs no edge collectors" }] : []),
            ...(!known && !args.endpointsSource ? [{ propertyPath: "endpointsSource", reason: "is required when endpoints is an Output" }] : []),
        ]);
        const on = cluster.layerServices;
        const network = { nodeCidr: args.nodeCidr };
        const ns = new PlatformNamespace(
            `${name}-monitoring-ns`,
            { cluster: cluster.name, spec: monitoringNamespace("edge", { nodeCidr: args.nodeCidr, podCidr: cluster.podCidr }), network, provider: args.provider, dependsOn: args.dependsOn },
            { parent: this },
        );
        type Key = keyof ReturnType<typeof edgeValues>;
        const rendered = known ? edgeValues(cluster.name, args.endpoints as HubEndpoints) : (() => {
            const c = computedEndpoints(args.endpointsSource!);
            return edgeValues(cluster.name, c.endpoints, c.loki);
        })();
        const valuesOf = (key: Key): Record<string, unknown> | pulumi.Output<Record<string, unknown>> =>
            known ? rendered[key] : (args.endpoints as pulumi.Output<HubEndpoints>).apply((e) => edgeValues(cluster.name, e)[key]);
        const charts: Record<Key, { release: string; chart: (typeof versions.charts)[keyof typeof versions.charts] }> = {
            prometheusAgent: { release: "prometheus-agent", chart: versions.charts.kubePrometheusStack },
            fluentBit: { release: "fluent-bit", chart: versions.charts.fluentBit },
            otelCollector: { release: "otel-collector", chart: versions.charts.otelCollector },
        };
        const releases: Record<string, k8s.helm.v3.Release> = {};
        for (const key of Object.keys(charts) as Key[]) {
            if (!on[key]) {
                continue;
            }
            const svc = new HelmService(
                `${name}-${charts[key].release}`,
                {
                    cluster: cluster.name,
                    provider: args.provider,
                    network,
                    releaseName: charts[key].release,
                    chart: charts[key].chart,
                    namespace: ns,
                    values: valuesOf(key),
                    renderedValues: rendered[key],
                    dependsOn: args.dependsOn,
                },
                { parent: this },
            );
            releases[charts[key].release] = svc.release;
        }
        this.releases = releases;
        this.registerOutputs({});
    }
}
