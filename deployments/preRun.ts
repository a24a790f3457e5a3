import { readStackConfig } from "../render/stackConfig";
import { versions } from "../versions";

/**
 * Shell commands a deployment runs before the Pulumi operation, in the platform's folder.
 *
 * - `npm ci` installs exactly the lockfile (the service's own dependency step is skipped for it).
 * - The offline render of the stack checks every input (stack config and all of vms/) and prints
 *   the path-addressed report on bad input, before the operation touches state or Proxmox.
 * - A stack with a Talos cluster needs `talosctl` for the one bootstrap call; the executor image has
 *   none, so the release binary of the cluster's own Talos version is installed, checked against the
 *   release's sha256sum.txt (Talos's release job writes it: .github/workflows/ci.yaml in siderolabs/talos).
 */
export function preRunCommands(repoDir: string, stack: string): string[] {
    const commands = ["npm ci --no-audit --no-fund", `npm run render -- ${stack}`];
    for (const version of talosVersions(repoDir, stack)) {
        const release = `https://github.com/siderolabs/talos/releases/download/${version}`;
        commands.push(
            `(cd /tmp && curl -fsSLO --retry 3 ${release}/talosctl-linux-amd64 && curl -fsSLO --retry 3 ${release}/sha256sum.txt` +
                " && grep ' talosctl-linux-amd64$' sha256sum.txt | sha256sum -c - && install -m 0755 talosctl-linux-amd64 /usr/local/bin/talosctl)" +
                " && talosctl version --client",
        );
    }
    return commands;
}

/** The Talos versions of a stack's clusters (the cluster's `version`, or the pinned default). */
export function talosVersions(repoDir: string, stack: string): string[] {
    const { config } = readStackConfig(repoDir, stack);
    let clusters: { distribution?: string; version?: string }[] = [];
    try {
        clusters = JSON.parse(config["homelab:clusters"] ?? "[]");
    } catch {
        return []; // the render reports the malformed value
    }
    const found = new Set<string>();
    for (const cluster of Array.isArray(clusters) ? clusters : []) {
        if (cluster.distribution === "talos") {
            found.add(cluster.version ?? versions.distributions.talos);
        }
    }
    return [...found].sort();
}
