import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ClusterConfig, PlatformConfig } from "../../config";
import { REDACTED } from "../../lib/artefacts";
import type { ImageSpec } from "../../lib/images";
import { apiServerUrl, renderKubeconfig } from "../../lib/kubeconfig";
import { proxmoxTags } from "../../lib/naming";
import { DEFAULT_READINESS, ReadinessOptions, WaitForApi, waitForApiReady } from "../../lib/readiness";
import type { VmDefinition } from "../../lib/vmDefinition";
import type { ImageLibrary } from "../hosts/imageLibrary";
import { BootstrapContent, ProxmoxVm, vmPlacement } from "../hosts/proxmoxVm";

/** What every cluster component takes: its config entry, its validated VMs and where they boot from. */
export interface ClusterArgs {
    readonly cluster: ClusterConfig;
    readonly controlPlanes: readonly VmDefinition[];
    readonly workers: readonly VmDefinition[];
    /** kubeadm only: the HAProxy VM in front of the API. */
    readonly loadBalancer?: VmDefinition;
    readonly config: Pick<PlatformConfig, "stack" | "proxmox" | "networks" | "cloudImage" | "protectVms">;
    readonly images: ImageLibrary;
    /** How to wait for the API; defaults to polling /readyz. Never called during preview. */
    readonly waitForApi?: WaitForApi;
    readonly readiness?: ReadinessOptions;
}

/** The outward contract shared by the three distributions. */
export interface ClusterAccess {
    /** Admin kubeconfig, a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** `https://<address>:6443` */
    readonly endpoint: string;
    /** Usable only once the API answers /readyz. */
    readonly provider: k8s.Provider;
}

/** Placeholders the redacted copy of a node's user-data shows where real key material goes. */
export function placeholderPair(name: string): { certPem: string; keyPem: string } {
    return { certPem: `<computed: ${name} certificate>\n`, keyPem: `${REDACTED}\n` };
}

/** Reports argument problems the way every component here does: all at once, by property path. */
export function requireValid(type: string, name: string, errors: { propertyPath: string; reason: string }[]): void {
    if (errors.length > 0) {
        throw new pulumi.InputPropertiesError({ message: `invalid arguments for ${type} ${name}`, errors });
    }
}

export function staticIp(vm: VmDefinition): string {
    if (vm.ipv4?.kind !== "static") {
        throw new Error(`${vm.file}: a cluster node needs a static IPv4 address`);
    }
    return vm.ipv4.address;
}

/** The names a node's certificates carry: its IP, its name and, where the network has a domain, its FQDN. */
export function nodeNames(args: ClusterArgs, vm: VmDefinition): string[] {
    const domain = args.config.networks[vm.network.bridge].domain;
    return [staticIp(vm), vm.name, ...(domain ? [`${vm.name}.${domain}`] : [])];
}

/** Every node of a cluster with its distribution-specific role: the first control plane, the others, the workers. */
export function nodeRoles<R>(args: ClusterArgs, roles: { readonly first: R; readonly controlPlane: R; readonly worker: R }): [VmDefinition, R][] {
    return [
        ...args.controlPlanes.map((vm, i): [VmDefinition, R] => [vm, i === 0 ? roles.first : roles.controlPlane]),
        ...args.workers.map((vm): [VmDefinition, R] => [vm, roles.worker]),
    ];
}

export interface NodeOptions {
    readonly role: "control-plane" | "worker" | "load-balancer";
    readonly image: ImageSpec;
    readonly bootstrap?: { readonly content: pulumi.Input<BootstrapContent>; readonly redacted: BootstrapContent };
    readonly rawUserData?: { readonly content: pulumi.Input<string>; readonly redacted: string; readonly artefactPath: string };
    readonly cloudInitType?: "nocloud";
}

/** One cluster node VM, a child of the cluster component. */
export function createNode(parent: pulumi.ComponentResource, args: ClusterArgs, vm: VmDefinition, node: NodeOptions): ProxmoxVm {
    return new ProxmoxVm(
        vm.name,
        {
            ...vmPlacement(args.config, args.images, vm, node.image),
            tags: proxmoxTags("homelab", args.config.stack, args.cluster.name, node.role),
            bootstrap: node.bootstrap,
            rawUserData: node.rawUserData,
            cloudInitType: node.cloudInitType,
        },
        { parent },
    );
}

/**
 * The admin kubeconfig (computed from the cluster PKI) and a Kubernetes provider that can only be
 * created once the API answers /readyz with that kubeconfig's client certificate.
 */
export function clusterAccess(
    parent: pulumi.ComponentResource,
    name: string,
    args: ClusterArgs,
    access: {
        readonly address: string;
        readonly caCertPem: pulumi.Output<string>;
        readonly admin: { readonly certPem: pulumi.Output<string>; readonly keyPem: pulumi.Output<string> };
        readonly nodes: readonly ProxmoxVm[];
        /** Steps that must finish before the API can be ready (Talos's bootstrap call). */
        readonly after?: readonly pulumi.CustomResource[];
    },
): ClusterAccess {
    const endpoint = apiServerUrl(access.address);
    const clusterName = args.cluster.name;
    const kubeconfig = pulumi.secret(
        pulumi.all([access.caCertPem, access.admin.certPem, access.admin.keyPem]).apply(([caCertPem, clientCertPem, clientKeyPem]) =>
            renderKubeconfig({ clusterName, server: endpoint, caCertPem, clientCertPem, clientKeyPem }),
        ),
    );
    const waitForApi = args.waitForApi ?? waitForApiReady;
    // The VM ids resolve only once the VMs exist, so the wait starts after they are created.
    const nodeIds = pulumi.all([pulumi.all(access.nodes.map((n) => n.vmId)), pulumi.all((access.after ?? []).map((r) => r.urn))]);
    const ready = pulumi
        .all([kubeconfig, access.caCertPem, access.admin.certPem, access.admin.keyPem, nodeIds])
        .apply(async ([config, caCertPem, clientCertPem, clientKeyPem]) => {
            if (!pulumi.runtime.isDryRun()) {
                await waitForApi({ clusterName, endpoint, caCertPem, clientCertPem, clientKeyPem }, args.readiness ?? DEFAULT_READINESS);
            }
            return config;
        });
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: pulumi.secret(ready) }, { parent, dependsOn: [...access.nodes.map((n) => n.vm), ...(access.after ?? [])] });
    return { kubeconfig, endpoint, provider };
}
