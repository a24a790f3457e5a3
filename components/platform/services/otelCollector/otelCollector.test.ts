import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { CLUSTER_ATTRIBUTE, COLLECTOR_FULLNAME, edgeCollectorValues, hubCollectorValues, OTLP_PORTS } from "./otelCollector";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

/** What both collectors share: the k8s image and command, OTLP only, restricted. */
const COMMON = {
    mode: "deployment",
    fullnameOverride: "otel-collector",
    image: { repository: "otel/opentelemetry-collector-k8s" },
    command: { name: "otelcol-k8s" },
    ports: { "jaeger-compact": { enabled: false }, "jaeger-thrift": { enabled: false }, "jaeger-grpc": { enabled: false }, zipkin: { enabled: false } },
    podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
};
const RECEIVERS = { otlp: { protocols: { grpc: { endpoint: "${env:MY_POD_IP}:4317" }, http: { endpoint: "${env:MY_POD_IP}:4318" } } } };

describe("OpenTelemetry collector", () => {
    it("on the hub: exactly these values, two replicas, the stores' Services in the given namespace", () => {
        const pipeline = (exporter: string) => ({ receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: [exporter] });
        expect(hubCollectorValues({ namespace: "obs" })).toStrictEqual({
            ...COMMON,
            replicaCount: 2,
            config: {
                receivers: RECEIVERS,
                exporters: {
                    "otlp_grpc/jaeger": { endpoint: "jaeger.obs.svc:4317", tls: { insecure: true } },
                    "otlp_http/prometheus": { metrics_endpoint: "http://kps-prometheus.obs.svc:9090/api/v1/otlp/v1/metrics" },
                    "otlp_http/loki": { logs_endpoint: "http://loki.obs.svc:3100/otlp/v1/logs" },
                },
                service: { pipelines: { traces: pipeline("otlp_grpc/jaeger"), metrics: pipeline("otlp_http/prometheus"), logs: pipeline("otlp_http/loki") } },
            },
        });
    });

    it("on an edge cluster: exactly these values, one replica", () => {
        const pipeline = { receivers: ["otlp"], processors: ["memory_limiter", "resource/cluster", "batch"], exporters: ["otlp_http/hub"] };
        expect(edgeCollectorValues({ cluster: "dev", otlpHttp: "https://otlp.example.com" })).toStrictEqual({
            ...COMMON,
            replicaCount: 1,
            config: {
                receivers: RECEIVERS,
                processors: { "resource/cluster": { attributes: [{ key: "cluster", value: "dev", action: "upsert" }] } },
                exporters: { "otlp_http/hub": { endpoint: "https://otlp.example.com" } },
                service: { pipelines: { traces: pipeline, metrics: pipeline, logs: pipeline } },
            },
        });
        expect([COLLECTOR_FULLNAME, OTLP_PORTS, CLUSTER_ATTRIBUTE]).toStrictEqual(["otel-collector", { grpc: 4317, http: 4318 }, "cluster"]);
    });

    it("on the hub: OTLP in; traces to Jaeger, metrics to Prometheus's OTLP receiver, logs to Loki's", () => {
        const values = hubCollectorValues({ namespace: "monitoring" }) as Values;
        expect(values).toMatchObject({ mode: "deployment", fullnameOverride: "otel-collector", image: { repository: "otel/opentelemetry-collector-k8s" }, command: { name: "otelcol-k8s" } });
        expect(values.config.exporters).toEqual({
            "otlp_grpc/jaeger": { endpoint: "jaeger.monitoring.svc:4317", tls: { insecure: true } },
            "otlp_http/prometheus": { metrics_endpoint: "http://kps-prometheus.monitoring.svc:9090/api/v1/otlp/v1/metrics" },
            "otlp_http/loki": { logs_endpoint: "http://loki.monitoring.svc:3100/otlp/v1/logs" },
        });
        expect(values.config.service.pipelines).toEqual({
            traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlp_grpc/jaeger"] },
            metrics: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlp_http/prometheus"] },
            logs: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlp_http/loki"] },
        });
        expect(unknownKeys(values, chartKeys("opentelemetry-collector"))).toEqual([]);
    });

    it("on an edge cluster: cluster=<name> stamped once, by one processor every pipeline runs, then to the hub over HTTPS", () => {
        const values = edgeCollectorValues({ cluster: "prod", otlpHttp: "https://otlp.obs.example.com" }) as Values;
        expect(values.config.processors).toEqual({ "resource/cluster": { attributes: [{ key: "cluster", value: "prod", action: "upsert" }] } });
        expect(values.config.exporters).toEqual({ "otlp_http/hub": { endpoint: "https://otlp.obs.example.com" } });
        for (const signal of ["traces", "metrics", "logs"]) {
            expect(values.config.service.pipelines[signal]).toEqual({ receivers: ["otlp"], processors: ["memory_limiter", "resource/cluster", "batch"], exporters: ["otlp_http/hub"] });
        }
        expect(JSON.stringify(values).match(/"prod"/g)).toHaveLength(1);
        expect(unknownKeys(values, chartKeys("opentelemetry-collector"))).toEqual([]);
    });

    it("requires the chart's `mode` and an image, which the chart leaves empty", () => {
        const keys = chartKeys("opentelemetry-collector");
        expect(keys.keys).toEqual(expect.arrayContaining(["mode", "image.repository", "command.name"]));
        expect(unknownKeys({ modes: "deployment" }, keys)).toEqual(["modes"]);
    });
});
