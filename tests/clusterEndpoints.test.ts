import { baseConfig, makeProject, registeredExceptStack, reportLines, runStack, vmYaml } from "./helpers";

/**
 * What the generated cluster artefacts need from the input, checked before anything is registered:
 * a Talos VIP placed like a VM address, a Talos boot disk with a stable device name, and a kubeadm
 * version whose pause image is pinned. Each case asserts the exact report and an empty registry.
 */

const talosVm = (name: string, ip: string, disks = "\n  virtio:\n    virtio0:\n      disk:\n        storage: local-lvm\n        size: 20G", boot = "order=virtio0") =>
    vmYaml(name, { ciuser: "", sshkeys: "", boot, ipconfig0: `"ip=${ip}/24,gw=192.168.1.1"`, nested_disks: disks });

const FILES = {
    "cp-1.yaml": talosVm("cp-1", "192.168.1.41"),
    "cp-2.yaml": talosVm("cp-2", "192.168.1.42"),
    "cp-3.yaml": talosVm("cp-3", "192.168.1.43"),
    "vm-a.yaml": vmYaml("vm-a"),
};

function talos(extra: Record<string, unknown> = {}, name = "lab", controlPlanes = ["cp-1", "cp-2", "cp-3"]): Record<string, unknown> {
    return { name, role: "workload", distribution: "talos", controlPlanes, ...extra };
}

interface Case {
    readonly title: string;
    readonly clusters: Record<string, unknown>[];
    readonly files?: Record<string, string>;
    readonly expected: string[];
}

const cases: Case[] = [
    {
        title: "several Talos control planes without a VIP",
        clusters: [talos()],
        expected: ["Pulumi.test.yaml: homelab:clusters[0].vip: is required: Talos with 3 control planes serves the API on a shared VIP in their network"],
    },
    {
        title: "a VIP outside the control planes' network",
        clusters: [talos({ vip: "192.168.2.40" })],
        expected: ["Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.2.40 is not inside 192.168.1.0/24, the network of the control planes"],
    },
    {
        title: "a VIP on the gateway",
        clusters: [talos({ vip: "192.168.1.1" })],
        expected: ["Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.1 is the gateway of 192.168.1.0/24"],
    },
    {
        title: "a VIP on the broadcast address",
        clusters: [talos({ vip: "192.168.1.255" })],
        expected: ["Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.255 is the network or broadcast address of 192.168.1.0/24"],
    },
    {
        title: "a VIP that is a VM's address",
        clusters: [talos({ vip: "192.168.1.50" })],
        expected: ["Pulumi.test.yaml: homelab:clusters[0].vip: 192.168.1.50 is also the IP of vms/vm-a.yaml"],
    },
    {
        title: "a VIP that is not an IPv4 address",
        clusters: [talos({ vip: "192.168.1.300" })],
        expected: ['Pulumi.test.yaml: homelab:clusters[0].vip: "192.168.1.300" is not an IPv4 address'],
    },
    {
        title: "two clusters sharing one VIP",
        clusters: [talos({ vip: "192.168.1.40" }), talos({ vip: "192.168.1.40" }, "lab2", ["vm-b"])],
        files: { ...FILES, "vm-b.yaml": talosVm("vm-b", "192.168.1.51") },
        expected: ["Pulumi.test.yaml: homelab:clusters[1].vip: 192.168.1.40 is also the VIP of homelab:clusters[0]"],
    },
    {
        title: "a VIP on a kubeadm cluster, which uses a load balancer",
        clusters: [{ name: "prod", role: "workload", distribution: "kubeadm", controlPlanes: ["vm-a"], vip: "192.168.1.40" }],
        expected: ["Pulumi.test.yaml: homelab:clusters[0].vip: only Talos clusters share a VIP between control planes; kubeadm does not (it uses loadBalancer)"],
    },
    {
        title: "a Talos boot disk whose device name depends on driver probe order",
        clusters: [talos({}, "lab", ["cp-1"])],
        files: {
            ...FILES,
            "cp-1.yaml": talosVm("cp-1", "192.168.1.41", "\n  scsi:\n    scsi0:\n      disk:\n        storage: local-lvm\n        size: 20G\n  sata:\n    sata0:\n      disk:\n        storage: local-lvm\n        size: 100G", "order=scsi0"),
        },
        expected: [
            "vms/cp-1.yaml: nested_disks: a Talos node names its boot disk in its machine config, but scsi0 has no stable device name while sata0 is on another bus: Linux names SCSI, SATA and IDE disks alike (/dev/sdX) in the order their controllers are probed; keep the disks on one of those buses, or on virtio",
        ],
    },
    {
        title: "a kubeadm version whose pause image is not pinned",
        clusters: [{ name: "prod", role: "workload", distribution: "kubeadm", version: "v1.29.4", controlPlanes: ["vm-a"] }],
        expected: ["Pulumi.test.yaml: homelab:clusters[0].version: v1.29.4: no pause image is pinned for Kubernetes 1.29 in versions.ts (pinned: 1.32, 1.33, 1.34, 1.35)"],
    },
];

describe("cluster endpoints, boot disks and versions are checked before anything is registered", () => {
    it.each(cases)("$title", async (c) => {
        const run = await runStack({ config: { ...baseConfig(), clusters: c.clusters }, projectDir: makeProject(c.files ?? FILES) });
        expect(reportLines(run)).toEqual(c.expected);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("accepts a VIP inside the network that nobody else uses", async () => {
        const run = await runStack({ config: { ...baseConfig(), clusters: [talos({ vip: "192.168.1.40" })] }, projectDir: makeProject(FILES) });
        expect(run.error).toBeUndefined();
    });
});
