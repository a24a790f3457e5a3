/**
 * Jaeger v2 on the hub: the chart's single Deployment, configured like an OpenTelemetry collector
 * (`userconfig`, passed with --config): OTLP in, the `jaeger_storage` extension's store, the query
 * UI and API on 16686. Chart 4.x: https://github.com/jaegertracing/helm-charts/tree/jaeger-4.11.1/charts/jaeger
 * (the 3.x keys allInOne, collector, query and agent are gone). Configuration as Jaeger's own
 * all-in-one default: https://github.com/jaegertracing/jaeger/blob/v2.19.0/cmd/jaeger/internal/all-in-one.yaml
 *
 * Storage is Jaeger's in-memory store, bounded by `maxTraces`: traces are lost when the pod restarts.
 * A persistent backend (Elasticsearch/OpenSearch, Cassandra) is not part of this platform yet.
 */
export const JAEGER_STORE = "hub_store";

export function jaegerConfig(maxTraces: number): Record<string, unknown> {
    return {
        service: {
            extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
            pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
        },
        extensions: {
            // The chart's probes ask :13133/status.
            healthcheckv2: { use_v2: true, http: { endpoint: "0.0.0.0:13133" } },
            jaeger_query: { storage: { traces: JAEGER_STORE } },
            jaeger_storage: { backends: { [JAEGER_STORE]: { memory: { max_traces: maxTraces } } } },
        },
        receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
        processors: { batch: {} },
        exporters: { jaeger_storage_exporter: { trace_storage: JAEGER_STORE } },
    };
}

export function jaegerValues(maxTraces: number): Record<string, unknown> {
    return {
        userconfig: jaegerConfig(maxTraces),
        jaeger: {
            podSecurityContext: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
            securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
        },
    };
}
