import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig } from "./config/config";
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
import type { ProxmoxVm } from "./components/hosts/proxmoxVm";
import type { Fleet, Membership } from "./config/fleet";
import type { ReadinessOptions } from "./components/clusters/access/readiness";
import type { VmDefinition } from "./components/hosts/vmDefinition";
import { LoadedPlatform, loadPlatform } from "./config/load";

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
async function buildPlatform({ config, fleet }: LoadedPlatform, options: PlatformOptions): Promise<Record<string, unknown>> {
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
    const standalone = fleet.owned.filter((o) => !o.membership.cluster).map((o) => o.vm);
    const hosts = new HostFleet("hosts", { vms: standalone, config, images }, { providers });
    Object.assign(created, hosts.vms);

    if (Object.keys(clusters).length > 0) {
        // Written even before Vault is configured: the operator needs it to mint the stack's token.
        registerArtefact(`vault/policy-${config.stack}.hcl`, stackVaultPolicy(config.vault?.mount ?? "homelab", config.stack));
    }
    let vaultPaths: Readonly<Record<string, pulumi.Output<string>>> = {};
    if (config.vault && Object.keys(clusters).length > 0) {
        // Either this stack's own config, or the `vault` output of the stack that runs Vault.
        const source = config.vault.fromStack
            ? new pulumi.StackReference("vault-source", { name: config.vault.fromStack }).requireOutput("vault").apply((v) => v as { address: string; mount: string })
            : pulumi.output({ address: config.vault.address!, mount: config.vault.mount });
        // A token scoped to this stack's paths: the provider must not mint child tokens it is not allowed to.
        const vaultProvider = new vault.Provider("vault", {
            address: source.address,
            token: config.vault.token,
            skipTlsVerify: config.vault.skipTlsVerify,
            skipChildToken: true,
        });
        vaultPaths = new KubeconfigStore("kubeconfigs", { stack: config.stack, mount: source.mount, clusters }, { providers: [vaultProvider] }).paths;
    }

    return {
        hosts: hostSummary(fleet, created),
        // Public contract: stacks with homelab:vault.fromStack read the address and mount from here.
        ...(config.vault?.address ? { vault: { address: config.vault.address, mount: config.vault.mount } } : {}),
        clusters: Object.fromEntries(
            Object.entries(clusters).map(([name, c]) => [
                name,
                {
                    endpoint: c.endpoint,
                    kubeconfig: c.kubeconfig,
                    vaultPath: vaultPaths[name] ?? null,
                    // Talos only: what `talosctl` needs to reach the nodes (a secret).
                    ...(c instanceof TalosCluster ? { talosconfig: c.talosconfig } : {}),
                },
            ]),
        ),
    };
}

function hostSummary(fleet: Fleet, vms: Readonly<Record<string, ProxmoxVm>>) {
    return Object.fromEntries(
        fleet.owned.map(({ vm, membership }) => [
            vm.name,
            { vmId: vms[vm.name].vmId, node: vm.targetNode, ipv4: vms[vm.name].ipv4 ?? null, cluster: membership.cluster?.name ?? null, role: membership.role },
        ]),
    );
}
