import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { preparePlatform } from "../program";
import { ProgramRun, runProgram } from "../render/harness";
import { realisticMocks } from "./mocks";

// In a module of their own, so unit tests of the VM format use them without loading the program.
export { FIXTURES, PROJECT_DIR, vmYaml } from "./vmFiles";
export const TOKEN = "root@pam!pulumi=11111111-2222-3333-4444-555555555555";

/** The homelab's three hosts, as the fixtures' README lists them. */
export const FIXTURE_NODES = {
    node01: { address: "192.168.1.5", cores: 8, memoryMiB: 16384 },
    node02: { address: "192.168.1.6", cores: 8, memoryMiB: 32768 },
    node03: { address: "192.168.1.7", cores: 72, memoryMiB: 131072 },
};

export function baseConfig(): Record<string, unknown> {
    return {
        proxmox: {
            endpoint: "https://pve.home.arpa:8006/",
            nodes: structuredClone(FIXTURE_NODES),
            templates: { "ubuntu24-template": { vmId: 9000, node: "node03" } },
        },
        networks: { vmbr0: { cidr: "192.168.1.0/24", gateway: "192.168.1.1", dnsServers: ["192.168.1.3"], domain: "home.arpa" } },
        proxmoxApiToken: TOKEN,
        clusters: [],
        // What the base platform services need (config/platform.ts); tests about them vary these.
        platform: { velero: { bucket: "velero", s3Url: "https://s3.home.arpa:9000" } },
        cloudflareApiToken: CLOUDFLARE_TOKEN,
        veleroAccessKeyId: "test-access-key",
        veleroSecretAccessKey: "test-secret-key",
    };
}

export const CLOUDFLARE_TOKEN = "cf-test-token-0123456789";

/** Secret config keys of the program; runStack delivers them encrypted unless told otherwise. */
export const SECRET_KEYS = ["homelab:proxmoxApiToken", "homelab:proxmoxSshPrivateKey", "homelab:vaultToken", "homelab:cloudflareApiToken", "homelab:piholePassword", "homelab:veleroAccessKeyId", "homelab:veleroSecretAccessKey"];

/** A test cluster's platform fields while its base services run: a domain and a MetalLB pool of its own (index 0-4). */
export function platformFields(index: number): { domain: string; loadBalancerPool: string[] } {
    return { domain: `c${index + 1}.homelab.example.com`, loadBalancerPool: [`192.168.1.${200 + index * 10}-192.168.1.${209 + index * 10}`] };
}

/** A throwaway project folder with the given vms/ files. */
export function makeProject(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-test-"));
    fs.mkdirSync(path.join(dir, "vms"));
    for (const [name, content] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, "vms", name), content);
    }
    return dir;
}

export interface StackRunOptions {
    readonly stack?: string;
    readonly config: Record<string, unknown>;
    /** homelab:* keys delivered as secrets; defaults to the ones the program requires secret. */
    readonly secretKeys?: string[];
    /** Extra keys outside the homelab namespace, verbatim. */
    readonly extraConfig?: Record<string, string>;
    readonly projectDir: string;
    readonly preview?: boolean;
    /** Defaults to realisticMocks. */
    readonly mocks?: import("@pulumi/pulumi").runtime.Mocks;
}

/** Runs the real program under the mock monitor with `homelab:*` config built from plain values. */
export function runStack(options: StackRunOptions): Promise<ProgramRun> {
    const config: Record<string, string> = { ...(options.extraConfig ?? {}) };
    for (const [key, value] of Object.entries(options.config)) {
        config[`homelab:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    const secretKeys = options.secretKeys ?? SECRET_KEYS.filter((k) => k in config);
    return runProgram({
        stack: options.stack ?? "test",
        config,
        secretKeys,
        preview: options.preview ?? false,
        mocks: options.mocks ?? realisticMocks,
        // Cluster readiness is a dynamic resource the mock monitor records without running; its provider is
        // tested against a real HTTPS server in apiReadiness.test.ts.
        prepare: () => preparePlatform(options.projectDir),
    });
}

/** The platform secrets baseConfig sets, for tests that list their secret keys themselves. */
export const PLATFORM_SECRETS = ["homelab:cloudflareApiToken", "homelab:veleroAccessKeyId", "homelab:veleroSecretAccessKey"];

/** Resources of the platform layer: its components and everything under them (their URNs name a homelab:platform parent). */
export function isPlatformResource(resource: { readonly urn: string }): boolean {
    return resource.urn.includes("::homelab:platform:") || resource.urn.includes("$homelab:platform:");
}

/** The run's resources outside the platform layer. */
export function withoutPlatform<T extends { readonly urn: string }>(resources: readonly T[]): T[] {
    return resources.filter((r) => !isPlatformResource(r));
}

/** Resources of the Vault layer (tests/vault.test.ts counts them): Vault's provider and resources, its components, the init resource, the reference to the tools stack. */
export function isVaultLayer(resource: { readonly type: string; readonly name: string }): boolean {
    return (
        resource.type.startsWith("vault:") ||
        resource.type.startsWith("homelab:vault:") ||
        resource.type === "pulumi:providers:vault" ||
        resource.type === "pulumi-nodejs:dynamic/vault:VaultInit" ||
        (resource.type === "pulumi:pulumi:StackReference" && resource.name === "vault-source")
    );
}

export function registeredExceptStack(run: ProgramRun): string[] {
    return run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => `${r.type}::${r.name}`);
}

/** A node's user-data snippet as uploaded (unmasked). */
export function snippetOf(run: ProgramRun, vm: string): string {
    return (byName(run, `${vm}-user-data`).rawInputs.sourceRaw as { data: string }).data;
}

export interface CloudConfig {
    readonly packages?: string[];
    readonly write_files: { path: string; content: string; permissions: string; defer?: boolean }[];
    readonly runcmd: string[][];
}

export function cloudConfigOf(run: ProgramRun, vm: string): CloudConfig {
    return yaml.load(snippetOf(run, vm)) as CloudConfig;
}

/** The content cloud-init writes at `path`; undefined when it writes nothing there. */
export function writtenFile(config: CloudConfig, path: string): string | undefined {
    return config.write_files.find((f) => f.path === path)?.content;
}

export function byName(run: ProgramRun, name: string) {
    const found = run.resources.filter((r) => r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one resource named ${name}, found ${found.length}`);
    }
    return found[0];
}

/** The validation report's lines, without the header. */
export function reportLines(run: ProgramRun): string[] {
    if (!run.error) {
        throw new Error("expected the program to fail validation, but it succeeded");
    }
    return run.error.message.split("\n").slice(1).map((l) => l.replace(/^ {2}- /, ""));
}
