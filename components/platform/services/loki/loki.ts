/**
 * Loki on the hub, one process (`Monolithic`), its chunks and index on S3-compatible object storage:
 * the tools stack's object store is the intended one (homelab:platform.loki names its bucket).
 * Chart: https://github.com/grafana-community/helm-charts/tree/loki-18.11.0/charts/loki (the
 * open-source chart moved here; grafana.github.io's `loki` is now the enterprise edition's).
 */

/** Keys of the Secret the Loki pod reads as environment (`singleBinary.extraEnvFrom`): the AWS SDK's variables. */
export const LOKI_S3_SECRET = { name: "loki-s3", accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;
/** Release `loki`: the Service is `loki`, HTTP on 3100 (push, query, OTLP under /otlp). */
export const LOKI_SERVICE = { name: "loki", port: 3100 } as const;
/** Index label every log line gets from the `cluster` resource attribute of OTLP logs. */
export const LOKI_CLUSTER_LABEL = "cluster";

export interface LokiArgs {
    readonly bucket: string;
    /** `https://host[:port]`. */
    readonly s3Url: string;
    readonly region: string;
    readonly retentionDays: number;
}

export function lokiValues(args: LokiArgs): Record<string, unknown> {
    const url = new URL(args.s3Url);
    return {
        deploymentMode: "Monolithic",
        loki: {
            // One tenant: clients push without an X-Scope-OrgID header.
            auth_enabled: false,
            commonConfig: { replication_factor: 1 },
            schemaConfig: { configs: [{ from: "2024-04-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }] },
            storage: {
                type: "s3",
                bucketNames: { chunks: args.bucket, ruler: args.bucket },
                s3: {
                    // Loki's S3 client takes host[:port] and `insecure` for plain HTTP.
                    endpoint: url.host,
                    region: args.region,
                    insecure: url.protocol === "http:",
                    s3ForcePathStyle: true,
                    // No keys here: with access_key_id and secret_access_key unset, Loki's S3 client falls back
                    // to the AWS SDK's default credential chain, which reads AWS_ACCESS_KEY_ID and
                    // AWS_SECRET_ACCESS_KEY from the pod's environment (the Secret below), so values never hold them.
                },
            },
            limits_config: {
                retention_period: `${args.retentionDays * 24}h`,
                // OTLP logs (from the hub's collector) index `cluster`, like the Loki push API's labels.
                otlp_config: { resource_attributes: { attributes_config: [{ action: "index_label", attributes: [LOKI_CLUSTER_LABEL] }] } },
            },
            compactor: { retention_enabled: true, delete_request_store: "s3" },
        },
        singleBinary: {
            replicas: 1,
            extraEnvFrom: [{ secretRef: { name: LOKI_S3_SECRET.name } }],
            persistence: { enabled: true, size: "10Gi" },
        },
        // The other modes' components: none.
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        // The nginx gateway, memcached caches and the canary are for larger installs.
        gateway: { enabled: false },
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        lokiCanary: { enabled: false },
        test: { enabled: false },
        ruler: { enabled: false },
        minio: { enabled: false },
    };
}
