import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import * as yaml from "js-yaml";
import * as fs from "fs";
import * as path from "path";
import { parseIpConfig, parseVmFile, VmDefinition } from "./vmDefinition";
import { vmJsonSchema } from "./vmSchema";
import { BUS_SLOTS, BUSES, CPU_TYPES, cpuTypeProblem, macProblem } from "./hardware";
import { FIXTURES, PROJECT_DIR, vmYaml } from "../../tests/vmFiles";

function load(file: string): { vm?: VmDefinition; problems: string[] } {
    const problems: string[] = [];
    const parsed = parseVmFile(`vms/${file}`, fs.readFileSync(path.join(FIXTURES, file), "utf8"), (p, m) => problems.push(`${p}: ${m}`));
    return { vm: parsed.vm, problems };
}

describe("VM files in the replaced homelab's format", () => {
    const fixtureFiles = fs.readdirSync(FIXTURES).sort();

    it("has all eleven fixture files", () => {
        expect(fixtureFiles).toEqual([
            "boot-server.yaml", "dns.yaml", "haproxy.yaml", "k8s-dev.yaml", "k8s-home.yaml", "k8s-observability.yaml",
            "k8s-prod.yaml", "k8s-sandbox-01.yaml", "k8s-stg.yaml", "k8s-tools.yaml", "teleport.yaml",
        ]);
    });

    it.each(fixtureFiles)("loads %s unchanged, with no problems", (file) => {
        const { vm, problems } = load(file);
        expect(problems).toEqual([]);
        expect(vm?.name).toBe(file.replace(".yaml", ""));
    });

    it("normalises k8s-tools.yaml exactly", () => {
        expect(load("k8s-tools.yaml").vm).toEqual({
            file: "vms/k8s-tools.yaml",
            name: "k8s-tools",
            targetNode: "node03",
            vmId: undefined,
            cores: 8,
            sockets: 2,
            memoryMiB: 32768,
            cpuType: "host",
            onBoot: false,
            started: true,
            clone: undefined,
            bootOrder: ["scsi0"],
            scsiHardware: "virtio-scsi-single",
            agent: true,
            user: {
                name: "suporte",
                password: "change-me",
                sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzZZXBb5ydVICjj6GbT1nSntMJ4Ga72rGU6BuNAY1Or operator@homelab"],
            },
            nameservers: ["192.168.1.3"],
            ipv4: { kind: "static", address: "192.168.1.15", prefix: 24, gateway: "192.168.1.1" },
            ipv6: { address: "dhcp", gateway: undefined },
            disks: [{ interface: "scsi0", fieldPath: "nested_disks.scsi.scsi0.disk", datastoreId: "local-lvm", sizeGb: 230, fileFormat: "raw", cache: undefined, discard: undefined, iothread: undefined, ssd: undefined, backup: undefined, replicate: undefined }],
            passthroughs: [],
            cdroms: [],
            cloudInitDrive: { interface: "ide1", datastoreId: "local-lvm" },
            network: { bridge: "vmbr0", model: "virtio", firewall: false, macAddress: undefined, vlanId: undefined },
            serial: true,
        });
    });

    it("keeps k8s-home's USB disk as a passthrough", () => {
        const vm = load("k8s-home.yaml").vm!;
        expect(vm.passthroughs).toEqual([{ interface: "scsi1", path: "/dev/disk/by-id/usb-SanDisk_Extreme_55DD_24399K401631-0:0", replicate: true, backup: undefined }]);
        expect(vm.disks.map((d) => [d.interface, d.sizeGb])).toEqual([["scsi0", 100]]);
        expect([vm.cores, vm.sockets, vm.memoryMiB, vm.targetNode]).toEqual([4, 2, 32786, "node02"]);
    });

    it("reads boot-server's nested_disks and checks its older disks list agrees", () => {
        const vm = load("boot-server.yaml").vm!;
        expect(vm.disks.map((d) => [d.interface, d.datastoreId, d.sizeGb])).toEqual([["scsi0", "slowdata", 50]]);
        expect(vm.cloudInitDrive).toEqual({ interface: "ide1", datastoreId: "slowdata" });
        expect([vm.started, vm.onBoot, vm.network.firewall]).toEqual([false, false, false]);
    });

    it("applies defaults where dns and haproxy leave fields out", () => {
        const vm = load("haproxy.yaml").vm!;
        expect(vm.user).toBeUndefined();
        expect(vm.cloudInitDrive).toBeUndefined();
        expect([vm.agent, vm.started, vm.onBoot, vm.cpuType, vm.network.model, vm.network.firewall]).toEqual([false, true, true, "x86-64-v2-AES", "virtio", true]);
        expect(vm.nameservers).toEqual([]);
    });

    it("maps a template name for the clone fixtures", () => {
        expect(load("teleport.yaml").vm!.clone).toEqual({ template: "ubuntu24-template", full: true });
        expect(load("k8s-dev.yaml").vm!.clone).toBeUndefined();
    });

    it("reads the older disks list when it is the only one", () => {
        const problems: string[] = [];
        const text = fs.readFileSync(path.join(FIXTURES, "boot-server.yaml"), "utf8").replace(/nested_disks:[\s\S]*?(?=disks:\n)/, "");
        const vm = parseVmFile("vms/boot-server.yaml", text, (p, m) => problems.push(`${p}: ${m}`)).vm;
        expect(problems).toEqual([]);
        expect(vm!.disks.map((d) => [d.interface, d.datastoreId, d.sizeGb])).toEqual([["scsi0", "slowdata", 50]]);
        expect(vm!.cloudInitDrive).toEqual({ interface: "ide1", datastoreId: "slowdata" });
    });
});

describe("the older disks list beside nested_disks", () => {
    // nested_disks: the boot disk on scsi0, a passthrough on scsi1, a cdrom on ide2, the cloud-init drive on ide1.
    const nested = [
        "\n  scsi:",
        "    scsi0:\n      disk:\n        storage: local-lvm\n        size: 1T",
        "    scsi1:\n      passthrough:\n        file: /dev/disk/by-id/ata-x",
        "  ide:",
        "    ide1:\n      cloudinit:\n        storage: local-lvm",
        "    ide2:\n      cdrom:\n        iso: local:iso/tools.iso",
    ].join("\n");
    const agreeing = [
        "{slot: scsi0, type: disk, size: 1024G, storage: local-lvm, format: raw, replicate: true}",
        "{slot: scsi1, type: passthrough, file: /dev/disk/by-id/ata-x}",
        "{slot: ide1, type: cdrom, cloudinit: true, storage: local-lvm}",
        "{slot: ide2, type: cdrom, iso: local:iso/tools.iso}",
    ];
    function problems(entries: readonly string[]): string[] {
        const found: string[] = [];
        const text = vmYaml("vm-b", { nested_disks: nested, disks: `\n${entries.map((e) => `  - ${e}`).join("\n")}` });
        const { vm } = parseVmFile("vms/vm-b.yaml", text, (p, m) => found.push(`${p}: ${m}`));
        expect(vm === undefined).toBe(found.length > 0);
        return found;
    }
    const replace = (i: number, entry: string) => agreeing.map((e, j) => (j === i ? entry : e));

    it("accepts a list that says what nested_disks says, every kind of drive (1T is 1024G)", () => {
        expect(problems(agreeing)).toEqual([]);
    });

    it.each([
        ["a cdrom on virtio", replace(3, "{slot: virtio3, type: cdrom, iso: local:iso/x.iso}"), ["disks[3].slot: virtio3 cannot hold a cdrom: Proxmox refuses media=cdrom on VirtIO Block; use ide0–ide3, sata0–sata5 or scsi0–scsi13"]],
        ["a cdrom beyond its bus", replace(3, "{slot: ide4, type: cdrom, iso: local:iso/x.iso}"), ['disks[3].slot: "ide4" is not an IDE slot (Proxmox has ide0–ide3)']],
        ["the cloud-init drive on virtio", replace(2, "{slot: virtio1, type: cdrom, cloudinit: true, storage: local-lvm}"), ["disks[2].slot: virtio1 cannot hold the cloud-init drive: Proxmox attaches it as a CD-ROM, which VirtIO Block cannot be; use ide0–ide3, sata0–sata5 or scsi0–scsi30"]],
        ["a cdrom on scsi14", replace(3, "{slot: scsi14, type: cdrom}"), ["disks[3].slot: scsi14 cannot hold a cdrom: the Proxmox provider accepts it on ide0–ide3, sata0–sata5 or scsi0–scsi13 only"]],
        ["two entries on one slot", [...agreeing, "{slot: ide2, type: cdrom, iso: local:iso/tools.iso}"], ["disks[4].slot: ide2 already holds a cdrom (disks[3]); a slot holds one drive"]],
        ["a cdrom nested_disks does not have", [...agreeing, "{slot: ide3, type: cdrom}"], ["disks[4]: ide3 is not in nested_disks"]],
        ["a cdrom where nested_disks has the cloud-init drive", replace(2, "{slot: ide1, type: cdrom, iso: local:iso/tools.iso}"), ["disks[2]: ide1 is a cdrom here, but nested_disks.ide.ide1 holds the cloud-init drive"]],
        ["a disk where nested_disks has a passthrough", replace(1, "{slot: scsi1, type: disk, size: 10G, storage: local-lvm}"), ["disks[1]: scsi1 is a disk here, but nested_disks.scsi.scsi1 holds a passthrough disk"]],
        ["another ISO", replace(3, "{slot: ide2, type: cdrom, iso: local:iso/other.iso}"), ["disks[3].iso: local:iso/other.iso disagrees with nested_disks.ide.ide2.cdrom.iso (local:iso/tools.iso)"]],
        ["the cloud-init drive on another datastore", replace(2, "{slot: ide1, type: cdrom, cloudinit: true, storage: data2}"), ["disks[2].storage: data2 disagrees with nested_disks.ide.ide1.cloudinit.storage (local-lvm)"]],
        ["another host device", replace(1, "{slot: scsi1, type: passthrough, file: /dev/disk/by-id/ata-y}"), ["disks[1].file: /dev/disk/by-id/ata-y disagrees with nested_disks.scsi.scsi1.passthrough.file (/dev/disk/by-id/ata-x)"]],
        [
            "a disk of another size, datastore, format and replication",
            replace(0, "{slot: scsi0, type: disk, size: 2T, storage: data2, format: qcow2, replicate: false}"),
            [
                "disks[0].size: 2T disagrees with nested_disks.scsi.scsi0.disk.size (1T)",
                "disks[0].storage: data2 disagrees with nested_disks.scsi.scsi0.disk.storage (local-lvm)",
                "disks[0].format: qcow2 disagrees with nested_disks.scsi.scsi0.disk.format (raw)",
                "disks[0].replicate: false disagrees with nested_disks.scsi.scsi0.disk.replicate (true)",
            ],
        ],
    ])("rejects %s, addressed to the entry", (_title, entries, expected) => {
        expect(problems(entries)).toEqual(expected);
    });
});

describe("ipconfig0", () => {
    const parse = (text: string) => {
        const problems: string[] = [];
        return { result: parseIpConfig(text, "ipconfig0", (p, m) => problems.push(`${p}: ${m}`)), problems };
    };

    it("parses static, dhcp and IPv6 forms", () => {
        expect(parse("ip=10.0.0.5/8,gw=10.0.0.1").result).toEqual({ ipv4: { kind: "static", address: "10.0.0.5", prefix: 8, gateway: "10.0.0.1" }, ipv6: undefined });
        expect(parse("ip=dhcp,ip6=auto").result).toEqual({ ipv4: { kind: "dhcp" }, ipv6: { address: "auto", gateway: undefined } });
        expect(parse("ip6=fd00::5/64,gw6=fd00::1").result).toEqual({ ipv4: undefined, ipv6: { address: "fd00::5/64", gateway: "fd00::1" } });
    });

    it("rejects each malformed part", () => {
        expect(parse("ip=10.0.0.5").problems).toEqual(["ipconfig0: ip=10.0.0.5 is not an IPv4 address with a prefix (like 192.168.1.12/24) or dhcp"]);
        expect(parse("ip=10.0.0.5/24,gw=10.0.0").problems).toEqual(["ipconfig0: gw=10.0.0 is not an IPv4 address"]);
        expect(parse("ip=10.0.0.5/24,ip=10.0.0.6/24").problems).toEqual(["ipconfig0: ip= is given twice"]);
        expect(parse("ip=dhcp,gw=10.0.0.1").problems).toEqual(["ipconfig0: gw= has no meaning with ip=dhcp"]);
        expect(parse("ip6=slaac").problems).toEqual(["ipconfig0: ip6=slaac is not dhcp, auto or an IPv6 address with a prefix"]);
    });

    it("understands ip6= and gw6= as Proxmox does: a CIDR, dhcp or auto, and a gateway for a static address only", () => {
        expect(parse("ip=dhcp,ip6=dhcp").result).toEqual({ ipv4: { kind: "dhcp" }, ipv6: { address: "dhcp", gateway: undefined } });
        expect(parse("ip6=2001:db8:0:1::12/64,gw6=fe80::1").result).toEqual({ ipv4: undefined, ipv6: { address: "2001:db8:0:1::12/64", gateway: "fe80::1" } });
        expect(parse("ip6=fd00::5").problems).toEqual(["ipconfig0: ip6=fd00::5 is not dhcp, auto or an IPv6 address with a prefix"]);
        expect(parse("ip6=fd00::5/129").problems).toEqual(["ipconfig0: ip6=fd00::5/129 is not dhcp, auto or an IPv6 address with a prefix"]);
        expect(parse("ip6=fd00:::5/64").problems).toEqual(["ipconfig0: ip6=fd00:::5/64 is not dhcp, auto or an IPv6 address with a prefix"]);
        expect(parse("ip6=192.168.1.12/24").problems).toEqual(["ipconfig0: ip6=192.168.1.12/24 is not dhcp, auto or an IPv6 address with a prefix"]);
        expect(parse("ip6=fd00::5/64,gw6=192.168.1.1").problems).toEqual(["ipconfig0: gw6=192.168.1.1 is not an IPv6 address"]);
        expect(parse("ip6=auto,gw6=fd00::1").problems).toEqual(["ipconfig0: gw6= has no meaning with ip6=auto"]);
        expect(parse("ip=dhcp,gw6=fd00::1").problems).toEqual(["ipconfig0: gw6= needs ip6="]);
        expect(parse("ip6=dhcp,ip6=auto").problems).toEqual(["ipconfig0: ip6= is given twice"]);
    });

    it("reports both families' problems together", () => {
        expect(parse("ip=10.0.0.5,ip6=fd00::5").problems).toEqual([
            "ipconfig0: ip=10.0.0.5 is not an IPv4 address with a prefix (like 192.168.1.12/24) or dhcp",
            "ipconfig0: ip6=fd00::5 is not dhcp, auto or an IPv6 address with a prefix",
        ]);
    });

    it("keeps any IPv4 and IPv6 address with a prefix, as written (property)", () => {
        fc.assert(
            fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.ipV6(), fc.integer({ min: 0, max: 128 }), fc.ipV6(), (v4, p4, v6, p6, gw6) => {
                const { result, problems } = parse(`ip=${v4}/${p4},ip6=${v6}/${p6},gw6=${gw6}`);
                expect(problems).toEqual([]);
                expect(result).toEqual({ ipv4: { kind: "static", address: v4, prefix: p4, gateway: undefined }, ipv6: { address: `${v6}/${p6}`, gateway: gw6 } });
            }),
        );
    });

    it("rejects an ip6= that is not a CIDR, naming it (property)", () => {
        const notCidr = fc.string().filter((t) => !t.includes(",") && !t.includes("/") && t !== "dhcp" && t !== "auto");
        fc.assert(
            fc.property(notCidr, (text) => {
                expect(parse(`ip6=${text}`).problems).toEqual([`ipconfig0: ip6=${text} is not dhcp, auto or an IPv6 address with a prefix`]);
            }),
        );
    });
});

describe("the JSON Schema for editors", () => {
    it("is the committed file, regenerated from the loader's spec (npm run schema)", () => {
        const committed = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "schemas", "vm.schema.json"), "utf8"));
        expect(committed).toEqual(vmJsonSchema());
    });

    it("describes the fields the loader reads", () => {
        const schema = vmJsonSchema() as { required: string[]; properties: Record<string, { type?: unknown; default?: unknown }>; additionalProperties: boolean };
        expect(schema.required).toEqual(["name", "target_node", "network"]);
        expect(schema.additionalProperties).toBe(false);
        expect(schema.properties.clone.type).toEqual(["string", "null"]);
        expect(schema.properties.scsihw.default).toBe("virtio-scsi-single");
    });

    describe("holds editors to the hardware rules JSON Schema can express (ajv)", () => {
        const validate = new Ajv2020({ allErrors: true, strict: true }).compile(vmJsonSchema());
        const base = yaml.load(vmYaml("vm-b")) as Record<string, unknown>;
        /** `<instance path> <keyword>` of each error, for a VM file with `edit` applied; [] when valid. */
        function errors(edit: (doc: Record<string, unknown> & { network: Record<string, unknown> }) => void): string[] {
            const doc = structuredClone(base) as Record<string, unknown> & { network: Record<string, unknown> };
            edit(doc);
            return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
        }
        const mac = (m: string) => errors((d) => (d.network.macaddr = m));
        const cpu = (c: string) => errors((d) => (d.cpu_type = c));
        const legacySlot = (slot: string) => errors((d) => (d.disks = [{ slot, type: "disk", size: "20G", storage: "local-lvm" }]));

        it("accepts the base file", () => {
            expect(errors(() => undefined)).toEqual([]);
        });

        it("takes unicast MAC addresses only, not all zeros", () => {
            expect(["BC:24:11:00:00:31", "02:00:00:00:00:31", "fe:ff:ff:ff:ff:ff"].map(mac)).toEqual([[], [], []]);
            expect(mac("bd:24:11:00:00:31")).toEqual(["/network/macaddr pattern"]);
            expect(mac("01:00:00:00:00:01")).toEqual(["/network/macaddr pattern"]);
            expect(mac("00:00:00:00:00:00")).toEqual(["/network/macaddr not"]);
            expect(mac("BC-24-11-00-00-31")).toEqual(["/network/macaddr pattern"]);
        });

        it("agrees with the loader on every MAC address (property)", () => {
            const octet = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, "0"));
            const zeroOr = (o: fc.Arbitrary<string>) => fc.oneof(fc.constant("00"), o);
            fc.assert(
                fc.property(fc.tuple(octet, zeroOr(octet), zeroOr(octet), zeroOr(octet), zeroOr(octet), zeroOr(octet)), fc.boolean(), (octets, upper) => {
                    const m = upper ? octets.join(":").toUpperCase() : octets.join(":");
                    expect([m, mac(m).length === 0]).toEqual([m, macProblem(m) === undefined]);
                }),
                { numRuns: 300 },
            );
        });

        it("takes the provider's CPU models and custom-<name> only, case-sensitively", () => {
            expect(["host", "x86-64-v2-AES", "EPYC-Genoa", "kvm64", "custom-lab"].map(cpu)).toEqual([[], [], [], [], []]);
            for (const bad of ["Host", "x86-64-v5", "custom-", ""]) {
                expect([bad, cpu(bad)]).toEqual([bad, ["/cpu_type enum", "/cpu_type pattern", "/cpu_type anyOf"]]);
            }
        });

        it("lists the CPU models the loader accepts, no more", () => {
            const schema = vmJsonSchema() as { properties: { cpu_type: { anyOf: [{ enum: string[] }, { pattern: string }] } } };
            expect(schema.properties.cpu_type.anyOf[0].enum).toEqual([...CPU_TYPES]);
            expect(schema.properties.cpu_type.anyOf[0].enum).toHaveLength(77);
            expect(CPU_TYPES.filter((c) => cpuTypeProblem(c) !== undefined)).toEqual([]);
        });

        it("takes each bus's own slots in the older disks list, as nested_disks' keys do", () => {
            for (const bus of BUSES) {
                const slots = Array.from({ length: 40 }, (_, i) => `${bus}${i}`);
                const accepted = slots.filter((slot) => legacySlot(slot).length === 0);
                expect([bus, accepted]).toEqual([bus, slots.slice(0, BUS_SLOTS[bus])]);
                const nestedKey = (slot: string) => errors((d) => (d.nested_disks = { [bus]: { [slot]: { disk: { storage: "local-lvm", size: "20G" } } } }));
                expect([bus, slots.filter((slot) => nestedKey(slot).length === 0)]).toEqual([bus, accepted]);
            }
            expect(["ide4", "sata6", "scsi31", "virtio16", "scsi01", "nvme0"].map(legacySlot)).toEqual(Array(6).fill(["/disks/0/slot pattern"]));
        });
    });

    it("is referenced by every VM file in vms/", () => {
        const dir = path.join(PROJECT_DIR, "vms");
        for (const file of fs.readdirSync(dir)) {
            expect(fs.readFileSync(path.join(dir, file), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/vm.schema.json");
        }
    });
});
