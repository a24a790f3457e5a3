import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkLoadBalancerPools, ForeignPool, parsePoolEntry, readOtherStackPools } from "./pools";
import { ClusterConfig } from "./config";
import { VmDefinition } from "../components/hosts/vmDefinition";
import { cluster, collect, platformConfig, vm } from "./testing/inputs";

describe("MetalLB pool entries", () => {
    it("read ranges and CIDRs as inclusive address ranges", () => {
        expect(parsePoolEntry("192.168.1.200-192.168.1.209")).toEqual({ first: 3232235976, last: 3232235985, text: "192.168.1.200-192.168.1.209" });
        expect(parsePoolEntry("192.168.1.240/29")).toEqual({ first: 3232236016, last: 3232236023, text: "192.168.1.240/29" });
        expect(parsePoolEntry("192.168.1.7-192.168.1.7")).toEqual({ first: 3232235783, last: 3232235783, text: "192.168.1.7-192.168.1.7" });
        // A CIDR's host bits are dropped: the range is the whole network.
        expect(parsePoolEntry("10.0.0.9/30")).toEqual({ first: 167772168, last: 167772171, text: "10.0.0.9/30" });
        expect(parsePoolEntry("10.0.0.0/32")).toEqual({ first: 167772160, last: 167772160, text: "10.0.0.0/32" });
    });

    it("refuse a range that ends before it starts, and anything else", () => {
        expect(parsePoolEntry("192.168.1.209-192.168.1.200")).toBeUndefined();
        expect(parsePoolEntry("192.168.1.300-192.168.1.301")).toBeUndefined();
        expect(parsePoolEntry("192.168.1.1-192.168.1.300")).toBeUndefined();
        expect(parsePoolEntry("192.168.1.1-192.168.1.2-192.168.1.3")).toBeUndefined();
        expect(parsePoolEntry("192.168.1.1")).toBeUndefined();
        expect(parsePoolEntry("192.168.1.0/33")).toBeUndefined();
    });
});

describe("checkLoadBalancerPools", () => {
    const a = () => vm("a", { ipconfig0: "ip=192.168.1.50/24,gw=192.168.1.1" });
    const run = (pools: readonly (readonly string[])[], vms: readonly VmDefinition[] = [a()], others: readonly ForeignPool[] = [], controlPlanes = ["a"]) => {
        const clusters: ClusterConfig[] = pools.map((loadBalancerPool, index) => cluster(index, { name: `c${index}`, controlPlanes, loadBalancerPool }));
        return collect((issues) => checkLoadBalancerPools(vms, platformConfig({ clusters }), issues, others)).problems;
    };

    it("accepts pools inside the network, clear of its addresses, every VM and each other, even when they touch", () => {
        expect(run([["192.168.1.200-192.168.1.209", "192.168.1.2-192.168.1.49"], ["192.168.1.210/31", "192.168.1.51-192.168.1.51"], ["192.168.1.252/31", "192.168.1.254-192.168.1.254"]])).toEqual([]);
    });

    it("reports a range that ends before it starts, and checks nothing more of it", () => {
        expect(run([["192.168.1.209-192.168.1.200"]])).toEqual(["Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.1.209-192.168.1.200 ends before it starts"]);
    });

    it("keeps each pool inside the network of the cluster's first control plane, at both ends", () => {
        expect(run([["192.168.2.10-192.168.2.20", "192.168.0.250-192.168.1.10", "192.168.1.250-192.168.2.3"]])).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.2.10-192.168.2.20 is not inside the cluster's network 192.168.1.0/24",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[1]: 192.168.0.250-192.168.1.10 is not inside the cluster's network 192.168.1.0/24",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[2]: 192.168.1.250-192.168.2.3 is not inside the cluster's network 192.168.1.0/24",
        ]);
        // Outside, it is not checked against the network's own addresses as well.
        expect(run([["192.168.0.0/16"]])).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.0.0/16 is not inside the cluster's network 192.168.1.0/24",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.0.0/16 contains 192.168.1.50, the address of vms/a.yaml",
        ]);
    });

    it("spells the network as its CIDR's network address", () => {
        const config = platformConfig({
            networks: { vmbr0: { bridge: "vmbr0", cidr: "192.168.1.77/24", gateway: "192.168.1.1", dnsServers: [] } },
            clusters: [cluster(0, { name: "c0", controlPlanes: ["a"], loadBalancerPool: ["192.168.2.10-192.168.2.20"] })],
        });
        expect(collect((issues) => checkLoadBalancerPools([a()], config, issues, [])).problems).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.2.10-192.168.2.20 is not inside the cluster's network 192.168.1.0/24",
        ]);
    });

    it("checks nothing against a network when the first control plane is not defined", () => {
        expect(run([["10.0.0.0/24"]], [a()], [], ["missing", "a"])).toEqual([]);
    });

    it("keeps the gateway, the network and the broadcast address out", () => {
        expect(run([["192.168.1.1-192.168.1.5", "192.168.1.0-192.168.1.0", "192.168.1.250-192.168.1.255", "192.168.1.0/24"]])).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.1.1-192.168.1.5 contains the gateway 192.168.1.1",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[1]: 192.168.1.0-192.168.1.0 contains the network or broadcast address of 192.168.1.0/24",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[2]: 192.168.1.250-192.168.1.255 contains the network or broadcast address of 192.168.1.0/24",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[3]: 192.168.1.0/24 contains the gateway 192.168.1.1",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[3]: 192.168.1.0/24 contains the network or broadcast address of 192.168.1.0/24",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[3]: 192.168.1.0/24 contains 192.168.1.50, the address of vms/a.yaml",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[3]: 192.168.1.0/24 overlaps homelab:clusters[0].loadBalancerPool[0] (192.168.1.1-192.168.1.5)",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[3]: 192.168.1.0/24 overlaps homelab:clusters[0].loadBalancerPool[1] (192.168.1.0-192.168.1.0)",
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[3]: 192.168.1.0/24 overlaps homelab:clusters[0].loadBalancerPool[2] (192.168.1.250-192.168.1.255)",
        ]);
    });

    it("keeps every VM's static address out, whichever cluster it is in, at either end of the range", () => {
        const vms = [a(), vm("b", { ipconfig0: "ip=192.168.1.60/24" }), vm("d", { ipconfig0: "ip=dhcp" })];
        expect(run([["192.168.1.50-192.168.1.55"], ["192.168.1.56-192.168.1.60"]], vms)).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.1.50-192.168.1.55 contains 192.168.1.50, the address of vms/a.yaml",
            "Pulumi.test.yaml: homelab:clusters[1].loadBalancerPool[0]: 192.168.1.56-192.168.1.60 contains 192.168.1.60, the address of vms/b.yaml",
        ]);
    });

    it("reports a pool overlapping an earlier one of this stack, by its place, once", () => {
        expect(run([["192.168.1.200-192.168.1.209"], ["192.168.1.209-192.168.1.215"], ["192.168.1.100/30"]])).toEqual([
            "Pulumi.test.yaml: homelab:clusters[1].loadBalancerPool[0]: 192.168.1.209-192.168.1.215 overlaps homelab:clusters[0].loadBalancerPool[0] (192.168.1.200-192.168.1.209)",
        ]);
        expect(run([["192.168.1.210-192.168.1.215"], ["192.168.1.200-192.168.1.210"]])).toEqual([
            "Pulumi.test.yaml: homelab:clusters[1].loadBalancerPool[0]: 192.168.1.200-192.168.1.210 overlaps homelab:clusters[0].loadBalancerPool[0] (192.168.1.210-192.168.1.215)",
        ]);
    });

    it("reports a pool overlapping another stack's, and ignores another stack's unreadable entries", () => {
        const others: ForeignPool[] = [
            { file: "Pulumi.prod.yaml", cluster: "prod", entry: "192.168.1.205-192.168.1.220" },
            { file: "Pulumi.prod.yaml", cluster: "prod", entry: "192.168.1.199-192.168.1.100" },
            { file: "Pulumi.dev.yaml", cluster: "dev", entry: "192.168.1.230/30" },
        ];
        expect(run([["192.168.1.200-192.168.1.209"]], [a()], others)).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.1.200-192.168.1.209 overlaps the pool of cluster prod in Pulumi.prod.yaml (192.168.1.205-192.168.1.220)",
        ]);
    });
});

describe("readOtherStackPools", () => {
    function projectWith(files: Record<string, string>): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-pools-"));
        for (const [name, text] of Object.entries(files)) {
            fs.writeFileSync(path.join(dir, name), text);
        }
        return dir;
    }

    it("reads every other stack file's cluster pools, in file order, skipping what is not a pool", () => {
        const dir = projectWith({
            "Pulumi.yaml": "name: homelab\nconfig:\n  homelab:clusters:\n    default: []\n",
            "Pulumi.test.yaml": "config:\n  homelab:clusters:\n    - name: own\n      loadBalancerPool: [192.168.1.10/32]\n",
            "Pulumi.prod.yaml": [
                "config:",
                "  homelab:clusters:",
                "    - name: prod",
                "      loadBalancerPool: [192.168.1.200-192.168.1.209, 7, 192.168.1.240/29]",
                "    - name: nopool",
                "    - name: notalist",
                "      loadBalancerPool: 192.168.1.1/32",
                "    - loadBalancerPool: [192.168.1.250/32]",
            ].join("\n"),
            "Pulumi.dev.yaml": "config:\n  homelab:clusters:\n    - name: dev\n      loadBalancerPool: [192.168.1.100-192.168.1.109]\n",
            "Pulumi.broken.yaml": "config: [\n",
            "Pulumi.noconfig.yaml": "encryptionsalt: x\n",
            "Pulumi.empty.yaml": "",
            "Pulumi.scalar.yaml": "config:\n  homelab:clusters: prod\n",
            "Pulumi.a.b.yaml": "config:\n  homelab:clusters:\n    - name: dotted\n      loadBalancerPool: [10.0.0.1/32]\n",
            "Pulumi.tools.yml": "config:\n  homelab:clusters:\n    - name: yml\n      loadBalancerPool: [10.0.0.2/32]\n",
            "old-Pulumi.qa.yaml": "config:\n  homelab:clusters:\n    - name: old\n      loadBalancerPool: [10.0.0.4/32]\n",
            "Pulumi.tools.yaml.bak": "config:\n  homelab:clusters:\n    - name: bak\n      loadBalancerPool: [10.0.0.3/32]\n",
        });
        expect(readOtherStackPools(dir, "test")).toEqual([
            { file: "Pulumi.dev.yaml", cluster: "dev", entry: "192.168.1.100-192.168.1.109" },
            { file: "Pulumi.prod.yaml", cluster: "prod", entry: "192.168.1.200-192.168.1.209" },
            { file: "Pulumi.prod.yaml", cluster: "prod", entry: "192.168.1.240/29" },
            { file: "Pulumi.prod.yaml", cluster: "undefined", entry: "192.168.1.250/32" },
        ]);
        expect(readOtherStackPools(dir, "prod").map((p) => p.cluster)).toEqual(["dev", "own"]);
    });

    it("reads nothing from a folder it cannot list", () => {
        expect(readOtherStackPools(path.join(os.tmpdir(), "homelab-pools-missing-folder"), "test")).toEqual([]);
    });
});
