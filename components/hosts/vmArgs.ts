import * as pulumi from "@pulumi/pulumi";
import type * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { NetworkConfig } from "../../config/config";
import type { VmDefinition, VmDisk } from "./vmDefinition";
import { implicitCloudInitSlot } from "./hardware";

type VmArgs = proxmoxve.VmLegacyArgs;
type DiskArgs = proxmoxve.types.input.VmLegacyDisk;

export interface VmArgsContext {
    readonly network: NetworkConfig;
    readonly template?: { readonly vmId: number; readonly node: string };
    /** `<datastore>:import/<file>` of the cloud image the boot disk is imported from, for VMs that clone nothing. */
    readonly importFrom?: pulumi.Input<string>;
    readonly userDataFileId: pulumi.Input<string>;
    readonly tags: readonly string[];
    readonly description: string;
    /** `nocloud` for Talos, which reads its machine config from nocloud user-data. */
    readonly cloudInitType?: "nocloud";
}

/**
 * The disk the VM boots from: the first disk in the boot order (`order=scsi1;scsi0` boots scsi1,
 * whatever order the file lists its disks in), else the first disk the file lists. Entries of the
 * order that are not datastore disks (net0, a cdrom, a passthrough) are passed over: this is the disk
 * the image is imported to and sized for. Proxmox's `boot: order=` is the devices tried in turn
 * (https://pve.proxmox.com/pve-docs/qm.1.html, boot).
 */
export function bootDisk(vm: VmDefinition): VmDisk {
    for (const device of vm.bootOrder) {
        const disk = vm.disks.find((d) => d.interface === device);
        if (disk) {
            return disk;
        }
    }
    return vm.disks[0];
}

function diskArgs(disk: VmDisk, importFrom: pulumi.Input<string> | undefined): DiskArgs {
    const args: DiskArgs = {
        interface: disk.interface,
        datastoreId: disk.datastoreId,
        size: disk.sizeGb,
        fileFormat: disk.fileFormat,
    };
    if (importFrom !== undefined) {
        args.importFrom = importFrom;
    }
    if (disk.cache !== undefined) {
        args.cache = disk.cache;
    }
    if (disk.discard !== undefined) {
        args.discard = disk.discard ? "on" : "ignore";
    }
    if (disk.iothread !== undefined) {
        args.iothread = disk.iothread;
    }
    if (disk.ssd !== undefined) {
        args.ssd = disk.ssd;
    }
    if (disk.backup !== undefined) {
        args.backup = disk.backup;
    }
    if (disk.replicate !== undefined) {
        args.replicate = disk.replicate;
    }
    return args;
}

/**
 * The slot of the VM's cloud-init drive: the file's own, else ide2, else the first free one
 * (hardware.ts; validation has made sure one is free).
 */
export function cloudInitInterface(vm: VmDefinition): string {
    const used = [...vm.disks, ...vm.passthroughs, ...vm.cdroms].map((d) => d.interface);
    // Stryker disable next-line StringLiteral: unreachable, validation refuses a VM with no free slot (hardware.ts checkVmHardware).
    return vm.cloudInitDrive?.interface ?? implicitCloudInitSlot(used) ?? "ide2";
}

/**
 * Maps a VM file onto `proxmoxve.VmLegacy` arguments (DESIGN §2's table).
 * The boot disk comes first in `disks`, so `disks[0].importFrom` can be ignored after creation.
 */
export function vmLegacyArgs(vm: VmDefinition, ctx: VmArgsContext): VmArgs {
    const boot = bootDisk(vm);
    const disks: DiskArgs[] = [
        diskArgs(boot, vm.clone ? undefined : ctx.importFrom),
        ...vm.disks.filter((d) => d !== boot).map((d) => diskArgs(d, undefined)),
        // Host block devices: an empty datastore id and the host path, which Proxmox allows root@pam only.
        ...vm.passthroughs.map((p): DiskArgs => ({
            interface: p.interface,
            datastoreId: "",
            pathInDatastore: p.path,
            fileFormat: "raw",
            ...(p.replicate !== undefined ? { replicate: p.replicate } : {}),
            ...(p.backup !== undefined ? { backup: p.backup } : {}),
        })),
    ];

    const ipConfig: proxmoxve.types.input.VmLegacyInitializationIpConfig = {};
    if (vm.ipv4?.kind === "static") {
        ipConfig.ipv4 = { address: `${vm.ipv4.address}/${vm.ipv4.prefix}`, gateway: vm.ipv4.gateway ?? ctx.network.gateway };
    } else if (vm.ipv4?.kind === "dhcp") {
        ipConfig.ipv4 = { address: "dhcp" };
    }
    if (vm.ipv6) {
        ipConfig.ipv6 = vm.ipv6.gateway ? { address: vm.ipv6.address, gateway: vm.ipv6.gateway } : { address: vm.ipv6.address };
    }
    const dnsServers = vm.nameservers.length > 0 ? vm.nameservers : ctx.network.dnsServers;

    const args: VmArgs = {
        name: vm.name,
        nodeName: vm.targetNode,
        description: ctx.description,
        tags: [...ctx.tags].sort(),
        cpu: { cores: vm.cores, sockets: vm.sockets, type: vm.cpuType },
        memory: { dedicated: vm.memoryMiB },
        onBoot: vm.onBoot,
        started: vm.started,
        scsiHardware: vm.scsiHardware,
        // Without a guest agent the provider must not wait for an IP: it would hang for ~15 minutes.
        agent: vm.agent ? { enabled: true, trim: true, waitForIp: { ipv4: true } } : { enabled: false },
        operatingSystem: { type: "l26" },
        disks,
        networkDevices: [
            {
                bridge: vm.network.bridge,
                model: vm.network.model,
                firewall: vm.network.firewall,
                ...(vm.network.macAddress ? { macAddress: vm.network.macAddress } : {}),
                ...(vm.network.vlanId !== undefined ? { vlanId: vm.network.vlanId } : {}),
            },
        ],
        initialization: {
            datastoreId: vm.cloudInitDrive?.datastoreId ?? boot.datastoreId,
            interface: cloudInitInterface(vm),
            ipConfigs: [ipConfig],
            dns: { servers: [...dnsServers], ...(ctx.network.domain ? { domain: ctx.network.domain } : {}) },
            userDataFileId: ctx.userDataFileId,
            ...(ctx.cloudInitType ? { type: ctx.cloudInitType } : {}),
        },
        stopOnDestroy: true,
        // A new target_node moves the VM with Proxmox's migrate API instead of destroying and re-creating it.
        migrate: true,
    };
    if (vm.vmId !== undefined) {
        args.vmId = vm.vmId;
    }
    if (vm.bootOrder.length > 0) {
        args.bootOrders = [...vm.bootOrder];
    }
    if (vm.serial) {
        args.serialDevices = [{ device: "socket" }];
    }
    if (vm.cdroms.length > 0) {
        args.cdrom = { interface: vm.cdroms[0].interface, fileId: vm.cdroms[0].iso ?? "none" };
    }
    if (vm.clone && ctx.template) {
        args.clone = {
            vmId: ctx.template.vmId,
            full: vm.clone.full,
            ...(ctx.template.node !== vm.targetNode ? { nodeName: ctx.template.node } : {}),
        };
    }
    return args;
}

/**
 * Fields Proxmox rewrites after creation, which would otherwise show as a diff on every run.
 * The imported image matters only at creation: a newer image must not replace running VMs.
 */
export function vmIgnoreChanges(vm: VmDefinition): string[] {
    const paths = ["cdrom", "bootOrders"];
    if (!vm.network.macAddress) {
        paths.push("networkDevices[0].macAddress");
    }
    if (!vm.clone) {
        paths.push("disks[0].importFrom");
    }
    return paths;
}
