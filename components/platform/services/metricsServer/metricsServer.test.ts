import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { csrApproverValues, metricsServerNamespace, metricsServerValues } from "./metricsServer";

describe("metrics-server", () => {
    it("verifies kubelet certificates where they are signed by the cluster CA, and skips that only where they are self-signed", () => {
        expect(metricsServerValues(true)).toStrictEqual({ args: ["--kubelet-preferred-address-types=InternalIP"], podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } } });
        expect(metricsServerValues(false).args).toStrictEqual(["--kubelet-preferred-address-types=InternalIP", "--kubelet-insecure-tls"]);
        expect(unknownKeys(metricsServerValues(false), chartKeys("metrics-server"))).toEqual([]);
    });

    it("approves serving certificates for this cluster's nodes only, by name and address", () => {
        const values = csrApproverValues(["k8s-dev", "k8s-dev-worker-1"], "192.168.1.0/24");
        expect(values).toStrictEqual({ providerRegex: "^(k8s-dev|k8s-dev-worker-1)$", providerIpPrefixes: ["192.168.1.0/24"], bypassDnsResolution: true });
        expect(new RegExp(values.providerRegex as string).test("k8s-dev-worker-10")).toBe(false);
        // Every regex metacharacter in a name is escaped, so it matches only itself.
        expect(csrApproverValues(["a.b"], "10.0.0.0/8").providerRegex).toBe("^(a\\.b)$");
        expect(csrApproverValues([".*+?^${}()|[]\\"], "10.0.0.0/8").providerRegex).toBe("^(\\.\\*\\+\\?\\^\\$\\{\\}\\(\\)\\|\\[\\]\\\\)$");
        expect(new RegExp(csrApproverValues(["n.1"], "10.0.0.0/8").providerRegex as string).test("nx1")).toBe(false);
        expect(unknownKeys(values, chartKeys("kubelet-csr-approver"))).toEqual([]);
    });

    it("runs restricted, its secure port open to the API server, and reaches the kubelets on the node network", () => {
        expect(metricsServerNamespace("192.168.1.0/24")).toStrictEqual({
            name: "metrics-server",
            podSecurity: "restricted",
            metricsPorts: [10250],
            apiServer: true,
            webhookPorts: [10250],
            extraEgress: [{ name: "kubelets", cidrs: ["192.168.1.0/24"], ports: [10250] }],
        });
    });
});
