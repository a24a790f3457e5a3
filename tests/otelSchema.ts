/**
 * The configuration schema of the OpenTelemetry collector the platform runs (otelcol-k8s v0.158.0,
 * the opentelemetry-collector chart 0.170.0's appVersion), as JSON Schema for ajv: the collector's
 * own Go config structs (their `mapstructure` keys), closed where the collector refuses unknown keys
 * (it decodes with ErrorUnused: "has invalid keys"), plus the checks its `Validate()` methods and
 * `otelcol validate` make on pipelines. No collector binary can be installed here (Debian ships none),
 * so this stands in for `otelcol-k8s validate --config`.
 *
 * Sources, at the tags named:
 * - core v0.158.0 https://github.com/open-telemetry/opentelemetry-collector/tree/v0.158.0:
 *   receiver/otlpreceiver/config.go, config/configgrpc/configgrpc.go (ServerConfig, ClientConfig),
 *   config/confighttp/{server,client}.go, config/confignet/confignet.go (AddrConfig),
 *   config/configtls/configtls.go, config/configretry/backoff.go,
 *   exporter/exporterhelper/internal/queuebatch/config.go, exporter/otlpexporter/config.go (type
 *   otlp_grpc, deprecated alias otlp), exporter/otlphttpexporter/config.go (type otlp_http, alias
 *   otlphttp), processor/batchprocessor/config.go, internal/memorylimiter/config.go
 * - contrib v0.158.0 (documented in each component's README): processor/resourceprocessor
 *   (`attributes`: internal/coreinternal/attraction ActionKeyValue), extension/healthcheckextension
 * - which components the k8s distribution has: opentelemetry-collector-releases v0.158.0
 *   distributions/otelcol-k8s/manifest.yaml (types of the ones this platform or the chart's default config names)
 */

type Schema = Record<string, unknown>;

const closed = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: "object", properties, additionalProperties: false, ...(required.length ? { required } : {}) });
const any: Schema = {};
const str: Schema = { type: "string" };
const bool: Schema = { type: "boolean" };
const num: Schema = { type: ["number", "string"] };
const duration: Schema = { type: "string", pattern: "^(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+$" };
const strMap: Schema = { type: "object", additionalProperties: str };

const tlsConfig = {
    ca_file: str, ca_pem: str, include_system_ca_certs_pool: bool, cert_file: str, cert_pem: str, key_file: str, key_pem: str,
    min_version: str, max_version: str, cipher_suites: { type: "array", items: str }, include_insecure_cipher_suites: bool, reload_interval: duration, curve_preferences: { type: "array" }, tpm: any,
};
const tlsClient = closed({ ...tlsConfig, insecure: bool, insecure_skip_verify: bool, server_name_override: str });
const tlsServer = closed({ ...tlsConfig, client_ca_file: str, client_ca_file_reload: bool });
const addr = { endpoint: str, transport: str, dialer: any };
const grpcServer = closed({ ...addr, tls: tlsServer, max_recv_msg_size_mib: num, max_concurrent_streams: num, read_buffer_size: num, write_buffer_size: num, keepalive: any, auth: any, include_metadata: bool, middlewares: any });
const httpServer = closed({
    ...addr, tls: tlsServer, cors: any, auth: any, max_request_body_size: num, include_metadata: bool, response_headers: strMap, compression_algorithms: { type: "array", items: str },
    read_timeout: duration, read_header_timeout: duration, write_timeout: duration, idle_timeout: duration, middlewares: any, keep_alives_enabled: bool,
    traces_url_path: str, metrics_url_path: str, logs_url_path: str,
});
const grpcClient = {
    endpoint: str, compression: str, tls: tlsClient, keepalive: any, read_buffer_size: num, write_buffer_size: num, wait_for_ready: bool, headers: strMap, user_agent: str, balancer_name: str, authority: str, auth: any, middlewares: any,
};
const httpClient = {
    endpoint: str, proxy_url: str, tls: tlsClient, read_buffer_size: num, write_buffer_size: num, timeout: duration, headers: strMap, auth: any, compression: str, compression_params: any,
    max_idle_conns: num, max_idle_conns_per_host: num, max_conns_per_host: num, idle_conn_timeout: duration, disable_keep_alives: bool, http2_read_idle_timeout: duration, http2_ping_timeout: duration,
    cookies: any, force_attempt_http2: bool, middlewares: any,
};
const exporterHelper = {
    sending_queue: closed({ enabled: bool, wait_for_result: bool, sizer: str, queue_size: num, block_on_overflow: bool, storage: str, num_consumers: num, batch: any }),
    retry_on_failure: closed({ enabled: bool, initial_interval: duration, randomization_factor: num, multiplier: num, max_interval: duration, max_elapsed_time: duration }),
};
const otlpGrpcExporter = closed({ ...grpcClient, ...exporterHelper, timeout: duration }, ["endpoint"]);
const otlpHttpExporter: Schema = {
    ...closed({ ...httpClient, ...exporterHelper, traces_endpoint: str, metrics_endpoint: str, logs_endpoint: str, profiles_endpoint: str, encoding: { enum: ["proto", "json"] } }),
    // otlphttpexporter Config.Validate: "at least one endpoint must be specified".
    anyOf: [{ required: ["endpoint"] }, { required: ["traces_endpoint"] }, { required: ["metrics_endpoint"] }, { required: ["logs_endpoint"] }],
};

/** Component type → its config schema; `null` config is the type's defaults. */
export const COMPONENT_SCHEMAS: Record<"receivers" | "processors" | "exporters" | "extensions" | "connectors", Record<string, Schema>> = {
    receivers: {
        otlp: closed({ protocols: closed({ grpc: { oneOf: [{ type: "null" }, grpcServer] }, http: { oneOf: [{ type: "null" }, httpServer] } }) }, ["protocols"]),
        // In the chart's default config, unused by the pipelines set here: present, so their types must exist.
        jaeger: { type: "object" },
        zipkin: { type: "object" },
        prometheus: { type: "object" },
    },
    processors: {
        batch: closed({ timeout: duration, send_batch_size: num, send_batch_max_size: num, metadata_keys: { type: "array", items: str }, metadata_cardinality_limit: num }),
        // memorylimiter Config.Validate: a positive check_interval and a limit in MiB or percent.
        memory_limiter: {
            ...closed({
                check_interval: duration, min_gc_interval_when_soft_limited: duration, min_gc_interval_when_hard_limited: duration, max_gc_interval_when_soft_limited: duration,
                max_gc_interval_when_hard_limited: duration, limit_mib: num, spike_limit_mib: num, limit_percentage: num, spike_limit_percentage: num,
            }, ["check_interval"]),
            anyOf: [{ required: ["limit_mib"] }, { required: ["limit_percentage"] }],
        },
        resource: closed(
            {
                attributes: {
                    type: "array",
                    minItems: 1,
                    items: {
                        ...closed({ key: str, value: any, pattern: str, from_attribute: str, from_context: str, converted_type: str, action: { enum: ["insert", "update", "upsert", "delete", "hash", "extract", "convert"] } }, ["key", "action"]),
                        // attraction: insert, update and upsert need a value, from_attribute or from_context.
                        if: { properties: { action: { enum: ["insert", "update", "upsert"] } } },
                        then: { anyOf: [{ required: ["value"] }, { required: ["from_attribute"] }, { required: ["from_context"] }] },
                    },
                },
            },
            ["attributes"],
        ),
    },
    exporters: {
        otlp_grpc: otlpGrpcExporter,
        otlp: otlpGrpcExporter,
        otlp_http: otlpHttpExporter,
        otlphttp: otlpHttpExporter,
        debug: closed({ verbosity: { enum: ["basic", "normal", "detailed"] }, sampling_initial: num, sampling_thereafter: num, use_internal_logger: bool, sending_queue: any }),
    },
    extensions: {
        health_check: closed({ ...addr, tls: tlsServer, cors: any, auth: any, path: str, response_body: any, check_collector_pipeline: any, http: any, grpc: any, use_v2: bool, component_health: any, include_metadata: bool, response_headers: strMap, max_request_body_size: num, middlewares: any }),
    },
    connectors: {},
};
