import { bootDisk, cloudInitInterface, vmIgnoreChanges, vmLegacyArgs, VmArgsContext } from "./vmArgs";
import { parseVmFile, VmDefinition } from "./vmDefinition";

/**
 * From a VM file to the `proxmoxve.VmLegacy` arguments, for the fields a file leaves out: every
 * documented default (README "VM files", DESIGN §2) and every fallback must reach the provider's
 * arguments with its exact value, so changing a default or dropping a fallback fails here.
 */

const NETWORK = { bridge: "vmbr0", cidr: "192.168.1.0/24", gateway: "192.168.1.1", dnsServers: ["192.168.1.3", "1.1.1.1"] };

const CTX: VmArgsContext = {
    network: NETWORK,
    importFrom: "local:import/noble.qcow2",
    userDataFileId: "local:snippets/min-user-data.yaml",
    tags: ["stack-dev", "homelab"],
    description: "managed by pulumi",
};

/** The least a VM file must say: a name, a node, a bridge and one disk. */
const MINIMAL = `name: min
target_node: node01
network:
  bridge: vmbr0
nested_disks:
  scsi:
    scsi0:
      disk:
        storage: local-lvm
        size: 20G
`;

function parse(text: string): VmDefinition {
    const problems: string[] = [];
    const { vm } = parseVmFile("vms/min.yaml", text, (path, message) => problems.push(`${path}: ${message}`));
    expect(problems).toEqual([]);
    return vm!;
}

/** The minimal file with `extra` (top-level YAML lines) appended. */
const withFields = (extra: string) => parse(`${MINIMAL}${extra}\n`);

describe("VM arguments of a file that omits every optional field", () => {
    it("are exactly the documented defaults", () => {
        // toStrictEqual: a key set to undefined (an option the file did not give) fails too.
        expect(vmLegacyArgs(parse(MINIMAL), CTX)).toStrictEqual({
            name: "min",
            nodeName: "node01",
            description: "managed by pulumi",
            // Sorted: Proxmox sorts tags, an unsorted list would show a diff on every run.
            tags: ["homelab", "stack-dev"],
            // cores 1, sockets 1, cpu_type host.
            cpu: { cores: 1, sockets: 1, type: "host" },
            // memory 1024 MiB.
            memory: { dedicated: 1024 },
            // onboot true, vm_state running.
            onBoot: true,
            started: true,
            // scsihw virtio-scsi-single.
            scsiHardware: "virtio-scsi-single",
            // agent 0: off, and never wait for an IP.
            agent: { enabled: false },
            operatingSystem: { type: "l26" },
            // clone null: the boot disk is imported from the cloud image; format raw.
            disks: [{ interface: "scsi0", datastoreId: "local-lvm", size: 20, fileFormat: "raw", importFrom: "local:import/noble.qcow2" }],
            // network model virtio, firewall on, no MAC, no VLAN.
            networkDevices: [{ bridge: "vmbr0", model: "virtio", firewall: true }],
            initialization: {
                // The cloud-init drive: ide2, on the boot disk's datastore.
                datastoreId: "local-lvm",
                interface: "ide2",
                // No ipconfig0: no address configured.
                ipConfigs: [{}],
                // No nameserver: the network's DNS servers; no domain configured.
                dns: { servers: ["192.168.1.3", "1.1.1.1"] },
                userDataFileId: "local:snippets/min-user-data.yaml",
            },
            stopOnDestroy: true,
            migrate: true,
        });
    });

    it("leave out vmId, bootOrders, serialDevices, cdrom and clone (Proxmox picks the id; no serial port by default)", () => {
        const args = vmLegacyArgs(parse(MINIMAL), CTX);
        for (const key of ["vmId", "bootOrders", "serialDevices", "cdrom", "clone"]) {
            expect(Object.keys(args)).not.toContain(key);
        }
    });

    it("ignore, once created, the cdrom, the boot order, the MAC Proxmox assigns and the imported image", () => {
        expect(vmIgnoreChanges(parse(MINIMAL))).toEqual(["cdrom", "bootOrders", "networkDevices[0].macAddress", "disks[0].importFrom"]);
    });

    it("set each of those when the file gives it", () => {
        const vm = withFields(`vmid: 4242
cores: 4
sockets: 2
memory: 8192
cpu_type: x86-64-v2-AES
onboot: false
vm_state: stopped
scsihw: virtio-scsi-pci
agent: 1
serial: true
boot: order=scsi0;net0
nameserver: 9.9.9.9  149.112.112.112`);
        const args = vmLegacyArgs(vm, CTX);
        expect(args.vmId).toBe(4242);
        expect(args.cpu).toEqual({ cores: 4, sockets: 2, type: "x86-64-v2-AES" });
        expect(args.memory).toEqual({ dedicated: 8192 });
        expect([args.onBoot, args.started]).toEqual([false, false]);
        expect(args.scsiHardware).toBe("virtio-scsi-pci");
        expect(args.agent).toEqual({ enabled: true, trim: true, waitForIp: { ipv4: true } });
        expect(args.serialDevices).toEqual([{ device: "socket" }]);
        expect(args.bootOrders).toEqual(["scsi0", "net0"]);
        expect(args.initialization).toMatchObject({ dns: { servers: ["9.9.9.9", "149.112.112.112"] } });
    });
});

describe("VM argument fallbacks", () => {
    it("a static ipconfig0 without gw= takes the network's gateway", () => {
        const args = vmLegacyArgs(withFields("ipconfig0: ip=192.168.1.40/24"), CTX);
        expect(args.initialization).toMatchObject({ ipConfigs: [{ ipv4: { address: "192.168.1.40/24", gateway: "192.168.1.1" } }] });
    });

    it("a static ipconfig0 with gw= keeps its own gateway", () => {
        const args = vmLegacyArgs(withFields("ipconfig0: ip=192.168.1.40/24,gw=192.168.1.254"), CTX);
        expect(args.initialization).toMatchObject({ ipConfigs: [{ ipv4: { address: "192.168.1.40/24", gateway: "192.168.1.254" } }] });
    });

    it("ip=dhcp has no gateway; ip6 without gw6 has none either, and with gw6 keeps it", () => {
        const ipConfigs = (vmLegacyArgs(withFields("ipconfig0: ip=dhcp,ip6=auto"), CTX).initialization as { ipConfigs: unknown[] }).ipConfigs;
        expect(ipConfigs).toEqual([{ ipv4: { address: "dhcp" }, ipv6: { address: "auto" } }]);
        const v6 = (vmLegacyArgs(withFields("ipconfig0: ip6=2001:db8::5/64,gw6=2001:db8::1"), CTX).initialization as { ipConfigs: unknown[] }).ipConfigs;
        expect(v6).toEqual([{ ipv6: { address: "2001:db8::5/64", gateway: "2001:db8::1" } }]);
    });

    it("the network's domain reaches dns.domain when configured", () => {
        const args = vmLegacyArgs(parse(MINIMAL), { ...CTX, network: { ...NETWORK, domain: "lab.example" } });
        expect(args.initialization).toMatchObject({ dns: { servers: ["192.168.1.3", "1.1.1.1"], domain: "lab.example" } });
    });

    it("a declared cloud-init drive keeps its slot and storage; an undeclared one goes on the boot disk's storage, ide2 or the first free slot", () => {
        const declared = parse(MINIMAL.replace("        size: 20G\n", "        size: 20G\n  ide:\n    ide1:\n      cloudinit:\n        storage: ci-store\n"));
        expect(vmLegacyArgs(declared, CTX).initialization).toMatchObject({ datastoreId: "ci-store", interface: "ide1" });
        const ide2Taken = parse(MINIMAL.replace("        size: 20G\n", "        size: 20G\n  ide:\n    ide2:\n      cdrom:\n        iso: local:iso/tools.iso\n"));
        expect(cloudInitInterface(ide2Taken)).toBe("ide0");
        expect(vmLegacyArgs(ide2Taken, CTX).initialization).toMatchObject({ datastoreId: "local-lvm", interface: "ide0" });
    });

    it("a cdrom without iso is attached empty (fileId none)", () => {
        const vm = parse(MINIMAL.replace("        size: 20G\n", "        size: 20G\n  ide:\n    ide0:\n      cdrom: {}\n"));
        expect(vmLegacyArgs(vm, CTX).cdrom).toEqual({ interface: "ide0", fileId: "none" });
        const withIso = parse(MINIMAL.replace("        size: 20G\n", "        size: 20G\n  ide:\n    ide0:\n      cdrom:\n        iso: local:iso/tools.iso\n"));
        expect(vmLegacyArgs(withIso, CTX).cdrom).toEqual({ interface: "ide0", fileId: "local:iso/tools.iso" });
    });

    it("without a boot order the first disk listed is the boot disk: it comes first and alone gets the image", () => {
        const vm = parse(MINIMAL.replace("        size: 20G\n", "        size: 20G\n    scsi1:\n      disk:\n        storage: tank\n        size: 1T\n        format: qcow2\n"));
        expect(vmLegacyArgs(vm, CTX).disks).toEqual([
            { interface: "scsi0", datastoreId: "local-lvm", size: 20, fileFormat: "raw", importFrom: "local:import/noble.qcow2" },
            { interface: "scsi1", datastoreId: "tank", size: 1024, fileFormat: "qcow2" },
        ]);
    });

    it("the boot disk is the first disk in the boot order, past devices that are not disks: it comes first, gets the image and holds the cloud-init drive's storage", () => {
        const twoDisks = MINIMAL.replace("        size: 20G\n", "        size: 20G\n    scsi1:\n      disk:\n        storage: tank\n        size: 1T\n  ide:\n    ide0:\n      cdrom: {}\n");
        const vm = parse(`${twoDisks}boot: order=net0;ide0;scsi1;scsi0\n`);
        expect(bootDisk(vm)).toBe(vm.disks[1]);
        const args = vmLegacyArgs(vm, CTX);
        expect(args.disks).toStrictEqual([
            { interface: "scsi1", datastoreId: "tank", size: 1024, fileFormat: "raw", importFrom: "local:import/noble.qcow2" },
            { interface: "scsi0", datastoreId: "local-lvm", size: 20, fileFormat: "raw" },
        ]);
        expect(args.initialization).toMatchObject({ datastoreId: "tank", interface: "ide2" });
        expect(args.bootOrders).toStrictEqual(["net0", "ide0", "scsi1", "scsi0"]);
        // A boot order that names no disk falls back to the first disk listed.
        const netOnly = parse(`${twoDisks}boot: order=net0\n`);
        expect(bootDisk(netOnly).interface).toBe("scsi0");
        expect(bootDisk(netOnly)).toBe(netOnly.disks[0]);
    });

    it("a static IPv6 address without gw6 has no gateway key", () => {
        const args = vmLegacyArgs(withFields("ipconfig0: ip6=2001:db8::5/64"), CTX);
        expect((args.initialization as { ipConfigs: unknown[] }).ipConfigs).toStrictEqual([{ ipv6: { address: "2001:db8::5/64" } }]);
    });

    it("a clone imports nothing, is linked unless full_clone, and names the template's node only when it differs", () => {
        const linked = withFields("clone: ubuntu-tpl");
        const sameNode = vmLegacyArgs(linked, { ...CTX, template: { vmId: 9000, node: "node01" } });
        expect(sameNode.clone).toEqual({ vmId: 9000, full: false });
        expect(sameNode.disks).toStrictEqual([{ interface: "scsi0", datastoreId: "local-lvm", size: 20, fileFormat: "raw" }]);
        expect(vmIgnoreChanges(linked)).toEqual(["cdrom", "bootOrders", "networkDevices[0].macAddress"]);
        // A template known to the stack does not make a VM that clones nothing a clone.
        expect(Object.keys(vmLegacyArgs(parse(MINIMAL), { ...CTX, template: { vmId: 9000, node: "node01" } }))).not.toContain("clone");
        const full = vmLegacyArgs(withFields("clone: ubuntu-tpl\nfull_clone: true"), { ...CTX, template: { vmId: 9000, node: "node02" } });
        expect(full.clone).toEqual({ vmId: 9000, full: true, nodeName: "node02" });
    });

    it("a fixed MAC and VLAN reach the NIC, and the MAC is then not ignored", () => {
        const vm = parse(MINIMAL.replace("  bridge: vmbr0\n", "  bridge: vmbr0\n  macaddr: bc:24:11:00:00:01\n  tag: 30\n  model: e1000\n  firewall: false\n"));
        expect(vmLegacyArgs(vm, CTX).networkDevices).toStrictEqual([{ bridge: "vmbr0", model: "e1000", firewall: false, macAddress: "BC:24:11:00:00:01", vlanId: 30 }]);
        expect(vmIgnoreChanges(vm)).toEqual(["cdrom", "bootOrders", "disks[0].importFrom"]);
    });

    it("disk options map onto the provider's: discard on/ignore, and only the ones the file gives", () => {
        const vm = parse(
            MINIMAL.replace(
                "        size: 20G\n",
                "        size: 20G\n        cache: writeback\n        discard: true\n        iothread: true\n        emulatessd: false\n        backup: false\n        replicate: false\n    scsi1:\n      disk:\n        storage: tank\n        size: 5G\n        discard: false\n    scsi2:\n      passthrough:\n        file: /dev/disk/by-id/ata-x\n        backup: false\n        replicate: true\n    scsi3:\n      passthrough:\n        file: /dev/disk/by-id/ata-y\n",
            ),
        );
        // Talos reads nocloud user-data.
        expect(vmLegacyArgs(vm, { ...CTX, cloudInitType: "nocloud" }).initialization).toMatchObject({ type: "nocloud" });
        expect(Object.keys(vmLegacyArgs(vm, CTX).initialization as object)).not.toContain("type");
        // Exactly those keys: nothing the file did not give.
        expect(vmLegacyArgs(vm, CTX).disks).toStrictEqual([
            { interface: "scsi0", datastoreId: "local-lvm", size: 20, fileFormat: "raw", importFrom: "local:import/noble.qcow2", cache: "writeback", discard: "on", iothread: true, ssd: false, backup: false, replicate: false },
            { interface: "scsi1", datastoreId: "tank", size: 5, fileFormat: "raw", discard: "ignore" },
            { interface: "scsi2", datastoreId: "", pathInDatastore: "/dev/disk/by-id/ata-x", fileFormat: "raw", backup: false, replicate: true },
            { interface: "scsi3", datastoreId: "", pathInDatastore: "/dev/disk/by-id/ata-y", fileFormat: "raw" },
        ]);
    });
});
