import * as path from "path";

/**
 * The VM-file fixtures and the fixture-format builder, apart from tests/helpers.ts: unit tests of
 * the VM format (components/hosts) use them without loading program.ts and the Pulumi SDK, which
 * tests/helpers.ts imports (seconds per test file, paid again for every mutant of a mutation run).
 */

export const FIXTURES = path.join(__dirname, "fixtures", "vms");
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** A VM file in the fixture format. */
export function vmYaml(name: string, overrides: Record<string, string> = {}): string {
    const fields: Record<string, string> = {
        name,
        target_node: "node03",
        cores: "2",
        memory: "2048",
        agent: "1",
        clone: "null",
        boot: "order=scsi0",
        nested_disks: "\n  scsi:\n    scsi0:\n      disk:\n        storage: local-lvm\n        size: 20G\n  ide:\n    ide1:\n      cloudinit:\n        storage: local-lvm",
        network: "\n  bridge: vmbr0\n  model: virtio\n  firewall: false",
        ipconfig0: '"ip=192.168.1.50/24,gw=192.168.1.1"',
        ciuser: "suporte",
        sshkeys: '"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzZZXBb5ydVICjj6GbT1nSntMJ4Ga72rGU6BuNAY1Or operator@homelab"',
        ...overrides,
    };
    return Object.entries(fields)
        .filter(([, v]) => v !== "")
        .map(([k, v]) => `${k}:${v.startsWith("\n") ? "" : " "}${v}`)
        .join("\n") + "\n";
}
