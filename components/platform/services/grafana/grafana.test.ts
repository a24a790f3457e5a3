import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { dataSources, defaultDataSourceUrls, grafanaValues } from "./grafana";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

describe("Grafana", () => {
    const values = grafanaValues({ rootUrl: "https://grafana.obs.example.com", namespace: "monitoring", storageSize: "5Gi" }) as Values;

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
