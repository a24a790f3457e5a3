import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config/config";
import { cloudImage } from "./images";
import { proxmoxTags } from "../core/naming";
import type { VmDefinition } from "./vmDefinition";
import type { ImageLibrary } from "./imageLibrary";
import { ProxmoxVm, vmPlacement } from "./proxmoxVm";

export interface HostFleetArgs {
    /** Validated VM files to create as plain hosts (cluster nodes are created by their cluster). */
    readonly vms: readonly VmDefinition[];
    readonly config: Pick<PlatformConfig, "stack" | "proxmox" | "networks" | "cloudImage" | "protectVms">;
    readonly images: ImageLibrary;
}

/** The stack's standalone VMs: one ProxmoxVm each, booting the stack's cloud image or a template. */
export class HostFleet extends pulumi.ComponentResource {
    public readonly vms: Readonly<Record<string, ProxmoxVm>>;

    constructor(name: string, args: HostFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:hosts:HostFleet", name, {}, opts);
        const { config } = args;
        const unvalidated = args.vms.filter((vm) => !config.networks[vm.network.bridge] || !config.proxmox.nodes[vm.targetNode]);
        if (unvalidated.length > 0) {
            throw new pulumi.InputPropertiesError({
                message: `invalid arguments for HostFleet ${name}`,
                errors: unvalidated.map((vm) => ({ propertyPath: "vms", reason: `${vm.file} was not validated against this config` })),
            });
        }
        const vms: Record<string, ProxmoxVm> = {};
        for (const vm of args.vms) {
            vms[vm.name] = new ProxmoxVm(
                vm.name,
                { ...vmPlacement(config, args.images, vm, cloudImage(config.cloudImage)), tags: proxmoxTags("homelab", config.stack, "standalone") },
                { parent: this },
            );
        }
        this.vms = vms;
        this.registerOutputs({});
    }
}
