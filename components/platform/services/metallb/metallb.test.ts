import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { metallbObjects, metallbValues } from "./metallb";

describe("MetalLB", () => {
    it("installs L2 only: no FRR, no bundled frr-k8s, CRDs from the chart", () => {
        expect(metallbValues()).toStrictEqual({ crds: { enabled: true }, frrk8s: { enabled: false }, speaker: { frr: { enabled: false } } });
        expect(unknownKeys(metallbValues(), chartKeys("metallb"))).toEqual([]);
    });

    it("declares the cluster's pool and announces it over L2, both valid metallb.io/v1beta1 objects", () => {
        const [pool, l2] = metallbObjects("dev", ["192.168.1.220-192.168.1.229", "192.168.1.240/29"]);
        expect(pool).toStrictEqual({
            apiVersion: "metallb.io/v1beta1",
            kind: "IPAddressPool",
            metadata: { name: "dev-pool", namespace: "metallb-system" },
            spec: { addresses: ["192.168.1.220-192.168.1.229", "192.168.1.240/29"], autoAssign: true, avoidBuggyIPs: true },
        });
        expect(l2).toStrictEqual({ apiVersion: "metallb.io/v1beta1", kind: "L2Advertisement", metadata: { name: "dev-pool", namespace: "metallb-system" }, spec: { ipAddressPools: ["dev-pool"] } });
        expect([pool, l2].map(validateObject)).toEqual(["metallb.io/v1beta1/IPAddressPool", "metallb.io/v1beta1/L2Advertisement"]);
    });

    it("rejects a misspelt pool field against the CRD schema", () => {
        const [pool] = metallbObjects("dev", ["192.168.1.220-192.168.1.229"]);
        expect(() => validateObject({ ...pool, spec: { adresses: ["192.168.1.1/32"] } })).toThrow("metallb.io/v1beta1/IPAddressPool \"dev-pool\": data/spec must have required property 'addresses'; data/spec must NOT have additional properties");
    });
});
