import type { KubeObject } from "../objects";
import { GATEWAY_NAMESPACE } from "../namespace";

/**
 * networking.istio.io/v1 VirtualServices binding the hub's endpoints to the cluster's wildcard TLS
 * Gateway (`istio-ingress/wildcard`, components/platform/services/istio). Each exposes only the paths
 * its clients need: the stores' query APIs stay inside the cluster (Grafana reaches them there).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export const WILDCARD_GATEWAY = `${GATEWAY_NAMESPACE}/wildcard`;

export interface Route {
    /** Names the VirtualService. */
    readonly name: string;
    readonly host: string;
    /** Path matches (`exact` or `prefix`); none means every path. */
    readonly paths: readonly ({ readonly exact: string } | { readonly prefix: string })[];
    readonly service: string;
    readonly port: number;
}

export function virtualService(namespace: string, route: Route): KubeObject {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: route.name, namespace },
        spec: {
            hosts: [route.host],
            gateways: [WILDCARD_GATEWAY],
            http: [
                {
                    ...(route.paths.length > 0 ? { match: route.paths.map((p) => ({ uri: { ...p } })) } : {}),
                    route: [{ destination: { host: `${route.service}.${namespace}.svc.cluster.local`, port: { number: route.port } } }],
                },
            ],
        },
    };
}
