import { bootDiskDevice, diskLetters, guestDevice } from "./guestDisk";
import { bootDisk } from "./vmArgs";
import type { VmDefinition } from "./vmDefinition";

/** A VM with disks (and passthroughs) on the given slots, booting from the first one listed in `boot`. */
function vm(disks: string[], options: { passthroughs?: string[]; boot?: string[] } = {}): VmDefinition {
    return {
        disks: disks.map((slot) => ({ interface: slot, datastoreId: "local-lvm", sizeGb: 20, fileFormat: "raw" })),
        passthroughs: (options.passthroughs ?? []).map((slot) => ({ interface: slot, path: "/dev/disk/by-id/ata-x" })),
        bootOrder: options.boot ?? [],
        cdroms: [{ interface: "ide0", iso: "local:iso/tools.iso" }],
        cloudInitDrive: { interface: "ide2", datastoreId: "local-lvm" },
    } as unknown as VmDefinition;
}

describe("guest disk names", () => {
    it("letter disks as Linux does: a..z, then aa..zz, then aaa", () => {
        expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(diskLetters)).toEqual(["a", "b", "z", "aa", "ab", "az", "ba", "zz", "aaa"]);
    });

    it("give every index up to three letters its own suffix, in Linux's order (shorter first, then alphabetical)", () => {
        const suffixes = Array.from({ length: 26 + 26 ** 2 + 26 ** 3 }, (_, i) => diskLetters(i));
        expect(new Set(suffixes).size).toBe(suffixes.length);
        expect(suffixes.every((x) => /^[a-z]{1,3}$/.test(x))).toBe(true);
        const outOfOrder = suffixes.slice(1).filter((x, i) => x.length < suffixes[i].length || (x.length === suffixes[i].length && x <= suffixes[i]));
        expect(outOfOrder).toEqual([]);
        expect(suffixes.at(-1)).toBe("zzz");
    });

    it("name virtio disks /dev/vdX in slot order, whatever order the file lists them in", () => {
        const v = vm(["virtio3", "virtio0", "virtio10"]);
        expect(["virtio0", "virtio3", "virtio10"].map((s) => guestDevice(v, s))).toEqual([{ device: "/dev/vda" }, { device: "/dev/vdb" }, { device: "/dev/vdc" }]);
    });

    it("name SCSI, SATA and IDE disks /dev/sdX in slot order on their bus; CD-ROMs and the cloud-init drive take no letter", () => {
        expect(guestDevice(vm(["scsi0"]), "scsi0")).toEqual({ device: "/dev/sda" });
        expect(guestDevice(vm(["scsi1", "scsi0"]), "scsi1")).toEqual({ device: "/dev/sdb" });
        expect(guestDevice(vm(["sata2"], { passthroughs: ["sata0"] }), "sata2")).toEqual({ device: "/dev/sdb" });
        expect(guestDevice(vm(["ide1"]), "ide1")).toEqual({ device: "/dev/sda" });
    });

    it("keep virtio and sd names apart: a virtio disk beside a SCSI disk is still /dev/vda", () => {
        const v = vm(["scsi0", "virtio0"]);
        expect([guestDevice(v, "scsi0"), guestDevice(v, "virtio0")]).toEqual([{ device: "/dev/sda" }, { device: "/dev/vda" }]);
    });

    it("refuse to guess between SCSI, SATA and IDE disks, whose relative order depends on driver probing", () => {
        expect(guestDevice(vm(["scsi0", "sata0"], { passthroughs: ["ide1"] }), "scsi0")).toEqual({
            problem: "scsi0 has no stable device name while sata0, ide1 are on another bus: Linux names SCSI, SATA and IDE disks alike (/dev/sdX) in the order their controllers are probed; keep the disks on one of those buses, or on virtio",
        });
    });

    it("follow the boot order to the boot disk", () => {
        expect(bootDiskDevice(vm(["virtio0", "virtio1"], { boot: ["virtio1", "net0"] }))).toEqual({ device: "/dev/vdb" });
        expect(bootDiskDevice(vm(["virtio0", "virtio1"]))).toEqual({ device: "/dev/vda" });
        // Both disks are in the order: the first in the order boots, not the first in the file.
        expect(bootDiskDevice(vm(["virtio0", "virtio1"], { boot: ["virtio1", "virtio0"] }))).toEqual({ device: "/dev/vdb" });
    });
});

describe("the boot disk", () => {
    it("is the first disk in the boot order, whatever order the file lists its disks in", () => {
        expect(bootDisk(vm(["scsi0", "scsi1"], { boot: ["scsi1", "scsi0"] })).interface).toBe("scsi1");
        expect(bootDisk(vm(["scsi0", "scsi1", "scsi2"], { boot: ["net0", "scsi2", "scsi1"] })).interface).toBe("scsi2");
    });

    it("passes over boot entries that are no datastore disk: a cdrom, a passthrough, the network", () => {
        expect(bootDisk(vm(["scsi0", "scsi1"], { passthroughs: ["sata0"], boot: ["ide0", "sata0", "net0", "scsi1"] })).interface).toBe("scsi1");
    });

    it("is the first disk the file lists when the boot order names none", () => {
        expect(bootDisk(vm(["scsi1", "scsi0"], { boot: ["net0"] })).interface).toBe("scsi1");
        expect(bootDisk(vm(["scsi1", "scsi0"])).interface).toBe("scsi1");
    });
});
