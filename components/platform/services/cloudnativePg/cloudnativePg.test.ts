import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { namespacePolicies } from "../../namespaceSpec";
import { cloudnativePgNamespace, cloudnativePgValues } from "./cloudnativePg";

describe("CloudNativePG", () => {
    it("installs the operator cluster-wide with its CRDs, setting only keys of the pinned chart", () => {
        expect(cloudnativePgValues()).toStrictEqual({ crds: { create: true }, config: { clusterWide: true } });
        expect(unknownKeys(cloudnativePgValues(), chartKeys("cloudnative-pg"))).toEqual([]);
        expect(chartKeys("cloudnative-pg").version).toBe("0.29.0");
    });

    it("lets the API server call its webhooks and the operator reach instance managers", () => {
        const names = namespacePolicies(cloudnativePgNamespace("10.42.0.0/16"), { nodeCidr: "192.168.1.0/24" }).map((p) => p.metadata.name);
        expect(names).toEqual(["default-deny", "allow-same-namespace", "allow-dns", "allow-gateway", "allow-monitoring", "allow-api-server", "allow-api-server-webhooks", "allow-postgres-instances"]);
        expect(cloudnativePgNamespace("10.42.0.0/16")).toStrictEqual({
            name: "cnpg-system",
            podSecurity: "restricted",
            apiServer: true,
            webhookPorts: [9443],
            metricsPorts: [8080],
            extraEgress: [{ name: "postgres-instances", cidrs: ["10.42.0.0/16"], ports: [8000] }],
        });
    });
});
