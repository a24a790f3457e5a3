import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { preparePlatform } from "../program";
import { ProgramRun, runProgram } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import * as yaml from "js-yaml";
import { baseConfig, byName, makeProject, platformFields, PROJECT_DIR, registeredExceptStack, reportLines, runStack, snippetOf, vmYaml } from "./helpers";
import { realisticMocks } from "./mocks";

/**
 * What Proxmox, the provider and the guests refuse (components/hosts/hardware.ts), through the whole
 * program: each bad input is reported with its file and field, and nothing is registered; each limit's
 * last good value goes through to the VM's arguments.
 */

const A = "vm-a";
const B = "vm-b";
const ipB = '"ip=192.168.1.51/24,gw=192.168.1.1"';
const VM_TYPE = "proxmoxve:index/vmLegacy:VmLegacy";

/** nested_disks in YAML: the boot disk on scsi0 (20G unless given) plus the given slots. */
function disks(slots: Record<string, string>, bootSize = "20G"): string {
    const byBus = new Map<string, string[]>([["scsi", [`    scsi0:\n      disk:\n        storage: local-lvm\n        size: ${bootSize}`]]]);
    for (const [slot, content] of Object.entries(slots)) {
        const bus = slot.replace(/\d+$/, "");
        byBus.set(bus, [...(byBus.get(bus) ?? []), `    ${slot}:\n${content}`]);
    }
    return "\n" + [...byBus].map(([bus, entries]) => `  ${bus}:\n${entries.join("\n")}`).join("\n");
}
const disk = "      disk:\n        storage: local-lvm\n        size: 10G";
const cloudinit = "      cloudinit:\n        storage: local-lvm";
const cdrom = "      cdrom:\n        iso: local:iso/tools.iso";

function filesWithB(overrides: Record<string, string>): Record<string, string> {
    return { "vm-a.yaml": vmYaml(A), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB, ...overrides }) };
}

function talosConfig(): Record<string, unknown> {
    return { ...baseConfig(), clusters: [{ name: "c1", role: "workload", distribution: "talos", controlPlanes: [A], workers: [], ...platformFields(0) }] };
}
const talosNode = (overrides: Record<string, string>) => ({ "vm-a.yaml": vmYaml(A, { ciuser: "", sshkeys: "", ...overrides }), "vm-b.yaml": vmYaml(B, { ipconfig0: ipB }) });

function kubeadmConfig(): Record<string, unknown> {
    return { ...baseConfig(), clusters: [{ name: "c1", role: "workload", distribution: "kubeadm", controlPlanes: [A], workers: [], loadBalancer: "lb", ...platformFields(0) }] };
}

interface Case {
    readonly title: string;
    readonly files: Record<string, string>;
    readonly config?: Record<string, unknown>;
    readonly expected: string[];
}

const rejected: Case[] = [
    // Slots on each bus.
    { title: "a disk on ide4", files: filesWithB({ nested_disks: disks({ ide4: disk }) }), expected: ['vms/vm-b.yaml: nested_disks.ide.ide4: "ide4" is not an IDE slot (Proxmox has ide0–ide3)'] },
    { title: "a cloud-init drive on sata6", files: filesWithB({ nested_disks: disks({ sata6: cloudinit }) }), expected: ['vms/vm-b.yaml: nested_disks.sata.sata6: "sata6" is not a SATA slot (Proxmox has sata0–sata5)'] },
    { title: "a disk on virtio16", files: filesWithB({ nested_disks: disks({ virtio16: disk, ide1: cloudinit }) }), expected: ['vms/vm-b.yaml: nested_disks.virtio.virtio16: "virtio16" is not a VirtIO Block slot (Proxmox has virtio0–virtio15)'] },
    { title: "a disk on scsi31", files: filesWithB({ nested_disks: disks({ scsi31: disk }) }), expected: ['vms/vm-b.yaml: nested_disks.scsi.scsi31: "scsi31" is not a SCSI slot (Proxmox has scsi0–scsi30)'] },
    {
        title: "a slot beyond its bus in the older disks list",
        files: filesWithB({ nested_disks: "", disks: "\n  - slot: scsi0\n    type: disk\n    size: 20G\n    storage: local-lvm\n  - slot: ide4\n    type: cdrom\n    cloudinit: true\n    storage: local-lvm" }),
        expected: ['vms/vm-b.yaml: disks[1].slot: "ide4" is not an IDE slot (Proxmox has ide0–ide3)'],
    },
    // Which buses carry which device.
    { title: "a cdrom on virtio", files: filesWithB({ nested_disks: disks({ virtio0: cdrom, ide1: cloudinit }) }), expected: ["vms/vm-b.yaml: nested_disks.virtio.virtio0: virtio0 cannot hold a cdrom: Proxmox refuses media=cdrom on VirtIO Block; use ide0–ide3, sata0–sata5 or scsi0–scsi13"] },
    { title: "a cloud-init drive on virtio", files: filesWithB({ nested_disks: disks({ virtio1: cloudinit }) }), expected: ["vms/vm-b.yaml: nested_disks.virtio.virtio1: virtio1 cannot hold the cloud-init drive: Proxmox attaches it as a CD-ROM, which VirtIO Block cannot be; use ide0–ide3, sata0–sata5 or scsi0–scsi30"] },
    { title: "a cdrom on scsi14, which the provider refuses", files: filesWithB({ nested_disks: disks({ scsi14: cdrom, ide1: cloudinit }) }), expected: ["vms/vm-b.yaml: nested_disks.scsi.scsi14: scsi14 cannot hold a cdrom: the Proxmox provider accepts it on ide0–ide3, sata0–sata5 or scsi0–scsi13 only"] },
    // Two devices on one slot.
    {
        title: "a cdrom and the cloud-init drive on one slot in the older disks list",
        files: filesWithB({ nested_disks: "", disks: "\n  - slot: scsi0\n    type: disk\n    size: 20G\n    storage: local-lvm\n  - slot: ide2\n    type: cdrom\n    iso: local:iso/tools.iso\n  - slot: ide2\n    type: cdrom\n    cloudinit: true\n    storage: local-lvm" }),
        expected: ["vms/vm-b.yaml: disks[2].slot: ide2 already holds a cdrom (disks[1]); a slot holds one drive"],
    },
    // MAC addresses.
    { title: "a multicast MAC", files: filesWithB({ network: "\n  bridge: vmbr0\n  macaddr: bd:24:11:00:00:31" }), expected: ["vms/vm-b.yaml: network.macaddr: bd:24:11:00:00:31 is a multicast address (the first octet, bd, is odd) and Proxmox accepts only unicast ones: make the first octet even, like BC"] },
    { title: "the all-zero MAC", files: filesWithB({ network: "\n  bridge: vmbr0\n  macaddr: 00:00:00:00:00:00" }), expected: ["vms/vm-b.yaml: network.macaddr: 00:00:00:00:00:00 is no address: QEMU reads all zeros as unset and makes up 52:54:00:12:34:xx; leave macaddr out to let Proxmox pick one"] },
    // CPU types.
    { title: "a CPU type in the wrong case", files: filesWithB({ cpu_type: "Host" }), expected: ['vms/vm-b.yaml: cpu_type: "Host" is not a CPU type Proxmox and the provider accept (did you mean "host"?)'] },
    { title: "a 32-bit CPU type for the Ubuntu cloud image", files: filesWithB({ cpu_type: "kvm32" }), expected: ["vms/vm-b.yaml: cpu_type: kvm32 is a 32-bit CPU type, and the Ubuntu 24.04 cloud image is amd64 and boots only on a 64-bit CPU type (vm-b clones no template, so it boots the cloud image pinned in versions.ts); use host or x86-64-v2-AES"] },
    {
        title: "a CPU type without x86-64-v2 for Talos",
        files: talosNode({ cpu_type: "kvm64" }),
        config: talosConfig(),
        expected: ['vms/vm-a.yaml: cpu_type: kvm64 lacks x86-64-v2 (no lahf-lm, popcnt, sse4.1, sse4.2, ssse3), and Talos needs x86-64-v2 to boot: its initramfs halts below it (vm-a is a node of Talos cluster "c1"); use host or x86-64-v2-AES'],
    },
    // Disk sizes that cannot hold the image they are imported from.
    { title: "a boot disk smaller than the Ubuntu cloud image", files: filesWithB({ nested_disks: disks({ ide1: cloudinit }, "3G") }), expected: ["vms/vm-b.yaml: nested_disks.scsi.scsi0.disk.size: 3G is smaller than the Ubuntu 24.04 cloud image it is imported from (3.5 GiB), and Proxmox cannot shrink a disk (vm-b clones no template, so it boots the cloud image pinned in versions.ts); use at least 4G"] },
    {
        title: "a boot disk in the older disks list smaller than the image",
        files: filesWithB({ nested_disks: "", boot: "order=virtio0", disks: "\n  - slot: virtio0\n    type: disk\n    size: 2G\n    storage: local-lvm" }),
        expected: ["vms/vm-b.yaml: disks[0].size: 2G is smaller than the Ubuntu 24.04 cloud image it is imported from (3.5 GiB), and Proxmox cannot shrink a disk (vm-b clones no template, so it boots the cloud image pinned in versions.ts); use at least 4G"],
    },
    {
        title: "a boot disk that boots first by the boot order, though the file lists it second",
        files: filesWithB({ boot: "order=scsi1;scsi0", nested_disks: disks({ scsi1: "      disk:\n        storage: local-lvm\n        size: 3G", ide1: cloudinit }) }),
        expected: ["vms/vm-b.yaml: nested_disks.scsi.scsi1.disk.size: 3G is smaller than the Ubuntu 24.04 cloud image it is imported from (3.5 GiB), and Proxmox cannot shrink a disk (vm-b clones no template, so it boots the cloud image pinned in versions.ts); use at least 4G"],
    },
    {
        title: "a Talos boot disk, first in the boot order, under Talos's 10 GiB",
        files: talosNode({ boot: "order=scsi1;scsi0", nested_disks: disks({ scsi1: "      disk:\n        storage: local-lvm\n        size: 9G", ide1: cloudinit }) }),
        config: talosConfig(),
        expected: ['vms/vm-a.yaml: nested_disks.scsi.scsi1.disk.size: 9G is too small: Talos needs a 10 GiB system disk at least (its EPHEMERAL partition holds images and containers) (vm-a is a node of Talos cluster "c1"); use at least 10G'],
    },
    {
        title: "a cdrom on virtio in the older disks list beside nested_disks",
        files: filesWithB({ disks: "\n  - slot: scsi0\n    type: disk\n    size: 20G\n    storage: local-lvm\n  - slot: virtio3\n    type: cdrom\n    iso: local:iso/x.iso" }),
        expected: ["vms/vm-b.yaml: disks[1].slot: virtio3 cannot hold a cdrom: Proxmox refuses media=cdrom on VirtIO Block; use ide0–ide3, sata0–sata5 or scsi0–scsi13"],
    },
    {
        title: "a Talos boot disk smaller than the Talos image",
        files: talosNode({ nested_disks: disks({ ide1: cloudinit }, "1G") }),
        config: talosConfig(),
        expected: ['vms/vm-a.yaml: nested_disks.scsi.scsi0.disk.size: 1G is smaller than the Talos nocloud image it is imported from (1246 MiB), and Proxmox cannot shrink a disk (vm-a is a node of Talos cluster "c1"); use at least 2G'],
    },
    {
        title: "a Talos boot disk under Talos's 10 GiB",
        files: talosNode({ nested_disks: disks({ ide1: cloudinit }, "9G") }),
        config: talosConfig(),
        expected: ['vms/vm-a.yaml: nested_disks.scsi.scsi0.disk.size: 9G is too small: Talos needs a 10 GiB system disk at least (its EPHEMERAL partition holds images and containers) (vm-a is a node of Talos cluster "c1"); use at least 10G'],
    },
    // The kubeadm load balancer is the control-plane endpoint.
    {
        title: "a kubeadm load balancer on DHCP",
        files: { "vm-a.yaml": vmYaml(A), "lb.yaml": vmYaml("lb", { ipconfig0: '"ip=dhcp"' }) },
        config: kubeadmConfig(),
        expected: ['vms/lb.yaml: ipconfig0: lb is the load balancer of kubeadm cluster "c1" (homelab:clusters[0].loadBalancer), the control-plane endpoint, so it needs a static IPv4 address (ip=<address>/<prefix>), not ip=dhcp'],
    },
    {
        title: "a kubeadm load balancer with no address at all",
        files: { "vm-a.yaml": vmYaml(A), "lb.yaml": vmYaml("lb", { ipconfig0: "" }) },
        config: kubeadmConfig(),
        expected: ['vms/lb.yaml: ipconfig0: lb is the load balancer of kubeadm cluster "c1" (homelab:clusters[0].loadBalancer), the control-plane endpoint, so it needs a static IPv4 address (ip=<address>/<prefix>), and ipconfig0 sets none'],
    },
];

describe("hardware limits: bad input is reported before anything is registered", () => {
    it.each(rejected)("$title", async (c) => {
        const run = await runStack({ config: c.config ?? { ...baseConfig(), standaloneVms: [A, B] }, projectDir: makeProject(c.files) });
        expect(reportLines(run)).toEqual(c.expected);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("reports every hardware problem of a file at once", async () => {
        const again = await runStack({
            config: { ...baseConfig(), standaloneVms: [A, B] },
            projectDir: makeProject(filesWithB({ cpu_type: "Kvm32", nested_disks: disks({ virtio0: cdrom, sata0: cloudinit }), network: "\n  bridge: vmbr0\n  macaddr: 01:00:00:00:00:01" })),
        });
        expect(reportLines(again)).toEqual([
            "vms/vm-b.yaml: nested_disks.virtio.virtio0: virtio0 cannot hold a cdrom: Proxmox refuses media=cdrom on VirtIO Block; use ide0–ide3, sata0–sata5 or scsi0–scsi13",
            "vms/vm-b.yaml: network.macaddr: 01:00:00:00:00:01 is a multicast address (the first octet, 01, is odd) and Proxmox accepts only unicast ones: make the first octet even, like 00",
            'vms/vm-b.yaml: cpu_type: "Kvm32" is not a CPU type Proxmox and the provider accept (did you mean "kvm32"?)',
        ]);
        expect(registeredExceptStack(again)).toEqual([]);
    });
});

describe("hardware limits: the last good value of each goes through", () => {
    it("takes every bus's highest slot, a cdrom on scsi13, the cloud-init drive on scsi30, a unicast MAC and a baseline CPU", async () => {
        const files = filesWithB({
            cpu_type: "kvm64",
            nested_disks: disks({ ide3: disk, sata5: disk, scsi30: cloudinit, virtio15: disk, scsi13: cdrom }, "4G"),
            network: "\n  bridge: vmbr0\n  macaddr: 02:00:00:00:00:31",
        });
        const run = await runStack({ config: { ...baseConfig(), standaloneVms: [A, B] }, projectDir: makeProject(files) });
        expect(run.error).toBeUndefined();
        const vm = byName(run, "vm-b-vm");
        expect(vm.type).toBe(VM_TYPE);
        const inputs = vm.rawInputs as { disks: { interface: string; size: number }[]; cdrom: unknown; initialization: { interface: string }; networkDevices: { macAddress?: string }[]; cpu: { type: string } };
        expect(inputs.disks.map((d) => [d.interface, d.size])).toEqual([["scsi0", 4], ["ide3", 10], ["sata5", 10], ["virtio15", 10]]);
        expect(inputs.cdrom).toEqual({ interface: "scsi13", fileId: "local:iso/tools.iso" });
        expect(inputs.initialization.interface).toBe("scsi30");
        expect(inputs.networkDevices[0].macAddress).toBe("02:00:00:00:00:31");
        expect(inputs.cpu.type).toBe("kvm64");
    });

    it("puts the cloud-init drive on ide0 when a cdrom holds ide2 and the file declares none", async () => {
        const run = await runStack({ config: { ...baseConfig(), standaloneVms: [A, B] }, projectDir: makeProject(filesWithB({ nested_disks: disks({ ide2: cdrom }) })) });
        expect(run.error).toBeUndefined();
        const inputs = byName(run, "vm-b-vm").rawInputs as { cdrom: unknown; initialization: { interface: string; datastoreId: string } };
        expect(inputs.cdrom).toEqual({ interface: "ide2", fileId: "local:iso/tools.iso" });
        expect([inputs.initialization.interface, inputs.initialization.datastoreId]).toEqual(["ide0", "local-lvm"]);
    });

    it("imports the image to the disk first in the boot order, and installs Talos there", async () => {
        // virtio0 (10G) is listed first, virtio1 (12G) boots first.
        const virtioDisks = `  virtio:\n    virtio0:\n${disk}\n    virtio1:\n      disk:\n        storage: local-lvm\n        size: 12G`;
        const withScsi = `\n${virtioDisks}\n  scsi:\n    scsi0:\n${disk}\n  ide:\n    ide1:\n${cloudinit}`;
        const ubuntu = await runStack({ config: { ...baseConfig(), standaloneVms: [A, B] }, projectDir: makeProject(filesWithB({ boot: "order=virtio1;scsi0", nested_disks: withScsi })) });
        expect(ubuntu.error).toBeUndefined();
        const inputs = byName(ubuntu, "vm-b-vm").rawInputs as { disks: { interface: string; size: number; importFrom?: unknown }[]; bootOrders: string[] };
        expect(inputs.disks.map((d) => [d.interface, d.size, d.importFrom !== undefined])).toEqual([["virtio1", 12, true], ["virtio0", 10, false], ["scsi0", 10, false]]);
        expect(inputs.bootOrders).toEqual(["virtio1", "scsi0"]);

        const talos = await runStack({ config: talosConfig(), projectDir: makeProject(talosNode({ boot: "order=virtio1;virtio0", nested_disks: `\n${virtioDisks}\n  ide:\n    ide1:\n${cloudinit}` })) });
        expect(talos.error).toBeUndefined();
        const machine = (yaml.load(snippetOf(talos, A)) as { machine: { install: { disk: string } } }).machine;
        expect(machine.install.disk).toBe("/dev/vdb");
    });

    it("boots Talos on x86-64-v2 with a 10G disk", async () => {
        const run = await runStack({ config: talosConfig(), projectDir: makeProject(talosNode({ cpu_type: "x86-64-v2", nested_disks: disks({ ide1: cloudinit }, "10G") })) });
        expect(run.error).toBeUndefined();
        const inputs = byName(run, "vm-a-vm").rawInputs as { cpu: { type: string }; disks: { size: number }[] };
        expect([inputs.cpu.type, inputs.disks[0].size]).toEqual(["x86-64-v2", 10]);
    });

    it("does not guess the disk of a template or of a cloud image set in homelab:cloudImage", async () => {
        const cloned = await runStack({ config: { ...baseConfig(), standaloneVms: [A, B] }, projectDir: makeProject(filesWithB({ clone: "ubuntu24-template", nested_disks: disks({ ide1: cloudinit }, "1G") })) });
        expect(cloned.error).toBeUndefined();
        const custom = await runStack({
            config: { ...baseConfig(), standaloneVms: [A, B], cloudImage: { url: "https://images.example/debian-13.qcow2", fileName: "debian-13.qcow2" } },
            projectDir: makeProject(filesWithB({ nested_disks: disks({ ide1: cloudinit }, "2G") })),
        });
        expect(custom.error).toBeUndefined();
        expect((byName(custom, "vm-b-vm").rawInputs as { disks: { size: number }[] }).disks[0].size).toBe(2);
    });
});

/** The inputs on the real prod stack: this repository's vms/ with one file edited. */
describe("the prod stack with one VM file edited", () => {
    function runProd(file: string, edit: (text: string) => string): Promise<ProgramRun> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-prod-"));
        fs.cpSync(path.join(PROJECT_DIR, "vms"), path.join(dir, "vms"), { recursive: true });
        const target = path.join(dir, "vms", file);
        const before = fs.readFileSync(target, "utf8");
        const after = edit(before);
        expect(after).not.toBe(before);
        fs.writeFileSync(target, after);
        const { config, secretKeys } = readStackConfig(PROJECT_DIR, "prod");
        return runProgram({ stack: "prod", config, secretKeys, preview: false, mocks: realisticMocks, prepare: () => preparePlatform(dir) });
    }
    const cloudInitOnIde1 = "  ide:\n    ide1:\n      cloudinit:\n        storage: data2\n";

    it("rejects haproxy on DHCP", async () => {
        const run = await runProd("haproxy.yaml", (t) => t.replace(/^ipconfig0: .*$/m, 'ipconfig0: "ip=dhcp"'));
        expect(reportLines(run)).toEqual([
            'vms/haproxy.yaml: ipconfig0: haproxy is the load balancer of kubeadm cluster "prod" (homelab:clusters[0].loadBalancer), the control-plane endpoint, so it needs a static IPv4 address (ip=<address>/<prefix>), not ip=dhcp',
        ]);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    const dataDisk = "      disk:\n        storage: data2\n        size: 10G\n";
    it.each([
        ["a disk on ide4", "nested_disks.ide.ide4", `${cloudInitOnIde1}    ide4:\n${dataDisk}`, '"ide4" is not an IDE slot (Proxmox has ide0–ide3)'],
        ["the cloud-init drive on sata6", "nested_disks.sata.sata6", "  sata:\n    sata6:\n      cloudinit:\n        storage: data2\n", '"sata6" is not a SATA slot (Proxmox has sata0–sata5)'],
        ["a disk on virtio16", "nested_disks.virtio.virtio16", `${cloudInitOnIde1}  virtio:\n    virtio16:\n${dataDisk}`, '"virtio16" is not a VirtIO Block slot (Proxmox has virtio0–virtio15)'],
    ])("rejects %s", async (_title, field, replacement, message) => {
        const run = await runProd("k8s-prod-worker-1.yaml", (t) => t.replace(cloudInitOnIde1, replacement));
        expect(reportLines(run)).toEqual([`vms/k8s-prod-worker-1.yaml: ${field}: ${message}`]);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("rejects a cdrom on virtio in the older disks list, kept beside nested_disks", async () => {
        const run = await runProd("k8s-prod-worker-1.yaml", (t) =>
            t.replace("network:\n", "disks:\n  - {slot: scsi0, type: disk, size: 80G, storage: data2}\n  - {slot: virtio3, type: cdrom, iso: local:iso/x.iso}\nnetwork:\n"),
        );
        expect(reportLines(run)).toEqual([
            "vms/k8s-prod-worker-1.yaml: disks[1].slot: virtio3 cannot hold a cdrom: Proxmox refuses media=cdrom on VirtIO Block; use ide0–ide3, sata0–sata5 or scsi0–scsi13",
        ]);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("rejects a multicast MAC", async () => {
        const run = await runProd("k8s-prod-worker-1.yaml", (t) => t.replace("  firewall: false\n", "  firewall: false\n  macaddr: \"bd:24:11:00:00:31\"\n"));
        expect(reportLines(run)).toEqual([
            "vms/k8s-prod-worker-1.yaml: network.macaddr: bd:24:11:00:00:31 is a multicast address (the first octet, bd, is odd) and Proxmox accepts only unicast ones: make the first octet even, like BC",
        ]);
        expect(registeredExceptStack(run)).toEqual([]);
    });

    it("moves the cloud-init drive to ide0 beside a cdrom on ide2", async () => {
        const run = await runProd("k8s-prod-worker-1.yaml", (t) => t.replace(cloudInitOnIde1, "  ide:\n    ide2:\n      cdrom:\n        iso: local:iso/tools.iso\n"));
        expect(run.error).toBeUndefined();
        const inputs = byName(run, "k8s-prod-worker-1-vm").rawInputs as { cdrom: unknown; initialization: { interface: string; datastoreId: string } };
        expect(inputs.cdrom).toEqual({ interface: "ide2", fileId: "local:iso/tools.iso" });
        expect([inputs.initialization.interface, inputs.initialization.datastoreId]).toEqual(["ide0", "data2"]);
    });
});
