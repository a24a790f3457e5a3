import * as pulumi from "@pulumi/pulumi";
import { REDACTED } from "../core/artefacts";
import { proxmoxTags } from "../core/naming";
import type { ImageSpec } from "../hosts/images";
import type { VmDefinition } from "../hosts/vmDefinition";
import { BootstrapContent, ProxmoxVm, vmPlacement } from "../hosts/proxmoxVm";
import type { ClusterArgs } from "./contract";

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
    /** Resources the node's VM must not boot before. */
    readonly dependsOn?: pulumi.Resource[];
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
        { parent, dependsOn: node.dependsOn },
    );
}

