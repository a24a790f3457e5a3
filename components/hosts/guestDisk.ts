import type { VmDefinition } from "./vmDefinition";
import { bootDisk } from "./vmArgs";

/**
 * The Linux device name a Proxmox disk gets inside the guest, for configs that must name it
 * (Talos's `install.disk`, which upgrades write to).
 *
 * - virtio-blk disks are `/dev/vdX` (drivers/block/virtio_blk.c), lettered in PCI order, and
 *   Proxmox gives `virtio0`..`virtio15` consecutive PCI slots in slot-number order
 *   (qemu-server PVE/QemuServer/PCI.pm), so `virtioN` is the N-th letter among the VM's virtio disks.
 * - SCSI (any `scsihw`), SATA (AHCI) and IDE disks all go through the SCSI disk driver and are
 *   `/dev/sdX` (drivers/scsi/sd.c); within one controller type they are lettered in slot order. Across
 *   controller types the order depends on which driver probes first, so a disk on one of those buses
 *   has no stable name while another of them also carries a disk.
 * - CD-ROMs and the cloud-init drive are `/dev/srN` and take no letter.
 */
export type GuestDevice = { readonly device: string } | { readonly problem: string };

/** Linux's disk suffix for the index-th disk: a..z, aa..az, ba.. (sd_format_disk_name in drivers/scsi/sd.c). */
export function diskLetters(index: number): string {
    let suffix = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
        suffix = String.fromCharCode(97 + ((n - 1) % 26)) + suffix;
    }
    return suffix;
}

const busOf = (slot: string) => slot.replace(/\d+$/, "");
const slotNumber = (slot: string) => Number(slot.slice(busOf(slot).length));
const SD_BUSES = new Set(["scsi", "sata", "ide"]);

export function guestDevice(vm: VmDefinition, slot: string): GuestDevice {
    const blockDevices = [...vm.disks, ...vm.passthroughs].map((d) => d.interface);
    const bus = busOf(slot);
    const rank = (onBus: string[]) => onBus.sort((a, b) => slotNumber(a) - slotNumber(b)).indexOf(slot);
    if (bus === "virtio") {
        return { device: `/dev/vd${diskLetters(rank(blockDevices.filter((d) => busOf(d) === "virtio")))}` };
    }
    const others = blockDevices.filter((d) => SD_BUSES.has(busOf(d)) && busOf(d) !== bus);
    if (others.length > 0) {
        return {
            problem: `${slot} has no stable device name while ${others.join(", ")} ${others.length === 1 ? "is" : "are"} on another bus: Linux names SCSI, SATA and IDE disks alike (/dev/sdX) in the order their controllers are probed; keep the disks on one of those buses, or on virtio`,
        };
    }
    return { device: `/dev/sd${diskLetters(rank(blockDevices.filter((d) => busOf(d) === bus)))}` };
}

/** The guest device of the disk the VM boots from. */
export function bootDiskDevice(vm: VmDefinition): GuestDevice {
    return guestDevice(vm, bootDisk(vm).interface);
}
