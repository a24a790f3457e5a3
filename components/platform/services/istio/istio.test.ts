import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { GATEWAY_RELEASE, GATEWAY_SELECTOR, gatewayNamespace, gatewayValues, ISTIO_SYSTEM_NAMESPACE, istioBaseValues, istiodValues, tlsGateway } from "./istio";

describe("Istio", () => {
    it("sets only keys the three charts have at 1.30.3", () => {
        expect(unknownKeys(istioBaseValues(), chartKeys("base"))).toEqual([]);
        expect(unknownKeys(istiodValues(), chartKeys("istiod"))).toEqual([]);
        expect(unknownKeys(gatewayValues("dev-pool"), chartKeys("gateway"))).toEqual([]);
    });

    it("installs the default revision, and names the gateway release after the pods' `istio: ingress` label", () => {
        expect(istioBaseValues()).toStrictEqual({ defaultRevision: "default" });
        expect([GATEWAY_RELEASE, GATEWAY_SELECTOR]).toStrictEqual(["istio-ingress", { istio: "ingress" }]);
        expect(ISTIO_SYSTEM_NAMESPACE).toStrictEqual({ name: "istio-system", podSecurity: "restricted", metricsPorts: [15014], apiServer: true, webhookPorts: [15017] });
    });

    it("exposes the gateway through MetalLB's pool, restricted-compliant", () => {
        expect(gatewayValues("dev-pool")).toStrictEqual({
            service: { type: "LoadBalancer", annotations: { "metallb.io/address-pool": "dev-pool" }, externalTrafficPolicy: "Local" },
            securityContext: { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }], seccompProfile: { type: "RuntimeDefault" } },
        });
        expect(istiodValues()).toStrictEqual({ seccompProfile: { type: "RuntimeDefault" }, meshConfig: { accessLogFile: "/dev/stdout" } });
    });

    it("terminates TLS on the wildcard certificate and redirects HTTP", () => {
        const gateway = tlsGateway("dev.example.com", "wildcard-tls");
        expect(gateway).toStrictEqual({
            apiVersion: "networking.istio.io/v1",
            kind: "Gateway",
            metadata: { name: "wildcard", namespace: "istio-ingress" },
            spec: {
                selector: { istio: "ingress" },
                servers: [
                    { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["*.dev.example.com", "dev.example.com"], tls: { mode: "SIMPLE", credentialName: "wildcard-tls" } },
                    { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*.dev.example.com", "dev.example.com"], tls: { httpsRedirect: true } },
                ],
            },
        });
        expect(validateObject(gateway)).toBe("networking.istio.io/v1/Gateway");
        expect(() => validateObject({ ...gateway, spec: { servers: [{ port: { number: "443" } }] } })).toThrow(/number/);
    });

    it("lets clients reach the gateway and the gateway reach istiod and the backends", () => {
        expect(gatewayNamespace("10.244.0.0/16")).toStrictEqual({
            name: "istio-ingress",
            podSecurity: "restricted",
            metricsPorts: [15020],
            extraIngress: [{ name: "clients", cidrs: ["0.0.0.0/0"], ports: [80, 443] }],
            extraEgress: [
                { name: "istiod", namespaces: ["istio-system"], ports: [15012] },
                { name: "backends", cidrs: ["10.244.0.0/16"], ports: [] },
            ],
        });
    });
});
