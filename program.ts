import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig, PlatformConfig } from "./config/config";
import type { ClusterComponent } from "./components/clusters/contract";
import { CLUSTER_COMPONENTS } from "./components/clusters/registry";
import { TalosCluster } from "./components/clusters/talos/talosCluster";
import { HostFleet } from "./components/hosts/hostFleet";
import { ImageLibrary } from "./components/hosts/imageLibrary";
import { createProxmoxProvider } from "./components/hosts/provider";
import { KubeconfigStore } from "./components/vault/kubeconfigStore";
import * as vault from "@pulumi/vault";
import { registerArtefact } from "./components/core/artefacts";
import { stackVaultPolicy } from "./components/vault/paths";
import { VaultInit } from "./components/vault/vaultInit";
import { VaultConfiguration } from "./components/vault/vaultConfiguration";
import { ClusterAuthConfig } from "./components/vault/clusterAuthConfig";
import { missingVaultOutput } from "./components/vault/paths";
import type { ProxmoxVm } from "./components/hosts/proxmoxVm";
import type { Fleet, Membership } from "./config/fleet";
import type { ReadinessOptions } from "./components/clusters/access/readiness";
import type { VmDefinition } from "./components/hosts/vmDefinition";
import { LoadedPlatform, loadPlatform } from "./config/load";
import { Platform } from "./components/platform/platform";
import { ToolsLayer } from "./components/platform/tools";

export type PlatformProgram = () => Promise<Record<string, unknown>>;

export interface PlatformOptions {
    /** How long and how often each cluster's readiness resource polls /readyz. */
    readonly readiness?: ReadinessOptions;
}

/**
 * Loads and validates the stack's config and every VM file, throwing the full report on bad input;
 * then returns the program that registers the resources. Validation thus finishes before anything,
 * even the root stack, is registered.
 */
export function preparePlatform(projectDir: string = __dirname, options: PlatformOptions = {}): PlatformProgram {
    const loaded = loadPlatform(projectDir);
    return () => buildPlatform(loaded, options);
}

/** Stack output names are a public contract: other stacks and the driver read them. */
async function buildPlatform({ config, fleet, vaultCa }: LoadedPlatform, options: PlatformOptions): Promise<Record<string, unknown>> {
    const proxmox = createProxmoxProvider("proxmox", config.proxmox);
    const providers = [proxmox];
    const images = new ImageLibrary("images", { datastoreId: config.proxmox.imageDatastore, stack: config.stack }, { providers });

    const vmsOf = (cluster: ClusterConfig, role: Membership["role"]): VmDefinition[] =>
        fleet.owned.filter((o) => o.membership.cluster === cluster && o.membership.role === role).map((o) => o.vm);
    const created: Record<string, ProxmoxVm> = {};
    const clusters: Record<string, ClusterComponent> = {};
    for (const cluster of config.clusters) {
        const component = new CLUSTER_COMPONENTS[cluster.distribution](
            cluster.name,
            {
                cluster,
                controlPlanes: vmsOf(cluster, "control-plane"),
                workers: vmsOf(cluster, "worker"),
                loadBalancer: vmsOf(cluster, "load-balancer")[0],
                config,
                images,
                readiness: options.readiness,
            },
            { providers },
        );
        clusters[cluster.name] = component;
        Object.assign(created, component.nodes);
    }
    // The platform layer, per cluster, on that cluster's provider (which exists only once its API is ready).
    const platforms: Record<string, Platform> = {};
    for (const cluster of config.clusters) {
        const first = vmsOf(cluster, "control-plane")[0];
        platforms[cluster.name] = new Platform(cluster.name, {
            stack: config.stack,
            cluster,
            settings: config.platform,
            provider: clusters[cluster.name].provider,
            // Everything on the cluster waits for its API to answer /readyz (the readiness resource).
            dependsOn: [clusters[cluster.name].ready],
            nodeCidr: config.networks[first.network.bridge].cidr,
            nodeNames: [...cluster.controlPlanes, ...cluster.workers],
        });
    }
    const standalone = fleet.owned.filter((o) => !o.membership.cluster).map((o) => o.vm);
    const hosts = new HostFleet("hosts", { vms: standalone, config, images }, { providers });
    Object.assign(created, hosts.vms);

    if (Object.keys(clusters).length > 0 && !config.vault?.server) {
        // Written even before Vault is configured: the operator needs it to mint the stack's token.
        // A stack that runs Vault holds its root token; it writes its client stacks' policies instead.
        registerArtefact(`vault/policy-${config.stack}.hcl`, stackVaultPolicy(config.vault?.mount ?? "homelab", config.stack, Object.keys(clusters)));
    }
    const vaultLayer = config.vault && Object.keys(clusters).length > 0 ? await wireVault(config, clusters, vaultCa) : undefined;
    const vaultPaths = vaultLayer?.paths ?? {};

    // The tools role's own services, on the base layer and, for generated credentials, on this stack's Vault.
    const tools: Record<string, ToolsLayer> = {};
    for (const cluster of config.clusters.filter((c) => c.toolsServices.length > 0)) {
        const first = vmsOf(cluster, "control-plane")[0];
        tools[cluster.name] = new ToolsLayer(cluster.name, {
            stack: config.stack,
            cluster,
            settings: config.platform,
            provider: clusters[cluster.name].provider,
            dependsOn: [clusters[cluster.name].ready],
            nodeCidr: config.networks[first.network.bridge].cidr,
            istioCrds: platforms[cluster.name].releases["istio-base"],
            vault: vaultLayer?.server,
        });
    }

    return {
        hosts: hostSummary(fleet, created),
        // Public contract: stacks with homelab:vault.fromStack read the address and mount from here,
        // and (from the stack that runs Vault) their own scoped token from vaultTokens.<stack>.
        ...(config.vault?.address || config.vault?.server ? { vault: { address: config.vault.server?.address ?? config.vault.address, mount: config.vault.mount } } : {}),
        ...(vaultLayer?.tokens ? { vaultTokens: vaultLayer.tokens } : {}),
        clusters: Object.fromEntries(
            Object.entries(clusters).map(([name, c]) => [
                name,
                {
                    endpoint: c.endpoint,
                    kubeconfig: c.kubeconfig,
                    vaultPath: vaultPaths[name] ?? null,
                    // Tools clusters: where their tools services answer, and the Vault paths of generated credentials.
                    ...(tools[name] ? { tools: { endpoints: tools[name].endpoints, vaultPaths: tools[name].vaultPaths } } : {}),
                    // Talos only: what `talosctl` needs to reach the nodes (a secret).
                    ...(c instanceof TalosCluster ? { talosconfig: c.talosconfig } : {}),
                },
            ]),
        ),
    };
}

/**
 * Vault, one of three ways (config/config.ts checkVault):
 * - `server` (tools): initialise and unseal the Vault this stack runs, configure it with the root
 *   token (which never leaves this stack), and mint a scoped token per client stack;
 * - `fromStack` (dev, prod): address, mount and this stack's scoped token from the tools stack;
 * - `address`: a Vault run elsewhere, with this stack's own scoped token from config.
 * Every stack then writes its clusters' kubeconfigs to `<mount>/<stack>/<cluster>/kubeconfig`.
 */
async function wireVault(config: PlatformConfig, clusters: Readonly<Record<string, ClusterComponent>>, ca: LoadedPlatform["vaultCa"]) {
    const v = config.vault!;
    const apis = Object.fromEntries(Object.entries(clusters).map(([name, c]) => [name, { endpoint: c.endpoint, caCertPem: c.caCertPem }]));
    if (v.server) {
        // Vault runs on this stack's clusters, so it can answer only once they are up. The Helm release
        // that runs it belongs with the platform services; depend on it here once it exists.
        const init = new VaultInit(
            "vault-init",
            { address: v.server.initAddress, caPem: ca?.pem, secretShares: v.server.secretShares, secretThreshold: v.server.secretThreshold },
            { dependsOn: Object.values(clusters) },
        );
        const provider = new vault.Provider("vault", {
            address: v.server.initAddress,
            token: init.rootToken,
            skipTlsVerify: v.skipTlsVerify,
            ...(ca ? { caCertFile: ca.path } : {}),
            // The root token is used as is: no child token to mint and revoke on every run.
            skipChildToken: true,
        });
        const configuration = new VaultConfiguration("vault", { stack: config.stack, mount: v.mount, clusters: apis, clientStacks: v.server.clientStacks }, { providers: [provider] });
        const store = new KubeconfigStore("kubeconfigs", { stack: config.stack, mount: configuration.mount, clusters }, { providers: [provider], dependsOn: [configuration.kv] });
        // The tools layer writes its generated credentials with the same provider, once the mount exists.
        return { paths: store.paths, tokens: configuration.tokens, server: { provider, mount: configuration.mount, dependsOn: [configuration.kv] } };
    }
    let source: pulumi.Output<{ address: string; mount: string }>;
    let token: pulumi.Input<string>;
    if (v.fromStack) {
        const reference = new pulumi.StackReference("vault-source", { name: v.fromStack });
        await requireVaultOutputs(reference, v.fromStack, config.stack);
        source = reference.requireOutput("vault").apply((out) => out as { address: string; mount: string });
        token = pulumi.secret(reference.requireOutput("vaultTokens").apply((tokens) => (tokens as Record<string, string>)[config.stack]));
    } else {
        source = pulumi.output({ address: v.address!, mount: v.mount });
        token = v.token!;
    }
    // A token scoped to this stack's paths: the provider must not mint child tokens it is not allowed to.
    const provider = new vault.Provider("vault", {
        address: source.address,
        token,
        skipTlsVerify: v.skipTlsVerify,
        ...(ca ? { caCertFile: ca.path } : {}),
        skipChildToken: true,
    });
    if (v.fromStack) {
        // The tools stack mounted these clusters' auth methods; only this stack knows their API and CA.
        new ClusterAuthConfig("vault-auth", { clusters: apis }, { providers: [provider] });
    }
    return { paths: new KubeconfigStore("kubeconfigs", { stack: config.stack, mount: source.mount, clusters }, { providers: [provider] }).paths, tokens: undefined, server: undefined };
}

/**
 * Checks the referenced stack's outputs before anything uses them, so a missing one ends the program
 * with its name rather than failing inside each resource that uses it. Offline (the render) the
 * outputs are unknown and nothing is checked.
 */
async function requireVaultOutputs(reference: pulumi.StackReference, name: string, stack: string): Promise<void> {
    // `isKnown` and `promise` are the SDK's own accessors of an Output's state (internal, hence the cast).
    const outputs = reference.outputs as unknown as { isKnown: Promise<boolean>; promise(): Promise<Record<string, unknown> | undefined> };
    if (!(await outputs.isKnown)) {
        return;
    }
    const problem = missingVaultOutput((await outputs.promise()) ?? {}, name, stack);
    if (problem) {
        throw new Error(problem);
    }
}

function hostSummary(fleet: Fleet, vms: Readonly<Record<string, ProxmoxVm>>) {
    return Object.fromEntries(
        fleet.owned.map(({ vm, membership }) => [
            vm.name,
            { vmId: vms[vm.name].vmId, node: vm.targetNode, ipv4: vms[vm.name].ipv4 ?? null, cluster: membership.cluster?.name ?? null, role: membership.role },
        ]),
    );
}
