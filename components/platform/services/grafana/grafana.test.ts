import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { dataSources, defaultDataSourceUrls, GRAFANA_ADMIN_USER, GRAFANA_SERVICE, grafanaValues } from "./grafana";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

describe("Grafana", () => {
    const values = grafanaValues({ rootUrl: "https://grafana.obs.example.com", namespace: "monitoring", storageSize: "5Gi" }) as Values;

    it("is exactly these values", () => {
        expect(grafanaValues({ rootUrl: "https://grafana.example.com:8443/", namespace: "obs", storageSize: "2Gi" })).toStrictEqual({
            admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
            datasources: { "datasources.yaml": dataSources({ prometheus: "http://kps-prometheus.obs.svc:9090", loki: "http://loki.obs.svc:3100", jaeger: "http://jaeger.obs.svc:16686" }) },
            sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
            "grafana.ini": { server: { root_url: "https://grafana.example.com:8443/", domain: "grafana.example.com" } },
            persistence: { enabled: true, size: "2Gi" },
            testFramework: { enabled: false },
        });
        expect([GRAFANA_ADMIN_USER, GRAFANA_SERVICE]).toStrictEqual(["admin", { name: "grafana", port: 80 }]);
    });

    it("provisions the three data sources exactly, Prometheus the default, Loki's trace ids linked to Jaeger", () => {
        expect(dataSources({ prometheus: "http://p", loki: "http://l", jaeger: "http://j" })).toStrictEqual({
            apiVersion: 1,
            datasources: [
                { name: "Prometheus", type: "prometheus", uid: "prometheus", access: "proxy", url: "http://p", isDefault: true },
                {
                    name: "Loki",
                    type: "loki",
                    uid: "loki",
                    access: "proxy",
                    url: "http://l",
                    jsonData: { derivedFields: [{ name: "TraceID", matcherRegex: '(?:trace_id|traceID|traceId)[=:\\s"]+(\\w+)', url: "$${__value.raw}", datasourceUid: "jaeger" }] },
                },
                { name: "Jaeger", type: "jaeger", uid: "jaeger", access: "proxy", url: "http://j" },
            ],
        });
        expect(defaultDataSourceUrls("monitoring")).toStrictEqual({ prometheus: "http://kps-prometheus.monitoring.svc:9090", loki: "http://loki.monitoring.svc:3100", jaeger: "http://jaeger.monitoring.svc:16686" });
    });

    it("takes its admin credentials from the existing Secret, never from values", () => {
        expect(values.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        expect(JSON.stringify(values)).not.toMatch(/adminPassword/);
    });

    it("provisions Prometheus, Loki and Jaeger as data sources at their in-cluster Services", () => {
        expect(values.datasources["datasources.yaml"].datasources.map((d: Values) => [d.name, d.type, d.url])).toEqual([
            ["Prometheus", "prometheus", "http://kps-prometheus.monitoring.svc:9090"],
            ["Loki", "loki", "http://loki.monitoring.svc:3100"],
            ["Jaeger", "jaeger", "http://jaeger.monitoring.svc:16686"],
        ]);
        const loki = (dataSources(defaultDataSourceUrls("monitoring")) as Values).datasources[1];
        expect(loki.jsonData.derivedFields[0]).toMatchObject({ name: "TraceID", datasourceUid: "jaeger", url: "$${__value.raw}" });
    });

    it("serves under its public URL, and sets only keys grafana 12.11.1 has", () => {
        expect(values["grafana.ini"]).toEqual({ server: { root_url: "https://grafana.obs.example.com", domain: "grafana.obs.example.com" } });
        expect(unknownKeys(values, chartKeys("grafana"))).toEqual([]);
        expect(unknownKeys({ admin: { existingSecrets: "x" } }, chartKeys("grafana"))).toEqual(["admin.existingSecrets"]);
    });
});
