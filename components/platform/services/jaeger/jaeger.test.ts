import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { jaegerConfig, jaegerValues } from "./jaeger";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

describe("Jaeger v2", () => {
    it("receives OTLP and stores in its memory backend, with the query UI and the health check the chart probes", () => {
        const config = jaegerConfig(1000) as Values;
        expect(config.service).toEqual({
            extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
            pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
        });
        expect(config.extensions.jaeger_storage).toEqual({ backends: { hub_store: { memory: { max_traces: 1000 } } } });
        expect(config.exporters).toEqual({ jaeger_storage_exporter: { trace_storage: "hub_store" } });
        expect(config.extensions.healthcheckv2.http.endpoint).toBe("0.0.0.0:13133");
    });

    it("is exactly this configuration: Jaeger's all-in-one default with the memory store bounded", () => {
        expect(jaegerValues(500)).toStrictEqual({
            userconfig: {
                service: {
                    extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
                    pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
                },
                extensions: {
                    healthcheckv2: { use_v2: true, http: { endpoint: "0.0.0.0:13133" } },
                    jaeger_query: { storage: { traces: "hub_store" } },
                    jaeger_storage: { backends: { hub_store: { memory: { max_traces: 500 } } } },
                },
                receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
                processors: { batch: {} },
                exporters: { jaeger_storage_exporter: { trace_storage: "hub_store" } },
            },
            jaeger: {
                podSecurityContext: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
                securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
            },
        });
    });

    it("uses chart 4.x keys only: none of 3.x's allInOne, collector, query or agent", () => {
        const values = jaegerValues(1000);
        expect(Object.keys(values).sort()).toEqual(["jaeger", "userconfig"]);
        expect(unknownKeys(values, chartKeys("jaeger"))).toEqual([]);
        expect(unknownKeys({ allInOne: { enabled: true } }, chartKeys("jaeger"))).toEqual(["allInOne.enabled"]);
    });
});
