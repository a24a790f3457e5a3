import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { tlsGateway } from "../istio/istio";
import { ADMIN_PASSWORD_SECRET, adminVaultPath, CLUSTER_GATEWAY, HARBOR_NAMESPACE, harborHost, harborValues, harborVirtualService, SECRET_KEY_SECRET } from "./harbor";

describe("Harbor", () => {
    it("serves plain HTTP behind the gateway at https://harbor.<domain>, its admin password and secret key from Secrets", () => {
        expect(harborValues("tools.example.com")).toStrictEqual({
            expose: { type: "clusterIP", tls: { enabled: false }, clusterIP: { name: "harbor", ports: { httpPort: 80 } } },
            externalURL: "https://harbor.tools.example.com",
            existingSecretAdminPassword: "harbor-admin",
            existingSecretAdminPasswordKey: "HARBOR_ADMIN_PASSWORD",
            existingSecretSecretKey: "harbor-secret-key",
            persistence: { enabled: true, resourcePolicy: "keep" },
            updateStrategy: { type: "Recreate" },
        });
        expect([ADMIN_PASSWORD_SECRET, SECRET_KEY_SECRET]).toEqual([{ name: "harbor-admin", key: "HARBOR_ADMIN_PASSWORD" }, { name: "harbor-secret-key", key: "secretKey" }]);
        // No password in the values: the chart's own default (harborAdminPassword) is never overridden in plain text.
        expect(JSON.stringify(harborValues("tools.example.com"))).not.toMatch(/harborAdminPassword|secretKey"/);
    });

    it("sets only keys of the pinned chart", () => {
        expect(unknownKeys(harborValues("tools.example.com"), chartKeys("harbor"))).toEqual([]);
        expect(chartKeys("harbor").version).toBe("1.19.1");
    });

    it("routes harbor.<domain> through the cluster's TLS Gateway, a valid VirtualService", () => {
        const vs = harborVirtualService("tools.example.com");
        expect([vs.apiVersion, vs.kind, vs.metadata]).toStrictEqual(["networking.istio.io/v1", "VirtualService", { name: "harbor", namespace: "harbor" }]);
        expect(vs.spec).toStrictEqual({
            hosts: ["harbor.tools.example.com"],
            gateways: ["istio-ingress/wildcard"],
            http: [{ route: [{ destination: { host: "harbor.harbor.svc.cluster.local", port: { number: 80 } } }] }],
        });
        const gateway = tlsGateway("tools.example.com", "wildcard-tls");
        expect(CLUSTER_GATEWAY).toBe(`${gateway.metadata.namespace}/${gateway.metadata.name}`);
        expect(validateObject(vs)).toBe("networking.istio.io/v1/VirtualService");
        expect(() => validateObject({ ...vs, spec: { ...(vs.spec as object), hosts: "harbor.tools.example.com" } })).toThrow();
    });

    it("keeps the admin password in Vault next to the cluster's kubeconfig", () => {
        expect(adminVaultPath("tools", "tools")).toBe("tools/tools/harbor/admin");
        expect(adminVaultPath("lab", "registry")).toBe("lab/registry/harbor/admin");
        expect(harborHost("lab.example.com")).toBe("harbor.lab.example.com");
        expect(HARBOR_NAMESPACE).toStrictEqual({ name: "harbor", podSecurity: "restricted", extraEgress: [{ name: "registries", cidrs: ["0.0.0.0/0"], ports: [443] }] });
    });
});
