import { LAYER_SERVICES, LAYER_SERVICES_BY_ROLE, resolveLayerServices } from "../catalog";

describe("the observability and delivery layers in the catalog", () => {
    it("gives the hub to observability, edge collectors to every other role, Argo Rollouts to workload clusters", () => {
        expect(LAYER_SERVICES_BY_ROLE).toEqual({
            observability: ["kubePrometheusStack", "grafana", "loki", "jaeger", "otelCollector"],
            tools: ["fluentBit", "prometheusAgent", "otelCollector"],
            workload: ["fluentBit", "prometheusAgent", "otelCollector", "argoRollouts"],
        });
        expect(LAYER_SERVICES).toStrictEqual(["kubePrometheusStack", "grafana", "loki", "jaeger", "otelCollector", "fluentBit", "prometheusAgent", "argoRollouts"]);
    });

    it("turns a role's services on unless switched off, and never another role's", () => {
        expect(resolveLayerServices("workload", { fluentBit: false, loki: true })).toStrictEqual({
            kubePrometheusStack: false,
            grafana: false,
            loki: false,
            jaeger: false,
            otelCollector: true,
            fluentBit: false,
            prometheusAgent: true,
            argoRollouts: true,
        });
        expect(Object.entries(resolveLayerServices("observability", {})).filter(([, on]) => on).map(([s]) => s)).toEqual(["kubePrometheusStack", "grafana", "loki", "jaeger", "otelCollector"]);
    });
});
