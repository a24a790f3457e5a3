import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { formatIpv4, offsetIpv4, parseIpv4 } from "../components/core/ipmath";

/** A synthetic project of `count` VMs in the fixture format, spread over enough nodes, for the benchmark. */
export function syntheticFleet(count: number): { projectDir: string; config: Record<string, string>; secretKeys: string[] } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `homelab-bench-${count}-`));
    fs.mkdirSync(path.join(dir, "vms"));
    const perNode = 50;
    const nodes: Record<string, unknown> = {};
    const base = parseIpv4("10.20.0.10")!;
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
        const node = `node${String(Math.floor(i / perNode) + 1).padStart(2, "0")}`;
        nodes[node] = { address: formatIpv4(offsetIpv4(parseIpv4("10.10.0.1")!, Math.floor(i / perNode))!), cores: 256, memoryMiB: 1048576 };
        const name = `vm-${String(i).padStart(4, "0")}`;
        names.push(name);
        fs.writeFileSync(
            path.join(dir, "vms", `${name}.yaml`),
            [
                `name: ${name}`, `target_node: ${node}`, "cores: 2", "sockets: 1", "memory: 4096", "agent: 1",
                i % 3 === 0 ? "clone: ubuntu24-template" : "clone: null", "boot: order=scsi0",
                "nested_disks:", "  scsi:", "    scsi0:", "      disk:", "        storage: local-lvm", "        size: 30G",
                "  ide:", "    ide1:", "      cloudinit:", "        storage: local-lvm",
                "network:", "  bridge: vmbr0", "  firewall: false",
                `ipconfig0: "ip=${formatIpv4(offsetIpv4(base, i)!)}/16,gw=10.20.0.1"`,
                "ciuser: ops", 'sshkeys: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzZZXBb5ydVICjj6GbT1nSntMJ4Ga72rGU6BuNAY1Or operator@homelab"',
                "",
            ].join("\n"),
        );
    }
    const config = {
        "homelab:proxmox": JSON.stringify({ endpoint: "https://pve.bench:8006/", nodes, templates: { "ubuntu24-template": { vmId: 9000, node: "node01" } } }),
        "homelab:networks": JSON.stringify({ vmbr0: { cidr: "10.20.0.0/16", gateway: "10.20.0.1", dnsServers: ["10.20.0.2"] } }),
        "homelab:standaloneVms": JSON.stringify(names),
        "homelab:proxmoxApiToken": "bench@pve!bench=00000000-0000-0000-0000-000000000000",
    };
    return { projectDir: dir, config, secretKeys: ["homelab:proxmoxApiToken"] };
}
