import type { HttpTarget } from "../../observability/endpoints";

/**
 * Fluent Bit on every edge cluster: tails the containers' logs on each node, adds their Kubernetes
 * metadata, and pushes them to the hub's Loki over HTTPS, labelled `cluster=<name>`.
 * Chart: https://github.com/fluent/helm-charts/tree/fluent-bit-0.58.1/charts/fluent-bit (Fluent Bit 5.1.1);
 * classic-mode configuration as the chart mounts it: https://docs.fluentbit.io/manual/administration/configuring-fluent-bit/classic-mode
 */

/** The port Fluent Bit's HTTP server (metrics, health) listens on; the chart's default `metricsPort`. */
export const FLUENT_BIT_METRICS_PORT = 2020;

/** One classic-mode section: `[NAME]` then indented `Key Value` lines, in order. */
export type Section = readonly [name: string, entries: readonly (readonly [key: string, value: string])[]];

export function classicConfig(sections: readonly Section[]): string {
    return sections.map(([name, entries]) => [`[${name}]`, ...entries.map(([k, v]) => `    ${k} ${v}`)].join("\n")).join("\n\n") + "\n";
}

export interface FluentBitArgs {
    readonly cluster: string;
    /** The hub's Loki push endpoint (observability.endpoints.lokiPush), split. */
    readonly loki: HttpTarget;
}

/** The sections of the chart's four config files (service, inputs, filters, outputs). */
export function fluentBitSections(args: FluentBitArgs): { service: Section[]; inputs: Section[]; filters: Section[]; outputs: Section[] } {
    return {
        service: [
            [
                "SERVICE",
                [
                    ["Daemon", "Off"],
                    ["Flush", "1"],
                    ["Log_Level", "info"],
                    ["Parsers_File", "/fluent-bit/etc/parsers.conf"],
                    ["Parsers_File", "/fluent-bit/etc/conf/custom_parsers.conf"],
                    ["HTTP_Server", "On"],
                    ["HTTP_Listen", "0.0.0.0"],
                    ["HTTP_Port", String(FLUENT_BIT_METRICS_PORT)],
                    ["Health_Check", "On"],
                ],
            ],
        ],
        // Container logs only: Talos has no systemd journal, and the nodes' own services log there.
        inputs: [
            [
                "INPUT",
                [
                    ["Name", "tail"],
                    ["Path", "/var/log/containers/*.log"],
                    ["multiline.parser", "docker, cri"],
                    ["Tag", "kube.*"],
                    ["Mem_Buf_Limit", "5MB"],
                    ["Skip_Long_Lines", "On"],
                ],
            ],
        ],
        filters: [
            [
                "FILTER",
                [
                    ["Name", "kubernetes"],
                    ["Match", "kube.*"],
                    ["Merge_Log", "On"],
                    ["Keep_Log", "Off"],
                    ["K8S-Logging.Parser", "On"],
                    ["K8S-Logging.Exclude", "On"],
                ],
            ],
        ],
        outputs: [
            [
                "OUTPUT",
                [
                    ["Name", "loki"],
                    ["Match", "kube.*"],
                    ["Host", args.loki.host],
                    ["Port", String(args.loki.port)],
                    ["Uri", args.loki.path],
                    ["tls", args.loki.tls ? "On" : "Off"],
                    ["tls.verify", args.loki.tls ? "On" : "Off"],
                    // Set once, here: every line this cluster ships carries cluster=<name>; a few
                    // low-cardinality labels from the kubernetes filter's metadata.
                    ["Labels", `job=fluent-bit, cluster=${args.cluster}, namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name']`],
                    ["Remove_Keys", "kubernetes"],
                    ["Line_Format", "json"],
                    ["Retry_Limit", "False"],
                ],
            ],
        ],
    };
}

export function fluentBitValues(args: FluentBitArgs): Record<string, unknown> {
    const s = fluentBitSections(args);
    return {
        kind: "DaemonSet",
        config: { service: classicConfig(s.service), inputs: classicConfig(s.inputs), filters: classicConfig(s.filters), outputs: classicConfig(s.outputs) },
        // Reads root-owned files under /var/log on the host, read-only.
        securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        testFramework: { enabled: false },
    };
}
