/**
 * What Proxmox VE, the bpg Proxmox provider (which `@muhlba91/pulumi-proxmoxve` wraps) and the guest
 * operating systems refuse, as pure rules over a VM file. The loader (vmDefinition.ts) and the fleet
 * checks (config/fleet.ts) call these through one hook each, so every rule and its source lives here.
 *
 * Sources, read at these versions:
 * - Proxmox qemu-server 9.2.6, src/PVE/QemuServer/Drive.pm, src/PVE/API2/Qemu.pm,
 *   src/PVE/QemuServer/CPUConfig.pm: https://git.proxmox.com/?p=qemu-server.git
 * - Proxmox pve-common, src/PVE/JSONSchema.pm (`pve_verify_mac_addr`): https://git.proxmox.com/?p=pve-common.git
 * - bpg/terraform-provider-proxmox v0.111.1 (bundled by pulumi-proxmoxve 8.3.x; 8.6.0 wraps that release
 *   or a newer one), proxmoxtf/resource/vm/validators.go and proxmox/nodes/vms/custom_storage_device.go:
 *   https://github.com/bpg/terraform-provider-proxmox
 * - QEMU net/net.c (`qemu_macaddr_default_if_unset`): https://gitlab.com/qemu-project/qemu
 * - Talos v1.11.5: internal/app/init/main.go, pkg/machinery/constants/constants.go,
 *   pkg/imager/profile/default.go, website/content/v1.11/{introduction/system-requirements.md,
 *   talos-guides/install/virtualized-platforms/proxmox.md}: https://github.com/siderolabs/talos
 * - Ubuntu livecd-rootfs 24.04.86, live-build/ubuntu-cpc/hooks.d/base/disk-image-uefi.binary (the cloud
 *   image's disk size): https://git.launchpad.net/livecd-rootfs
 */

export type Bus = "ide" | "sata" | "scsi" | "virtio";
/** What a slot holds in a VM file: a disk on a datastore, a host disk, a CD-ROM or the cloud-init drive. */
export type Device = "disk" | "passthrough" | "cdrom" | "cloudinit";

export const BUSES: readonly Bus[] = ["ide", "sata", "scsi", "virtio"];

/**
 * Slots per bus, numbered from 0. Drive.pm: `$MAX_IDE_DISKS = 4`, `$MAX_SATA_DISKS = 6`,
 * `$MAX_SCSI_DISKS = 31`, `$MAX_VIRTIO_DISKS = 16`; any other key is not a drive in qm.conf.
 */
export const BUS_SLOTS: Readonly<Record<Bus, number>> = { ide: 4, sata: 6, scsi: 31, virtio: 16 };

const BUS_NAME: Readonly<Record<Bus, string>> = { ide: "IDE", sata: "SATA", scsi: "SCSI", virtio: "VirtIO Block" };

/**
 * Where each device may go: the slots that both Proxmox and the provider accept.
 * - disk, passthrough: every slot. The provider's disk `interface` takes ide, sata, scsi and virtio
 *   (`StorageInterfaces`); a passthrough is a provider disk with a host path.
 * - cdrom: not virtio, because Drive.pm's `parse_drive` refuses `media=cdrom` on virtio; on SCSI only
 *   scsi0–scsi13, because the provider's `CDROMInterfaceValidator` is `^(ide[0-3]|sata[0-5]|scsi([0-9]|1[0-3]))$`.
 * - cloudinit: not virtio, because Proxmox attaches the cloud-init volume with `media=cdrom`
 *   (API2/Qemu.pm, `create_disks`); the provider's `CloudInitInterfaceValidator` allows ide0–3, sata0–5, scsi0–30.
 * The VMs use the default i440fx machine, so all four IDE slots exist (q35 has only ide0 and ide2).
 */
export const DEVICE_SLOTS: Readonly<Record<Device, Readonly<Partial<Record<Bus, number>>>>> = {
    disk: BUS_SLOTS,
    passthrough: BUS_SLOTS,
    cdrom: { ide: 4, sata: 6, scsi: 14 },
    cloudinit: { ide: 4, sata: 6, scsi: 31 },
};

export const DEVICE_NAME: Readonly<Record<Device, string>> = { disk: "a disk", passthrough: "a passthrough disk", cdrom: "a cdrom", cloudinit: "the cloud-init drive" };

/** `ide0`–`ide3`: a bus's slots, or the slots a device may take on it. */
function range(bus: Bus, count: number): string {
    return `${bus}0–${bus}${count - 1}`;
}

function joinAlternatives(items: readonly string[]): string {
    return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** Every bus's slots, for messages: `ide0–ide3, sata0–sata5, scsi0–scsi30 or virtio0–virtio15`. */
export const ALL_SLOTS_TEXT = joinAlternatives(BUSES.map((b) => range(b, BUS_SLOTS[b])));

/** `ide4` → `{ bus: "ide", index: 4 }`; undefined for anything that is not a bus name and a plain number. */
export function parseSlot(slot: string): { bus: Bus; index: number } | undefined {
    // No leading zeros: qm.conf has `ide1`, never `ide01`.
    const match = /^(ide|sata|scsi|virtio)(0|[1-9]\d{0,2})$/.exec(slot);
    return match ? { bus: match[1] as Bus, index: Number(match[2]) } : undefined;
}

/** A regular expression source for the numbers 0..max (max below 100), for editors' JSON Schema. */
function numbersUpTo(max: number): string {
    if (max <= 9) {
        return `[0-${max}]`;
    }
    const tens = Math.floor(max / 10);
    const units = max % 10;
    const parts = ["[0-9]"];
    if (tens > 1) {
        parts.push(`[1-${tens - 1}][0-9]`);
    }
    parts.push(units === 0 ? `${tens}0` : `${tens}[0-${units}]`);
    return `(${parts.join("|")})`;
}

/** The slots of one bus, exactly: `^ide[0-3]$`. */
export function slotPattern(bus: Bus): RegExp {
    return new RegExp(`^${bus}${numbersUpTo(BUS_SLOTS[bus] - 1)}$`);
}

/** Every slot of every bus, exactly, for editors: `^(ide[0-3]|sata[0-5]|scsi(…)|virtio(…))$`. */
export function anySlotPattern(): RegExp {
    return new RegExp(`^(${BUSES.map((b) => `${b}${numbersUpTo(BUS_SLOTS[b] - 1)}`).join("|")})$`);
}

/** For editors: `IDE slots, ide0–ide3`. */
export function busDescription(bus: Bus): string {
    return `${BUS_NAME[bus]} slots, ${range(bus, BUS_SLOTS[bus])}`;
}

/** For "is not …" messages: `an IDE slot (Proxmox has ide0–ide3)`. */
export function slotHint(bus: Bus): string {
    const name = BUS_NAME[bus];
    return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name} slot (Proxmox has ${range(bus, BUS_SLOTS[bus])})`;
}

/** Why `device` cannot sit in `slot`, or undefined when it can. */
export function slotProblem(slot: string, device: Device): string | undefined {
    const parsed = parseSlot(slot);
    if (!parsed) {
        return `${JSON.stringify(slot)} is not a drive slot: Proxmox has ${ALL_SLOTS_TEXT}`;
    }
    const { bus, index } = parsed;
    if (index >= BUS_SLOTS[bus]) {
        return `${JSON.stringify(slot)} is not ${slotHint(bus)}`;
    }
    const allowed = DEVICE_SLOTS[device];
    const count = allowed[bus];
    const where = joinAlternatives(BUSES.filter((b) => allowed[b] !== undefined).map((b) => range(b, allowed[b]!)));
    if (count === undefined) {
        const why = device === "cdrom" ? "Proxmox refuses media=cdrom on VirtIO Block" : "Proxmox attaches it as a CD-ROM, which VirtIO Block cannot be";
        return `${slot} cannot hold ${DEVICE_NAME[device]}: ${why}; use ${where}`;
    }
    if (index >= count) {
        return `${slot} cannot hold ${DEVICE_NAME[device]}: the Proxmox provider accepts it on ${where} only`;
    }
    return undefined;
}

/**
 * Where the cloud-init drive goes when the file declares none: ide2, as Proxmox's cloud-init guide
 * (`qm set … --ide2 local-lvm:cloudinit`) and the provider's `initialization.interface` default do;
 * when ide2 already holds a cdrom or a disk, the first free slot of ide0, ide1, ide3, then SATA,
 * then SCSI. Both guests find the drive by its label (cidata / config-2), not by its slot.
 * Undefined only when every slot that can hold it is taken.
 */
export function implicitCloudInitSlot(used: Iterable<string>): string | undefined {
    const taken = new Set(used);
    const order = ["ide2", "ide0", "ide1", "ide3"];
    for (const bus of ["sata", "scsi"] as const) {
        for (let i = 0; i < DEVICE_SLOTS.cloudinit[bus]!; i++) {
            order.push(`${bus}${i}`);
        }
    }
    return order.find((slot) => !taken.has(slot));
}

/** One drive as a VM file declares it, with the field path that declares it. */
export interface DeclaredDrive {
    /** `nested_disks.ide.ide2`, or `disks[1]` in the older flat list. */
    readonly path: string;
    /** Where the slot name is written: the map key itself, or `disks[1].slot`. */
    readonly slotPath: string;
    /** The bus the file files it under (`nested_disks.<bus>`), when it does. */
    readonly bus?: string;
    readonly slot: string;
    readonly device: Device;
}

/** The parts of one VM file these rules read. */
export interface VmHardware {
    readonly drives: readonly DeclaredDrive[];
    /** `network.macaddr`, as written. */
    readonly macAddress?: string;
    /** `cpu_type`, as written; absent means the loader's default (host). */
    readonly cpuType?: string;
}

type Report = (path: string, message: string) => void;

/**
 * The per-file hook: slots, devices, two drives on one slot, the implicit cloud-init drive's slot,
 * the MAC address and the CPU type. Every problem goes to `report` with its field path.
 */
export function checkVmHardware(vm: VmHardware, report: Report): void {
    const holders = checkDriveSlots(vm.drives, report);
    if (!vm.drives.some((d) => d.device === "cloudinit") && implicitCloudInitSlot(holders.keys()) === undefined) {
        report("nested_disks", "no slot is free for the cloud-init drive: every IDE, SATA and SCSI slot is taken");
    }
    if (vm.macAddress !== undefined) {
        const problem = macProblem(vm.macAddress);
        if (problem) {
            report("network.macaddr", problem);
        }
    }
    if (vm.cpuType !== undefined) {
        const problem = cpuTypeProblem(vm.cpuType);
        if (problem) {
            report("cpu_type", problem);
        }
    }
}

/**
 * The rules of one list of drives: each slot exists on its bus, takes its device, and holds one drive.
 * Returns the drives that passed, by slot. The loader runs it over the drives it uses and, when a file
 * has both, over the older `disks:` list as well, so neither list can hide a bad slot.
 */
export function checkDriveSlots(drives: readonly DeclaredDrive[], report: Report): Map<string, DeclaredDrive> {
    const holders = new Map<string, DeclaredDrive>();
    for (const drive of drives) {
        const parsed = parseSlot(drive.slot);
        if (drive.bus !== undefined && parsed && parsed.bus !== drive.bus) {
            report(drive.slotPath, `${drive.slot} is not a ${drive.bus} slot; put it under nested_disks.${parsed.bus}`);
            continue;
        }
        const problem = slotProblem(drive.slot, drive.device);
        if (problem) {
            report(drive.slotPath, problem);
            continue;
        }
        // qm.conf has one key per slot: a second drive there would silently replace the first.
        const holder = holders.get(drive.slot);
        if (holder) {
            report(drive.slotPath, `${drive.slot} already holds ${DEVICE_NAME[holder.device]} (${holder.path}); a slot holds one drive`);
            continue;
        }
        holders.set(drive.slot, drive);
    }
    return holders;
}

const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;

/**
 * The MAC addresses Proxmox accepts, as pve-common's `pve_verify_mac_addr` writes it (first octet even),
 * for editors' JSON Schema; with `ALL_ZERO_MAC` ruled out it is what `macProblem` lets through.
 */
export const UNICAST_MAC = /^[0-9A-Fa-f][02468AaCcEe](:[0-9A-Fa-f]{2}){5}$/;
export const ALL_ZERO_MAC = /^(00:){5}00$/;

/**
 * Why Proxmox or QEMU would refuse or ignore a fixed MAC address, or undefined when it is usable.
 * - pve-common `pve_verify_mac_addr`: `^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$`, case-insensitive.
 *   The first octet must be even: an odd one sets the I/G bit, a multicast address ("value does not
 *   look like a valid unicast MAC address").
 * - QEMU `qemu_macaddr_default_if_unset`: all zeros means "unset", and the NIC gets 52:54:00:12:34:xx.
 */
export function macProblem(mac: string): string | undefined {
    if (!MAC.test(mac)) {
        return `${JSON.stringify(mac)} is not a MAC address like BC:24:11:00:00:01`;
    }
    const first = parseInt(mac.slice(0, 2), 16);
    if (first % 2 === 1) {
        return `${mac} is a multicast address (the first octet, ${mac.slice(0, 2)}, is odd) and Proxmox accepts only unicast ones: make the first octet even, like ${(first - 1).toString(16).padStart(2, "0").toUpperCase()}`;
    }
    if (ALL_ZERO_MAC.test(mac)) {
        return `${mac} is no address: QEMU reads all zeros as unset and makes up 52:54:00:12:34:xx; leave macaddr out to let Proxmox pick one`;
    }
    return undefined;
}

/**
 * x86-64 microarchitecture level of each CPU type: 0 has no long mode (32-bit only), 1 is the x86-64
 * baseline, 2 is x86-64-v2 or later (CMPXCHG16B, LAHF-SAHF, POPCNT, SSE3, SSE4.1, SSE4.2, SSSE3).
 * The names are the provider's `CPUTypeValidator` list (a subset of Proxmox's; Proxmox also takes
 * `custom-<name>` models from /etc/pve/virtual-guest/cpu-models.conf, which the provider allows too).
 * Levels: the 32-bit ones are Proxmox's own `$cputypes_32bit` (CPUConfig.pm); `x86-64-v2*` add the v2
 * flags to qemu64 (CPUConfig.pm `$builtin_models_by_arch`); the rest were read from QEMU 7.2's
 * `query-cpu-model-expansion` (lm, cx16, lahf-lm, popcnt, pni, sse4.1, sse4.2, ssse3). The models QEMU 7.2
 * lacks (EPYC-Genoa, EPYC-Rome-v3/-v4, EPYC-v4, SapphireRapids) are newer than Nehalem-class v2 CPUs;
 * Icelake-Client(-noTSX) Proxmox maps to Icelake-Server. `host` and `max` are the node's own CPU, which
 * this program cannot see: taken as v2, as any CPU since 2009 is.
 */
export const CPU_LEVELS: Readonly<Record<string, 0 | 1 | 2>> = {
    "486": 0, pentium: 0, pentium2: 0, pentium3: 0, coreduo: 0, athlon: 0, kvm32: 0, qemu32: 0,
    kvm64: 1, qemu64: 1, core2duo: 1, Conroe: 1, Penryn: 1, phenom: 1, Opteron_G1: 1, Opteron_G2: 1, Opteron_G3: 1,
    host: 2, max: 2, "x86-64-v2": 2, "x86-64-v2-AES": 2, "x86-64-v3": 2, "x86-64-v4": 2,
    Nehalem: 2, "Nehalem-IBRS": 2, Westmere: 2, "Westmere-IBRS": 2, SandyBridge: 2, "SandyBridge-IBRS": 2,
    IvyBridge: 2, "IvyBridge-IBRS": 2, Haswell: 2, "Haswell-IBRS": 2, "Haswell-noTSX": 2, "Haswell-noTSX-IBRS": 2,
    Broadwell: 2, "Broadwell-IBRS": 2, "Broadwell-noTSX": 2, "Broadwell-noTSX-IBRS": 2,
    "Skylake-Client": 2, "Skylake-Client-IBRS": 2, "Skylake-Client-noTSX-IBRS": 2, "Skylake-Client-v4": 2,
    "Skylake-Server": 2, "Skylake-Server-IBRS": 2, "Skylake-Server-noTSX-IBRS": 2, "Skylake-Server-v4": 2, "Skylake-Server-v5": 2,
    "Cascadelake-Server": 2, "Cascadelake-Server-noTSX": 2, "Cascadelake-Server-v2": 2, "Cascadelake-Server-v4": 2, "Cascadelake-Server-v5": 2,
    Cooperlake: 2, "Cooperlake-v2": 2, "Icelake-Client": 2, "Icelake-Client-noTSX": 2, "Icelake-Server": 2, "Icelake-Server-noTSX": 2,
    "Icelake-Server-v3": 2, "Icelake-Server-v4": 2, "Icelake-Server-v5": 2, "Icelake-Server-v6": 2,
    KnightsMill: 2, SapphireRapids: 2,
    Opteron_G4: 2, Opteron_G5: 2, EPYC: 2, "EPYC-IBPB": 2, "EPYC-v3": 2, "EPYC-v4": 2,
    "EPYC-Rome": 2, "EPYC-Rome-v2": 2, "EPYC-Rome-v3": 2, "EPYC-Rome-v4": 2, "EPYC-Milan": 2, "EPYC-Genoa": 2,
};

/**
 * What each baseline (level 1) CPU type lacks of x86-64-v2, from the same QEMU 7.2 model expansion
 * (QEMU's feature names), so a report can say what is missing.
 */
export const V2_MISSING: Readonly<Record<string, readonly string[]>> = {
    kvm64: ["lahf-lm", "popcnt", "sse4.1", "sse4.2", "ssse3"],
    qemu64: ["popcnt", "sse4.1", "sse4.2", "ssse3"],
    core2duo: ["popcnt", "sse4.1", "sse4.2"],
    Conroe: ["cx16", "popcnt", "sse4.1", "sse4.2"],
    Penryn: ["popcnt", "sse4.2"],
    phenom: ["sse4.1", "sse4.2", "ssse3"],
    Opteron_G1: ["cx16", "lahf-lm", "popcnt", "sse4.1", "sse4.2", "ssse3"],
    Opteron_G2: ["popcnt", "sse4.1", "sse4.2", "ssse3"],
    Opteron_G3: ["sse4.1", "sse4.2", "ssse3"],
};

export const CUSTOM_CPU = /^custom-.+$/;

/** The provider's CPU models, for editors' JSON Schema (with `CUSTOM_CPU`, what `cpuTypeProblem` accepts). */
export const CPU_TYPES: readonly string[] = Object.keys(CPU_LEVELS);

/** Why Proxmox or the provider would refuse `cpu_type`, or undefined when both accept it. */
export function cpuTypeProblem(cpuType: string): string | undefined {
    if (cpuType in CPU_LEVELS || CUSTOM_CPU.test(cpuType)) {
        return undefined;
    }
    // Proxmox and the provider compare case-sensitively: `Host` is not `host`.
    const sameLetters = Object.keys(CPU_LEVELS).find((known) => known.toLowerCase() === cpuType.toLowerCase());
    const hint = sameLetters ? ` (did you mean "${sameLetters}"?)` : "; use host, x86-64-v2-AES, another QEMU model the provider lists, or custom-<name>";
    return `${JSON.stringify(cpuType)} is not a CPU type Proxmox and the provider accept${hint}`;
}

/** What boots on a VM, as far as this program knows it; each with the needs it documents. */
export interface GuestImage {
    /** For messages: `Talos`, `the Ubuntu 24.04 cloud image`. */
    readonly name: string;
    /** The image's virtual size: a boot disk imported from it cannot be smaller (Proxmox does not shrink disks). */
    readonly virtualSizeMiB: number;
    /** The system disk the distribution documents as its minimum, when larger than the image. */
    readonly minDiskGiB?: { readonly size: number; readonly why: string };
    /** The lowest x86-64 level it boots on, and the documented reason, as a clause. */
    readonly cpu: { readonly level: 1 | 2; readonly why: string };
}

/**
 * The Ubuntu 24.04 (noble) amd64 cloud image. Virtual size: livecd-rootfs sets `IMAGE_SIZE=3758096384`
 * (3584 MiB, "3.5 GiB") for amd64 cloud images since 22.10. CPU: Ubuntu's amd64 is the x86-64 baseline
 * (v1); Canonical builds no x86-64-v3 variant of 24.04 cloud images
 * (https://documentation.ubuntu.com/public-cloud/all-clouds-explanation/architecture-variants/),
 * so it needs long mode and nothing more: the 32-bit CPU types cannot boot it.
 */
export function ubuntuCloudImage(virtualSizeMiB: number): GuestImage {
    return {
        name: "the Ubuntu 24.04 cloud image",
        virtualSizeMiB,
        cpu: { level: 1, why: "the Ubuntu 24.04 cloud image is amd64 and boots only on a 64-bit CPU type" },
    };
}

/**
 * The Talos nocloud image. Virtual size: the imager's `nocloud` profile uses `MinRAWDiskSize`
 * (1246 MiB in v1.11). Disk: "a minimum is 10 GiB of disk space is required" (system requirements).
 * CPU: Talos is built for x86-64-v2; its initramfs halts below `MinimumGOAMD64Level = 2` ("x86_64
 * microarchitecture level 2 or higher is required, halting"), and the Proxmox guide says the default
 * `kvm64` will not boot it.
 */
export function talosImage(virtualSizeMiB: number): GuestImage {
    return {
        name: "the Talos nocloud image",
        virtualSizeMiB,
        minDiskGiB: { size: 10, why: "Talos needs a 10 GiB system disk at least (its EPHEMERAL partition holds images and containers)" },
        cpu: { level: 2, why: "Talos needs x86-64-v2 to boot: its initramfs halts below it" },
    };
}

/** One VM's boot disk and CPU, with the paths that declare them. */
export interface GuestFit {
    readonly cpuType: string;
    readonly bootDisk: { readonly path: string; readonly sizeGiB: number };
}

function formatMiB(mib: number): string {
    return Number.isInteger((mib / 1024) * 100) ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/**
 * The per-stack hook: whether a VM's CPU type and boot disk suit what it boots. `context` says why
 * the VM boots that image (`k8s-dev is a node of Talos cluster "dev"`).
 * Proxmox refuses to shrink a disk ("shrinking disks is not supported", API2/Qemu.pm `resize_vm`;
 * the provider: "Cannot shrink …"), so a boot disk smaller than its image fails at creation.
 */
export function checkGuestFit(vm: GuestFit, image: GuestImage, context: string, report: Report): void {
    const level = CPU_LEVELS[vm.cpuType];
    // custom-<name> models are defined on the PVE nodes; their features cannot be known here.
    if (level !== undefined && level < image.cpu.level) {
        const lacks = level === 0 ? "is a 32-bit CPU type" : `lacks x86-64-v2 (no ${(V2_MISSING[vm.cpuType] ?? []).join(", ")})`;
        report("cpu_type", `${vm.cpuType} ${lacks}, and ${image.cpu.why} (${context}); use host or x86-64-v2-AES`);
    }
    const sizeMiB = vm.bootDisk.sizeGiB * 1024;
    const sizePath = `${vm.bootDisk.path}.size`;
    if (sizeMiB < image.virtualSizeMiB) {
        const least = Math.ceil(image.virtualSizeMiB / 1024);
        report(sizePath, `${vm.bootDisk.sizeGiB}G is smaller than ${image.name} it is imported from (${formatMiB(image.virtualSizeMiB)}), and Proxmox cannot shrink a disk (${context}); use at least ${least}G`);
    } else if (image.minDiskGiB && vm.bootDisk.sizeGiB < image.minDiskGiB.size) {
        report(sizePath, `${vm.bootDisk.sizeGiB}G is too small: ${image.minDiskGiB.why} (${context}); use at least ${image.minDiskGiB.size}G`);
    }
}
