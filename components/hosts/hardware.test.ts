import fc from "fast-check";
import {
    BUS_SLOTS, BUSES, Bus, checkGuestFit, checkVmHardware, CPU_LEVELS, cpuTypeProblem, DeclaredDrive, Device, DEVICE_SLOTS,
    implicitCloudInitSlot, macProblem, parseSlot, slotPattern, slotProblem, talosImage, ubuntuCloudImage, V2_MISSING, VmHardware,
} from "./hardware";

const DEVICES: readonly Device[] = ["disk", "passthrough", "cdrom", "cloudinit"];

function problems(vm: Partial<VmHardware>): string[] {
    const found: string[] = [];
    checkVmHardware({ drives: [], ...vm }, (path, message) => found.push(`${path}: ${message}`));
    return found;
}

const nested = (slot: string, device: Device): DeclaredDrive => {
    const bus = slot.replace(/\d+$/, "");
    return { path: `nested_disks.${bus}.${slot}`, slotPath: `nested_disks.${bus}.${slot}`, bus, slot, device };
};
const legacy = (i: number, slot: string, device: Device): DeclaredDrive => ({ path: `disks[${i}]`, slotPath: `disks[${i}].slot`, slot, device });

describe("slots on each bus", () => {
    it("are Proxmox's: ide0-3, sata0-5, scsi0-30, virtio0-15", () => {
        expect(BUS_SLOTS).toEqual({ ide: 4, sata: 6, scsi: 31, virtio: 16 });
        expect(BUSES.map((b) => slotPattern(b).source)).toEqual(["^ide[0-3]$", "^sata[0-5]$", "^scsi([0-9]|[1-2][0-9]|30)$", "^virtio([0-9]|1[0-5])$"]);
    });

    it.each([
        ["ide3", undefined],
        ["ide4", '"ide4" is not an IDE slot (Proxmox has ide0–ide3)'],
        ["sata5", undefined],
        ["sata6", '"sata6" is not a SATA slot (Proxmox has sata0–sata5)'],
        ["scsi30", undefined],
        ["scsi31", '"scsi31" is not a SCSI slot (Proxmox has scsi0–scsi30)'],
        ["virtio15", undefined],
        ["virtio16", '"virtio16" is not a VirtIO Block slot (Proxmox has virtio0–virtio15)'],
        ["ide01", '"ide01" is not a drive slot: Proxmox has ide0–ide3, sata0–sata5, scsi0–scsi30 or virtio0–virtio15'],
        ["nvme0", '"nvme0" is not a drive slot: Proxmox has ide0–ide3, sata0–sata5, scsi0–scsi30 or virtio0–virtio15'],
    ])("a disk on %s: %s", (slot, expected) => {
        expect(slotProblem(slot, "disk")).toBe(expected);
        expect(slotProblem(slot, "passthrough")).toBe(expected);
    });

    it("property: the editors' pattern, the parser and the rule agree on every slot number", () => {
        fc.assert(
            fc.property(fc.constantFrom(...BUSES), fc.integer({ min: 0, max: 999 }), (bus: Bus, index) => {
                const slot = `${bus}${index}`;
                const exists = index < BUS_SLOTS[bus];
                expect(parseSlot(slot)).toEqual({ bus, index });
                expect(slotPattern(bus).test(slot)).toBe(exists);
                expect(slotProblem(slot, "disk") === undefined).toBe(exists);
            }),
        );
    });

    it("property: a number with a leading zero or another bus's name is never a slot of this bus", () => {
        fc.assert(
            fc.property(fc.constantFrom(...BUSES), fc.constantFrom(...BUSES), fc.integer({ min: 0, max: 99 }), (bus, other, index) => {
                expect(slotPattern(bus).test(`${bus}0${index}`)).toBe(false);
                expect(parseSlot(`${bus}0${index}`)).toBeUndefined();
                if (other !== bus) {
                    expect(slotPattern(bus).test(`${other}${index}`)).toBe(false);
                }
            }),
        );
    });
});

describe("which buses carry which device", () => {
    it.each([
        ["cdrom", "virtio0", "virtio0 cannot hold a cdrom: Proxmox refuses media=cdrom on VirtIO Block; use ide0–ide3, sata0–sata5 or scsi0–scsi13"],
        ["cdrom", "scsi14", "scsi14 cannot hold a cdrom: the Proxmox provider accepts it on ide0–ide3, sata0–sata5 or scsi0–scsi13 only"],
        ["cdrom", "scsi13", undefined],
        ["cdrom", "ide3", undefined],
        ["cdrom", "sata5", undefined],
        ["cloudinit", "virtio0", "virtio0 cannot hold the cloud-init drive: Proxmox attaches it as a CD-ROM, which VirtIO Block cannot be; use ide0–ide3, sata0–sata5 or scsi0–scsi30"],
        ["cloudinit", "scsi30", undefined],
        ["cloudinit", "sata5", undefined],
        ["cloudinit", "ide0", undefined],
        ["disk", "virtio0", undefined],
        ["passthrough", "virtio15", undefined],
    ] as const)("%s on %s", (device, slot, expected) => {
        expect(slotProblem(slot, device)).toBe(expected);
    });

    it("property: a device is accepted exactly on the slots both Proxmox and the provider allow it", () => {
        fc.assert(
            fc.property(fc.constantFrom(...DEVICES), fc.constantFrom(...BUSES), fc.integer({ min: 0, max: 40 }), (device, bus, index) => {
                const limit = DEVICE_SLOTS[device][bus];
                const ok = limit !== undefined && index < limit;
                expect(slotProblem(`${bus}${index}`, device) === undefined).toBe(ok);
            }),
        );
        expect(Object.keys(DEVICE_SLOTS.cdrom)).not.toContain("virtio");
        expect(Object.keys(DEVICE_SLOTS.cloudinit)).not.toContain("virtio");
    });
});

describe("one drive per slot", () => {
    it("reports a second drive on a slot, naming the first", () => {
        expect(problems({ drives: [legacy(0, "scsi0", "disk"), legacy(1, "ide2", "cdrom"), legacy(2, "ide2", "cloudinit")] })).toEqual([
            "disks[2].slot: ide2 already holds a cdrom (disks[1]); a slot holds one drive",
        ]);
    });

    it("reports a slot filed under another bus", () => {
        expect(problems({ drives: [{ ...nested("ide2", "cdrom"), bus: "scsi" }] })).toEqual(["nested_disks.ide.ide2: ide2 is not a scsi slot; put it under nested_disks.ide"]);
    });

    it("puts the implicit cloud-init drive on ide2, or the first free slot when ide2 is taken", () => {
        expect(implicitCloudInitSlot(["scsi0"])).toBe("ide2");
        expect(implicitCloudInitSlot(["scsi0", "ide2"])).toBe("ide0");
        expect(implicitCloudInitSlot(["ide0", "ide1", "ide2", "ide3"])).toBe("sata0");
        expect(problems({ drives: [nested("scsi0", "disk"), nested("ide2", "cdrom")] })).toEqual([]);
    });

    it("property: the implicit slot is free and can hold a cloud-init drive; none only when all 41 such slots are taken", () => {
        const capable = BUSES.flatMap((b) => Array.from({ length: DEVICE_SLOTS.cloudinit[b] ?? 0 }, (_, i) => `${b}${i}`));
        expect(capable).toHaveLength(41);
        const every = BUSES.flatMap((b) => Array.from({ length: BUS_SLOTS[b] }, (_, i) => `${b}${i}`));
        fc.assert(
            fc.property(fc.subarray(every), (used) => {
                const slot = implicitCloudInitSlot(used);
                if (capable.every((s) => used.includes(s))) {
                    expect(slot).toBeUndefined();
                } else {
                    expect(slot).toBeDefined();
                    expect(used).not.toContain(slot);
                    expect(slotProblem(slot!, "cloudinit")).toBeUndefined();
                    expect(slot === "ide2").toBe(!used.includes("ide2"));
                }
            }),
        );
    });

    it("reports a VM with no slot left for its cloud-init drive", () => {
        const drives = BUSES.filter((b) => b !== "virtio").flatMap((b) => Array.from({ length: BUS_SLOTS[b] }, (_, i) => nested(`${b}${i}`, "disk")));
        expect(problems({ drives })).toEqual(["nested_disks: no slot is free for the cloud-init drive: every IDE, SATA and SCSI slot is taken"]);
        expect(problems({ drives: [...drives, nested("virtio0", "disk")].slice(1) })).toEqual([]);
    });
});

describe("MAC addresses", () => {
    it.each([
        ["bd:24:11:00:00:31", "bd:24:11:00:00:31 is a multicast address (the first octet, bd, is odd) and Proxmox accepts only unicast ones: make the first octet even, like BC"],
        ["FF:FF:FF:FF:FF:FF", "FF:FF:FF:FF:FF:FF is a multicast address (the first octet, FF, is odd) and Proxmox accepts only unicast ones: make the first octet even, like FE"],
        ["01:00:5E:00:00:01", "01:00:5E:00:00:01 is a multicast address (the first octet, 01, is odd) and Proxmox accepts only unicast ones: make the first octet even, like 00"],
        ["00:00:00:00:00:00", "00:00:00:00:00:00 is no address: QEMU reads all zeros as unset and makes up 52:54:00:12:34:xx; leave macaddr out to let Proxmox pick one"],
        ["BC-24-11-00-00-31", '"BC-24-11-00-00-31" is not a MAC address like BC:24:11:00:00:01'],
        ["BC:24:11:00:00:31", undefined],
        ["bc:24:11:00:00:31", undefined],
        ["02:00:00:00:00:00", undefined],
        ["00:00:00:00:00:01", undefined],
    ])("%s", (mac, expected) => {
        expect(macProblem(mac)).toBe(expected);
    });

    it("property: accepted exactly when Proxmox's unicast pattern accepts it and it is not all zeros", () => {
        // pve-common's pve_verify_mac_addr, verbatim.
        const proxmox = /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i;
        const octet = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, "0"));
        const mac = fc.tuple(fc.array(octet, { minLength: 6, maxLength: 6 }), fc.boolean()).map(([o, upper]) => (upper ? o.join(":").toUpperCase() : o.join(":")));
        fc.assert(
            fc.property(mac, (m) => {
                const usable = proxmox.test(m) && m !== "00:00:00:00:00:00";
                expect(macProblem(m) === undefined).toBe(usable);
            }),
        );
    });

    it("is checked on network.macaddr", () => {
        expect(problems({ macAddress: "bd:24:11:00:00:31" })).toEqual([`network.macaddr: ${macProblem("bd:24:11:00:00:31")}`]);
    });
});

describe("CPU types", () => {
    it("accepts every model the provider lists, and custom-<name> models", () => {
        for (const model of Object.keys(CPU_LEVELS)) {
            expect(cpuTypeProblem(model)).toBeUndefined();
        }
        expect(cpuTypeProblem("custom-nested")).toBeUndefined();
        expect(Object.keys(CPU_LEVELS)).toHaveLength(77);
    });

    it("rejects unknown models, with a hint for the wrong case", () => {
        expect(cpuTypeProblem("Host")).toBe('"Host" is not a CPU type Proxmox and the provider accept (did you mean "host"?)');
        expect(cpuTypeProblem("EPYC-Turin")).toBe('"EPYC-Turin" is not a CPU type Proxmox and the provider accept; use host, x86-64-v2-AES, another QEMU model the provider lists, or custom-<name>');
        expect(cpuTypeProblem("custom-")).toBe('"custom-" is not a CPU type Proxmox and the provider accept; use host, x86-64-v2-AES, another QEMU model the provider lists, or custom-<name>');
        expect(problems({ cpuType: "kvm-64" })).toEqual(['cpu_type: "kvm-64" is not a CPU type Proxmox and the provider accept; use host, x86-64-v2-AES, another QEMU model the provider lists, or custom-<name>']);
    });

    it("knows the 32-bit models as Proxmox does, and what each baseline model lacks of x86-64-v2", () => {
        const level = (l: number) => Object.keys(CPU_LEVELS).filter((m) => CPU_LEVELS[m] === l).sort();
        // CPUConfig.pm's $cputypes_32bit.
        expect(level(0)).toEqual(["486", "athlon", "coreduo", "kvm32", "pentium", "pentium2", "pentium3", "qemu32"]);
        expect(level(1)).toEqual(Object.keys(V2_MISSING).sort());
        for (const missing of Object.values(V2_MISSING)) {
            expect(missing.length).toBeGreaterThan(0);
            expect(missing.every((f) => ["cx16", "lahf-lm", "popcnt", "pni", "sse4.1", "sse4.2", "ssse3"].includes(f))).toBe(true);
        }
    });
});

describe("what the guest needs: CPU level and boot disk size", () => {
    const ubuntu = ubuntuCloudImage(3584);
    const talos = talosImage(1246);
    const fit = (cpuType: string, sizeGiB: number, image = ubuntu) => {
        const found: string[] = [];
        checkGuestFit({ cpuType, bootDisk: { path: "nested_disks.scsi.scsi0.disk", sizeGiB } }, image, "ctx", (p, m) => found.push(`${p}: ${m}`));
        return found;
    };

    it("Talos needs x86-64-v2", () => {
        expect(fit("kvm64", 20, talos)).toEqual(["cpu_type: kvm64 lacks x86-64-v2 (no lahf-lm, popcnt, sse4.1, sse4.2, ssse3), and Talos needs x86-64-v2 to boot: its initramfs halts below it (ctx); use host or x86-64-v2-AES"]);
        expect(fit("qemu32", 20, talos)).toEqual(["cpu_type: qemu32 is a 32-bit CPU type, and Talos needs x86-64-v2 to boot: its initramfs halts below it (ctx); use host or x86-64-v2-AES"]);
        for (const ok of ["x86-64-v2", "x86-64-v2-AES", "host", "Nehalem", "Opteron_G4", "custom-mine"]) {
            expect(fit(ok, 20, talos)).toEqual([]);
        }
    });

    it("the Ubuntu 24.04 cloud image needs a 64-bit CPU type and no more", () => {
        expect(fit("kvm32", 20)).toEqual(["cpu_type: kvm32 is a 32-bit CPU type, and the Ubuntu 24.04 cloud image is amd64 and boots only on a 64-bit CPU type (ctx); use host or x86-64-v2-AES"]);
        for (const ok of ["kvm64", "qemu64", "Penryn", "host"]) {
            expect(fit(ok, 20)).toEqual([]);
        }
    });

    it("a boot disk is at least its image (Ubuntu: 3.5 GiB, so 4G)", () => {
        expect(fit("host", 3)).toEqual(["nested_disks.scsi.scsi0.disk.size: 3G is smaller than the Ubuntu 24.04 cloud image it is imported from (3.5 GiB), and Proxmox cannot shrink a disk (ctx); use at least 4G"]);
        expect(fit("host", 4)).toEqual([]);
    });

    it("a Talos boot disk is at least its image (1246 MiB) and Talos's documented 10 GiB", () => {
        expect(fit("host", 1, talos)).toEqual(["nested_disks.scsi.scsi0.disk.size: 1G is smaller than the Talos nocloud image it is imported from (1246 MiB), and Proxmox cannot shrink a disk (ctx); use at least 2G"]);
        expect(fit("host", 9, talos)).toEqual(["nested_disks.scsi.scsi0.disk.size: 9G is too small: Talos needs a 10 GiB system disk at least (its EPHEMERAL partition holds images and containers) (ctx); use at least 10G"]);
        expect(fit("host", 10, talos)).toEqual([]);
    });

    it("property: the size rule holds exactly from the larger of image and minimum", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 4096 }), fc.boolean(), (size, isTalos) => {
                const least = isTalos ? 10 : 4;
                expect(fit("host", size, isTalos ? talos : ubuntu).length === 0).toBe(size >= least);
            }),
        );
    });
});
