import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { IssueCollector, formatIssue } from "../../components/core/issues";
import { parseVmFile, VmDefinition } from "../../components/hosts/vmDefinition";
import type { ClusterConfig, PlatformConfig } from "../config";
import { versions } from "../../versions";

/**
 * Small, valid inputs for the unit tests of config/: VM definitions parsed from real VM files and a
 * PlatformConfig built field by field, so the cross-file checks can be called directly, without the
 * stack config reader or the program. Kept in a folder of its own so the mutation run (config/*.ts)
 * does not mutate it.
 */

export const FILE = "Pulumi.test.yaml";

/** A VM file's fields; each test overrides what it is about. `undefined` drops a field. */
export function vmFields(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const fields: Record<string, unknown> = {
        name,
        target_node: "node01",
        cores: 1,
        memory: 1024,
        clone: null,
        boot: "order=scsi0",
        nested_disks: { scsi: { scsi0: { disk: { storage: "local-lvm", size: "20G" } } }, ide: { ide1: { cloudinit: { storage: "local-lvm" } } } },
        network: { bridge: "vmbr0" },
        ipconfig0: "ip=192.168.1.50/24,gw=192.168.1.1",
        ...overrides,
    };
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** A VM definition as the loader makes it from `vms/<name>.yaml`; throws when the file is not valid. */
export function vm(name: string, overrides: Record<string, unknown> = {}): VmDefinition {
    const issues = new IssueCollector();
    const file = `vms/${name}.yaml`;
    const parsed = parseVmFile(file, yaml.dump(vmFields(name, overrides)), issues.forFile(file));
    if (!parsed.vm) {
        throw new Error(`test VM ${name} is not valid: ${issues.issues.map(formatIssue).join("; ")}`);
    }
    return parsed.vm;
}

/** A cluster entry as config.ts builds it, with the platform fields left at nothing. */
export function cluster(index: number, fields: Partial<ClusterConfig> & Pick<ClusterConfig, "name" | "controlPlanes">): ClusterConfig {
    return {
        index,
        role: "workload",
        distribution: "k3s",
        version: versions.distributions[fields.distribution ?? "k3s"],
        workers: [],
        podCidr: "10.244.0.0/16",
        serviceCidr: "10.96.0.0/12",
        loadBalancerPool: [],
        services: {} as ClusterConfig["services"],
        layerServices: {} as ClusterConfig["layerServices"],
        toolsServices: [],
        ...fields,
    };
}

/** One node (8 cores, 16 GiB), one network 192.168.1.0/24, no clusters: what a stack with nothing in it reads as. */
export function platformConfig(overrides: Partial<PlatformConfig> = {}): PlatformConfig {
    const base: PlatformConfig = {
        stack: "test",
        file: FILE,
        proxmox: {
            endpoint: "https://pve.home.arpa:8006/",
            insecure: false,
            apiToken: pulumi.output("unused"),
            ssh: { username: "root", agent: true },
            nodes: { node01: { name: "node01", address: "192.168.1.5", cores: 8, memoryMiB: 16384 } },
            templates: { "ubuntu-template": { vmId: 9000, node: "node01" } },
            snippetDatastore: "local",
            imageDatastore: "local",
        },
        networks: { vmbr0: { bridge: "vmbr0", cidr: "192.168.1.0/24", gateway: "192.168.1.1", dnsServers: [] } },
        clusters: [],
        standaloneVms: [],
        protectVms: false,
        vmsDir: "vms",
        cloudImage: { ...versions.ubuntuCloudImage },
        platform: {},
    };
    return { ...base, ...overrides };
}

/** Runs a check that reports to an IssueCollector; returns what it returned and every problem as `file: path: message`. */
export function collect<T>(check: (issues: IssueCollector) => T): { result: T; problems: string[] } {
    const issues = new IssueCollector();
    const result = check(issues);
    return { result, problems: issues.issues.map(formatIssue) };
}


/**
 * A value with every Output in it resolved, as `{ secret: value }` when it is secret and
 * `{ plain: value }` when not, so one toStrictEqual pins both what is kept and that it stays secret.
 */
export async function revealed(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const output = value as pulumi.Output<unknown> & { isSecret: Promise<boolean> };
        const inner = await new Promise((resolve) => output.apply(resolve));
        return (await output.isSecret) ? { secret: inner } : { plain: inner };
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(revealed));
    }
    if (typeof value === "object" && value !== null) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await revealed(v)] as const));
        return Object.fromEntries(entries);
    }
    return value;
}
