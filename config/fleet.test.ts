import { buildFleet } from "./fleet";
import { ClusterConfig, PlatformConfig } from "./config";
import { ForeignPool } from "./pools";
import { VmDefinition } from "../components/hosts/vmDefinition";
import { bootDiskDevice } from "../components/hosts/guestDisk";
import { talosImage } from "../components/clusters/talos/image";
import { versions } from "../versions";
import { cluster, collect, platformConfig, vm } from "./testing/inputs";

/**
 * The cross-file checks of config/fleet.ts, called directly: each test gives the smallest fleet and
 * config that reach one check, and asserts the whole report (file, path and message) and, where it
 * matters, which VMs the stack owns. The messages are the ones the whole-program tests
 * (tests/validation.test.ts) see.
 */

function check(vms: readonly VmDefinition[], config: PlatformConfig, broken: ReadonlySet<string> = new Set(), otherPools: readonly ForeignPool[] = []) {
    const { result, problems } = collect((issues) => buildFleet(vms, config, issues, broken, otherPools));
    return { fleet: result, problems };
}

const problemsOf = (vms: readonly VmDefinition[], config: PlatformConfig = platformConfig()) => check(vms, config).problems;
const withClusters = (...clusters: ClusterConfig[]) => platformConfig({ clusters });
const ip = (last: number, extra = "") => `ip=192.168.1.${last}/24,gw=192.168.1.1${extra}`;

describe("buildFleet: uniqueness across vms/", () => {
    it("reports a second VM of the same name, in file order whatever the input order", () => {
        expect(problemsOf([vm("b", { name: "a", ipconfig0: ip(51) }), vm("a")])).toEqual(['vms/b.yaml: name: "a" is also the name of vms/a.yaml']);
    });

    it("reports a VM id used twice, and one a template holds", () => {
        expect(problemsOf([vm("a", { vmid: 150 }), vm("b", { vmid: 150, ipconfig0: ip(51) }), vm("c", { vmid: 9000, ipconfig0: ip(52) })])).toEqual([
            "vms/b.yaml: vmid: 150 is also the VM id of vms/a.yaml",
            "vms/c.yaml: vmid: 9000 is the VM id of template ubuntu-template",
        ]);
    });

    it("reports a template's id once per VM: the first VM as the template's, the second as the first's", () => {
        expect(problemsOf([vm("a", { vmid: 9000 }), vm("b", { vmid: 9000, ipconfig0: ip(51) })])).toEqual([
            "vms/a.yaml: vmid: 9000 is the VM id of template ubuntu-template",
            "vms/b.yaml: vmid: 9000 is also the VM id of vms/a.yaml",
        ]);
    });

    it("compares MAC addresses whatever their case, and VMs without one never collide", () => {
        expect(
            problemsOf([
                vm("a", { network: { bridge: "vmbr0", macaddr: "BC:24:11:00:00:01" } }),
                vm("b", { ipconfig0: ip(51), network: { bridge: "vmbr0", macaddr: "bc:24:11:00:00:01" } }),
                vm("c", { ipconfig0: ip(52) }),
                vm("d", { ipconfig0: ip(53) }),
            ]),
        ).toEqual(["vms/b.yaml: network.macaddr: BC:24:11:00:00:01 is also the MAC of vms/a.yaml"]);
    });

    it("reports every later duplicate against the first", () => {
        expect(problemsOf([vm("a"), vm("b"), vm("c")])).toEqual(["vms/b.yaml: ipconfig0: 192.168.1.50 is also the IP of vms/a.yaml", "vms/c.yaml: ipconfig0: 192.168.1.50 is also the IP of vms/a.yaml"]);
    });

    it("reports a static IPv4 address used twice; DHCP VMs never collide", () => {
        expect(problemsOf([vm("a"), vm("b"), vm("c", { ipconfig0: "ip=dhcp" }), vm("d", { ipconfig0: "ip=dhcp" }), vm("e", { ipconfig0: undefined })])).toEqual([
            "vms/b.yaml: ipconfig0: 192.168.1.50 is also the IP of vms/a.yaml",
        ]);
    });

    it("compares static IPv6 addresses in one spelling; dhcp and auto never collide", () => {
        expect(
            problemsOf([
                vm("a", { ipconfig0: ip(50, ",ip6=fd00::50/64") }),
                vm("b", { ipconfig0: ip(51, ",ip6=fd00:0:0:0::50/64") }),
                vm("c", { ipconfig0: ip(52, ",ip6=dhcp") }),
                vm("d", { ipconfig0: ip(53, ",ip6=dhcp") }),
                vm("e", { ipconfig0: ip(54, ",ip6=auto") }),
                vm("f", { ipconfig0: ip(55, ",ip6=auto") }),
            ]),
        ).toEqual(["vms/b.yaml: ipconfig0: fd00::50 is also the IP of vms/a.yaml"]);
    });
});

describe("buildFleet: placement of each VM", () => {
    it("names the known nodes, templates and networks, sorted, when a VM names another", () => {
        const config = platformConfig();
        const twoNodes = {
            ...config,
            proxmox: { ...config.proxmox, nodes: { node02: { name: "node02", address: "192.168.1.6", cores: 8, memoryMiB: 16384 }, node01: config.proxmox.nodes.node01 }, templates: { zeta: { vmId: 9001, node: "node01" }, alpha: { vmId: 9002, node: "node01" } } },
        };
        expect(problemsOf([vm("a", { target_node: "node09", clone: "other", network: { bridge: "vmbr9" }, ipconfig0: "ip=10.0.0.5/8,gw=10.0.0.254" })], twoNodes)).toEqual([
            "vms/a.yaml: target_node: node09 is not a Proxmox node in homelab:proxmox.nodes (known: node01, node02)",
            "vms/a.yaml: clone: other is not a template in homelab:proxmox.templates (known: alpha, zeta)",
            // An unknown network: nothing to check the address against.
            "vms/a.yaml: network.bridge: vmbr9 is not a network in homelab:networks (known: vmbr0)",
        ]);
    });

    it("says when none are configured", () => {
        const config = platformConfig();
        const empty = { ...config, proxmox: { ...config.proxmox, nodes: {}, templates: {} }, networks: {} };
        expect(problemsOf([vm("a", { clone: "ubuntu-template" })], empty)).toEqual([
            "vms/a.yaml: target_node: node01 is not a Proxmox node in homelab:proxmox.nodes (none are configured)",
            "vms/a.yaml: clone: ubuntu-template is not a template in homelab:proxmox.templates (none are configured)",
            "vms/a.yaml: network.bridge: vmbr0 is not a network in homelab:networks (none are configured)",
        ]);
    });

    it("accepts a VM that clones a known template", () => {
        expect(problemsOf([vm("a", { clone: "ubuntu-template" })])).toEqual([]);
    });

    it("checks nothing more for an address outside the network", () => {
        expect(problemsOf([vm("a", { ipconfig0: "ip=192.168.2.12/16,gw=192.168.2.1" })])).toEqual(["vms/a.yaml: ipconfig0: 192.168.2.12 is not inside 192.168.1.0/24"]);
    });

    it("reports the prefix, the gateway taken as an address, and a foreign gw= together", () => {
        expect(problemsOf([vm("a", { ipconfig0: "ip=192.168.1.1/16,gw=192.168.1.254" })])).toEqual([
            "vms/a.yaml: ipconfig0: /16 does not match the prefix of 192.168.1.0/24",
            "vms/a.yaml: ipconfig0: 192.168.1.1 is the gateway of 192.168.1.0/24",
            "vms/a.yaml: ipconfig0: gw=192.168.1.254 is not the gateway of 192.168.1.0/24 (192.168.1.1)",
        ]);
    });

    it("refuses the network and broadcast addresses", () => {
        expect(problemsOf([vm("a", { ipconfig0: "ip=192.168.1.0/24" }), vm("b", { ipconfig0: "ip=192.168.1.255/24" })])).toEqual([
            "vms/a.yaml: ipconfig0: 192.168.1.0 is the network or broadcast address of 192.168.1.0/24",
            "vms/b.yaml: ipconfig0: 192.168.1.255 is the network or broadcast address of 192.168.1.0/24",
        ]);
    });

    it("accepts a static address without gw= (it takes the network's) and a DHCP VM on any known network", () => {
        expect(problemsOf([vm("a", { ipconfig0: "ip=192.168.1.50/24" }), vm("b", { ipconfig0: "ip=dhcp" }), vm("c", { ipconfig0: "ip=192.168.1.254/24,gw=192.168.1.1" })])).toEqual([]);
    });
});

describe("buildFleet: capacity of each node", () => {
    const twoNodes = () => {
        const config = platformConfig();
        return { ...config, proxmox: { ...config.proxmox, nodes: { ...config.proxmox.nodes, node02: { name: "node02", address: "192.168.1.6", cores: 2, memoryMiB: 1024 } } } };
    };

    it("reports memory over the node's budget, by how much and per VM", () => {
        expect(problemsOf([vm("a", { memory: 12288 }), vm("b", { memory: 6144, ipconfig0: ip(51) })])).toEqual([
            "Pulumi.test.yaml: homelab:proxmox.nodes.node01.memoryMiB: VMs on node01 need 18432 MiB, 2048 MiB more than its 16384 MiB (a: 12288, b: 6144)",
        ]);
    });

    it("reports cores over the node's budget, counting sockets", () => {
        expect(problemsOf([vm("a", { cores: 4, sockets: 2 }), vm("b", { cores: 2, ipconfig0: ip(51) })])).toEqual([
            "Pulumi.test.yaml: homelab:proxmox.nodes.node01.cores: VMs on node01 need 10 cores, 2 more than its 8 (a: 4x2, b: 2x1)",
        ]);
    });

    it("accepts a node filled exactly, and counts each VM on its own node only", () => {
        expect(problemsOf([vm("a", { memory: 8192, cores: 2, sockets: 2 }), vm("b", { memory: 8192, cores: 4, ipconfig0: ip(51) }), vm("c", { target_node: "node02", memory: 1024, cores: 2, ipconfig0: ip(52) })], twoNodes())).toEqual([]);
    });
});

describe("buildFleet: networks and cluster CIDRs", () => {
    it("reports a gateway outside its network and a network overlapping an earlier one, once", () => {
        const config = platformConfig({
            networks: {
                vmbr0: { bridge: "vmbr0", cidr: "192.168.1.0/24", gateway: "192.168.1.1", dnsServers: [] },
                vmbr1: { bridge: "vmbr1", cidr: "192.168.0.0/16", gateway: "10.0.0.1", dnsServers: [] },
                vmbr2: { bridge: "vmbr2", cidr: "10.1.0.0/16", gateway: "10.1.0.1", dnsServers: [] },
            },
        });
        expect(problemsOf([], config)).toEqual([
            "Pulumi.test.yaml: homelab:networks.vmbr1.gateway: 10.0.0.1 is not inside 192.168.0.0/16",
            "Pulumi.test.yaml: homelab:networks.vmbr1.cidr: 192.168.0.0/16 overlaps vmbr0 (192.168.1.0/24)",
        ]);
    });

    it("reports a service network overlapping the pod network", () => {
        expect(problemsOf([vm("a")], withClusters(cluster(0, { name: "c1", controlPlanes: ["a"], podCidr: "10.0.0.0/8" })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].serviceCidr: 10.96.0.0/12 overlaps podCidr 10.0.0.0/8",
        ]);
    });

    it("reports pod and service networks overlapping a node network, in their normalised spelling", () => {
        expect(problemsOf([vm("a")], withClusters(cluster(0, { name: "c1", controlPlanes: ["a"], podCidr: "192.168.5.0/16" })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].podCidr: 192.168.0.0/16 overlaps the node network vmbr0 (192.168.1.0/24)",
        ]);
        expect(problemsOf([vm("a")], withClusters(cluster(0, { name: "c1", controlPlanes: ["a"], serviceCidr: "192.168.1.128/25" })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].serviceCidr: 192.168.1.128/25 overlaps the node network vmbr0 (192.168.1.0/24)",
        ]);
    });
});

describe("buildFleet: CIDRs with host bits", () => {
    it("reads every network and cluster CIDR by its network, as the config schema accepts them", () => {
        const config = platformConfig({
            networks: {
                vmbr0: { bridge: "vmbr0", cidr: "192.168.1.7/24", gateway: "192.168.1.1", dnsServers: [] },
                vmbr1: { bridge: "vmbr1", cidr: "10.0.0.5/24", gateway: "10.0.0.1", dnsServers: [] },
            },
            clusters: [cluster(0, { name: "t", distribution: "talos", controlPlanes: ["a", "b", "c"], vip: "192.168.1.100", podCidr: "10.244.0.9/16", serviceCidr: "10.96.0.1/12" })],
        });
        expect(problemsOf([vm("a", { ipconfig0: ip(51) }), vm("b", { ipconfig0: ip(52) }), vm("c", { ipconfig0: ip(53) })], config)).toEqual([]);
    });
});

describe("buildFleet: which VMs the stack owns", () => {
    it("claims control planes, workers, the load balancer and standalone VMs, in that order, with their roles", () => {
        const c = cluster(0, { name: "c1", distribution: "kubeadm", controlPlanes: ["cp1", "cp2", "cp3"], workers: ["w1"], loadBalancer: "lb" });
        const vms = [vm("cp1", { ipconfig0: ip(51) }), vm("cp2", { ipconfig0: ip(52) }), vm("cp3", { ipconfig0: ip(53) }), vm("w1", { ipconfig0: ip(54) }), vm("lb", { ipconfig0: ip(55) }), vm("s", { ipconfig0: "ip=dhcp" }), vm("unused", { ipconfig0: ip(56) })];
        const config = platformConfig({ clusters: [c], standaloneVms: ["s"] });
        const { fleet, problems } = check(vms, config);
        expect(problems).toEqual([]);
        expect(fleet.all.map((v) => v.file)).toEqual(["vms/cp1.yaml", "vms/cp2.yaml", "vms/cp3.yaml", "vms/lb.yaml", "vms/s.yaml", "vms/unused.yaml", "vms/w1.yaml"]);
        expect(fleet.owned.map(({ vm: v, membership }) => [v.name, membership.role, membership.cluster?.name])).toEqual([
            ["cp1", "control-plane", "c1"],
            ["cp2", "control-plane", "c1"],
            ["cp3", "control-plane", "c1"],
            ["w1", "worker", "c1"],
            ["lb", "load-balancer", "c1"],
            ["s", "standalone", undefined],
        ]);
        expect(fleet.owned[0].membership.cluster).toBe(c);
    });

    it("reports a VM that is not defined, in the configured folder, but not one whose file is already reported", () => {
        const config = platformConfig({ vmsDir: "machines", clusters: [cluster(0, { name: "c1", controlPlanes: ["a"], workers: ["z", "broken"] })], standaloneVms: ["y"] });
        const { fleet, problems } = check([vm("a")], config, new Set(["broken"]));
        expect(problems).toEqual([
            'Pulumi.test.yaml: homelab:clusters[0].workers[0]: VM "z" is not defined in machines/',
            'Pulumi.test.yaml: homelab:standaloneVms[0]: VM "y" is not defined in machines/',
        ]);
        expect(fleet.owned.map((o) => o.vm.name)).toEqual(["a"]);
    });

    it("reports a VM claimed twice, and owns it once", () => {
        const config = platformConfig({ clusters: [cluster(0, { name: "c1", controlPlanes: ["a"] }), cluster(1, { name: "c2", controlPlanes: ["b"], workers: ["a"] })], standaloneVms: ["b"] });
        const { fleet, problems } = check([vm("a"), vm("b", { ipconfig0: ip(51) })], config);
        expect(problems).toEqual([
            "Pulumi.test.yaml: homelab:clusters[1].workers[0]: a is already used at homelab:clusters[0].controlPlanes[0]",
            "Pulumi.test.yaml: homelab:standaloneVms[0]: b is already used at homelab:clusters[1].controlPlanes[0]",
        ]);
        expect(fleet.owned.map((o) => o.vm.name)).toEqual(["a", "b"]);
    });

    it("needs a static IPv4 address on every cluster node, not on standalone VMs", () => {
        const config = platformConfig({ clusters: [cluster(0, { name: "c1", controlPlanes: ["a"], workers: ["b"] })], standaloneVms: ["s"] });
        expect(problemsOf([vm("a", { ipconfig0: "ip=dhcp" }), vm("b", { ipconfig0: undefined }), vm("s", { ipconfig0: "ip=dhcp" })], config)).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].controlPlanes[0]: a needs a static IPv4 address in ipconfig0 to be a cluster node",
            "Pulumi.test.yaml: homelab:clusters[0].workers[0]: b needs a static IPv4 address in ipconfig0 to be a cluster node",
        ]);
    });

    it("needs a static IPv4 address on a kubeadm load balancer, reported in its file", () => {
        const c = (lb: string) => cluster(0, { name: "c1", distribution: "kubeadm", controlPlanes: ["a"], loadBalancer: lb });
        expect(problemsOf([vm("a"), vm("lb", { ipconfig0: "ip=dhcp" })], withClusters(c("lb")))).toEqual([
            'vms/lb.yaml: ipconfig0: lb is the load balancer of kubeadm cluster "c1" (homelab:clusters[0].loadBalancer), the control-plane endpoint, so it needs a static IPv4 address (ip=<address>/<prefix>), not ip=dhcp',
        ]);
        expect(problemsOf([vm("a"), vm("lb", { ipconfig0: undefined })], withClusters(c("lb")))).toEqual([
            'vms/lb.yaml: ipconfig0: lb is the load balancer of kubeadm cluster "c1" (homelab:clusters[0].loadBalancer), the control-plane endpoint, so it needs a static IPv4 address (ip=<address>/<prefix>), and ipconfig0 sets none',
        ]);
    });

    it("refuses users and clones on Talos nodes", () => {
        const config = withClusters(cluster(0, { name: "c1", distribution: "talos", controlPlanes: ["a"], workers: ["b"] }));
        expect(problemsOf([vm("a", { ciuser: "ops" }), vm("b", { clone: "ubuntu-template", ipconfig0: ip(51) })], config)).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].controlPlanes[0]: a is a Talos node: Talos has no users or SSH, so ciuser, sshkeys and cipassword in vms/a.yaml would be ignored; remove them",
            "Pulumi.test.yaml: homelab:clusters[0].workers[0]: b is a Talos node: it boots the Talos image, so clone in vms/b.yaml must be null",
        ]);
    });

    it("accepts users and clones on the nodes of other distributions", () => {
        const config = withClusters(cluster(0, { name: "c1", controlPlanes: ["a"], workers: ["b"] }));
        expect(problemsOf([vm("a", { ciuser: "ops" }), vm("b", { clone: "ubuntu-template", ipconfig0: ip(51) })], config)).toEqual([]);
    });

    it("needs a Talos node's boot disk to have a stable device name", () => {
        const disks = { scsi: { scsi0: { disk: { storage: "local-lvm", size: "20G" } } }, sata: { sata0: { disk: { storage: "local-lvm", size: "20G" } } } };
        const a = vm("a", { nested_disks: disks });
        const problem = (bootDiskDevice(a) as { problem: string }).problem;
        expect(problem).toMatch(/^scsi0 has no stable device name while sata0 is on another bus/);
        expect(problemsOf([a], withClusters(cluster(0, { name: "c1", distribution: "talos", controlPlanes: ["a"] })))).toEqual([
            `vms/a.yaml: nested_disks: a Talos node names its boot disk in its machine config, but ${problem}`,
        ]);
        // The same disks on another distribution name nothing.
        expect(problemsOf([a], withClusters(cluster(0, { name: "c1", controlPlanes: ["a"] })))).toEqual([]);
    });

    it("needs an odd number of control planes", () => {
        expect(problemsOf([vm("a"), vm("b", { ipconfig0: ip(51) })], withClusters(cluster(0, { name: "c1", controlPlanes: ["a", "b"] })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].controlPlanes: 2 control planes cannot keep etcd quorum through a failure; use an odd number",
        ]);
    });

    it("takes a load balancer only on kubeadm, and needs one there with several control planes", () => {
        const k3s = check([vm("a"), vm("lb", { ipconfig0: ip(51) })], withClusters(cluster(0, { name: "c1", controlPlanes: ["a"], loadBalancer: "lb" })));
        expect(k3s.problems).toEqual(["Pulumi.test.yaml: homelab:clusters[0].loadBalancer: only kubeadm clusters use an HAProxy VM; k3s does not"]);
        expect(k3s.fleet.owned.map((o) => o.vm.name)).toEqual(["a"]);
        const cps = [vm("a"), vm("b", { ipconfig0: ip(51) }), vm("c", { ipconfig0: ip(52) })];
        expect(problemsOf(cps, withClusters(cluster(0, { name: "c1", distribution: "kubeadm", controlPlanes: ["a", "b", "c"] })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancer: is required: kubeadm with 3 control planes needs an HAProxy VM in front of the API",
        ]);
        // One control plane is its own endpoint; so are several on K3s.
        expect(problemsOf(cps, withClusters(cluster(0, { name: "c1", distribution: "kubeadm", controlPlanes: ["a"] })))).toEqual([]);
        expect(problemsOf(cps, withClusters(cluster(0, { name: "c1", controlPlanes: ["a", "b", "c"] })))).toEqual([]);
    });

    it("reports a cluster name used again, against its first use", () => {
        const config = withClusters(cluster(0, { name: "c1", controlPlanes: ["a"] }), cluster(1, { name: "c1", controlPlanes: ["b"] }), cluster(2, { name: "c1", controlPlanes: ["c"] }));
        expect(problemsOf([vm("a"), vm("b", { ipconfig0: ip(51) }), vm("c", { ipconfig0: ip(52) })], config)).toEqual([
            'Pulumi.test.yaml: homelab:clusters[1].name: "c1" is also the name of homelab:clusters[0]',
            'Pulumi.test.yaml: homelab:clusters[2].name: "c1" is also the name of homelab:clusters[0]',
        ]);
    });
});

describe("buildFleet: kubeadm versions", () => {
    const pinned = Object.keys(versions.kubeadmPauseImage).join(", ");

    it("needs a pause image pinned for the cluster's Kubernetes minor, with or without the v", () => {
        const at = (version: string) => problemsOf([vm("a")], withClusters(cluster(0, { name: "c1", distribution: "kubeadm", controlPlanes: ["a"], version })));
        expect(at("v1.31.4")).toEqual([`Pulumi.test.yaml: homelab:clusters[0].version: v1.31.4: no pause image is pinned for Kubernetes 1.31 in versions.ts (pinned: ${pinned})`]);
        expect(at("1.30.0")).toEqual([`Pulumi.test.yaml: homelab:clusters[0].version: 1.30.0: no pause image is pinned for Kubernetes 1.30 in versions.ts (pinned: ${pinned})`]);
        expect(at("v1.34.1")).toEqual([]);
        expect(at("1.35.0")).toEqual([]);
        // Only a leading v is dropped: a v inside the version does not make it a pinned minor.
        expect(at("1.v34.1")).toEqual([`Pulumi.test.yaml: homelab:clusters[0].version: 1.v34.1: no pause image is pinned for Kubernetes 1.v34 in versions.ts (pinned: ${pinned})`]);
    });

    it("does not look at other distributions' versions", () => {
        expect(problemsOf([vm("a")], withClusters(cluster(0, { name: "c1", controlPlanes: ["a"], version: "v1.20.0+k3s1" })))).toEqual([]);
    });
});

describe("buildFleet: Talos VIPs", () => {
    const cps = () => [vm("a", { ipconfig0: ip(51) }), vm("b", { ipconfig0: ip(52) }), vm("c", { ipconfig0: ip(53) })];
    const talos = (fields: Partial<ClusterConfig> = {}, index = 0) => cluster(index, { name: `t${index}`, distribution: "talos", controlPlanes: ["a", "b", "c"], ...fields });

    it("needs a VIP for several Talos control planes, not for one", () => {
        expect(problemsOf(cps(), withClusters(talos()))).toEqual(["Pulumi.test.yaml: homelab:clusters[0].vip: is required: Talos with 3 control planes serves the API on a shared VIP in their network"]);
        expect(problemsOf(cps(), withClusters(talos({ controlPlanes: ["a"] })))).toEqual([]);
        expect(problemsOf(cps(), withClusters(talos({ vip: "192.168.1.100" })))).toEqual([]);
    });

    it("takes a VIP only on Talos", () => {
        expect(problemsOf(cps(), withClusters(cluster(0, { name: "k", distribution: "k3s", controlPlanes: ["a"], vip: "192.168.1.100" })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].vip: only Talos clusters share a VIP between control planes; k3s does not",
        ]);
        expect(problemsOf(cps(), withClusters(cluster(0, { name: "k", distribution: "kubeadm", controlPlanes: ["a"], vip: "192.168.1.100" })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].vip: only Talos clusters share a VIP between control planes; kubeadm does not (it uses loadBalancer)",
        ]);
    });

    it("needs the control planes on one network", () => {
        const config = platformConfig({
            clusters: [talos({ vip: "192.168.1.100" })],
            networks: { ...platformConfig().networks, vmbr1: { bridge: "vmbr1", cidr: "10.0.0.0/24", gateway: "10.0.0.1", dnsServers: [] } },
        });
        expect(problemsOf([vm("a", { ipconfig0: ip(51) }), vm("b", { network: { bridge: "vmbr1" }, ipconfig0: "ip=10.0.0.52/24,gw=10.0.0.1" }), vm("c", { ipconfig0: ip(53) })], config)).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].vip: the control planes are on vmbr0 and vmbr1; a VIP moves only within one network",
        ]);
    });

    it("places the VIP like an address: inside the network, not its gateway, network or broadcast address", () => {
        const at = (vip: string) => problemsOf(cps(), withClusters(talos({ vip })));
        expect(at("10.9.9.9")).toEqual(["Pulumi.test.yaml: homelab:clusters[0].vip: 10.9.9.9 is not inside 192.168.1.0/24, the network of the control planes"]);
        expect(at("192.168.1.1")).toEqual(["Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.1 is the gateway of 192.168.1.0/24"]);
        expect(at("192.168.1.255")).toEqual(["Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.255 is the network or broadcast address of 192.168.1.0/24"]);
        expect(at("192.168.1.0")).toEqual(["Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.0 is the network or broadcast address of 192.168.1.0/24"]);
    });

    it("refuses a VIP that is any VM's address, or another cluster's VIP", () => {
        expect(problemsOf([...cps(), vm("dhcp", { ipconfig0: "ip=dhcp" }), vm("none", { ipconfig0: undefined }), vm("other", { ipconfig0: ip(60) })], withClusters(talos({ vip: "192.168.1.60" })))).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.60 is also the IP of vms/other.yaml",
        ]);
        const two = withClusters(talos({ vip: "192.168.1.100" }), talos({ controlPlanes: ["d"], vip: "192.168.1.100" }, 1), talos({ controlPlanes: ["e"], vip: "192.168.1.100" }, 2));
        expect(problemsOf([...cps(), vm("d", { ipconfig0: ip(54) }), vm("e", { ipconfig0: ip(55) })], two)).toEqual([
            "Pulumi.test.yaml: homelab:clusters[1].vip: 192.168.1.100 is also the VIP of homelab:clusters[0]",
            "Pulumi.test.yaml: homelab:clusters[2].vip: 192.168.1.100 is also the VIP of homelab:clusters[0]",
        ]);
    });

    it("checks a VIP against VMs even when its control planes are not defined", () => {
        expect(problemsOf([vm("other", { ipconfig0: ip(60) })], withClusters(talos({ vip: "192.168.1.60" })), )).toEqual([
            'Pulumi.test.yaml: homelab:clusters[0].controlPlanes[0]: VM "a" is not defined in vms/',
            'Pulumi.test.yaml: homelab:clusters[0].controlPlanes[1]: VM "b" is not defined in vms/',
            'Pulumi.test.yaml: homelab:clusters[0].controlPlanes[2]: VM "c" is not defined in vms/',
            "Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.60 is also the IP of vms/other.yaml",
        ]);
    });
});

describe("buildFleet: image downloads", () => {
    const talosFile = (version: string) => `test-${talosImage(version).fileName}`;

    it("refuses two Talos versions on one node, and accepts them on two", () => {
        const config = platformConfig({
            clusters: [cluster(0, { name: "t1", distribution: "talos", controlPlanes: ["a"], workers: ["c"], version: "v1.11.5" }), cluster(1, { name: "t2", distribution: "talos", controlPlanes: ["b"], version: "v1.10.0" })],
        });
        expect(problemsOf([vm("a"), vm("b", { ipconfig0: ip(51) }), vm("c", { ipconfig0: ip(52) })], config)).toEqual([
            `Pulumi.test.yaml: homelab:clusters[1].version: b on node01 needs ${talosImage("v1.10.0").fileName}, but homelab:clusters[0].version already puts ${talosImage("v1.11.5").fileName} there, and a node holds one talos image per stack: use one version`,
        ]);
        const base = platformConfig();
        const twoNodes = { ...config, proxmox: { ...base.proxmox, nodes: { ...base.proxmox.nodes, node02: { name: "node02", address: "192.168.1.6", cores: 8, memoryMiB: 16384 } } } };
        expect(problemsOf([vm("a"), vm("b", { target_node: "node02", ipconfig0: ip(51) }), vm("c", { ipconfig0: ip(52) })], twoNodes)).toEqual([]);
    });

    it("refuses a cloud image file name that another image of the node already has", () => {
        const other = { url: "https://images.example.com/other.qcow2", fileName: talosImage(versions.distributions.talos).fileName };
        const config = platformConfig({ clusters: [cluster(0, { name: "t1", distribution: "talos", controlPlanes: ["a"] })], standaloneVms: ["s", "t"], cloudImage: other });
        expect(problemsOf([vm("a"), vm("s", { ipconfig0: ip(51) }), vm("t", { ipconfig0: ip(52), clone: "ubuntu-template" })], config)).toEqual([
            `Pulumi.test.yaml: homelab:cloudImage.fileName: local:import/${talosFile(versions.distributions.talos)} on node01 would hold both ${other.url} and ${talosImage(versions.distributions.talos).url} (homelab:clusters[0].version): give the images different file names`,
        ]);
        // The same image twice on a node is one download.
        expect(problemsOf([vm("s", { ipconfig0: ip(51) }), vm("t", { ipconfig0: ip(52) })], { ...config, clusters: [] })).toEqual([]);
    });

    it("names the image datastore in the file it reports", () => {
        const base = platformConfig();
        const other = { url: "https://images.example.com/other.qcow2", fileName: talosImage(versions.distributions.talos).fileName };
        const config = platformConfig({ proxmox: { ...base.proxmox, imageDatastore: "images" }, clusters: [cluster(0, { name: "t1", distribution: "talos", controlPlanes: ["a"] })], standaloneVms: ["s"], cloudImage: other });
        expect(problemsOf([vm("a"), vm("s", { ipconfig0: ip(51) })], config)).toEqual([
            `Pulumi.test.yaml: homelab:cloudImage.fileName: images:import/${talosFile(versions.distributions.talos)} on node01 would hold both ${other.url} and ${talosImage(versions.distributions.talos).url} (homelab:clusters[0].version): give the images different file names`,
        ]);
    });
});

describe("buildFleet: what each owned VM boots", () => {
    it("checks a Talos node's boot disk against the Talos image", () => {
        expect(problemsOf([vm("a", { nested_disks: { scsi: { scsi0: { disk: { storage: "local-lvm", size: "5G" } } } } })], withClusters(cluster(0, { name: "c1", distribution: "talos", controlPlanes: ["a"] })))).toEqual([
            'vms/a.yaml: nested_disks.scsi.scsi0.disk.size: 5G is too small: Talos needs a 10 GiB system disk at least (its EPHEMERAL partition holds images and containers) (a is a node of Talos cluster "c1"); use at least 10G',
        ]);
    });

    it("checks a VM that clones nothing against the pinned cloud image, CPU and disk", () => {
        expect(problemsOf([vm("s", { cpu_type: "qemu32", nested_disks: { virtio: { virtio0: { disk: { storage: "local-lvm", size: "2G" } } } }, boot: "order=virtio0" })], platformConfig({ standaloneVms: ["s"] }))).toEqual([
            "vms/s.yaml: cpu_type: qemu32 is a 32-bit CPU type, and the Ubuntu 24.04 cloud image is amd64 and boots only on a 64-bit CPU type (s clones no template, so it boots the cloud image pinned in versions.ts); use host or x86-64-v2-AES",
            "vms/s.yaml: nested_disks.virtio.virtio0.disk.size: 2G is smaller than the Ubuntu 24.04 cloud image it is imported from (3.5 GiB), and Proxmox cannot shrink a disk (s clones no template, so it boots the cloud image pinned in versions.ts); use at least 4G",
        ]);
    });

    it("does not check VMs that clone a template, boot another cloud image, or are not this stack's", () => {
        const small = { nested_disks: { scsi: { scsi0: { disk: { storage: "local-lvm", size: "2G" } } } } };
        expect(problemsOf([vm("s", { ...small, clone: "ubuntu-template" })], platformConfig({ standaloneVms: ["s"] }))).toEqual([]);
        expect(problemsOf([vm("s", small)], platformConfig({ standaloneVms: ["s"], cloudImage: { url: "https://images.example.com/debian.qcow2", fileName: "debian.qcow2" } }))).toEqual([]);
        expect(problemsOf([vm("s", small)], platformConfig())).toEqual([]);
    });

    it("names the boot disk by its slot when the definition carries no field path", () => {
        const parsed = vm("s", { nested_disks: { scsi: { scsi10: { disk: { storage: "local-lvm", size: "2G" } } } }, boot: "order=scsi10" });
        const bare: VmDefinition = { ...parsed, disks: parsed.disks.map((d) => ({ ...d, fieldPath: undefined })) };
        expect(problemsOf([bare], platformConfig({ standaloneVms: ["s"] }))).toEqual([
            "vms/s.yaml: nested_disks.scsi.scsi10.disk.size: 2G is smaller than the Ubuntu 24.04 cloud image it is imported from (3.5 GiB), and Proxmox cannot shrink a disk (s clones no template, so it boots the cloud image pinned in versions.ts); use at least 4G",
        ]);
    });
});

describe("buildFleet: MetalLB pools", () => {
    it("checks the pools against this fleet and the other stacks' pools it is given", () => {
        const config = withClusters(cluster(0, { name: "c1", controlPlanes: ["a"], loadBalancerPool: ["192.168.1.200-192.168.1.209"] }));
        expect(check([vm("a")], config, new Set(), [{ file: "Pulumi.prod.yaml", cluster: "prod", entry: "192.168.1.205/32" }]).problems).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.1.200-192.168.1.209 overlaps the pool of cluster prod in Pulumi.prod.yaml (192.168.1.205/32)",
        ]);
    });
});
