import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { PlatformConfig } from "../../config/config";

/**
 * An explicit Proxmox provider from homelab:proxmox. Snippets are uploaded over SSH,
 * so the provider gets the SSH user, the key (or agent) and each node's address.
 */
export function createProxmoxProvider(name: string, proxmox: PlatformConfig["proxmox"], opts?: pulumi.CustomResourceOptions): proxmoxve.Provider {
    return new proxmoxve.Provider(
        name,
        {
            endpoint: proxmox.endpoint,
            apiToken: proxmox.apiToken,
            insecure: proxmox.insecure,
            ssh: {
                username: proxmox.ssh.username,
                agent: proxmox.ssh.agent,
                ...(proxmox.ssh.privateKey ? { privateKey: proxmox.ssh.privateKey } : {}),
                nodes: Object.values(proxmox.nodes)
                    .map((node) => ({ name: node.name, address: node.address }))
                    .sort((a, b) => a.name.localeCompare(b.name)),
            },
        },
        opts,
    );
}
