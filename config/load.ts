import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PlatformConfig, readPlatformConfig } from "./config";
import { IssueCollector } from "../components/core/issues";
import { buildFleet, Fleet } from "./fleet";
import { parseVmFile, VmDefinition } from "../components/hosts/vmDefinition";
import { readOtherStackPools } from "./pools";

export interface LoadedPlatform {
    readonly config: PlatformConfig;
    readonly fleet: Fleet;
    /** homelab:vault.caCertFile, read: its absolute path (for the Vault provider) and PEM. */
    readonly vaultCa?: { readonly path: string; readonly pem: string };
}

/** Reads the CA file homelab:vault.caCertFile names, relative to the project. */
function readVaultCa(projectDir: string, config: PlatformConfig, issues: IssueCollector): LoadedPlatform["vaultCa"] {
    const file = config.vault?.caCertFile;
    if (!file) {
        return undefined;
    }
    const report = issues.forFile(config.file);
    const absolute = path.resolve(projectDir, file);
    let pem: string;
    try {
        pem = fs.readFileSync(absolute, "utf8");
    } catch {
        report("homelab:vault.caCertFile", `cannot read ${file} (resolved against the project: ${absolute})`);
        return undefined;
    }
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
        report("homelab:vault.caCertFile", `${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
        return undefined;
    }
    return { path: absolute, pem };
}

/** Valid definitions, and the names of VMs whose files are broken (already reported). */
function readVmFiles(projectDir: string, vmsDir: string, issues: IssueCollector): { vms: VmDefinition[]; broken: Set<string> } {
    const dir = path.resolve(projectDir, vmsDir);
    let names: string[];
    try {
        names = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    } catch {
        issues.add(`${vmsDir}/`, "", "the folder of VM definitions cannot be read");
        return { vms: [], broken: new Set() };
    }
    const vms: VmDefinition[] = [];
    const broken = new Set<string>();
    for (const name of names) {
        const file = `${vmsDir}/${name}`;
        const parsed = parseVmFile(file, fs.readFileSync(path.join(dir, name), "utf8"), issues.forFile(file));
        if (parsed.vm) {
            vms.push(parsed.vm);
        } else {
            broken.add(parsed.name);
        }
    }
    return { vms, broken };
}

/**
 * Reads and checks everything the program depends on: stack config and every VM file.
 * All problems are reported together, before any resource is registered.
 */
export function loadPlatform(projectDir: string): LoadedPlatform {
    const issues = new IssueCollector();
    const config = readPlatformConfig(issues);
    const { vms, broken } = readVmFiles(projectDir, config?.vmsDir ?? "vms", issues);
    // Cross-file checks need valid config; without it the report already says why.
    const fleet = config ? buildFleet(vms, config, issues, broken, readOtherStackPools(projectDir, config.stack)) : undefined;
    const vaultCa = config ? readVaultCa(projectDir, config, issues) : undefined;
    issues.throwIfAny();
    for (const { vm } of fleet!.owned) {
        if (vm.user?.password !== undefined) {
            void pulumi.log.warn(`${vm.file}: cipassword: a password in a VM file is committed in plaintext; it is kept secret in state, but prefer SSH keys (sshkeys) and remove it`);
        }
    }
    return { config: config!, fleet: fleet!, vaultCa };
}
