import { PROMETHEUS_SERVICE } from "../kubePrometheusStack/kubePrometheusStack";

/**
 * Grafana on the hub, its own release (kube-prometheus-stack's subchart is off), with Prometheus,
 * Loki and Jaeger provisioned as data sources and the admin credentials from an existing Secret.
 * Chart: https://github.com/grafana-community/helm-charts/tree/grafana-12.11.1/charts/grafana
 */

/** The Secret the chart reads (`admin.existingSecret`); the program writes it from a generated password. */
export const GRAFANA_ADMIN_SECRET = { name: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" } as const;
export const GRAFANA_ADMIN_USER = "admin";
/** Release `grafana`: the chart's Service is `grafana`, port 80. */
export const GRAFANA_SERVICE = { name: "grafana", port: 80 } as const;

/** In-cluster addresses of the hub's stores (Services named by the releases' fullnames). */
export interface DataSourceUrls {
    readonly prometheus: string;
    readonly loki: string;
    readonly jaeger: string;
}

export const DATA_SOURCE_UID = { prometheus: "prometheus", loki: "loki", jaeger: "jaeger" } as const;

/** Grafana's provisioning file (apiVersion 1): https://grafana.com/docs/grafana/latest/administration/provisioning/#data-sources */
export function dataSources(urls: DataSourceUrls): Record<string, unknown> {
    return {
        apiVersion: 1,
        datasources: [
            { name: "Prometheus", type: "prometheus", uid: DATA_SOURCE_UID.prometheus, access: "proxy", url: urls.prometheus, isDefault: true },
            {
                name: "Loki",
                type: "loki",
                uid: DATA_SOURCE_UID.loki,
                access: "proxy",
                url: urls.loki,
                // A log line's trace id opens the trace in Jaeger. `$$`: Grafana expands `$VAR`/`${VAR}` from the
                // environment in provisioning files, and `$$` is its escape for a literal `$`
                // (https://grafana.com/docs/grafana/latest/administration/provisioning/#using-environment-variables).
                jsonData: { derivedFields: [{ name: "TraceID", matcherRegex: "(?:trace_id|traceID|traceId)[=:\\s\"]+(\\w+)", url: "$${__value.raw}", datasourceUid: DATA_SOURCE_UID.jaeger }] },
            },
            { name: "Jaeger", type: "jaeger", uid: DATA_SOURCE_UID.jaeger, access: "proxy", url: urls.jaeger },
        ],
    };
}

export function defaultDataSourceUrls(namespace: string): DataSourceUrls {
    return {
        prometheus: `http://${PROMETHEUS_SERVICE.name}.${namespace}.svc:${PROMETHEUS_SERVICE.port}`,
        loki: `http://loki.${namespace}.svc:3100`,
        jaeger: `http://jaeger.${namespace}.svc:16686`,
    };
}

export interface GrafanaArgs {
    /** Grafana's public URL (observability.endpoints.grafana). */
    readonly rootUrl: string;
    readonly namespace: string;
    readonly storageSize: string;
}

export function grafanaValues(args: GrafanaArgs): Record<string, unknown> {
    return {
        admin: { existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey },
        datasources: { "datasources.yaml": dataSources(defaultDataSourceUrls(args.namespace)) },
        // kube-prometheus-stack's dashboards arrive as ConfigMaps labelled grafana_dashboard=1.
        sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
        "grafana.ini": { server: { root_url: args.rootUrl, domain: new URL(args.rootUrl).hostname } },
        persistence: { enabled: true, size: args.storageSize },
        // The chart's test pod runs as root; no test hook in a restricted cluster.
        testFramework: { enabled: false },
    };
}
