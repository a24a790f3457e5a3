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
        ["a passthrough that turns replication off where nested_disks leaves it on", replace(1, "{slot: scsi1, type: passthrough, file: /dev/disk/by-id/ata-x, replicate: false}"), ["disks[1].replicate: false disagrees with nested_disks.scsi.scsi1.passthrough.replicate (true)"]],
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

describe("the older disks list beside nested_disks, against unset and broken nested slots", () => {
    function problems(nested: string, entries: readonly string[]): string[] {
        const found: string[] = [];
        const text = vmYaml("vm-b", { nested_disks: `\n  scsi:\n    scsi0:\n      disk:\n        storage: local-lvm\n        size: 20G${nested}`, disks: `\n${entries.map((e) => `  - ${e}`).join("\n")}` });
        parseVmFile("vms/vm-b.yaml", text, (p, m) => found.push(`${p}: ${m}`));
        return found;
    }

    it("says unset when nested_disks leaves the field out", () => {
        expect(problems("\n  ide:\n    ide2:\n      cdrom: {}", ["{slot: ide2, type: cdrom, iso: local:iso/x.iso}"])).toEqual([
            "disks[0].iso: local:iso/x.iso disagrees with nested_disks.ide.ide2.cdrom.iso (unset)",
        ]);
    });

    it("compares nothing more with a nested slot that is itself reported", () => {
        expect(problems("\n  ide:\n    ide2:\n      cloudinit:\n        storage: x\n      cdrom: {}", ["{slot: ide2, type: cdrom, iso: local:iso/x.iso}"])).toEqual([
            "nested_disks.ide.ide2: must hold exactly one of disk, passthrough, cloudinit, cdrom; found cloudinit, cdrom",
        ]);
    });

    it("takes cloudinit: true for the cloud-init drive only on a cdrom entry", () => {
        expect(problems("", ["{slot: scsi0, type: disk, cloudinit: true, storage: local-lvm}"])).toEqual([]);
    });

    it("leaves fields the entry does not give to nested_disks", () => {
        expect(problems("", ["{slot: scsi0, type: disk}"])).toEqual([]);
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

    it("names each part that is not a key=value it knows, and every repeated key, before reading any", () => {
        expect(parse("ip=dhcp,dhcp,mtu=1500,gw=10.0.0.1,gw=10.0.0.2,ip=10.0.0.5/24").problems).toEqual([
            'ipconfig0: "dhcp" is not one of ip=, gw=, ip6=, gw6=',
            'ipconfig0: "mtu=1500" is not one of ip=, gw=, ip6=, gw6=',
            "ipconfig0: gw= is given twice",
            "ipconfig0: ip= is given twice",
        ]);
        expect(parse("ip=dhcp,dhcp").result).toBeUndefined();
        // A key without "=" is not taken for that key.
        expect(parse("ip6,gw6").problems).toEqual(['ipconfig0: "ip6" is not one of ip=, gw=, ip6=, gw6=', 'ipconfig0: "gw6" is not one of ip=, gw=, ip6=, gw6=']);
        expect(parse("ip=dhcp,gw=10.0.0.1").result).toBeUndefined();
        expect(parse("ip=10.0.0.5").result).toBeUndefined();
        expect(parse("gw6=fd00::1").result).toBeUndefined();
        expect(parse("gw=10.0.0.1").problems).toEqual(["ipconfig0: gw= needs ip="]);
        expect(parse("gw=10.0.0.1").result).toBeUndefined();
        expect(parse("ip6=auto,gw6=fd00::1").result).toBeUndefined();
        expect(parse("ip6=fd00::5").result).toBeUndefined();
        expect(parse("ip6=fd00::5/64,gw6=x").result).toBeUndefined();
        expect(parse("ip=10.0.0.5/24,gw=x").result).toBeUndefined();
        expect(parse("ip=10.0.0.5/8/1").problems).toEqual(["ipconfig0: ip=10.0.0.5/8/1 is not an IPv4 address with a prefix (like 192.168.1.12/24) or dhcp"]);
    });

    it("keeps the address part of a static ip= without its prefix, and a given gateway", () => {
        expect(parse("ip=192.168.1.12/24,gw=192.168.1.1").result).toStrictEqual({ ipv4: { kind: "static", address: "192.168.1.12", prefix: 24, gateway: "192.168.1.1" }, ipv6: undefined });
        expect(parse("ip6=dhcp").result).toStrictEqual({ ipv4: undefined, ipv6: { address: "dhcp", gateway: undefined } });
        expect(parse("ip=dhcp").result).toStrictEqual({ ipv4: { kind: "dhcp" }, ipv6: undefined });
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

describe("a VM file that omits every optional field", () => {
    /** The least a VM file must say: a name, a node, a bridge and one disk. */
    const MINIMAL = "name: min\ntarget_node: node01\nnetwork:\n  bridge: vmbr0\nnested_disks:\n  scsi:\n    scsi0:\n      disk:\n        storage: local-lvm\n        size: 20G\n";

    function parse(text: string, file = "vms/min.yaml"): { vm?: VmDefinition; name: string; problems: string[] } {
        const problems: string[] = [];
        const { vm, name } = parseVmFile(file, text, (p, m) => problems.push(`${p}: ${m}`));
        return { vm, name, problems };
    }

    it("normalises to exactly the documented defaults", () => {
        expect(parse(MINIMAL)).toStrictEqual({
            name: "min",
            problems: [],
            vm: {
                file: "vms/min.yaml",
                name: "min",
                targetNode: "node01",
                vmId: undefined,
                cores: 1,
                sockets: 1,
                memoryMiB: 1024,
                cpuType: "host",
                onBoot: true,
                started: true,
                clone: undefined,
                bootOrder: [],
                scsiHardware: "virtio-scsi-single",
                agent: false,
                user: undefined,
                nameservers: [],
                ipv4: undefined,
                ipv6: undefined,
                disks: [{ interface: "scsi0", fieldPath: "nested_disks.scsi.scsi0.disk", datastoreId: "local-lvm", sizeGb: 20, fileFormat: "raw", cache: undefined, discard: undefined, iothread: undefined, ssd: undefined, backup: undefined, replicate: undefined }],
                passthroughs: [],
                cdroms: [],
                cloudInitDrive: undefined,
                network: { bridge: "vmbr0", model: "virtio", firewall: true, macAddress: undefined, vlanId: undefined },
                serial: false,
            },
        });
    });

    it("reads every field it gives: ids, power state, clone, boot order, user, DNS, addresses, NIC, drives", () => {
        const { vm, problems } = parse(`${MINIMAL.replace("        size: 20G\n", [
            "        size: 2T",
            "        format: qcow2",
            "        cache: writeback",
            "        discard: true",
            "        iothread: true",
            "        emulatessd: true",
            "        backup: false",
            "        replicate: false",
            "    scsi1:",
            "      passthrough:",
            "        file: /dev/disk/by-id/ata-x",
            "        replicate: false",
            "        backup: true",
            "  sata:",
            "    sata0:",
            "      cloudinit:",
            "        storage: ci",
            "  ide:",
            "    ide2:",
            "      cdrom:",
            "        iso: local:iso/tools.iso",
            "",
        ].join("\n")).replace("  bridge: vmbr0\n", "  bridge: vmbr1\n  model: e1000\n  firewall: false\n  macaddr: bc:24:11:00:00:01\n  tag: 30\n")}vmid: 4242
cores: 4
sockets: 2
memory: 8192
cpu_type: x86-64-v2-AES
onboot: false
vm_state: stopped
clone: ubuntu-tpl
full_clone: true
boot: order=scsi0;ide2;net0
scsihw: virtio-scsi-pci
agent: 1
ciuser: ops
cipassword: change-me
sshkeys: "  ssh-ed25519 AAAA one  \\n\\n ssh-ed25519 BBBB two\\n"
nameserver: "  9.9.9.9   149.112.112.112 "
ipconfig0: ip=192.168.1.40/24,ip6=fd00::40/64,gw6=fd00::1
serial: true
`);
        expect(problems).toEqual([]);
        expect(vm).toStrictEqual({
            file: "vms/min.yaml",
            name: "min",
            targetNode: "node01",
            vmId: 4242,
            cores: 4,
            sockets: 2,
            memoryMiB: 8192,
            cpuType: "x86-64-v2-AES",
            onBoot: false,
            started: false,
            clone: { template: "ubuntu-tpl", full: true },
            bootOrder: ["scsi0", "ide2", "net0"],
            scsiHardware: "virtio-scsi-pci",
            agent: true,
            user: { name: "ops", password: "change-me", sshKeys: ["ssh-ed25519 AAAA one", "ssh-ed25519 BBBB two"] },
            nameservers: ["9.9.9.9", "149.112.112.112"],
            ipv4: { kind: "static", address: "192.168.1.40", prefix: 24, gateway: undefined },
            ipv6: { address: "fd00::40/64", gateway: "fd00::1" },
            disks: [{ interface: "scsi0", fieldPath: "nested_disks.scsi.scsi0.disk", datastoreId: "local-lvm", sizeGb: 2048, fileFormat: "qcow2", cache: "writeback", discard: true, iothread: true, ssd: true, backup: false, replicate: false }],
            passthroughs: [{ interface: "scsi1", path: "/dev/disk/by-id/ata-x", replicate: false, backup: true }],
            cdroms: [{ interface: "ide2", iso: "local:iso/tools.iso" }],
            cloudInitDrive: { interface: "sata0", datastoreId: "ci" },
            network: { bridge: "vmbr1", model: "e1000", firewall: false, macAddress: "BC:24:11:00:00:01", vlanId: 30 },
            serial: true,
        });
    });

    it("gives a user without keys an empty key list, and keeps a clone linked unless full_clone", () => {
        const { vm } = parse(`${MINIMAL}ciuser: ops\nclone: ubuntu-tpl\n`);
        expect([vm?.user, vm?.clone]).toStrictEqual([{ name: "ops", password: undefined, sshKeys: [] }, { template: "ubuntu-tpl", full: false }]);
    });

    it("reports a file of blanks and comments as empty, named after the file", () => {
        expect(parse("\n  # a comment\n\n", "vms/sub/old-vm.yml")).toStrictEqual({ vm: undefined, name: "old-vm", problems: [": the file is empty"] });
        expect(parse("", "vms/x.yaml")).toStrictEqual({ vm: undefined, name: "x", problems: [": the file is empty"] });
        expect(parse("#only: a comment\n", "vms/x.yaml").problems).toEqual([": the file is empty"]);
        // Only the extension goes.
        expect(parse("", "vms/my.yaml-files.yaml").name).toBe("my.yaml-files");
    });

    it("reports malformed YAML with its line, named after the file", () => {
        expect(parse("# header\nname: vm-c\ntarget_node: node03\n  cores: 2\n", "vms/vm-c.yaml")).toStrictEqual({
            vm: undefined,
            name: "vm-c",
            problems: [": line 4: bad indentation of a mapping entry"],
        });
    });

    it("keeps the name a broken file declares, and the file's name when it declares none usable", () => {
        expect(parse(`${MINIMAL}cores: 0\n`.replace("name: min", "name: declared"), "vms/file.yaml")).toStrictEqual({
            vm: undefined,
            name: "declared",
            problems: ["cores: must be at least 1, got 0"],
        });
        expect(parse(MINIMAL.replace("name: min", "name: 5"), "vms/file.yaml")).toStrictEqual({
            vm: undefined,
            name: "file",
            problems: ["name: must be a string, got number 5"],
        });
        expect(parse("- a list\n", "vms/list.yaml")).toStrictEqual({ vm: undefined, name: "list", problems: [": must be a mapping, got a list"] });
        expect(parse("null_but_not_empty: ~\n", "vms/n.yaml").name).toBe("n");
        expect(parse("~\n", "vms/n.yaml")).toStrictEqual({ vm: undefined, name: "n", problems: [": must be a mapping, got null"] });
        // An indented first line is content, not emptiness.
        expect(parse("  - a\n", "vms/n.yaml").problems).toEqual([": must be a mapping, got a list"]);
    });

    it("reports every problem of the VM as a whole at once, and gives no definition", () => {
        const text = [
            "name: broken",
            "target_node: node01",
            "network:\n  bridge: vmbr0",
            "nested_disks:",
            "  ide:",
            "    ide0:\n      cdrom: {}",
            "    ide1:\n      cloudinit:\n        storage: a",
            "    ide3:\n      cdrom:\n        iso: local:iso/x.iso",
            "  sata:",
            "    sata0:\n      cloudinit:\n        storage: b",
            "    sata1: {}",
            "cipassword: change-me",
            "sshkeys: ssh-ed25519 AAAA",
            "boot: order=scsi0;ide1;net0;net1",
            "ipconfig0: gw=192.168.1.1",
            "",
        ].join("\n");
        expect(parse(text)).toStrictEqual({
            vm: undefined,
            name: "broken",
            problems: [
                "nested_disks.sata.sata0: a second cloud-init drive; ide1 is one already",
                "nested_disks.sata.sata1: must hold exactly one of disk, passthrough, cloudinit, cdrom; found none",
                "nested_disks: the VM needs at least one disk",
                "nested_disks: only one cdrom drive is supported; found ide0, ide3",
                "ipconfig0: gw= needs ip=",
                "cipassword: needs ciuser",
                "sshkeys: needs ciuser",
                "boot: boots from scsi0, which the VM does not have",
                "boot: boots from net1, which the VM does not have",
            ],
        });
    });

    it("needs a disk when the file has neither nested_disks nor disks", () => {
        expect(parse("name: min\ntarget_node: node01\nnetwork:\n  bridge: vmbr0\n")).toStrictEqual({ vm: undefined, name: "min", problems: ["nested_disks: the VM needs at least one disk"] });
    });

    it("gives no definition when only ipconfig0 is wrong, nor when only the hardware is", () => {
        expect(parse(`${MINIMAL}ipconfig0: ip=dhcp,gw=192.168.1.1\n`)).toStrictEqual({ vm: undefined, name: "min", problems: ["ipconfig0: gw= has no meaning with ip=dhcp"] });
        expect(parse(`${MINIMAL}cpu_type: custom-\n`).vm).toBeUndefined();
    });
});

describe("the older disks list, alone", () => {
    const base = "name: old\ntarget_node: node01\nnetwork:\n  bridge: vmbr0\ndisks:\n";
    function parse(entries: readonly string[]): { vm?: VmDefinition; problems: string[] } {
        const problems: string[] = [];
        const { vm } = parseVmFile("vms/old.yaml", `${base}${entries.map((e) => `  - ${e}\n`).join("")}`, (p, m) => problems.push(`${p}: ${m}`));
        return { vm, problems };
    }

    it("reads every kind of entry, addressed by its index, the format raw unless given", () => {
        const { vm, problems } = parse([
            "{slot: scsi0, type: disk, size: 1T, storage: local-lvm}",
            "{slot: scsi1, type: disk, size: 5G, storage: tank, format: qcow2}",
            "{slot: scsi2, type: passthrough, file: /dev/disk/by-id/ata-x, replicate: false}",
            "{slot: ide1, type: cdrom, cloudinit: true, storage: ci}",
            "{slot: ide2, type: cdrom, iso: local:iso/tools.iso}",
        ]);
        expect(problems).toEqual([]);
        expect([vm?.disks, vm?.passthroughs, vm?.cdroms, vm?.cloudInitDrive]).toStrictEqual([
            [
                { interface: "scsi0", fieldPath: "disks[0]", datastoreId: "local-lvm", sizeGb: 1024, fileFormat: "raw", cache: undefined, discard: undefined, iothread: undefined, ssd: undefined, backup: undefined, replicate: undefined },
                { interface: "scsi1", fieldPath: "disks[1]", datastoreId: "tank", sizeGb: 5, fileFormat: "qcow2", cache: undefined, discard: undefined, iothread: undefined, ssd: undefined, backup: undefined, replicate: undefined },
            ],
            // The older list's passthrough says nothing of replication to the VM: only nested_disks does.
            [{ interface: "scsi2", path: "/dev/disk/by-id/ata-x", replicate: undefined, backup: undefined }],
            [{ interface: "ide2", iso: "local:iso/tools.iso" }],
            { interface: "ide1", datastoreId: "ci" },
        ]);
    });

    it("reports an entry that lacks what its kind needs, each at its index", () => {
        expect(parse([
            "{slot: scsi0, type: disk, size: 20G, storage: local-lvm}",
            "{slot: scsi1, type: disk, storage: local-lvm}",
            "{slot: scsi2, type: disk, size: 20G}",
            "{slot: scsi3, type: passthrough}",
            "{slot: ide1, type: cdrom, cloudinit: true}",
            "{slot: ide2, type: cdrom}",
        ]).problems).toEqual([
            "disks[1]: a disk needs storage and size",
            "disks[2]: a disk needs storage and size",
            "disks[3]: a passthrough needs file",
            "disks[4]: a cloud-init drive needs storage",
        ]);
    });

    it("addresses a bad slot to the entry's slot field", () => {
        expect(parse(["{slot: scsi0, type: disk, size: 20G, storage: local-lvm}", "{slot: virtio1, type: cdrom}"]).problems).toEqual([
            "disks[1].slot: virtio1 cannot hold a cdrom: Proxmox refuses media=cdrom on VirtIO Block; use ide0–ide3, sata0–sata5 or scsi0–scsi13",
        ]);
    });
});
