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
import { VaultServer } from "./components/platform/services/vault/vaultServer";
import { SecretsLayer, VaultSource } from "./components/platform/services/externalSecrets/secretsLayer";
import { VAULT_NAMESPACE, urlHost } from "./components/platform/services/vault/vault";
import { vaultLoadBalancerIp, vaultServerCluster } from "./config/vaultServer";
import { writeCaFile } from "./components/vault/caFile";
import { ArgoCd } from "./components/platform/services/argocd/argocdServer";
import { ArgoCdDestination } from "./components/platform/services/argocd/destination";
import { argocdDestinationsPolicyResource } from "./components/vault/argocd";
import { wireObservabilityLayers } from "./components/platform/observability/layers";
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
    const nodeCidrs: Record<string, string> = {};
    for (const cluster of config.clusters) {
        const first = vmsOf(cluster, "control-plane")[0];
        nodeCidrs[cluster.name] = config.networks[first.network.bridge].cidr;
        platforms[cluster.name] = new Platform(cluster.name, {
            stack: config.stack,
            cluster,
            settings: config.platform,
            provider: clusters[cluster.name].provider,
            // Everything on the cluster waits for its API to answer /readyz (the readiness resource).
            dependsOn: [clusters[cluster.name].ready],
            nodeCidr: nodeCidrs[cluster.name],
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
    // One StackReference per source stack: Vault and the observability hub usually come from the same one.
    const references = new Map<string, pulumi.StackReference>();
    const reference = (stack: string, resourceName: string) => {
        if (!references.has(stack)) {
            references.set(stack, new pulumi.StackReference(resourceName, { name: stack }));
        }
        return references.get(stack)!;
    };
    // Vault itself, on the stack's cluster with role tools (config/vaultServer.ts checked there is one).
    const vaultCluster = config.vault?.server ? vaultServerCluster(config.clusters) : undefined;
    const vaultServer =
        vaultCluster && config.vault?.server
            ? new VaultServer(`${vaultCluster.name}-vault`, {
                  cluster: vaultCluster.name,
                  provider: clusters[vaultCluster.name].provider,
                  network: { nodeCidr: nodeCidrs[vaultCluster.name] },
                  loadBalancerIp: vaultLoadBalancerIp(config.vault.server),
                  clientHosts: [...new Set([urlHost(config.vault.server.address), urlHost(config.vault.server.initAddress)])],
                  dependsOn: [clusters[vaultCluster.name].ready],
                  certManager: platforms[vaultCluster.name].releases["cert-manager"],
                  addressPool: platforms[vaultCluster.name].addressPool,
              })
            : undefined;
    const vaultLayer = config.vault && Object.keys(clusters).length > 0 ? await wireVault(config, clusters, vaultCa, reference, vaultServer) : undefined;
    // Where the layers write generated credentials: the stack's Vault provider, once the KV mount exists.
    const vaultWrites = vaultLayer ? { provider: vaultLayer.provider, mount: vaultLayer.mount, dependsOn: vaultLayer.ready } : undefined;
    const vaultPaths = vaultLayer?.paths ?? {};
    // The observability hub, edge collectors and delivery layers (after Vault: the hub stores Grafana's password there).
    const observability = await wireObservabilityLayers({
        config,
        clusters,
        platforms,
        nodeCidrs,
        vault: vaultWrites,
        reference: (stack) => reference(stack, "observability-source"),
    });

    // The secrets layer: external-secrets from Vault on every cluster that has it on (by default, wherever the stack has Vault).
    const secretsLayers: Record<string, SecretsLayer> = {};
    for (const cluster of config.clusters) {
        if (!cluster.services.externalSecrets || !vaultLayer) {
            continue;
        }
        const source = vaultLayer.source;
        // Vault's own cluster reaches it at its Service (on its certificate), not through MetalLB.
        const inCluster = `https://vault-active.${VAULT_NAMESPACE.name}.svc:8200`;
        const vaultForCluster: VaultSource = cluster.name === vaultCluster?.name ? { ...source, server: inCluster, display: { ...source.display, server: inCluster } } : source;
        secretsLayers[cluster.name] = new SecretsLayer(`${cluster.name}-secrets`, {
            stack: config.stack,
            cluster: cluster.name,
            distribution: cluster.distribution,
            endpoint: clusters[cluster.name].endpoint,
            provider: clusters[cluster.name].provider,
            network: { nodeCidr: nodeCidrs[cluster.name] },
            dependsOn: [clusters[cluster.name].ready],
            vault: vaultForCluster,
        });
    }

    if (vaultLayer) {
        wireArgoCd(config, clusters, nodeCidrs, vaultLayer, secretsLayers);
    }

    // The tools role's own services, on the base layer and, for generated credentials, on this stack's Vault.
    const tools: Record<string, ToolsLayer> = {};
    for (const cluster of config.clusters.filter((c) => c.toolsServices.length > 0)) {
        tools[cluster.name] = new ToolsLayer(cluster.name, {
            stack: config.stack,
            cluster,
            settings: config.platform,
            provider: clusters[cluster.name].provider,
            dependsOn: [clusters[cluster.name].ready],
            nodeCidr: nodeCidrs[cluster.name],
            istioCrds: platforms[cluster.name].releases["istio-base"],
            vault: config.vault?.server ? vaultWrites : undefined,
        });
    }

    return {
        hosts: hostSummary(fleet, created),
        // Public contract: stacks with homelab:vault.fromStack read the address and mount from here,
        // and (from the stack that runs Vault) their own scoped token from vaultTokens.<stack>.
        // `caCertPem` (the server stack only) is the CA of Vault's certificate, which the readers trust.
        ...(config.vault?.address || config.vault?.server
            ? { vault: { address: config.vault.server?.address ?? config.vault.address, mount: config.vault.mount, ...(vaultServer ? { caCertPem: vaultServer.caCertPem } : {}) } }
            : {}),
        ...(vaultLayer?.tokens ? { vaultTokens: vaultLayer.tokens } : {}),
        // Public contract (components/platform/observability/endpoints.ts): dev and prod read the hub's endpoints from here.
        ...(observability ? { observability } : {}),
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
async function wireVault(
    config: PlatformConfig,
    clusters: Readonly<Record<string, ClusterComponent>>,
    ca: LoadedPlatform["vaultCa"],
    reference: (stack: string, resourceName: string) => pulumi.StackReference,
    server?: VaultServer,
) {
    const v = config.vault!;
    const apis = Object.fromEntries(Object.entries(clusters).map(([name, c]) => [name, { endpoint: c.endpoint, caCertPem: c.caCertPem }]));
    if (v.server) {
        // Vault runs on this stack's clusters, so it can answer only once they are up and its release is
        // installed; everything configured through the provider below waits for the initialisation.
        // Trust: homelab:vault.caCertFile when set, otherwise the CA the program issues Vault's certificate from.
        const caPem: pulumi.Input<string> | undefined = ca?.pem ?? server?.caCertPem;
        const init = new VaultInit(
            "vault-init",
            { address: v.server.initAddress, caPem, secretShares: v.server.secretShares, secretThreshold: v.server.secretThreshold },
            { dependsOn: [...Object.values(clusters), ...(server ? [server.release] : [])] },
        );
        const caCertFile = ca?.path ?? server?.caCertPem.apply((pem) => writeCaFile(config.stack, pem));
        const provider = new vault.Provider("vault", {
            address: v.server.initAddress,
            token: init.rootToken,
            skipTlsVerify: v.skipTlsVerify,
            ...(caCertFile ? { caCertFile } : {}),
            // The root token is used as is: no child token to mint and revoke on every run.
            skipChildToken: true,
        });
        // Argo CD's cluster (config/argocd.ts checks there is one) reads the destinations' connections
        // through its external-secrets role: a policy of its own, added to that role.
        const argocdCluster = config.argocd ? config.clusters.find((c) => c.role === "tools")?.name : undefined;
        const argocdPolicy = argocdCluster
            ? argocdDestinationsPolicyResource("argocd-destinations", { mount: v.mount, cluster: argocdCluster, destinations: config.argocd!.destinations }, { provider })
            : undefined;
        const configuration = new VaultConfiguration(
            "vault",
            {
                stack: config.stack,
                mount: v.mount,
                clusters: apis,
                clientStacks: v.server.clientStacks,
                ...(argocdCluster && argocdPolicy ? { externalSecretsPolicies: { [argocdCluster]: [argocdPolicy.name] } } : {}),
            },
            { providers: [provider] },
        );
        const store = new KubeconfigStore("kubeconfigs", { stack: config.stack, mount: configuration.mount, clusters }, { providers: [provider], dependsOn: [configuration.kv] });
        const source: VaultSource = {
            server: v.server.address,
            mount: v.mount,
            caPem: caPem ?? "",
            display: { server: v.server.address, mount: v.mount, caPem: ca ? `homelab:vault.caCertFile (${v.caCertFile})` : server ? "the CA of Vault's certificate" : undefined },
        };
        return { paths: store.paths, tokens: configuration.tokens, source, provider, mount: configuration.mount as pulumi.Input<string>, ready: [configuration.kv] as pulumi.Resource[] };
    }
    let source: pulumi.Output<{ address: string; mount: string; caCertPem?: string }>;
    let token: pulumi.Input<string>;
    if (v.fromStack) {
        const sourceStack = reference(v.fromStack, "vault-source");
        await requireVaultOutputs(sourceStack, v.fromStack, config.stack);
        source = sourceStack.requireOutput("vault").apply((out) => out as { address: string; mount: string; caCertPem?: string });
        token = pulumi.secret(sourceStack.requireOutput("vaultTokens").apply((tokens) => (tokens as Record<string, string>)[config.stack]));
    } else {
        source = pulumi.output({ address: v.address!, mount: v.mount });
        token = v.token!;
    }
    // Trust: homelab:vault.caCertFile when set, otherwise the CA the tools stack exports with its address.
    const caPem: pulumi.Output<string> = ca ? pulumi.output(ca.pem) : source.apply((s) => s.caCertPem ?? "");
    // Unset (undefined) without a CA: the system's CAs.
    const caCertFile = ca ? pulumi.output(ca.path) : (caPem.apply((pem) => (pem ? writeCaFile(config.stack, pem) : undefined)) as pulumi.Output<string>);
    // A token scoped to this stack's paths: the provider must not mint child tokens it is not allowed to.
    const provider = new vault.Provider("vault", {
        address: source.address,
        token,
        skipTlsVerify: v.skipTlsVerify,
        caCertFile,
        skipChildToken: true,
    });
    if (v.fromStack) {
        // The tools stack mounted these clusters' auth methods; only this stack knows their API and CA.
        new ClusterAuthConfig("vault-auth", { clusters: apis }, { providers: [provider] });
    }
    const from = v.fromStack ? `from stack ${v.fromStack}` : "";
    const shown: VaultSource = {
        server: source.address,
        mount: source.mount,
        caPem,
        display: {
            server: v.fromStack ? `<vault.address ${from}>` : v.address!,
            mount: v.fromStack ? `<vault.mount ${from}>` : v.mount,
            // Without a CA the store trusts the system's CAs, and the object has no caBundle.
            caPem: ca ? `homelab:vault.caCertFile (${v.caCertFile})` : v.fromStack ? `<vault.caCertPem ${from}>` : undefined,
        },
    };
    return {
        paths: new KubeconfigStore("kubeconfigs", { stack: config.stack, mount: source.mount, clusters }, { providers: [provider] }).paths,
        tokens: undefined,
        source: shown,
        provider,
        mount: source.mount as pulumi.Input<string>,
        ready: [] as pulumi.Resource[],
    };
}

/**
 * Argo CD, without a cycle between stacks (README: Argo CD). The stack that runs Vault runs Argo CD
 * on its tools cluster when homelab:argocd is set; a stack reading Vault from it (homelab:vault.fromStack)
 * makes each of its workload clusters a destination: a client certificate for Argo CD, bound to
 * cluster-admin there, and the connection in Vault next to the kubeconfig.
 */
function wireArgoCd(
    config: PlatformConfig,
    clusters: Readonly<Record<string, ClusterComponent>>,
    nodeCidrs: Readonly<Record<string, string>>,
    vaultLayer: { provider: vault.Provider; mount: pulumi.Input<string>; ready: pulumi.Resource[] },
    secretsLayers: Readonly<Record<string, SecretsLayer>>,
): void {
    const onVault = { provider: vaultLayer.provider, mount: vaultLayer.mount };
    if (config.vault?.server && config.argocd) {
        const tools = config.clusters.find((c) => c.role === "tools")!;
        new ArgoCd(`${tools.name}-argocd`, {
            stack: config.stack,
            cluster: tools.name,
            domain: tools.domain,
            provider: clusters[tools.name].provider,
            network: { nodeCidr: nodeCidrs[tools.name] },
            dependsOn: [clusters[tools.name].ready],
            settings: config.argocd,
            vault: { ...onVault, dependsOn: vaultLayer.ready },
            // The ExternalSecrets need external-secrets' CRDs (its release) and the `vault` ClusterSecretStore.
            externalSecrets: secretsLayers[tools.name] ? [secretsLayers[tools.name].release, secretsLayers[tools.name].store] : undefined,
        });
    }
    if (config.vault?.fromStack) {
        for (const cluster of config.clusters.filter((c) => c.role === "workload")) {
            const c = clusters[cluster.name];
            new ArgoCdDestination(`argocd-destination-${cluster.name}`, {
                stack: config.stack,
                cluster: cluster.name,
                endpoint: c.endpoint,
                caCertPem: c.caCertPem,
                clientCa: c.clientCa,
                provider: c.provider,
                dependsOn: [c.ready],
                vault: onVault,
            });
        }
    }
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
