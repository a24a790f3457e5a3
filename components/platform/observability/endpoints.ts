/**
 * The observability hub's public contract: where every other cluster sends its signals. The stack
 * that runs the hub (the cluster of role `observability`, in the tools stack) exports it as the
 * stack output `observability`; dev and prod read it through a StackReference
 * (`homelab:observability.fromStack`).
 */

/** The stack output `observability`. Its shape is a public contract: other stacks read it. */
export interface ObservabilityOutput {
    /** The hub cluster's name. */
    readonly cluster: string;
    readonly endpoints: HubEndpoints;
}

/** Every URL is HTTPS through the hub cluster's Istio gateway, on its wildcard certificate. */
export interface HubEndpoints {
    /** Prometheus remote-write receiver (`/api/v1/write`, protobuf over HTTP). */
    readonly prometheusRemoteWrite: string;
    /** Loki's push API (`/loki/api/v1/push`), as Fluent Bit's `loki` output and Promtail/Alloy speak it. */
    readonly lokiPush: string;
    /** The hub's OpenTelemetry collector, OTLP over HTTP (`/v1/traces`, `/v1/metrics`, `/v1/logs` under it). */
    readonly otlpHttp: string;
    /** Grafana's UI. */
    readonly grafana: string;
}

/** The host names the hub serves on its gateway, under its cluster's domain. */
export const HUB_HOSTS = { prometheus: "prometheus", loki: "loki", otlp: "otlp", grafana: "grafana" } as const;

export function hubEndpoints(domain: string): HubEndpoints {
    return {
        prometheusRemoteWrite: `https://${HUB_HOSTS.prometheus}.${domain}/api/v1/write`,
        lokiPush: `https://${HUB_HOSTS.loki}.${domain}/loki/api/v1/push`,
        otlpHttp: `https://${HUB_HOSTS.otlp}.${domain}`,
        grafana: `https://${HUB_HOSTS.grafana}.${domain}`,
    };
}

const ENDPOINT_KEYS: readonly (keyof HubEndpoints)[] = ["prometheusRemoteWrite", "lokiPush", "otlpHttp", "grafana"];

/**
 * What is missing from the source stack's outputs for this stack's edge collectors, by the output's
 * full name; undefined when everything is there.
 */
export function missingObservabilityOutput(outputs: Readonly<Record<string, unknown>>, fromStack: string): string | undefined {
    const advice = "run it first, with a cluster of role observability (homelab:observability.fromStack names it)";
    const out = outputs.observability as { endpoints?: Record<string, unknown> } | undefined;
    if (!out || typeof out !== "object") {
        return `stack ${fromStack} has no output \`observability\`: ${advice}`;
    }
    if (!out.endpoints || typeof out.endpoints !== "object") {
        return `stack ${fromStack} has no output \`observability.endpoints\`: ${advice}`;
    }
    const missing = ENDPOINT_KEYS.filter((k) => typeof out.endpoints![k] !== "string" || !/^https:\/\/[^/\s]+/.test(out.endpoints![k] as string));
    if (missing.length > 0) {
        return `stack ${fromStack} has no output ${missing.map((k) => `\`observability.endpoints.${k}\``).join(", ")} (an https URL): ${advice}`;
    }
    return undefined;
}

/** `https://host[:port]/path` split as Fluent Bit's outputs take it. */
export interface HttpTarget {
    readonly host: string;
    /** A number, or the render's `<computed: …>` where it comes from another stack. */
    readonly port: number | string;
    readonly path: string;
    readonly tls: boolean;
}

export function httpTarget(url: string): HttpTarget {
    const u = new URL(url);
    const tls = u.protocol === "https:";
    return { host: u.hostname, port: Number(u.port || (tls ? 443 : 80)), path: u.pathname, tls };
}
