import * as pulumi from "@pulumi/pulumi";
import { built, Deferred, REDACTED } from "../core/artefacts";
import { proxmoxTags } from "../core/naming";
import type { ImageSpec } from "../hosts/images";
import type { VmDefinition } from "../hosts/vmDefinition";
import { BootstrapContent, ProxmoxVm, vmPlacement } from "../hosts/proxmoxVm";
import { longhornNodePackages } from "../platform/services/longhorn/longhorn";
import type { ClusterArgs } from "./contract";

/** Placeholders the redacted copy of a node's user-data shows where real key material goes. */
export function placeholderPair(name: string): { certPem: string; keyPem: string } {
    return { certPem: `<computed: ${name} certificate>\n`, keyPem: `${REDACTED}\n` };
}

/**
 * Options for a cluster's identity (its shared tokens and keys), protected as the CAs are: replacing one
 * splits a running cluster, so it must be a deliberate `pulumi state unprotect`.
 */
export const CLUSTER_IDENTITY: Readonly<pulumi.CustomResourceOptions> = { protect: true };

/**
 * The same, for a `random.RandomString`: its `result` is plaintext in state unless listed in
 * additionalSecretOutputs (only RandomPassword and RandomBytes mark their result secret).
 */
export const CLUSTER_SECRET_OPTIONS: Readonly<pulumi.CustomResourceOptions> = { ...CLUSTER_IDENTITY, additionalSecretOutputs: ["result"] };

/** Reports argument problems the way every component here does: all at once, by property path. */
export function requireValid(type: string, name: string, errors: { propertyPath: string; reason: string }[]): void {
    if (errors.length > 0) {
        throw new pulumi.InputPropertiesError({ message: `invalid arguments for ${type} ${name}`, errors });
    }
}

/**
 * Every node of a cluster is addressed by its static IPv4 address: in certificates, join URLs and the
 * kubeconfig. Checked in the component's validation, before any child exists, so a caller that skipped
 * config/fleet.ts gets a path-addressed report, not a half-built cluster. (KubeadmCluster checks its
 * load balancer itself.)
 */
export function staticAddressErrors(args: Pick<ClusterArgs, "controlPlanes" | "workers">): { propertyPath: string; reason: string }[] {
    const reason = (vm: VmDefinition) => `${vm.file}: ipconfig0: a cluster node needs a static IPv4 address, not ${vm.ipv4 ? vm.ipv4.kind : "none"}`;
    return [
        ...args.controlPlanes.map((vm, i) => ({ vm, propertyPath: `controlPlanes[${i}]` })),
        ...args.workers.map((vm, i) => ({ vm, propertyPath: `workers[${i}]` })),
    ]
        .filter(({ vm }) => vm.ipv4?.kind !== "static")
        .map(({ vm, propertyPath }) => ({ propertyPath, reason: reason(vm) }));
}

/** A node's static IPv4 address; the component's validation (staticAddressErrors) guarantees there is one. */
export function staticIp(vm: VmDefinition): string {
    if (vm.ipv4?.kind !== "static") {
        throw new Error(`${vm.file}: ipconfig0: a cluster node needs a static IPv4 address (staticAddressErrors was not checked)`);
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
    readonly bootstrap?: { readonly content: pulumi.Input<BootstrapContent>; readonly redacted: Deferred<BootstrapContent> };
    readonly rawUserData?: { readonly content: pulumi.Input<string>; readonly redacted: Deferred<string>; readonly artefactPath: string };
    readonly cloudInitType?: "nocloud";
    /** Resources the node's VM must not boot before. */
    readonly dependsOn?: pulumi.Resource[];
}

/**
 * What a node's first boot installs for the cluster's storage: with Longhorn on, Ubuntu nodes
 * (K3s, kubeadm) get open-iscsi and an NFS client before the distribution's own commands. Talos
 * has them in its image (versions.talosExtensions); load balancers run no volumes.
 */
export function storagePrerequisites(cluster: ClusterArgs["cluster"], role: NodeOptions["role"]): ((content: BootstrapContent) => BootstrapContent) | undefined {
    if (!cluster.services.longhorn || cluster.distribution === "talos" || role === "load-balancer") {
        return undefined;
    }
    const extra = longhornNodePackages();
    return (content) => ({ files: content.files, packages: [...(content.packages ?? []), ...extra.packages], runcmd: [...extra.runcmd, ...content.runcmd] });
}

/** The storage prerequisites added to a redacted copy when the render builds it. */
function deferredStorage(storage: (content: BootstrapContent) => BootstrapContent, redacted: Deferred<BootstrapContent>): () => BootstrapContent {
    return () => storage(built(redacted));
}

/** One cluster node VM, a child of the cluster component. */
export function createNode(parent: pulumi.ComponentResource, args: ClusterArgs, vm: VmDefinition, node: NodeOptions): ProxmoxVm {
    const storage = storagePrerequisites(args.cluster, node.role);
    const bootstrap = node.bootstrap && storage ? { content: pulumi.output(node.bootstrap.content).apply(storage), redacted: deferredStorage(storage, node.bootstrap.redacted) } : node.bootstrap;
    return new ProxmoxVm(
        vm.name,
        {
            ...vmPlacement(args.config, args.images, vm, node.image),
            tags: proxmoxTags("homelab", args.config.stack, args.cluster.name, node.role),
            bootstrap,
            rawUserData: node.rawUserData,
            cloudInitType: node.cloudInitType,
        },
        { parent, dependsOn: node.dependsOn },
    );
}

