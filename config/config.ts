import * as pulumi from "@pulumi/pulumi";
import { check, closest, joinPath, Spec } from "../components/core/spec";
import { IssueCollector } from "../components/core/issues";
import { Distribution, versions } from "../versions";

/** The project's config namespace (Pulumi.yaml `name`). */
export const NAMESPACE = "homelab";

export const ROLES = ["tools", "observability", "workload"] as const;
export type ClusterRole = (typeof ROLES)[number];
export const DISTRIBUTIONS = Object.keys(versions.distributions) as Distribution[];

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
const CIDR = /^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/;

const s = (description: string, extra: Partial<Extract<Spec, { kind: "string" }>> = {}): Spec => ({ kind: "string", description, ...extra });
const vmList = (description: string): Spec => ({ kind: "array", description, items: s("VM name (a file in vms/)") });

/** One entry per `homelab:` key. Pulumi.yaml declares the same keys; a test keeps the two in step. */
export const CONFIG_KEYS = {
    proxmox: {
        required: true,
        secret: false,
        description: "Proxmox VE API endpoint, SSH access for snippet uploads, the nodes with their capacity, and templates by name",
        spec: {
            kind: "object",
            fields: {
                endpoint: { spec: s("Proxmox API URL", { pattern: /^https:\/\/[^/]+(:\d+)?\/?$/, patternHint: "an https URL like https://pve.home.arpa:8006/" }), required: true },
                insecure: { spec: { kind: "boolean", description: "Skip TLS verification of the API (self-signed PVE certificate)" }, default: false },
                ssh: {
                    spec: {
                        kind: "object",
                        description: "SSH to the PVE nodes; the provider uploads snippets over SSH",
                        fields: {
                            username: { spec: s("SSH user on the PVE nodes"), default: "root" },
                            agent: { spec: { kind: "boolean", description: "Use the local SSH agent (ignored when homelab:proxmoxSshPrivateKey is set)" }, default: true },
                        },
                    },
                },
                nodes: {
                    spec: {
                        kind: "map",
                        description: "Proxmox nodes by name",
                        keyPattern: DNS_LABEL,
                        keyHint: "a node name",
                        values: {
                            kind: "object",
                            fields: {
                                address: { spec: s("Address the provider reaches the node at over SSH"), required: true },
                                cores: { spec: { kind: "integer", description: "vCPU budget: the node's threads (raise it to allow overcommit)", minimum: 1 }, required: true },
                                memoryMiB: { spec: { kind: "integer", description: "Memory budget for VMs in MiB", minimum: 256 }, required: true },
                            },
                        },
                    },
                    required: true,
                },
                templates: {
                    spec: {
                        kind: "map",
                        description: "Templates VM files clone (`clone:`), by name",
                        values: {
                            kind: "object",
                            fields: {
                                vmId: { spec: { kind: "integer", description: "Template VM id", minimum: 100 }, required: true },
                                node: { spec: s("Node that holds the template"), required: true },
                            },
                        },
                    },
                    default: {},
                },
                snippetDatastore: { spec: s("Datastore with the `snippets` content type, for cloud-init user-data"), default: "local" },
                imageDatastore: { spec: s("Datastore with the `import` content type (PVE >= 8.4), for cloud images"), default: "local" },
            },
        },
    },
    proxmoxApiToken: {
        required: true,
        secret: true,
        placeholder: "render@pve!offline=00000000-0000-0000-0000-000000000000",
        description: "Proxmox API token, `user@realm!tokenid=secret`",
        spec: s("API token", { pattern: /^[^@\s]+@[^!\s]+![^=\s]+=\S+$/, patternHint: "a token like root@pam!pulumi=<uuid>" }),
    },
    proxmoxSshPrivateKey: {
        required: false,
        secret: true,
        description: "PEM private key for SSH to the PVE nodes; empty means use the SSH agent",
        spec: s("SSH private key"),
        default: "",
    },
    vault: {
        required: false,
        secret: false,
        description: "Vault that receives each cluster's kubeconfig (KV v2): address (or fromStack), mount, skipTlsVerify; empty means no Vault writes",
        default: {},
        spec: {
            kind: "object",
            fields: {
                address: { spec: s("Vault address", { pattern: /^https?:\/\/[^/]+\/?$/, patternHint: "a URL like https://vault.home.arpa:8200" }) },
                fromStack: { spec: s("Read address and mount from this stack's `vault` output, like organization/homelab/tools", { pattern: /^[^/\s]+\/[^/\s]+\/[^/\s]+$/, patternHint: "a stack like organization/homelab/tools" }) },
                mount: { spec: s("KV v2 mount"), default: "homelab" },
                skipTlsVerify: { spec: { kind: "boolean", description: "Skip TLS verification of Vault" }, default: false },
            },
        },
    },
    vaultToken: {
        required: false,
        secret: true,
        description: "Vault token allowed to write this stack's kubeconfig paths only (see out/<stack>/vault/); empty means no Vault writes",
        spec: s("Vault token"),
        default: "",
    },
    networks: {
        required: true,
        secret: false,
        description: "Networks by Proxmox bridge, with CIDR, gateway, DNS servers and search domain",
        spec: {
            kind: "map",
            keyPattern: /^[a-z][a-z0-9]{0,14}$/,
            keyHint: "a Linux bridge name like vmbr0",
            values: {
                kind: "object",
                fields: {
                    cidr: { spec: s("Subnet", { pattern: CIDR, patternHint: "a CIDR like 192.168.1.0/24" }), required: true },
                    gateway: { spec: s("Default gateway", { pattern: IPV4, patternHint: "an IPv4 address" }), required: true },
                    dnsServers: { spec: { kind: "array", items: s("DNS server", { pattern: IPV4, patternHint: "an IPv4 address" }) }, default: [] },
                    domain: { spec: s("DNS search domain") },
                },
            },
        },
    },
    clusters: {
        required: false,
        secret: false,
        description: "The Kubernetes clusters of this stack and which VMs form them",
        spec: {
            kind: "array",
            items: {
                kind: "object",
                fields: {
                    name: { spec: s("Cluster name", { pattern: DNS_LABEL, patternHint: "a DNS label" }), required: true },
                    role: { spec: s("Platform layer", { enum: ROLES }), required: true },
                    distribution: { spec: s("Kubernetes distribution", { enum: DISTRIBUTIONS }), required: true },
                    version: { spec: s("Distribution version; defaults to versions.ts") },
                    controlPlanes: { spec: { kind: "array", minItems: 1, items: s("VM name") }, required: true },
                    workers: { spec: vmList("Worker VMs"), default: [] },
                    loadBalancer: { spec: s("HAProxy VM in front of the API (kubeadm with several control planes)") },
                    vip: { spec: s("Shared virtual IP the control planes hold as the API endpoint (Talos with several control planes)", { pattern: IPV4, patternHint: "an IPv4 address" }) },
                    podCidr: { spec: s("Pod network", { pattern: CIDR, patternHint: "a CIDR" }), default: "10.244.0.0/16" },
                    serviceCidr: { spec: s("Service network", { pattern: CIDR, patternHint: "a CIDR" }), default: "10.96.0.0/12" },
                },
            },
        },
        default: [],
    },
    standaloneVms: {
        required: false,
        secret: false,
        description: "VMs this stack creates outside any cluster",
        spec: vmList("Standalone VMs"),
        default: [],
    },
    protectVms: {
        required: false,
        secret: false,
        description: "Protect this stack's VMs from deletion (`pulumi destroy` refuses)",
        spec: { kind: "boolean" },
        default: false,
    },
    vmsDir: {
        required: false,
        secret: false,
        description: "Folder of VM definitions, relative to the project",
        spec: s("Folder"),
        default: "vms",
    },
    cloudImage: {
        required: false,
        secret: false,
        description: "Cloud image imported for VMs that clone no template (url, fileName, checksum, checksumAlgorithm); empty means the Ubuntu image pinned in versions.ts",
        default: {},
        spec: {
            kind: "object",
            fields: {
                url: { spec: s("Image URL", { pattern: /^https?:\/\//, patternHint: "an http(s) URL" }) },
                fileName: { spec: s("File name in the datastore", { pattern: /\.(qcow2|raw|vmdk)$/, patternHint: "a name ending in .qcow2, .raw or .vmdk" }) },
                checksum: { spec: s("Expected checksum") },
                checksumAlgorithm: { spec: s("Checksum algorithm", { enum: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] }) },
            },
        },
    },
} as const satisfies Record<string, ConfigKey>;

interface ConfigKey {
    readonly required: boolean;
    readonly secret: boolean;
    /** What the offline render uses for a required secret that, rightly, no stack file holds. */
    readonly placeholder?: string;
    readonly description: string;
    readonly spec: Spec;
    readonly default?: unknown;
}

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

export interface ProxmoxNode {
    readonly name: string;
    readonly address: string;
    readonly cores: number;
    readonly memoryMiB: number;
}

export interface NetworkConfig {
    readonly bridge: string;
    readonly cidr: string;
    readonly gateway: string;
    readonly dnsServers: readonly string[];
    readonly domain?: string;
}

export interface ClusterConfig {
    /** Index in homelab:clusters, for messages. */
    readonly index: number;
    readonly name: string;
    readonly role: ClusterRole;
    readonly distribution: Distribution;
    readonly version: string;
    readonly controlPlanes: readonly string[];
    readonly workers: readonly string[];
    readonly loadBalancer?: string;
    /** Talos: the control planes' shared virtual IP, the API endpoint. */
    readonly vip?: string;
    readonly podCidr: string;
    readonly serviceCidr: string;
}

export interface PlatformConfig {
    readonly stack: string;
    /** Where config problems are reported: `Pulumi.<stack>.yaml`. */
    readonly file: string;
    readonly proxmox: {
        readonly endpoint: string;
        readonly insecure: boolean;
        readonly apiToken: pulumi.Output<string>;
        readonly ssh: { readonly username: string; readonly agent: boolean; readonly privateKey?: pulumi.Output<string> };
        readonly nodes: Readonly<Record<string, ProxmoxNode>>;
        readonly templates: Readonly<Record<string, { readonly vmId: number; readonly node: string }>>;
        readonly snippetDatastore: string;
        readonly imageDatastore: string;
    };
    readonly networks: Readonly<Record<string, NetworkConfig>>;
    readonly clusters: readonly ClusterConfig[];
    readonly standaloneVms: readonly string[];
    readonly protectVms: boolean;
    readonly vmsDir: string;
    readonly cloudImage: { readonly url: string; readonly fileName: string; readonly checksum?: string; readonly checksumAlgorithm?: string };
    /** Undefined when no Vault is configured. Exactly one of address and fromStack is set. */
    readonly vault?: {
        readonly address?: string;
        readonly fromStack?: string;
        readonly mount: string;
        readonly skipTlsVerify: boolean;
        readonly token: pulumi.Output<string>;
    };
}

function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value) && !pulumi.Output.isInstance(value)) {
        Object.freeze(value);
        for (const inner of Object.values(value)) {
            deepFreeze(inner);
        }
    }
    return value;
}

/** Whether the engine delivered this key encrypted. `isConfigSecret` is internal to the SDK, hence the guarded lookup. */
function isSecretKey(fullKey: string): boolean {
    const probe = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    if (probe) {
        return probe(fullKey);
    }
    const keys: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
    return Array.isArray(keys) && keys.includes(fullKey);
}

/** Keys of other namespaces this program would silently ignore. */
const FOREIGN_NAMESPACES: Record<string, string> = {
    proxmoxve: "the Proxmox provider is configured from homelab:proxmox and homelab:proxmoxApiToken",
};

/**
 * Reads `homelab:*` config once into a typed, validated, frozen object.
 * Problems go to `issues`; the result is undefined when any key is wrong.
 */
export function readPlatformConfig(issues: IssueCollector): PlatformConfig | undefined {
    const stack = pulumi.getStack();
    const file = `Pulumi.${stack}.yaml`;
    const report = issues.forFile(file);
    const before = issues.count;
    const all = pulumi.runtime.allConfig();
    const values: Record<string, unknown> = {};
    const known = Object.keys(CONFIG_KEYS);

    for (const fullKey of Object.keys(all).sort()) {
        const [namespace, key] = fullKey.split(":", 2);
        if (namespace in FOREIGN_NAMESPACES) {
            report(fullKey, `is not read: ${FOREIGN_NAMESPACES[namespace]}`);
        } else if (namespace === NAMESPACE && !(key in CONFIG_KEYS)) {
            const hint = closest(key, known);
            report(fullKey, hint ? `unknown config key (did you mean "${NAMESPACE}:${hint}"?)` : "unknown config key");
        }
    }

    for (const [key, declared] of Object.entries(CONFIG_KEYS) as [ConfigKeyName, ConfigKey][]) {
        const fullKey = `${NAMESPACE}:${key}`;
        // Pulumi.yaml gives optional keys an empty default (see proxmoxSshPrivateKey there): empty is unset.
        const raw = all[fullKey] === "" && !declared.required ? undefined : all[fullKey];
        if (raw === undefined) {
            if (declared.required) {
                report(fullKey, declared.secret ? `is required; set it with \`pulumi config set --secret ${fullKey} <value>\`` : "is required");
            }
            values[key] = declared.default;
            continue;
        }
        if (declared.secret && !isSecretKey(fullKey)) {
            report(fullKey, `is a secret but is stored in plaintext; remove it and run \`pulumi config set --secret ${fullKey} <value>\``);
            continue;
        }
        let value: unknown = raw;
        if (declared.spec.kind !== "string") {
            try {
                value = JSON.parse(raw);
            } catch {
                report(fullKey, `must be structured config (${declared.spec.kind}), got ${JSON.stringify(raw)}`);
                continue;
            }
        }
        if (check(declared.spec, value, fullKey, report)) {
            values[key] = value;
        }
    }
    const vault = values.vault as { address?: string; fromStack?: string } | undefined;
    if (vault?.address && vault.fromStack) {
        report(`${NAMESPACE}:vault`, "address and fromStack exclude each other: set the address here, or read it from that stack");
    }
    if ((vault?.address || vault?.fromStack) && !values.vaultToken && !issues.issues.some((i) => i.path === `${NAMESPACE}:vaultToken`)) {
        report(`${NAMESPACE}:vaultToken`, `is required with ${NAMESPACE}:vault; set it with \`pulumi config set --secret ${NAMESPACE}:vaultToken <token>\``);
    }
    const image = values.cloudImage as { url?: string; fileName?: string } | undefined;
    if (image && (image.url === undefined) !== (image.fileName === undefined)) {
        report(`${NAMESPACE}:cloudImage`, "url and fileName go together: set both, or neither to use the pinned image");
    }
    if (issues.count !== before) {
        return undefined;
    }
    return deepFreeze(buildConfig(stack, file, values));
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- shape checked by CONFIG_KEYS specs

function buildConfig(stack: string, file: string, v: Raw): PlatformConfig {
    const px: Raw = v.proxmox;
    const nodes: Record<string, ProxmoxNode> = {};
    for (const [name, node] of Object.entries<Raw>(px.nodes)) {
        nodes[name] = { name, address: node.address, cores: node.cores, memoryMiB: node.memoryMiB };
    }
    const networks: Record<string, NetworkConfig> = {};
    for (const [bridge, net] of Object.entries<Raw>(v.networks)) {
        networks[bridge] = { bridge, cidr: net.cidr, gateway: net.gateway, dnsServers: net.dnsServers ?? [], domain: net.domain };
    }
    const clusters: ClusterConfig[] = (v.clusters as Raw[]).map((c, index) => ({
        index,
        name: c.name,
        role: c.role,
        distribution: c.distribution,
        version: c.version ?? versions.distributions[c.distribution as Distribution],
        controlPlanes: c.controlPlanes,
        workers: c.workers ?? [],
        loadBalancer: c.loadBalancer,
        vip: c.vip,
        podCidr: c.podCidr ?? "10.244.0.0/16",
        serviceCidr: c.serviceCidr ?? "10.96.0.0/12",
    }));
    const privateKey = !v.proxmoxSshPrivateKey ? undefined : pulumi.secret(v.proxmoxSshPrivateKey as string);
    return {
        stack,
        file,
        proxmox: {
            endpoint: px.endpoint,
            insecure: px.insecure ?? false,
            apiToken: pulumi.secret(v.proxmoxApiToken as string),
            ssh: { username: px.ssh?.username ?? "root", agent: privateKey ? false : (px.ssh?.agent ?? true), privateKey },
            nodes,
            templates: px.templates ?? {},
            snippetDatastore: px.snippetDatastore ?? "local",
            imageDatastore: px.imageDatastore ?? "local",
        },
        networks,
        clusters,
        standaloneVms: v.standaloneVms,
        protectVms: v.protectVms,
        vmsDir: v.vmsDir,
        cloudImage: v.cloudImage?.url ? v.cloudImage : { ...versions.ubuntuCloudImage },
        vault:
            v.vault?.address || v.vault?.fromStack
                ? {
                      address: v.vault.address,
                      fromStack: v.vault.fromStack,
                      mount: v.vault.mount ?? "homelab",
                      skipTlsVerify: v.vault.skipTlsVerify ?? false,
                      token: pulumi.secret(v.vaultToken as string),
                  }
                : undefined,
    };
}

/** For messages: where a cluster's member list sits in config. */
export function clusterPath(cluster: ClusterConfig, field: string, index?: number): string {
    const base = joinPath(joinPath(`${NAMESPACE}:clusters`, cluster.index), field);
    return index === undefined ? base : joinPath(base, index);
}

