import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { classicConfig, FLUENT_BIT_METRICS_PORT, fluentBitSections, fluentBitValues } from "./fluentBit";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

describe("Fluent Bit", () => {
    const values = fluentBitValues({ cluster: "dev", loki: { host: "loki.obs.example.com", port: 443, path: "/loki/api/v1/push", tls: true } }) as Values;

    it("ships container logs to the hub's Loki over verified TLS, labelled cluster=<name> once, in its one output", () => {
        expect(values.config.outputs).toBe(
            [
                "[OUTPUT]",
                "    Name loki",
                "    Match kube.*",
                "    Host loki.obs.example.com",
                "    Port 443",
                "    Uri /loki/api/v1/push",
                "    tls On",
                "    tls.verify On",
                "    Labels job=fluent-bit, cluster=dev, namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name']",
                "    Remove_Keys kubernetes",
                "    Line_Format json",
                "    Retry_Limit False",
                "",
            ].join("\n"),
        );
        expect(JSON.stringify(values).match(/cluster=dev/g)).toHaveLength(1);
    });

    it("tails the containers' logs with the Kubernetes metadata; no systemd input (Talos has no journal)", () => {
        expect(values.config.inputs).toContain("Name tail\n    Path /var/log/containers/*.log");
        expect(values.config.inputs).not.toContain("systemd");
        expect(values.config.filters).toContain("Name kubernetes");
        expect(unknownKeys(values, chartKeys("fluent-bit"))).toEqual([]);
    });

    it("is the chart's DaemonSet with the four classic-mode files, read-only and unprivileged, no test pod", () => {
        expect(fluentBitValues({ cluster: "prod", loki: { host: "loki.example.com", port: 3100, path: "/push", tls: true } })).toStrictEqual({
            kind: "DaemonSet",
            config: {
                service: [
                    "[SERVICE]",
                    "    Daemon Off",
                    "    Flush 1",
                    "    Log_Level info",
                    "    Parsers_File /fluent-bit/etc/parsers.conf",
                    "    Parsers_File /fluent-bit/etc/conf/custom_parsers.conf",
                    "    HTTP_Server On",
                    "    HTTP_Listen 0.0.0.0",
                    "    HTTP_Port 2020",
                    "    Health_Check On",
                    "",
                ].join("\n"),
                inputs: [
                    "[INPUT]",
                    "    Name tail",
                    "    Path /var/log/containers/*.log",
                    "    multiline.parser docker, cri",
                    "    Tag kube.*",
                    "    Mem_Buf_Limit 5MB",
                    "    Skip_Long_Lines On",
                    "",
                ].join("\n"),
                filters: [
                    "[FILTER]",
                    "    Name kubernetes",
                    "    Match kube.*",
                    "    Merge_Log On",
                    "    Keep_Log Off",
                    "    K8S-Logging.Parser On",
                    "    K8S-Logging.Exclude On",
                    "",
                ].join("\n"),
                outputs: [
                    "[OUTPUT]",
                    "    Name loki",
                    "    Match kube.*",
                    "    Host loki.example.com",
                    "    Port 3100",
                    "    Uri /push",
                    "    tls On",
                    "    tls.verify On",
                    "    Labels job=fluent-bit, cluster=prod, namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name']",
                    "    Remove_Keys kubernetes",
                    "    Line_Format json",
                    "    Retry_Limit False",
                    "",
                ].join("\n"),
            },
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            testFramework: { enabled: false },
        });
        expect(FLUENT_BIT_METRICS_PORT).toBe(2020);
    });

    it("turns TLS and its verification off together for a plain-HTTP Loki", () => {
        const sections = fluentBitSections({ cluster: "dev", loki: { host: "loki", port: 3100, path: "/loki/api/v1/push", tls: false } });
        expect(sections.outputs[0][1].filter(([key]) => key.startsWith("tls"))).toStrictEqual([
            ["tls", "Off"],
            ["tls.verify", "Off"],
        ]);
    });

    it("writes classic-mode sections", () => {
        expect(classicConfig([])).toBe("\n");
        expect(classicConfig([["ONE", [["a", "1"], ["b", "2 3"]]]])).toBe("[ONE]\n    a 1\n    b 2 3\n");
        expect(classicConfig([["A", [["k", "v"]]], ["B", []]])).toBe("[A]\n    k v\n\n[B]\n");
    });
});
