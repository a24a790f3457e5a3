import * as pulumi from "@pulumi/pulumi";
import { bool, closest, decodeConfigValue, int, joinPath, map, object, oneOf, pattern, str, validate, z } from "../components/core/schema";
import { IssueCollector } from "../components/core/issues";
import { parseCidr, parseIpv4 } from "../components/core/ipmath";
import { Distribution, versions } from "../versions";
import { checkVaultServer } from "./vaultServer";
import { ARGOCD_KEYS, ArgoCdSettings, buildArgoCdSettings, checkArgoCd } from "./argocd";
import { buildClusterPlatform, buildPlatformSettings, checkPlatformRequirements, CLUSTER_PLATFORM_FIELDS, ClusterPlatformConfig, PLATFORM_KEYS, PlatformSettings } from "./platform";

/** The project's config namespace (Pulumi.yaml `name`). */
export const NAMESPACE = "homelab";

export const ROLES = ["tools", "observability", "workload"] as const;
export type ClusterRole = (typeof ROLES)[number];
export const DISTRIBUTIONS = Object.keys(versions.distributions) as [Distribution, ...Distribution[]];

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const VAULT_URL = /^https?:\/\/[^/]+\/?$/;

const vmList = (description: string) => z.array(str("VM name (a file in vms/)")).describe(description);
// Addresses are checked by parsing them, not by their shape: 192.168.1.300 has the shape of one.
const ipv4 = (description: string) =>
    z.string().refine((text) => parseIpv4(text) !== undefined, { error: (issue) => `${JSON.stringify(issue.input)} is not an IPv4 address` }).describe(description);
const cidr = (description: string, hint: string) =>
    z.string().refine((text) => parseCidr(text, false) !== undefined, { error: (issue) => `${JSON.stringify(issue.input)} is not ${hint}` }).describe(description);

/** One entry per `homelab:` key. Pulumi.yaml declares the same keys; a test keeps the two in step. */
export const CONFIG_KEYS = {
    proxmox: {
        required: true,
        secret: false,
        description: "Proxmox VE API endpoint, SSH access for snippet uploads, the nodes with their capacity, and templates by name",
        schema: object({
            endpoint: pattern("Proxmox API URL", /^https:\/\/[^/]+(:\d+)?\/?$/, "an https URL like https://pve.home.arpa:8006/"),
            insecure: bool("Skip TLS verification of the API (self-signed PVE certificate)").default(false),
            ssh: object(
                {
                    username: str("SSH user on the PVE nodes").default("root"),
                    agent: bool("Use the local SSH agent (ignored when homelab:proxmoxSshPrivateKey is set)").default(true),
                },
                "SSH to the PVE nodes; the provider uploads snippets over SSH",
            ).optional(),
            nodes: map(
                object({
                    address: str("Address the provider reaches the node at over SSH"),
                    cores: int("vCPU budget: the node's threads (raise it to allow overcommit)", 1),
                    memoryMiB: int("Memory budget for VMs in MiB", 256),
                }),
                { pattern: DNS_LABEL, hint: "a node name" },
                "Proxmox nodes by name",
            ),
            templates: map(
                object({
                    vmId: int("Template VM id", 100),
                    node: str("Node that holds the template"),
                }),
                undefined,
                "Templates VM files clone (`clone:`), by name",
            ).default({}),
            snippetDatastore: str("Datastore with the `snippets` content type, for cloud-init user-data").default("local"),
            imageDatastore: str("Datastore with the `import` content type (PVE >= 8.4), for cloud images").default("local"),
        }),
    },
    proxmoxApiToken: {
        required: true,
        secret: true,
        placeholder: "render@pve!offline=00000000-0000-0000-0000-000000000000",
        description: "Proxmox API token, `user@realm!tokenid=secret`",
        schema: pattern("API token", /^[^@\s]+@[^!\s]+![^=\s]+=\S+$/, "a token like root@pam!pulumi=<uuid>"),
    },
    proxmoxSshPrivateKey: {
        required: false,
        secret: true,
        description: "PEM private key for SSH to the PVE nodes; empty means use the SSH agent",
        schema: str("SSH private key"),
        default: "",
    },
    vault: {
        required: false,
        secret: false,
        description: "Vault that receives each cluster's kubeconfig (KV v2): address, fromStack or server, mount, skipTlsVerify, caCertFile; empty means no Vault writes",
        default: {},
        schema: object({
            address: pattern("Vault address", VAULT_URL, "a URL like https://vault.home.arpa:8200").optional(),
            fromStack: pattern(
                "Read address, mount and this stack's token from that stack's outputs, like organization/homelab/tools",
                /^[^/\s]+\/[^/\s]+\/[^/\s]+$/,
                "a stack like organization/homelab/tools",
            ).optional(),
            server: object(
                {
                    address: pattern("Address clients use, exported as `vault.address`", VAULT_URL, "a URL like https://vault.home.arpa:8200"),
                    initAddress: pattern("Where the program reaches Vault (init, unseal, configuration), when not at `address` (a MetalLB IP, say)", VAULT_URL, "a URL like https://192.168.1.240:8200").optional(),
                    secretShares: int("Unseal key shares made at initialisation", 1, 255).default(5),
                    secretThreshold: int("Shares needed to unseal", 1, 255).default(3),
                    clientStacks: map(
                        z.array(pattern("Cluster name", DNS_LABEL, "a DNS label")),
                        { pattern: DNS_LABEL, hint: "a stack name" },
                        "Other stacks writing to this Vault (like dev, prod), with their clusters' names: a scoped token and per-cluster auth methods each",
                    ).default({}),
                },
                "The Vault this stack runs (tools): the program initialises, unseals and configures it, and exports its address and scoped tokens",
            ).optional(),
            mount: str("KV v2 mount").default("homelab"),
            skipTlsVerify: bool("Skip TLS verification of Vault").default(false),
            caCertFile: str("PEM file of the CA that issued Vault's certificate, relative to the project; default: the system's CAs").optional(),
        }),
    },
    vaultToken: {
        required: false,
        secret: true,
        description: "Vault token allowed to write this stack's kubeconfig paths only (see out/<stack>/vault/); empty means no Vault writes",
        schema: str("Vault token"),
        default: "",
    },
    networks: {
        required: true,
        secret: false,
        description: "Networks by Proxmox bridge, with CIDR, gateway, DNS servers and search domain",
        schema: map(
            object({
                cidr: cidr("Subnet", "a CIDR like 192.168.1.0/24"),
                gateway: ipv4("Default gateway"),
                dnsServers: z.array(ipv4("DNS server")).default([]),
                domain: str("DNS search domain").optional(),
            }),
            { pattern: /^[a-z][a-z0-9]{0,14}$/, hint: "a Linux bridge name like vmbr0" },
        ),
    },
    clusters: {
        required: false,
        secret: false,
        description: "The Kubernetes clusters of this stack and which VMs form them",
        schema: z.array(
            object({
                name: pattern("Cluster name", DNS_LABEL, "a DNS label"),
                role: oneOf("Platform layer", ROLES),
                distribution: oneOf("Kubernetes distribution", DISTRIBUTIONS),
                version: str("Distribution version; defaults to versions.ts").optional(),
                controlPlanes: z.array(str("VM name")).min(1),
                workers: vmList("Worker VMs").default([]),
                loadBalancer: str("HAProxy VM in front of the API (kubeadm with several control planes)").optional(),
                vip: ipv4("Shared virtual IP the control planes hold as the API endpoint (Talos with several control planes)").optional(),
                podCidr: cidr("Pod network", "a CIDR").default("10.244.0.0/16"),
                serviceCidr: cidr("Service network", "a CIDR").default("10.96.0.0/12"),
                // The platform layer's per-cluster fields (config/platform.ts).
                ...CLUSTER_PLATFORM_FIELDS,
            }),
        ),
        default: [],
    },
    standaloneVms: {
        required: false,
        secret: false,
        description: "VMs this stack creates outside any cluster",
        schema: vmList("Standalone VMs"),
        default: [],
    },
    protectVms: {
        required: false,
        secret: false,
        description: "Protect this stack's VMs from deletion (`pulumi destroy` refuses)",
        schema: z.boolean(),
        default: false,
    },
    vmsDir: {
        required: false,
        secret: false,
        description: "Folder of VM definitions, relative to the project",
        schema: str("Folder"),
        default: "vms",
    },
    cloudImage: {
        required: false,
        secret: false,
        description: "Cloud image imported for VMs that clone no template (url, fileName, checksum, checksumAlgorithm); empty means the Ubuntu image pinned in versions.ts",
        default: {},
        schema: object({
            url: pattern("Image URL", /^https?:\/\//, "an http(s) URL").optional(),
            fileName: pattern("File name in the datastore", /\.(qcow2|raw|vmdk)$/, "a name ending in .qcow2, .raw or .vmdk").optional(),
            checksum: str("Expected checksum").optional(),
            checksumAlgorithm: oneOf("Checksum algorithm", ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]).optional(),
        }),
    },
    // The platform layer's stack-wide settings and secrets (config/platform.ts).
    ...PLATFORM_KEYS,
    // Argo CD on the tools cluster (config/argocd.ts).
    ...ARGOCD_KEYS,
} as const satisfies Record<string, ConfigKey>;

interface ConfigKey {
    readonly required: boolean;
    readonly secret: boolean;
    /** What the offline render uses for a required secret that, rightly, no stack file holds. */
    readonly placeholder?: string;
    readonly description: string;
    readonly schema: z.ZodType;
    readonly default?: unknown;
}

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

/** Each key's value once validated, its defaults applied: the types come from the schemas. */
type ConfigValues = { -readonly [K in ConfigKeyName]: z.output<(typeof CONFIG_KEYS)[K]["schema"]> };


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

export interface ClusterConfig extends ClusterPlatformConfig {
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

/** The Vault this stack runs (homelab:vault.server). */
export interface VaultServerConfig {
    readonly address: string;
    /** Where init and unseal connect; `address` unless set. */
    readonly initAddress: string;
    readonly secretShares: number;
    readonly secretThreshold: number;
    /** Stack name to its clusters' names. */
    readonly clientStacks: Readonly<Record<string, readonly string[]>>;
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
    /** Undefined when no Vault is configured. Exactly one of address, fromStack and server is set. */
    readonly vault?: {
        readonly address?: string;
        readonly fromStack?: string;
        readonly server?: VaultServerConfig;
        readonly mount: string;
        readonly skipTlsVerify: boolean;
        /** As written in config, relative to the project; the loader reads and checks it. */
        readonly caCertFile?: string;
        /** With address only: this stack's scoped token. */
        readonly token?: pulumi.Output<string>;
    };
    /** What the platform services share: ACME contact, Pi-hole, Velero's bucket, and their secrets. */
    readonly platform: PlatformSettings;
    /** Argo CD on the tools cluster; undefined when homelab:argocd is not set. */
    readonly argocd?: ArgoCdSettings;
}

function deepFreeze<T>(value: T): T {
    // Object.isFrozen is true for every primitive and for null, so this reaches objects and arrays only.
    if (!Object.isFrozen(value) && !pulumi.Output.isInstance(value)) {
        Object.freeze(value);
        for (const inner of Object.values(value as object)) {
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
    const values: Partial<Record<ConfigKeyName, unknown>> = {};
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
            // Through the schema, so an absent key reads as its default with the nested defaults applied.
            values[key] = declared.default === undefined ? undefined : declared.schema.parse(declared.default);
            continue;
        }
        if (declared.secret && !isSecretKey(fullKey)) {
            report(fullKey, `is a secret but is stored in plaintext; remove it and run \`pulumi config set --secret ${fullKey} <value>\``);
            continue;
        }
        const decoded = decodeConfigValue(declared.schema, raw, (kind) => report(fullKey, `must be structured config (${kind}), got ${JSON.stringify(raw)}`));
        if (!decoded) {
            continue;
        }
        values[key] = validate(declared.schema, decoded.value, fullKey, report);
    }
    checkVault(values, report, (path) => issues.issues.some((i) => i.path === path));
    const image = values.cloudImage as ConfigValues["cloudImage"] | undefined;
    if (image && (image.url === undefined) !== (image.fileName === undefined)) {
        report(`${NAMESPACE}:cloudImage`, "url and fileName go together: set both, or neither to use the pinned image");
    }
    // On the keys that passed their checks. A key that failed its own checks, at it or anywhere under it
    // (a misspelt toggle in homelab:clusters[0].services), reads as unset here, so checks that look at
    // it stay silent rather than report it missing. Only those schema problems count: a cross-key
    // problem (a cluster's missing domain) must not silence the other cross-key checks.
    const schemaProblems = issues.issues.map((i) => i.path);
    const reportedAt = (path: string) => schemaProblems.some((p) => p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
    checkPlatformRequirements(values, report, reportedAt);
    checkVaultServer(values, report, reportedAt);
    checkArgoCd(values, report, stack, reportedAt);
    if (issues.count !== before) {
        return undefined;
    }
    return deepFreeze(buildConfig(stack, file, values as ConfigValues));
}

/**
 * How the three ways of reaching Vault combine: `address` (with this stack's own `vaultToken`),
 * `fromStack` (address, mount and token from the tools stack's outputs) or `server` (this stack runs
 * Vault and holds its root token). On the keys that passed their own checks.
 */
function checkVault(values: Record<string, unknown>, report: (path: string, message: string) => void, reported: (path: string) => boolean): void {
    const vault = values.vault as
        | { address?: string; fromStack?: string; server?: { secretShares?: number; secretThreshold?: number; clientStacks?: Record<string, string[]> } }
        | undefined;
    const key = `${NAMESPACE}:vault`;
    const tokenKey = `${NAMESPACE}:vaultToken`;
    const ways = (["address", "fromStack", "server"] as const).filter((w) => vault?.[w] !== undefined);
    if (ways.length > 1) {
        report(key, `${ways.join(" and ")} exclude each other: set the address here, read it from the stack that runs Vault (fromStack), or run it here (server)`);
    }
    if (vault?.address && !values.vaultToken && !reported(tokenKey)) {
        report(tokenKey, `is required with ${key}.address; set it with \`pulumi config set --secret ${tokenKey} <token>\``);
    }
    if ((vault?.fromStack || vault?.server) && values.vaultToken) {
        report(
            tokenKey,
            vault.fromStack
                ? `is not used with ${key}.fromStack: this stack reads its scoped token from that stack's \`vaultTokens\` output; remove it`
                : `is not used with ${key}.server: this stack uses the root token it gets by initialising Vault; remove it`,
        );
    }
    const server = vault?.server;
    if (server) {
        const shares = server.secretShares ?? 5;
        const threshold = server.secretThreshold ?? 3;
        if (threshold > shares) {
            report(`${key}.server.secretThreshold`, `must not exceed secretShares (${shares}), got ${threshold}`);
        } else if (shares > 1 && threshold === 1) {
            // vault/seal.go SealConfig.Validate: "threshold must be greater than one for multiple shares".
            report(`${key}.server.secretThreshold`, "must be at least 2 when secretShares is above 1: Vault refuses a threshold of 1 for multiple shares");
        }
        const own = new Set(((values.clusters ?? []) as { name?: string }[]).map((c) => c.name));
        const seen = new Map<string, string>();
        for (const [stack, clusters] of Object.entries(server.clientStacks ?? {})) {
            const path = `${key}.server.clientStacks.${stack}`;
            if (stack === pulumi.getStack()) {
                report(path, "is this stack, which runs Vault and uses its root token; list only the stacks that read it");
            }
            clusters.forEach((cluster, i) => {
                if (own.has(cluster)) {
                    report(`${path}[${i}]`, `cluster "${cluster}" is one of this stack's clusters; each cluster has one auth method, kubernetes-${cluster}`);
                } else if (seen.has(cluster)) {
                    report(`${path}[${i}]`, `cluster "${cluster}" is already listed under ${seen.get(cluster)}; each cluster has one auth method, kubernetes-${cluster}`);
                }
                seen.set(cluster, stack);
            });
        }
    }
}

function buildConfig(stack: string, file: string, v: ConfigValues): PlatformConfig {
    const px = v.proxmox;
    const nodes: Record<string, ProxmoxNode> = {};
    for (const [name, node] of Object.entries(px.nodes)) {
        nodes[name] = { name, address: node.address, cores: node.cores, memoryMiB: node.memoryMiB };
    }
    const networks: Record<string, NetworkConfig> = {};
    for (const [bridge, net] of Object.entries(v.networks)) {
        networks[bridge] = { bridge, cidr: net.cidr, gateway: net.gateway, dnsServers: net.dnsServers, domain: net.domain };
    }
    const clusters: ClusterConfig[] = v.clusters.map((c, index) => ({
        index,
        name: c.name,
        role: c.role,
        distribution: c.distribution,
        version: c.version ?? versions.distributions[c.distribution],
        controlPlanes: c.controlPlanes,
        workers: c.workers,
        loadBalancer: c.loadBalancer,
        vip: c.vip,
        podCidr: c.podCidr,
        serviceCidr: c.serviceCidr,
        ...buildClusterPlatform(c, { vault: Boolean(v.vault.address || v.vault.fromStack || v.vault.server) }),
    }));
    const privateKey = !v.proxmoxSshPrivateKey ? undefined : pulumi.secret(v.proxmoxSshPrivateKey);
    return {
        stack,
        file,
        proxmox: {
            endpoint: px.endpoint,
            insecure: px.insecure,
            apiToken: pulumi.secret(v.proxmoxApiToken),
            ssh: { username: px.ssh?.username ?? "root", agent: privateKey ? false : (px.ssh?.agent ?? true), privateKey },
            nodes,
            templates: px.templates,
            snippetDatastore: px.snippetDatastore,
            imageDatastore: px.imageDatastore,
        },
        networks,
        clusters,
        standaloneVms: v.standaloneVms,
        protectVms: v.protectVms,
        vmsDir: v.vmsDir,
        cloudImage: v.cloudImage.url && v.cloudImage.fileName ? { ...v.cloudImage, url: v.cloudImage.url, fileName: v.cloudImage.fileName } : { ...versions.ubuntuCloudImage },
        vault:
            v.vault.address || v.vault.fromStack || v.vault.server
                ? {
                      address: v.vault.address,
                      fromStack: v.vault.fromStack,
                      server: v.vault.server
                          ? {
                                address: v.vault.server.address,
                                initAddress: v.vault.server.initAddress ?? v.vault.server.address,
                                secretShares: v.vault.server.secretShares,
                                secretThreshold: v.vault.server.secretThreshold,
                                clientStacks: v.vault.server.clientStacks,
                            }
                          : undefined,
                      mount: v.vault.mount,
                      skipTlsVerify: v.vault.skipTlsVerify,
                      caCertFile: v.vault.caCertFile,
                      token: v.vault.address ? pulumi.secret(v.vaultToken) : undefined,
                  }
                : undefined,
        platform: buildPlatformSettings(v),
        argocd: buildArgoCdSettings(v.argocd),
    };
}

/** For messages: where a cluster's member list sits in config. */
export function clusterPath(cluster: ClusterConfig, field: string, index?: number): string {
    const base = joinPath(joinPath(`${NAMESPACE}:clusters`, cluster.index), field);
    return index === undefined ? base : joinPath(base, index);
}

