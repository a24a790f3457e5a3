import { baseConfig, makeProject, withoutPlatform, platformFields, registeredExceptStack, reportLines, runStack, TOKEN, vmYaml } from "./helpers";

/**
 * Bad input of every kind goes through the whole program under the mock monitor.
 * Each case asserts the exact report (all problems at once, file and field path first)
 * and that nothing but the root stack was registered.
 */

const A = "vm-a";
const B = "vm-b";
const ipB = '"ip=192.168.1.51/24,gw=192.168.1.1"';

function baseFiles(): Record<string, string> {
    return { "vm-a.yaml": vmYaml(A), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB }) };
}

function clusterConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...baseConfig(), clusters: [{ name: "c1", role: "workload", distribution: "k3s", controlPlanes: [A], workers: [B], ...platformFields(0), ...extra }] };
}

interface Case {
    readonly title: string;
    readonly files?: Record<string, string>;
    readonly config?: Record<string, unknown>;
    readonly secretKeys?: string[];
    readonly extraConfig?: Record<string, string>;
    readonly expected: string[];
}

const cases: Case[] = [
    {
        title: "malformed YAML, with its line",
        files: { ...baseFiles(), "vm-c.yaml": "name: vm-c\ntarget_node: node03\n  cores: 2\n" },
        expected: ["vms/vm-c.yaml: line 3: bad indentation of a mapping entry"],
    },
    {
        title: "a duplicated key in YAML",
        files: { ...baseFiles(), "vm-c.yaml": vmYaml("vm-c", { ipconfig0: '"ip=192.168.1.52/24"' }) + "cores: 4\n" },
        expected: ["vms/vm-c.yaml: line 25: duplicated mapping key"],
    },
    {
        title: "an empty file",
        files: { ...baseFiles(), "empty.yaml": "\n" },
        expected: ["vms/empty.yaml: the file is empty"],
    },
    {
        title: "an unknown field, with a suggestion",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, corse: "2" }) },
        expected: ['vms/vm-b.yaml: corse: unknown field (did you mean "cores"?)'],
    },
    {
        title: "a mistyped field",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, cores: '"eight"' }) },
        expected: ['vms/vm-b.yaml: cores: must be an integer, got string "eight"'],
    },
    {
        title: "a missing required field",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, target_node: "" }) },
        expected: ["vms/vm-b.yaml: target_node: is required"],
    },
    {
        title: "a value outside its enum",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, vm_state: "paused" }) },
        expected: ['vms/vm-b.yaml: vm_state: must be one of running, stopped, got "paused"'],
    },
    {
        title: "a bad disk size",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB }).replace("size: 20G", "size: 20GB") },
        expected: ['vms/vm-b.yaml: nested_disks.scsi.scsi0.disk.size: "20GB" is not a size in G or T, like 30G'],
    },
    {
        title: "a bad address in ipconfig0",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.300/24,gw=192.168.1.1"' }) },
        expected: ["vms/vm-b.yaml: ipconfig0: ip=192.168.1.300/24 is not an IPv4 address with a prefix (like 192.168.1.12/24) or dhcp"],
    },
    {
        title: "an unknown part in ipconfig0",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.51/24,gateway=192.168.1.1"' }) },
        expected: ['vms/vm-b.yaml: ipconfig0: "gateway=192.168.1.1" is not one of ip=, gw=, ip6=, gw6='],
    },
    {
        title: "duplicate VM names",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(A, { ipconfig0: ipB }) },
        config: { ...baseConfig(), standaloneVms: [A] },
        expected: ['vms/vm-b.yaml: name: "vm-a" is also the name of vms/vm-a.yaml'],
    },
    {
        title: "duplicate VM ids",
        files: { "vm-a.yaml": vmYaml(A, { vmid: "150" }), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, vmid: "150" }) },
        expected: ["vms/vm-b.yaml: vmid: 150 is also the VM id of vms/vm-a.yaml"],
    },
    {
        title: "a VM id taken by a template",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, vmid: "9000" }) },
        expected: ["vms/vm-b.yaml: vmid: 9000 is the VM id of template ubuntu24-template"],
    },
    {
        title: "duplicate MAC addresses, whatever their case",
        files: {
            "vm-a.yaml": vmYaml(A, { network: "\n  bridge: vmbr0\n  macaddr: BC:24:11:00:00:01" }),
            "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, network: "\n  bridge: vmbr0\n  macaddr: bc:24:11:00:00:01" }),
        },
        expected: ["vms/vm-b.yaml: network.macaddr: BC:24:11:00:00:01 is also the MAC of vms/vm-a.yaml"],
    },
    {
        title: "duplicate IP addresses",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B) },
        expected: ["vms/vm-b.yaml: ipconfig0: 192.168.1.50 is also the IP of vms/vm-a.yaml"],
    },
    {
        title: "duplicate IPv6 addresses, however they are spelt",
        files: {
            "vm-a.yaml": vmYaml(A, { ipconfig0: '"ip=192.168.1.50/24,gw=192.168.1.1,ip6=fd00::50/64"' }),
            "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.51/24,gw=192.168.1.1,ip6=fd00:0:0:0::50/64"' }),
        },
        expected: ["vms/vm-b.yaml: ipconfig0: fd00::50 is also the IP of vms/vm-a.yaml"],
    },
    {
        title: "an IPv4 gateway given for IPv6",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.51/24,ip6=fd00::51/64,gw6=192.168.1.1"' }) },
        expected: ["vms/vm-b.yaml: ipconfig0: gw6=192.168.1.1 is not an IPv6 address"],
    },
    {
        title: "an IP outside its subnet",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.2.12/24,gw=192.168.1.1"' }) },
        expected: ["vms/vm-b.yaml: ipconfig0: 192.168.2.12 is not inside 192.168.1.0/24"],
    },
    {
        title: "an IP equal to the gateway",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.1/24,gw=192.168.1.1"' }) },
        expected: ["vms/vm-b.yaml: ipconfig0: 192.168.1.1 is the gateway of 192.168.1.0/24"],
    },
    {
        title: "the broadcast address",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.255/24"' }) },
        expected: ["vms/vm-b.yaml: ipconfig0: 192.168.1.255 is the network or broadcast address of 192.168.1.0/24"],
    },
    {
        title: "a gateway that is not the network's",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.51/24,gw=192.168.1.254"' }) },
        expected: ["vms/vm-b.yaml: ipconfig0: gw=192.168.1.254 is not the gateway of 192.168.1.0/24 (192.168.1.1)"],
    },
    {
        title: "a prefix that does not match the network",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=192.168.1.51/16,gw=192.168.1.1"' }) },
        expected: ["vms/vm-b.yaml: ipconfig0: /16 does not match the prefix of 192.168.1.0/24"],
    },
    {
        title: "an unknown Proxmox node",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, target_node: "node09" }) },
        expected: ["vms/vm-b.yaml: target_node: node09 is not a Proxmox node in homelab:proxmox.nodes (known: node01, node02, node03)"],
    },
    {
        title: "an unknown template",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, clone: "ubuntu22-template" }) },
        expected: ["vms/vm-b.yaml: clone: ubuntu22-template is not a template in homelab:proxmox.templates (known: ubuntu24-template)"],
    },
    {
        title: "an unknown bridge",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, network: "\n  bridge: vmbr9" }) },
        expected: ["vms/vm-b.yaml: network.bridge: vmbr9 is not a network in homelab:networks (known: vmbr0)"],
    },
    {
        title: "a node over its memory, by how much",
        files: { ...baseFiles(), "vm-a.yaml": vmYaml(A, { target_node: "node01", memory: "12288" }), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, target_node: "node01", memory: "6144" }) },
        expected: ["Pulumi.test.yaml: homelab:proxmox.nodes.node01.memoryMiB: VMs on node01 need 18432 MiB, 2048 MiB more than its 16384 MiB (vm-a: 12288, vm-b: 6144)"],
    },
    {
        title: "a node over its cores, by how much",
        files: { ...baseFiles(), "vm-a.yaml": vmYaml(A, { target_node: "node02", cores: "4", sockets: "2" }), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, target_node: "node02", cores: "2" }) },
        expected: ["Pulumi.test.yaml: homelab:proxmox.nodes.node02.cores: VMs on node02 need 10 cores, 2 more than its 8 (vm-a: 4x2, vm-b: 2x1)"],
    },
    {
        title: "a cluster naming a missing VM",
        config: clusterConfig({ workers: [B, "vm-z"] }),
        expected: ['Pulumi.test.yaml: homelab:clusters[0].workers[1]: VM "vm-z" is not defined in vms/'],
    },
    {
        title: "a VM in two clusters",
        config: {
            ...baseConfig(),
            clusters: [
                { name: "c1", role: "workload", distribution: "k3s", controlPlanes: [A], ...platformFields(0) },
                { name: "c2", role: "tools", distribution: "k3s", controlPlanes: [B], workers: [A], ...platformFields(1) },
            ],
        },
        expected: ["Pulumi.test.yaml: homelab:clusters[1].workers[0]: vm-a is already used at homelab:clusters[0].controlPlanes[0]"],
    },
    {
        title: "a plaintext secret in the stack file",
        config: clusterConfig(),
        secretKeys: [],
        expected: [
            "Pulumi.test.yaml: homelab:proxmoxApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:proxmoxApiToken <value>`",
            "Pulumi.test.yaml: homelab:cloudflareApiToken: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:cloudflareApiToken <value>`",
            "Pulumi.test.yaml: homelab:veleroAccessKeyId: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:veleroAccessKeyId <value>`",
            "Pulumi.test.yaml: homelab:veleroSecretAccessKey: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:veleroSecretAccessKey <value>`",
        ],
    },
    {
        title: "missing required config",
        config: (() => {
            const c = clusterConfig();
            delete c.networks;
            delete c.proxmoxApiToken;
            return c;
        })(),
        expected: [
            "Pulumi.test.yaml: homelab:proxmoxApiToken: is required; set it with `pulumi config set --secret homelab:proxmoxApiToken <value>`",
            "Pulumi.test.yaml: homelab:networks: is required",
        ],
    },
    {
        title: "an unknown config key, with a suggestion",
        config: { ...clusterConfig(), protectVm: true },
        expected: ['Pulumi.test.yaml: homelab:protectVm: unknown config key (did you mean "homelab:protectVms"?)'],
    },
    {
        title: "provider config the program would ignore",
        config: clusterConfig(),
        extraConfig: { "proxmoxve:endpoint": "https://pve:8006/" },
        expected: ["Pulumi.test.yaml: proxmoxve:endpoint: is not read: the Proxmox provider is configured from homelab:proxmox and homelab:proxmoxApiToken"],
    },
    {
        title: "mistyped structured config",
        config: { ...clusterConfig(), proxmox: { ...(baseConfig().proxmox as object), nodes: { node01: { address: "192.168.1.5", cores: "8", memoryMiB: 16384 } } } },
        expected: ['Pulumi.test.yaml: homelab:proxmox.nodes.node01.cores: must be an integer, got string "8"'],
    },
    {
        title: "a gateway shaped like an IPv4 address that is not one",
        config: { ...baseConfig(), standaloneVms: [A, B], networks: { vmbr0: { cidr: "192.168.1.0/24", gateway: "192.168.1.300" } } },
        expected: ['Pulumi.test.yaml: homelab:networks.vmbr0.gateway: "192.168.1.300" is not an IPv4 address'],
    },
    {
        title: "a pod CIDR shaped like one that is not",
        config: clusterConfig({ podCidr: "10.300.0.0/16" }),
        expected: ['Pulumi.test.yaml: homelab:clusters[0].podCidr: "10.300.0.0/16" is not a CIDR'],
    },
    {
        title: "overlapping pod and service CIDRs",
        config: clusterConfig({ podCidr: "10.42.0.0/16", serviceCidr: "10.42.128.0/17" }),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].serviceCidr: 10.42.128.0/17 overlaps podCidr 10.42.0.0/16"],
    },
    {
        title: "a pod CIDR overlapping the node network",
        config: clusterConfig({ podCidr: "192.168.0.0/16" }),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].podCidr: 192.168.0.0/16 overlaps the node network vmbr0 (192.168.1.0/24)"],
    },
    {
        title: "an even number of control planes",
        config: clusterConfig({ controlPlanes: [A, B], workers: [] }),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].controlPlanes: 2 control planes cannot keep etcd quorum through a failure; use an odd number"],
    },
    {
        title: "kubeadm HA without a load balancer",
        files: { ...baseFiles(), "vm-c.yaml": vmYaml("vm-c", { ipconfig0: '"ip=192.168.1.52/24"' }) },
        config: clusterConfig({ distribution: "kubeadm", controlPlanes: [A, B, "vm-c"], workers: [] }),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].loadBalancer: is required: kubeadm with 3 control planes needs an HAProxy VM in front of the API"],
    },
    {
        title: "a load balancer on a distribution that has none",
        files: { ...baseFiles(), "vm-c.yaml": vmYaml("vm-c", { ipconfig0: '"ip=192.168.1.52/24"' }) },
        config: clusterConfig({ loadBalancer: "vm-c" }),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].loadBalancer: only kubeadm clusters use an HAProxy VM; k3s does not"],
    },
    {
        title: "a cluster node without a static IP",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=dhcp"' }) },
        config: clusterConfig(),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].workers[0]: vm-b needs a static IPv4 address in ipconfig0 to be a cluster node"],
    },
    {
        title: "duplicate cluster names",
        config: {
            ...baseConfig(),
            clusters: [
                { name: "c1", role: "workload", distribution: "k3s", controlPlanes: [A], ...platformFields(0) },
                { name: "c1", role: "tools", distribution: "k3s", controlPlanes: [B], ...platformFields(1) },
            ],
        },
        expected: ['Pulumi.test.yaml: homelab:clusters[1].name: "c1" is also the name of homelab:clusters[0]'],
    },
    {
        title: "a boot device the VM does not have",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, boot: "order=virtio0" }) },
        expected: ["vms/vm-b.yaml: boot: boots from virtio0, which the VM does not have"],
    },
    {
        title: "a slot holding two kinds of drive",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB }).replace("      cloudinit:\n        storage: local-lvm", "      cloudinit:\n        storage: local-lvm\n      cdrom: {}") },
        expected: ["vms/vm-b.yaml: nested_disks.ide.ide1: must hold exactly one of disk, passthrough, cloudinit, cdrom; found cloudinit, cdrom"],
    },
    {
        title: "an older disks list that disagrees with nested_disks",
        files: { ...baseFiles(), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, disks: "\n  - slot: scsi0\n    type: disk\n    size: 50G\n    storage: local-lvm" }) },
        expected: ["vms/vm-b.yaml: disks[0].size: 50G disagrees with nested_disks.scsi.scsi0.disk.size (20G)"],
    },
    {
        title: "a cloud-init user on a Talos node, which Talos would ignore",
        config: clusterConfig({ distribution: "talos", workers: [] }),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].controlPlanes[0]: vm-a is a Talos node: Talos has no users or SSH, so ciuser, sshkeys and cipassword in vms/vm-a.yaml would be ignored; remove them"],
    },
    {
        title: "a template clone on a Talos node",
        files: { ...baseFiles(), "vm-a.yaml": vmYaml(A, { ciuser: "", sshkeys: "", clone: "ubuntu24-template" }) },
        config: clusterConfig({ distribution: "talos", workers: [] }),
        expected: ["Pulumi.test.yaml: homelab:clusters[0].controlPlanes[0]: vm-a is a Talos node: it boots the Talos image, so clone in vms/vm-a.yaml must be null"],
    },
    {
        title: "a stack VM list naming a missing VM",
        config: { ...baseConfig(), standaloneVms: ["vm-q"] },
        expected: ['Pulumi.test.yaml: homelab:standaloneVms[0]: VM "vm-q" is not defined in vms/'],
    },
];

describe("bad input is reported, path-addressed, before anything is registered", () => {
    it.each(cases)("$title", async (c) => {
        const run = await runStack({
            config: c.config ?? { ...baseConfig(), standaloneVms: [A, B] },
            secretKeys: c.secretKeys,
            extraConfig: c.extraConfig,
            projectDir: makeProject(c.files ?? baseFiles()),
        });
        expect(reportLines(run)).toEqual(c.expected);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("covers at least 25 distinct cases", () => {
        expect(new Set(cases.map((c) => c.expected.join("\n"))).size).toBeGreaterThanOrEqual(25);
    });

    it("reports every problem at once, across files and config, in a stable order", async () => {
        const run = await runStack({
            config: { ...clusterConfig({ workers: ["vm-z"] }), protectVm: true },
            projectDir: makeProject({
                "vm-a.yaml": vmYaml(A, { target_node: "node09" }),
                "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=10.0.0.5/24"', corse: "1" }),
                "vm-c.yaml": "name: [",
            }),
        });
        expect(run.error?.message.split("\n")[0]).toBe("invalid platform definition: 3 problems found, nothing was created:");
        expect(reportLines(run)).toEqual([
            'Pulumi.test.yaml: homelab:protectVm: unknown config key (did you mean "homelab:protectVms"?)',
            'vms/vm-b.yaml: corse: unknown field (did you mean "cores"?)',
            "vms/vm-c.yaml: line 1: unexpected end of the stream within a flow collection",
        ]);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("continues past config errors to report every VM file problem too", async () => {
        const run = await runStack({
            config: { ...clusterConfig({ workers: ["vm-z"] }) },
            projectDir: makeProject({
                "vm-a.yaml": vmYaml(A, { target_node: "node09" }),
                "vm-b.yaml": vmYaml(B, { ipconfig0: '"ip=10.0.0.5/24"' }),
            }),
        });
        expect(reportLines(run)).toEqual([
            "vms/vm-a.yaml: target_node: node09 is not a Proxmox node in homelab:proxmox.nodes (known: node01, node02, node03)",
            "vms/vm-b.yaml: ipconfig0: 10.0.0.5 is not inside 192.168.1.0/24",
            'Pulumi.test.yaml: homelab:clusters[0].workers[0]: VM "vm-z" is not defined in vms/',
        ]);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("accepts the base fleet these cases break, so each failure is the mutation's", async () => {
        const run = await runStack({ config: clusterConfig(), projectDir: makeProject(baseFiles()) });
        expect(run.error).toBeUndefined();
        // provider, image library and its image, host fleet; the K3s cluster: component, 5 CAs (3 each),
        // service-account key, token, admin certificate (4), readiness, k8s provider, and its two VMs (3 each);
        // the platform layer on top is tested in tests/platform.test.ts.
        expect(withoutPlatform(run.resources).filter((r) => r.type !== "pulumi:pulumi:Stack")).toHaveLength(4 + 1 + 15 + 1 + 1 + 4 + 1 + 1 + 6);
        expect(TOKEN).toMatch(/^root@pam!/);
    });
});
