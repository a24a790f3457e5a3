import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { csrApproverValues, metricsServerValues } from "./metricsServer";

describe("metrics-server", () => {
    it("verifies kubelet certificates where they are signed by the cluster CA, and skips that only where they are self-signed", () => {
        expect(metricsServerValues(true)).toEqual({ args: ["--kubelet-preferred-address-types=InternalIP"], podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } } });
        expect(metricsServerValues(false).args).toEqual(["--kubelet-preferred-address-types=InternalIP", "--kubelet-insecure-tls"]);
        expect(unknownKeys(metricsServerValues(false), chartKeys("metrics-server"))).toEqual([]);
    });

    it("approves serving certificates for this cluster's nodes only, by name and address", () => {
        const values = csrApproverValues(["k8s-dev", "k8s-dev-worker-1"], "192.168.1.0/24");
        expect(values).toEqual({ providerRegex: "^(k8s-dev|k8s-dev-worker-1)$", providerIpPrefixes: ["192.168.1.0/24"], bypassDnsResolution: true });
        expect(new RegExp(values.providerRegex as string).test("k8s-dev-worker-10")).toBe(false);
        expect(csrApproverValues(["a.b"], "10.0.0.0/8").providerRegex).toBe("^(a\\.b)$");
        expect(unknownKeys(values, chartKeys("kubelet-csr-approver"))).toEqual([]);
    });
});
