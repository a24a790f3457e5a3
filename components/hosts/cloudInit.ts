import * as yaml from "js-yaml";

/**
 * Renders cloud-init user-data (`#cloud-config`). Pure: callers pass plain values,
 * so the same function renders the real snippet and the redacted copy the offline render writes.
 */

export interface CloudInitUser {
    readonly name: string;
    /** A crypt(3) hash (`$6$...`), never a clear password. */
    readonly passwordHash?: string;
    readonly sshKeys: readonly string[];
}

export interface CloudInitFile {
    readonly path: string;
    readonly content: string;
    readonly permissions: string;
    readonly owner?: string;
    /** Write in the final stage, after packages are installed (so a package's own default does not win). */
    readonly defer?: boolean;
}

export interface KeyPairPem {
    readonly certPem: string;
    readonly keyPem: string;
}

/** What a distribution adds to a node's first boot: files and commands. */
export interface NodeBootstrapContent {
    readonly files: CloudInitFile[];
    readonly runcmd: string[][];
}

/** A certificate (world-readable) and its key (root only) as `<dir>/<name>.crt` and `.key`. */
export function keyPairFiles(dir: string, name: string, pair: KeyPairPem): CloudInitFile[] {
    return [
        { path: `${dir}/${name}.crt`, content: pair.certPem, permissions: "0644", owner: "root:root" },
        { path: `${dir}/${name}.key`, content: pair.keyPem, permissions: "0600", owner: "root:root" },
    ];
}

export interface UserDataSpec {
    readonly hostname: string;
    readonly domain?: string;
    readonly user?: CloudInitUser;
    readonly packages?: readonly string[];
    readonly writeFiles?: readonly CloudInitFile[];
    /** Commands in exec form (no shell), run once on first boot, in order. */
    readonly runcmd?: readonly (readonly string[])[];
}

/** The guest agent is what lets Proxmox report the VM's IP; a cloud image does not ship it. */
export const GUEST_AGENT_PACKAGE = "qemu-guest-agent";

export function userDataDocument(spec: UserDataSpec): Record<string, unknown> {
    const doc: Record<string, unknown> = {
        hostname: spec.hostname,
        ...(spec.domain ? { fqdn: `${spec.hostname}.${spec.domain}` } : {}),
        manage_etc_hosts: true,
    };
    if (spec.user) {
        const user: Record<string, unknown> = {
            name: spec.user.name,
            groups: ["sudo"],
            shell: "/bin/bash",
            sudo: "ALL=(ALL) NOPASSWD:ALL",
            lock_passwd: spec.user.passwordHash === undefined,
        };
        if (spec.user.passwordHash !== undefined) {
            user.hashed_passwd = spec.user.passwordHash;
        }
        if (spec.user.sshKeys.length > 0) {
            user.ssh_authorized_keys = [...spec.user.sshKeys];
        }
        doc.users = [user];
        // Passwords are for the Proxmox console; SSH takes keys only.
        doc.ssh_pwauth = false;
    }
    if (spec.packages && spec.packages.length > 0) {
        doc.package_update = true;
        doc.packages = [...spec.packages];
    }
    if (spec.writeFiles && spec.writeFiles.length > 0) {
        doc.write_files = spec.writeFiles.map((f) => ({
            path: f.path,
            content: f.content,
            permissions: f.permissions,
            ...(f.owner ? { owner: f.owner } : {}),
            ...(f.defer ? { defer: true } : {}),
        }));
    }
    if (spec.runcmd && spec.runcmd.length > 0) {
        doc.runcmd = spec.runcmd.map((cmd) => [...cmd]);
    }
    return doc;
}

export function renderUserData(spec: UserDataSpec): string {
    // Stryker disable next-line BooleanLiteral: userDataDocument builds every list and mapping afresh, so no node is shared and js-yaml has no reference to write
    return `#cloud-config\n${yaml.dump(userDataDocument(spec), { lineWidth: -1, noRefs: true })}`;
}
