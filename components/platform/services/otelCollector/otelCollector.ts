import { versions } from "../../../../versions";
import { PROMETHEUS_SERVICE } from "../kubePrometheusStack/kubePrometheusStack";
import { LOKI_SERVICE } from "../loki/loki";

/**
 * The OpenTelemetry collector, twice: on the hub the OTLP ingestion point that hands traces to
 * Jaeger, metrics to Prometheus's OTLP receiver and logs to Loki's; on every other cluster the edge
 * collector applications send OTLP to, which stamps `cluster=<name>` on everything and forwards it
 * to the hub's OTLP endpoint over HTTPS.
 * Chart: https://github.com/open-telemetry/opentelemetry-helm-charts/tree/opentelemetry-collector-0.170.0/charts/opentelemetry-collector
 * The chart merges `config` over its own default (receivers otlp, jaeger, zipkin, prometheus; the
 * debug exporter); pipelines set here replace the default ones, so only what they name runs.
 * Component names are the collector v0.158 ones: `otlp_grpc` and `otlp_http` (the old `otlp` and
 * `otlphttp` exporter names are deprecated aliases: exporter/otlpexporter/metadata.yaml).
 */

/** Release and fullname `otel-collector`: the Service is `otel-collector`. */
export const COLLECTOR_FULLNAME = "otel-collector";
export const OTLP_PORTS = { grpc: 4317, http: 4318 } as const;
/** The resource attribute every signal from an edge cluster carries. */
export const CLUSTER_ATTRIBUTE = "cluster";

const SECURITY = {
    podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
};

const OTLP_RECEIVER = {
    otlp: { protocols: { grpc: { endpoint: `\${env:MY_POD_IP}:${OTLP_PORTS.grpc}` }, http: { endpoint: `\${env:MY_POD_IP}:${OTLP_PORTS.http}` } } },
};

function common(): Record<string, unknown> {
    return {
        mode: "deployment",
        fullnameOverride: COLLECTOR_FULLNAME,
        // The chart names no image; the k8s distribution (versions.ts) at the chart's appVersion.
        image: { repository: versions.images.otelCollector },
        command: { name: "otelcol-k8s" },
        // Only OTLP is received: the default Jaeger and Zipkin ports stay closed.
        ports: { "jaeger-compact": { enabled: false }, "jaeger-thrift": { enabled: false }, "jaeger-grpc": { enabled: false }, zipkin: { enabled: false } },
        ...SECURITY,
    };
}

const PIPELINE_PROCESSORS = ["memory_limiter", "batch"];

export interface HubCollectorArgs {
    /** The namespace the hub's stores run in. */
    readonly namespace: string;
}

export function hubCollectorValues(args: HubCollectorArgs): Record<string, unknown> {
    const svc = (name: string) => `${name}.${args.namespace}.svc`;
    return {
        ...common(),
        replicaCount: 2,
        config: {
            receivers: OTLP_RECEIVER,
            exporters: {
                // Jaeger v2 receives OTLP itself (the chart's Service `jaeger`, port otlp-grpc).
                "otlp_grpc/jaeger": { endpoint: `${svc("jaeger")}:4317`, tls: { insecure: true } },
                // Prometheus's OTLP receiver (--web.enable-otlp-receiver), promoting `cluster` to a label.
                "otlp_http/prometheus": { metrics_endpoint: `http://${svc(PROMETHEUS_SERVICE.name)}:${PROMETHEUS_SERVICE.port}/api/v1/otlp/v1/metrics` },
                // Loki's native OTLP endpoint; `cluster` becomes an index label (limits_config.otlp_config).
                "otlp_http/loki": { logs_endpoint: `http://${svc(LOKI_SERVICE.name)}:${LOKI_SERVICE.port}/otlp/v1/logs` },
            },
            service: {
                pipelines: {
                    traces: { receivers: ["otlp"], processors: PIPELINE_PROCESSORS, exporters: ["otlp_grpc/jaeger"] },
                    metrics: { receivers: ["otlp"], processors: PIPELINE_PROCESSORS, exporters: ["otlp_http/prometheus"] },
                    logs: { receivers: ["otlp"], processors: PIPELINE_PROCESSORS, exporters: ["otlp_http/loki"] },
                },
            },
        },
    };
}

export interface EdgeCollectorArgs {
    readonly cluster: string;
    /** The hub's OTLP/HTTP endpoint (observability.endpoints.otlpHttp). */
    readonly otlpHttp: string;
}

export function edgeCollectorValues(args: EdgeCollectorArgs): Record<string, unknown> {
    return {
        ...common(),
        replicaCount: 1,
        config: {
            receivers: OTLP_RECEIVER,
            processors: {
                // Set once, here: every span, metric and log leaving this cluster carries cluster=<name>.
                "resource/cluster": { attributes: [{ key: CLUSTER_ATTRIBUTE, value: args.cluster, action: "upsert" }] },
            },
            exporters: {
                // TLS with the system's roots: the hub's gateway serves a Let's Encrypt certificate.
                "otlp_http/hub": { endpoint: args.otlpHttp },
            },
            service: {
                pipelines: Object.fromEntries(
                    ["traces", "metrics", "logs"].map((signal) => [signal, { receivers: ["otlp"], processors: ["memory_limiter", "resource/cluster", "batch"], exporters: ["otlp_http/hub"] }]),
                ),
            },
        },
    };
}
