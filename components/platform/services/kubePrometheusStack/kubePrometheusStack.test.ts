import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { agentPrometheusValues, CLUSTER_LABEL, hubPrometheusValues, KPS_FULLNAME, PROMETHEUS_SERVICE } from "./kubePrometheusStack";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

const CONTROL_PLANE_OFF = { kubeControllerManager: { enabled: false }, kubeScheduler: { enabled: false }, kubeEtcd: { enabled: false }, kubeProxy: { enabled: false } };
const SELECT_ALL = {
    serviceMonitorSelectorNilUsesHelmValues: false,
    podMonitorSelectorNilUsesHelmValues: false,
    probeSelectorNilUsesHelmValues: false,
    scrapeConfigSelectorNilUsesHelmValues: false,
};
const POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } };

describe("kube-prometheus-stack", () => {
    it("on the hub: exactly these values", () => {
        expect(hubPrometheusValues({ cluster: "hub", retentionDays: 7, storageSize: "20Gi" })).toStrictEqual({
            fullnameOverride: "kps",
            crds: { enabled: true },
            grafana: { enabled: false, forceDeployDashboards: true },
            alertmanager: { enabled: false },
            ...CONTROL_PLANE_OFF,
            prometheus: {
                prometheusSpec: {
                    enableRemoteWriteReceiver: true,
                    enableOTLPReceiver: true,
                    otlp: { promoteResourceAttributes: ["cluster"] },
                    externalLabels: { cluster: "hub" },
                    retention: "7d",
                    ...SELECT_ALL,
                    ruleSelectorNilUsesHelmValues: false,
                    securityContext: POD_SECURITY,
                    storageSpec: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } } },
                },
            },
        });
    });

    it("on an edge cluster: exactly these values", () => {
        expect(agentPrometheusValues({ cluster: "edge", remoteWriteUrl: "https://hub/api/v1/write" })).toStrictEqual({
            fullnameOverride: "kps",
            crds: { enabled: true },
            grafana: { enabled: false },
            alertmanager: { enabled: false },
            defaultRules: { create: false },
            ...CONTROL_PLANE_OFF,
            prometheus: {
                agentMode: true,
                prometheusSpec: { externalLabels: { cluster: "edge" }, remoteWrite: [{ url: "https://hub/api/v1/write" }], ...SELECT_ALL, securityContext: POD_SECURITY },
            },
        });
        expect([KPS_FULLNAME, PROMETHEUS_SERVICE, CLUSTER_LABEL]).toStrictEqual(["kps", { name: "kps-prometheus", port: 9090 }, "cluster"]);
    });

    it("on the hub: Prometheus with its remote-write and OTLP receivers, the chart's own Grafana off, every monitor selected", () => {
        const values = hubPrometheusValues({ cluster: "observability", retentionDays: 15, storageSize: "50Gi" }) as Values;
        expect(values.prometheus.prometheusSpec).toMatchObject({
            enableRemoteWriteReceiver: true,
            enableOTLPReceiver: true,
            otlp: { promoteResourceAttributes: ["cluster"] },
            externalLabels: { cluster: "observability" },
            retention: "15d",
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            storageSpec: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } } },
        });
        expect(values.prometheus.agentMode).toBeUndefined();
        expect(values.grafana).toEqual({ enabled: false, forceDeployDashboards: true });
        expect(values.fullnameOverride).toBe("kps");
        expect(unknownKeys(values, chartKeys("kube-prometheus-stack"))).toEqual([]);
    });

    it("on an edge cluster: agent mode, remote-writing to the hub, cluster=<name> set once as an external label", () => {
        const values = agentPrometheusValues({ cluster: "dev", remoteWriteUrl: "https://prometheus.obs.example.com/api/v1/write" }) as Values;
        expect(values.prometheus).toEqual({
            agentMode: true,
            prometheusSpec: {
                externalLabels: { cluster: "dev" },
                remoteWrite: [{ url: "https://prometheus.obs.example.com/api/v1/write" }],
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } },
            },
        });
        expect(values.defaultRules).toEqual({ create: false });
        expect(values.grafana).toEqual({ enabled: false });
        expect(values.alertmanager).toEqual({ enabled: false });
        expect(unknownKeys(values, chartKeys("kube-prometheus-stack"))).toEqual([]);
    });

    it("catches a misspelt key against the chart at 88.5.3", () => {
        expect(unknownKeys({ prometheus: { prometheusSpec: { enableRemoteWriteReciever: true } } }, chartKeys("kube-prometheus-stack"))).toEqual(["prometheus.prometheusSpec.enableRemoteWriteReciever"]);
    });
});
