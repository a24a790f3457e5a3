import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { classicConfig, fluentBitValues } from "./fluentBit";

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

    it("writes classic-mode sections", () => {
        expect(classicConfig([["A", [["k", "v"]]], ["B", []]])).toBe("[A]\n    k v\n\n[B]\n");
    });
});
