import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { LONGHORN_NAMESPACE, longhornNodePackages, longhornValues } from "./longhorn";

describe("Longhorn", () => {
    it("keeps local-path the default class and places at most one replica per node, three at most", () => {
        expect(longhornValues(5)).toStrictEqual({ persistence: { defaultClass: false, defaultClassReplicaCount: 3 }, defaultSettings: { upgradeChecker: false } });
        expect((longhornValues(3).persistence as Record<string, unknown>).defaultClassReplicaCount).toBe(3);
        expect((longhornValues(2).persistence as Record<string, unknown>).defaultClassReplicaCount).toBe(2);
        expect((longhornValues(1).persistence as Record<string, unknown>).defaultClassReplicaCount).toBe(1);
        expect(unknownKeys(longhornValues(3), chartKeys("longhorn"))).toEqual([]);
    });

    it("refuses a node count that is not a positive integer", () => {
        expect(() => longhornValues(0)).toThrow("longhornValues: nodeCount must be a positive integer, got 0");
        expect(() => longhornValues(1.5)).toThrow("longhornValues: nodeCount must be a positive integer, got 1.5");
        expect(() => longhornValues(-2)).toThrow(new RangeError("longhornValues: nodeCount must be a positive integer, got -2"));
        expect(() => longhornValues(Number.NaN)).toThrow("longhornValues: nodeCount must be a positive integer, got NaN");
    });

    it("runs privileged, with its webhooks reachable from the API server", () => {
        expect(LONGHORN_NAMESPACE).toMatchObject({ name: "longhorn-system", podSecurity: "privileged", apiServer: true, webhookPorts: [9501, 9502], metricsPorts: [9500] });
        expect(LONGHORN_NAMESPACE.podSecurityReason).toMatch(/privileged/);
    });

    it("installs open-iscsi and the NFS client on Ubuntu nodes, and starts iscsid", () => {
        expect(longhornNodePackages()).toStrictEqual({ packages: ["open-iscsi", "nfs-common"], runcmd: [["systemctl", "enable", "--now", "iscsid"]] });
    });
});
