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
    issues.throwIfAny();
    for (const { vm } of fleet!.owned) {
        if (vm.user?.password !== undefined) {
            void pulumi.log.warn(`${vm.file}: cipassword: a password in a VM file is committed in plaintext; it is kept secret in state, but prefer SSH keys (sshkeys) and remove it`);
        }
    }
    return { config: config!, fleet: fleet! };
}
