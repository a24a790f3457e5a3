import * as yaml from "js-yaml";
import { bool, ignored, int, joinPath, map, object, oneOf, pattern, Report, str, validate, z } from "../core/schema";
import { parseCidr, parseIpv4, parseIpv6, parseIpv6Cidr } from "../core/ipmath";
import {
    ALL_ZERO_MAC, anySlotPattern, Bus, busDescription, checkDriveSlots, checkVmHardware, CPU_TYPES, CUSTOM_CPU, DeclaredDrive, Device, DEVICE_NAME,
    slotHint, slotPattern, UNICAST_MAC,
} from "./hardware";

/**
 * The VM file format of the OpenTofu + Ansible homelab this platform replaces
 * (Telmate-style fields, one file per VM under `vms/`). Files in that format load unchanged.
 *
 * `.default()` is a default the program applies (the parsed value carries it); `.meta({ default })`
 * only documents Proxmox's own default in the JSON Schema, and the program leaves the field unset.
 *
 * Where a hardware rule (hardware.ts) can be written in JSON Schema, `.meta({ pattern | anyOf | not })`
 * puts it in the editors' schema too (zod merges `meta` over the generated keywords). The zod schema
 * itself stays looser there on purpose: the loader's rules then report the case with its reason
 * ("a multicast address", "not an IDE slot (Proxmox has ide0–ide3)") instead of a bare pattern mismatch.
 */

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SIZE = /^[1-9]\d*[GT]$/;
const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;
const STORAGE = /^[A-Za-z][A-Za-z0-9\-_.]*$/;

const storage = () => pattern("Proxmox datastore id", STORAGE, "a datastore id like local-lvm");
const size = () => pattern("Disk size in GiB or TiB", SIZE, "a size in G or T, like 30G");
const FORMATS = ["raw", "qcow2", "vmdk"] as const;

const diskSchema = object(
    {
        storage: storage(),
        size: size(),
        format: oneOf("Disk image format", FORMATS).default("raw"),
        cache: oneOf("Cache mode", ["none", "directsync", "writethrough", "writeback", "unsafe"]).optional(),
        discard: bool("Pass discard/trim to the datastore").optional(),
        iothread: bool("Dedicated I/O thread (needs virtio-scsi-single)").optional(),
        emulatessd: bool("Present the disk as an SSD").optional(),
        backup: bool("Include in vzdump backups").optional().meta({ default: true }),
        replicate: bool("Include in storage replication").optional().meta({ default: true }),
    },
    "A virtual disk created on a datastore",
);

const passthroughSchema = object(
    {
        file: pattern("Host device path, preferably /dev/disk/by-id/...", /^\/dev\//, "a host device path under /dev/"),
        replicate: bool("Include in storage replication").optional(),
        backup: bool("Include in vzdump backups").optional(),
    },
    "A host block device passed through to the VM (root@pam only)",
);

const slotSchema = object(
    {
        disk: diskSchema.optional(),
        passthrough: passthroughSchema.optional(),
        cloudinit: object({ storage: storage() }, "The cloud-init drive").optional(),
        cdrom: object({ iso: str("ISO file id, like local:iso/debian.iso").optional() }, "A CD-ROM drive").optional(),
    },
    "What sits in this slot: exactly one of disk, passthrough, cloudinit or cdrom",
);

// Each bus's own slots (hardware.ts has the limits and their sources), so editors flag ide4 too.
const bus = (name: Bus) => map(slotSchema, { pattern: slotPattern(name), hint: slotHint(name) }, busDescription(name)).optional();

const legacyDiskSchema = object(
    {
        slot: pattern("Slot", /^(scsi|virtio|sata|ide)\d+$/, "a slot like scsi0").meta({ pattern: anySlotPattern().source }),
        type: oneOf("Kind of drive", ["disk", "cdrom", "passthrough"]),
        size: size().optional(),
        storage: storage().optional(),
        format: oneOf("Disk image format", FORMATS).optional(),
        cloudinit: bool("This cdrom is the cloud-init drive").optional(),
        iso: str("ISO file id").optional(),
        file: str("Host device path").optional(),
        replicate: bool("Include in storage replication").optional(),
    },
    "Older flat disk list; nested_disks wins when both are present, and they must agree",
);

export const VM_FILE_SCHEMA = object(
    {
        name: pattern("VM name, a DNS label", NAME, "a DNS label (lowercase letters, digits, '-')"),
        target_node: str("Proxmox node that runs the VM"),
        vmid: int("Fixed VM id; Proxmox picks the next free id when absent", 100, 999999999).optional(),
        cores: int("Cores per socket", 1, 512).default(1),
        sockets: int("CPU sockets", 1, 8).default(1),
        memory: int("Memory in MiB", 16).default(1024),
        cpu_type: str("QEMU CPU type, like host or x86-64-v2-AES, or custom-<name>")
            .meta({ anyOf: [{ enum: [...CPU_TYPES] }, { pattern: CUSTOM_CPU.source }] })
            .default("host"),
        onboot: bool("Start the VM when the node boots").default(true),
        vm_state: oneOf("Desired power state", ["running", "stopped"]).default("running"),
        clone: z
            .string()
            .nullable()
            .describe("Template name to clone; mapped to a VM id in stack config (homelab:proxmox.templates). Null imports the stack's cloud image instead.")
            .default(null),
        full_clone: bool("Full clone instead of a linked clone").default(false),
        boot: pattern("Boot order", /^order=[a-z]+\d+(;[a-z]+\d+)*$/, "a boot order like order=scsi0;net0").optional(),
        scsihw: oneOf("SCSI controller", ["lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"]).default("virtio-scsi-single"),
        agent: int("QEMU guest agent: 1 enables it (the program installs it), 0 disables it and never waits for an IP", 0, 1).default(0),
        ciuser: pattern("cloud-init user", /^[a-z_][a-z0-9_-]{0,31}$/, "a Linux user name").optional(),
        cipassword: str("cloud-init password; kept as a Pulumi secret. Prefer SSH keys.").optional(),
        sshkeys: str("SSH public keys, one per line").optional(),
        nameserver: str("DNS servers, space separated; defaults to the network's DNS servers").optional(),
        ipconfig0: str("Proxmox ipconfig: ip=<cidr|dhcp>,gw=<ip>,ip6=<cidr|dhcp|auto>,gw6=<ip>").optional(),
        nested_disks: object({ scsi: bus("scsi"), virtio: bus("virtio"), sata: bus("sata"), ide: bus("ide") }, "Disks by bus and slot").optional(),
        disks: z.array(legacyDiskSchema).describe("Older flat disk list").optional(),
        network: object(
            {
                bridge: str("Linux bridge on the node, like vmbr0"),
                model: oneOf("NIC model", ["virtio", "e1000", "e1000e", "rtl8139", "vmxnet3"]).default("virtio"),
                firewall: bool("Proxmox firewall on this NIC").default(true),
                macaddr: pattern("Fixed unicast MAC address (first octet even, not all zeros)", MAC, "a MAC address like BC:24:11:00:00:01")
                    .meta({ pattern: UNICAST_MAC.source, not: { pattern: ALL_ZERO_MAC.source } })
                    .optional(),
                tag: int("VLAN tag", 1, 4094).optional(),
            },
            "The first network device (net0)",
        ),
        serial: bool("Add a serial console (serial0: socket)").default(false),
        define_connection_info: ignored("Telmate-only; accepted and ignored"),
        skip_ipv6: ignored("Telmate-only; accepted and ignored"),
        automatic_reboot: ignored("Telmate-only; accepted and ignored"),
        template: ignored("Telmate-only; accepted and ignored"),
    },
    "One Proxmox VM, in the format of the OpenTofu + Ansible homelab this platform replaces",
);

/** A file that passed VM_FILE_SCHEMA, its defaults applied. */
type RawVm = z.output<typeof VM_FILE_SCHEMA>;
type RawSlot = z.output<typeof slotSchema>;
type RawLegacyDisk = z.output<typeof legacyDiskSchema>;

export interface VmDisk {
    readonly interface: string;
    /** Where the file declares it, for messages: `nested_disks.scsi.scsi0.disk`, or `disks[0]` in the older list. */
    readonly fieldPath?: string;
    readonly datastoreId: string;
    readonly sizeGb: number;
    readonly fileFormat: string;
    readonly cache?: string;
    readonly discard?: boolean;
    readonly iothread?: boolean;
    readonly ssd?: boolean;
    readonly backup?: boolean;
    readonly replicate?: boolean;
}

export interface VmPassthrough {
    readonly interface: string;
    readonly path: string;
    readonly replicate?: boolean;
    readonly backup?: boolean;
}

export type Ipv4Config =
    | { readonly kind: "static"; readonly address: string; readonly prefix: number; readonly gateway?: string }
    | { readonly kind: "dhcp" };

export interface VmDefinition {
    /** Path relative to the project, for messages: `vms/k8s-dev.yaml`. */
    readonly file: string;
    readonly name: string;
    readonly targetNode: string;
    readonly vmId?: number;
    readonly cores: number;
    readonly sockets: number;
    readonly memoryMiB: number;
    readonly cpuType: string;
    readonly onBoot: boolean;
    readonly started: boolean;
    readonly clone?: { readonly template: string; readonly full: boolean };
    readonly bootOrder: readonly string[];
    readonly scsiHardware: string;
    readonly agent: boolean;
    readonly user?: { readonly name: string; readonly password?: string; readonly sshKeys: readonly string[] };
    readonly nameservers: readonly string[];
    readonly ipv4?: Ipv4Config;
    readonly ipv6?: { readonly address: string; readonly gateway?: string };
    readonly disks: readonly VmDisk[];
    readonly passthroughs: readonly VmPassthrough[];
    readonly cdroms: readonly { readonly interface: string; readonly iso?: string }[];
    readonly cloudInitDrive?: { readonly interface: string; readonly datastoreId: string };
    readonly network: { readonly bridge: string; readonly model: string; readonly firewall: boolean; readonly macAddress?: string; readonly vlanId?: number };
    readonly serial: boolean;
}

function sizeInGb(text: string): number {
    const value = Number(text.slice(0, -1));
    return text.endsWith("T") ? value * 1024 : value;
}

/** Parses `ip=...,gw=...,ip6=...,gw6=...`, reporting each bad part under `ipconfig0`. */
export function parseIpConfig(text: string, path: string, report: Report): { ipv4?: Ipv4Config; ipv6?: { address: string; gateway?: string } } | undefined {
    const parts = new Map<string, string>();
    let ok = true;
    for (const part of text.split(",")) {
        const eq = part.indexOf("=");
        // Without "=" (eq -1) the slice drops the last character, but the test below has already refused the part.
        const key = part.slice(0, eq);
        // Stryker disable next-line EqualityOperator: at eq 0 the key is empty, which is not a known key either
        if (eq < 0 || !["ip", "gw", "ip6", "gw6"].includes(key)) {
            report(path, `${JSON.stringify(part)} is not one of ip=, gw=, ip6=, gw6=`);
            ok = false;
            continue;
        }
        if (parts.has(key)) {
            report(path, `${key}= is given twice`);
            ok = false;
            continue;
        }
        parts.set(key, part.slice(eq + 1));
    }
    if (!ok) {
        return undefined;
    }
    let ipv4: Ipv4Config | undefined;
    const ip = parts.get("ip");
    const gw = parts.get("gw");
    if (ip === "dhcp") {
        ipv4 = { kind: "dhcp" };
        if (gw !== undefined) {
            report(path, "gw= has no meaning with ip=dhcp");
            ok = false;
        }
    } else if (ip !== undefined) {
        // parseCidr takes exactly a four-part IPv4 address, one slash and a prefix of 0 to 32.
        const cidr = parseCidr(ip, false);
        if (cidr === undefined) {
            report(path, `ip=${ip} is not an IPv4 address with a prefix (like 192.168.1.12/24) or dhcp`);
            ok = false;
        } else if (gw !== undefined && parseIpv4(gw) === undefined) {
            report(path, `gw=${gw} is not an IPv4 address`);
            ok = false;
        } else {
            ipv4 = { kind: "static", address: ip.slice(0, ip.indexOf("/")), prefix: cidr.prefix, gateway: gw };
        }
    } else if (gw !== undefined) {
        report(path, "gw= needs ip=");
        ok = false;
    }
    // Proxmox's ip6= is a CIDR, dhcp (DHCPv6) or auto (SLAAC); gw6= applies to a static address only
    // (https://pve.proxmox.com/pve-docs/qm.1.html, ipconfig[n]). The text is kept as written: it is what Proxmox gets.
    let ipv6: { address: string; gateway?: string } | undefined;
    const ip6 = parts.get("ip6");
    const gw6 = parts.get("gw6");
    if (ip6 === "dhcp" || ip6 === "auto") {
        ipv6 = { address: ip6, gateway: undefined };
        if (gw6 !== undefined) {
            report(path, `gw6= has no meaning with ip6=${ip6}`);
            ok = false;
        }
    } else if (ip6 !== undefined) {
        if (parseIpv6Cidr(ip6, false) === undefined) {
            report(path, `ip6=${ip6} is not dhcp, auto or an IPv6 address with a prefix`);
            ok = false;
        } else if (gw6 !== undefined && parseIpv6(gw6) === undefined) {
            report(path, `gw6=${gw6} is not an IPv6 address`);
            ok = false;
        } else {
            ipv6 = { address: ip6, gateway: gw6 };
        }
    } else if (gw6 !== undefined) {
        report(path, "gw6= needs ip6=");
        ok = false;
    }
    return ok ? { ipv4, ipv6 } : undefined;
}

/** One slot as the file declares it: nested_disks.<bus>.<slot>, or an entry of the older flat list. */
interface SlotEntry {
    /** `nested_disks.ide.ide2` or `disks[1]`. */
    readonly path: string;
    /** Where the slot's name is written. */
    readonly slotPath: string;
    readonly bus?: string;
    readonly slot: string;
    readonly content: RawSlot;
}

function nestedEntries(nested: Record<string, Record<string, RawSlot>>): SlotEntry[] {
    return Object.entries(nested).flatMap(([busName, slots]) =>
        Object.entries(slots).map(([slot, content]) => {
            const path = joinPath(joinPath("nested_disks", busName), slot);
            return { path, slotPath: path, bus: busName, slot, content };
        }),
    );
}

function collectDisks(entries: readonly SlotEntry[], report: Report) {
    const disks: VmDisk[] = [];
    const passthroughs: VmPassthrough[] = [];
    const cdroms: { interface: string; iso?: string }[] = [];
    const drives: DeclaredDrive[] = [];
    let cloudInitDrive: { interface: string; datastoreId: string } | undefined;
    for (const { path, slotPath, bus, slot, content } of entries) {
        const kinds = Object.keys(content);
        if (kinds.length !== 1) {
            report(path, `must hold exactly one of disk, passthrough, cloudinit, cdrom; found ${kinds.length === 0 ? "none" : kinds.join(", ")}`);
            continue;
        }
        drives.push({ path, slotPath, bus, slot, device: kinds[0] as Device });
        if (content.disk) {
            const d = content.disk;
            disks.push({
                interface: slot, fieldPath: bus === undefined ? path : joinPath(path, "disk"), datastoreId: d.storage, sizeGb: sizeInGb(d.size), fileFormat: d.format,
                cache: d.cache, discard: d.discard, iothread: d.iothread, ssd: d.emulatessd, backup: d.backup, replicate: d.replicate,
            });
        } else if (content.passthrough) {
            passthroughs.push({ interface: slot, path: content.passthrough.file, replicate: content.passthrough.replicate, backup: content.passthrough.backup });
        } else if (content.cloudinit) {
            if (cloudInitDrive) {
                report(path, `a second cloud-init drive; ${cloudInitDrive.interface} is one already`);
                continue;
            }
            cloudInitDrive = { interface: slot, datastoreId: content.cloudinit.storage };
        } else if (content.cdrom) {
            cdroms.push({ interface: slot, iso: content.cdrom.iso });
        }
    }
    return { disks, passthroughs, cdroms, cloudInitDrive, drives };
}

/** The older flat `disks:` list, when it is the only disk description. */
function disksFromLegacyList(list: readonly RawLegacyDisk[], report: Report): SlotEntry[] {
    const entries: SlotEntry[] = [];
    list.forEach((d, i) => {
        const path = joinPath("disks", i);
        const slot: RawSlot = {};
        if (d.type === "disk") {
            if (!d.storage || !d.size) {
                report(path, "a disk needs storage and size");
                return;
            }
            slot.disk = { storage: d.storage, size: d.size, format: d.format ?? "raw" };
        } else if (d.type === "passthrough") {
            if (!d.file) {
                report(path, "a passthrough needs file");
                return;
            }
            slot.passthrough = { file: d.file };
        } else if (d.cloudinit) {
            if (!d.storage) {
                report(path, "a cloud-init drive needs storage");
                return;
            }
            slot.cloudinit = { storage: d.storage };
        } else {
            slot.cdrom = { iso: d.iso };
        }
        entries.push({ path, slotPath: joinPath(path, "slot"), slot: d.slot, content: slot });
    });
    return entries;
}

/** The device an entry of the older list declares: a cdrom with `cloudinit: true` is the cloud-init drive. */
function legacyDevice(d: RawLegacyDisk): Device {
    return d.type === "cdrom" && d.cloudinit ? "cloudinit" : d.type;
}

/**
 * When both lists are present nested_disks is what the program uses, and every entry of `disks:` must
 * say the same, or one of them is silently wrong. Each entry is first held to the hardware rules on its
 * own (its slot exists, takes its device, holds one drive), then compared with the nested slot of the
 * same name: same device, and the same value for each field the entry gives.
 */
function checkLegacyAgrees(list: readonly RawLegacyDisk[], nested: readonly SlotEntry[], report: Report): void {
    const drives: DeclaredDrive[] = list.map((d, i) => {
        const path = joinPath("disks", i);
        return { path, slotPath: joinPath(path, "slot"), slot: d.slot, device: legacyDevice(d) };
    });
    const passed = checkDriveSlots(drives, report);
    drives.forEach((drive, i) => {
        if (passed.get(drive.slot) !== drive) {
            return;
        }
        const other = nested.find((n) => n.slot === drive.slot);
        if (!other) {
            report(drive.path, `${drive.slot} is not in nested_disks`);
            return;
        }
        const kinds = Object.keys(other.content) as Device[];
        if (kinds.length !== 1) {
            return; // collectDisks has reported the nested slot.
        }
        if (kinds[0] !== drive.device) {
            report(drive.path, `${drive.slot} is ${DEVICE_NAME[drive.device]} here, but ${other.path} holds ${DEVICE_NAME[kinds[0]]}`);
            return;
        }
        const d = list[i];
        const c = other.content;
        // [field of the entry, its value, the nested field, the nested value]: only the fields the entry gives.
        type Value = string | boolean | undefined;
        const pairs: [string, Value, string, Value][] = [];
        // An unset replicate is Proxmox's default, on (qm.1: `replicate=<boolean> (default = 1)`).
        if (c.disk) {
            pairs.push(["size", d.size, "disk.size", c.disk.size], ["storage", d.storage, "disk.storage", c.disk.storage]);
            pairs.push(["format", d.format, "disk.format", c.disk.format], ["replicate", d.replicate, "disk.replicate", c.disk.replicate ?? true]);
        } else if (c.passthrough) {
            pairs.push(["file", d.file, "passthrough.file", c.passthrough.file], ["replicate", d.replicate, "passthrough.replicate", c.passthrough.replicate ?? true]);
        } else if (c.cloudinit) {
            pairs.push(["storage", d.storage, "cloudinit.storage", c.cloudinit.storage]);
        } else if (c.cdrom) {
            pairs.push(["iso", d.iso, "cdrom.iso", c.cdrom.iso]);
        }
        for (const [field, mine, theirs, value] of pairs) {
            // Sizes compare by value: 1T is 1024G.
            // Stryker disable next-line ConditionalExpression: the nested size is a string whenever the entry's is compared with it (the schema requires it on a disk)
            const same = field === "size" && typeof mine === "string" && typeof value === "string" ? sizeInGb(mine) === sizeInGb(value) : mine === value;
            if (mine !== undefined && !same) {
                report(joinPath(drive.path, field), `${String(mine)} disagrees with ${joinPath(other.path, theirs)} (${value === undefined ? "unset" : String(value)})`);
            }
        }
    });
}

function normalise(file: string, raw: RawVm, outer: Report): VmDefinition | undefined {
    let problems = 0;
    const report: Report = (path, message) => {
        problems++;
        outer(path, message);
    };
    const entries = raw.nested_disks ? nestedEntries(raw.nested_disks) : raw.disks ? disksFromLegacyList(raw.disks, report) : [];
    const { disks, passthroughs, cdroms, cloudInitDrive, drives } = collectDisks(entries, report);
    // What Proxmox, the provider and QEMU refuse: slots per bus, devices per bus, one drive per slot, MAC, CPU type.
    checkVmHardware({ drives, macAddress: raw.network.macaddr, cpuType: raw.cpu_type }, report);
    if (raw.nested_disks && raw.disks) {
        checkLegacyAgrees(raw.disks, entries, report);
    }
    if (disks.length === 0) {
        report("nested_disks", "the VM needs at least one disk");
    }
    if (cdroms.length > 1) {
        report("nested_disks", `only one cdrom drive is supported; found ${cdroms.map((c) => c.interface).join(", ")}`);
    }
    const ip = raw.ipconfig0 === undefined ? {} : parseIpConfig(raw.ipconfig0, "ipconfig0", report);
    if (raw.cipassword !== undefined && raw.ciuser === undefined) {
        report("cipassword", "needs ciuser");
    }
    if (raw.sshkeys !== undefined && raw.ciuser === undefined) {
        report("sshkeys", "needs ciuser");
    }
    const bootOrder = raw.boot ? raw.boot.slice("order=".length).split(";") : [];
    // Stryker disable next-line ArrayDeclaration: a name added to the devices matters only if the boot order names it, and `boot` takes [a-z]+<digits> names only
    const devices = new Set([...disks, ...passthroughs, ...cdroms].map((d) => d.interface).concat(cloudInitDrive ? [cloudInitDrive.interface] : [], ["net0"]));
    for (const device of bootOrder) {
        if (!devices.has(device)) {
            report("boot", `boots from ${device}, which the VM does not have`);
        }
    }
    // Stryker disable next-line ConditionalExpression: parseIpConfig returns undefined only after reporting, so problems > 0 then too (the test narrows ip's type)
    if (ip === undefined || problems > 0) {
        return undefined;
    }
    return {
        file,
        name: raw.name,
        targetNode: raw.target_node,
        vmId: raw.vmid,
        cores: raw.cores,
        sockets: raw.sockets,
        memoryMiB: raw.memory,
        cpuType: raw.cpu_type,
        onBoot: raw.onboot,
        started: raw.vm_state === "running",
        clone: raw.clone ? { template: raw.clone, full: raw.full_clone } : undefined,
        bootOrder,
        scsiHardware: raw.scsihw,
        agent: raw.agent === 1,
        user: raw.ciuser
            ? { name: raw.ciuser, password: raw.cipassword, sshKeys: (raw.sshkeys ?? "").split("\n").map((k) => k.trim()).filter((k) => k.length > 0) }
            : undefined,
        // Stryker disable next-line Regex: splitting on single blanks leaves empty strings between runs of them, which the filter drops
        nameservers: raw.nameserver ? raw.nameserver.split(/\s+/).filter((s) => s.length > 0) : [],
        ipv4: ip.ipv4,
        ipv6: ip.ipv6,
        disks,
        passthroughs,
        cdroms,
        cloudInitDrive,
        network: {
            bridge: raw.network.bridge,
            model: raw.network.model,
            firewall: raw.network.firewall,
            macAddress: raw.network.macaddr?.toUpperCase(),
            vlanId: raw.network.tag,
        },
        serial: raw.serial,
    };
}

export interface ParsedVmFile {
    /** The normalised definition, only when the file is entirely valid. */
    readonly vm?: VmDefinition;
    /** The VM's name as far as it can be told, even from a broken file, so references to it are not reported twice. */
    readonly name: string;
}

/** Parses and checks one VM file. Every problem goes to `report` with its field path. */
export function parseVmFile(file: string, text: string, report: Report): ParsedVmFile {
    // Stryker disable next-line Regex: `.*` is greedy from the first position, so the match starts at the beginning without the anchor too
    const baseName = file.replace(/^.*\//, "");
    const fallbackName = baseName.replace(/\.ya?ml$/, "");
    // A file of blanks and comments: js-yaml's own message for it is less plain.
    if (!/^\s*[^#\s]/m.test(text)) {
        report("", "the file is empty");
        return { name: fallbackName };
    }
    let doc: unknown;
    try {
        doc = yaml.load(text);
    } catch (err) {
        // Stryker disable next-line ConditionalExpression: js-yaml reports every problem of a text as a YAMLException (too deep a nesting too, by its maxDepth); the rethrow is for a fault of the program, which no file produces
        if (err instanceof yaml.YAMLException) {
            report("", err.mark ? `line ${err.mark.line + 1}: ${err.reason}` : err.reason);
            return { name: fallbackName };
        }
        throw err;
    }
    const declared = (doc as { name?: unknown } | null)?.name;
    const name = typeof declared === "string" ? declared : fallbackName;
    const raw = validate(VM_FILE_SCHEMA, doc, "", report);
    return { vm: raw === undefined ? undefined : normalise(file, raw, report), name };
}
