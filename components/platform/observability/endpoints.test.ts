import { hubEndpoints, httpTarget, missingObservabilityOutput } from "./endpoints";

describe("the hub's endpoints contract", () => {
    it("derives every endpoint from the hub cluster's domain", () => {
        expect(hubEndpoints("obs.example.com")).toEqual({
            prometheusRemoteWrite: "https://prometheus.obs.example.com/api/v1/write",
            lokiPush: "https://loki.obs.example.com/loki/api/v1/push",
            otlpHttp: "https://otlp.obs.example.com",
            grafana: "https://grafana.obs.example.com",
        });
    });

    it("names the missing output exactly", () => {
        const advice = "run it first, with a cluster of role observability (homelab:observability.fromStack names it)";
        expect(missingObservabilityOutput({}, "o/homelab/tools")).toBe(`stack o/homelab/tools has no output \`observability\`: ${advice}`);
        expect(missingObservabilityOutput({ observability: { cluster: "obs" } }, "o/homelab/tools")).toBe(`stack o/homelab/tools has no output \`observability.endpoints\`: ${advice}`);
        const partial = { observability: { endpoints: { ...hubEndpoints("obs.example.com"), lokiPush: undefined, otlpHttp: "http://plain" } } };
        expect(missingObservabilityOutput(partial, "o/homelab/tools")).toBe(
            `stack o/homelab/tools has no output \`observability.endpoints.lokiPush\`, \`observability.endpoints.otlpHttp\` (an https URL): ${advice}`,
        );
        expect(missingObservabilityOutput({ observability: { cluster: "obs", endpoints: hubEndpoints("obs.example.com") } }, "o/homelab/tools")).toBeUndefined();
    });

    it("splits a push URL as Fluent Bit takes it", () => {
        expect(httpTarget("https://loki.obs.example.com/loki/api/v1/push")).toEqual({ host: "loki.obs.example.com", port: 443, path: "/loki/api/v1/push", tls: true });
        expect(httpTarget("http://loki:3100/loki/api/v1/push")).toEqual({ host: "loki", port: 3100, path: "/loki/api/v1/push", tls: false });
    });
});
