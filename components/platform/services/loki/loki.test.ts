import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { lokiValues } from "./loki";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

describe("Loki", () => {
    const values = lokiValues({ bucket: "homelab-loki", s3Url: "https://s3.home.arpa:9000", region: "us-east-1", retentionDays: 30 }) as Values;

    it("runs monolithic on the S3 bucket, credentials only in the pod's environment (the AWS SDK's chain), never in values", () => {
        expect(values.deploymentMode).toBe("Monolithic");
        expect(values.loki.storage).toEqual({
            type: "s3",
            bucketNames: { chunks: "homelab-loki", ruler: "homelab-loki" },
            s3: { endpoint: "s3.home.arpa:9000", region: "us-east-1", insecure: false, s3ForcePathStyle: true },
        });
        expect(values.singleBinary).toEqual({ replicas: 1, extraEnvFrom: [{ secretRef: { name: "loki-s3" } }], persistence: { enabled: true, size: "10Gi" } });
        expect(values.loki.schemaConfig.configs).toEqual([{ from: "2024-04-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }]);
    });

    it("is exactly these values: monolithic, one replica, the other modes and the extras off", () => {
        expect(lokiValues({ bucket: "logs", s3Url: "https://s3.example.com", region: "eu-1", retentionDays: 7 })).toStrictEqual({
            deploymentMode: "Monolithic",
            loki: {
                auth_enabled: false,
                commonConfig: { replication_factor: 1 },
                schemaConfig: { configs: [{ from: "2024-04-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }] },
                storage: { type: "s3", bucketNames: { chunks: "logs", ruler: "logs" }, s3: { endpoint: "s3.example.com", region: "eu-1", insecure: false, s3ForcePathStyle: true } },
                limits_config: {
                    retention_period: "168h",
                    otlp_config: { resource_attributes: { attributes_config: [{ action: "index_label", attributes: ["cluster"] }] } },
                },
                compactor: { retention_enabled: true, delete_request_store: "s3" },
            },
            singleBinary: { replicas: 1, extraEnvFrom: [{ secretRef: { name: "loki-s3" } }], persistence: { enabled: true, size: "10Gi" } },
            read: { replicas: 0 },
            write: { replicas: 0 },
            backend: { replicas: 0 },
            gateway: { enabled: false },
            chunksCache: { enabled: false },
            resultsCache: { enabled: false },
            lokiCanary: { enabled: false },
            test: { enabled: false },
            ruler: { enabled: false },
            minio: { enabled: false },
        });
    });

    it("plain HTTP object storage is `insecure`", () => {
        expect((lokiValues({ bucket: "b", s3Url: "http://minio:9000", region: "r", retentionDays: 1 }) as Values).loki.storage.s3).toStrictEqual({ endpoint: "minio:9000", region: "r", insecure: true, s3ForcePathStyle: true });
    });

    it("indexes the edge clusters' `cluster` attribute on OTLP logs, keeps 30 days, and sets only keys loki 18.11.0 has", () => {
        expect(values.loki.limits_config).toEqual({
            retention_period: "720h",
            otlp_config: { resource_attributes: { attributes_config: [{ action: "index_label", attributes: ["cluster"] }] } },
        });
        expect(unknownKeys(values, chartKeys("loki"))).toEqual([]);
        expect(unknownKeys({ loki: { storage: { s3: { accessKey: "x" } } } }, chartKeys("loki"))).toEqual(["loki.storage.s3.accessKey"]);
    });
});
