import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { PlatformConfig } from "../../config";
import type { Fleet, Membership } from "../../lib/fleet";
import { cloudImageResourceName, proxmoxTags } from "../../lib/naming";
import { ProxmoxVm } from "./proxmoxVm";

export interface HostFleetArgs {
    /** The validated fleet; only `owned` VMs are created. */
    readonly fleet: Fleet;
    readonly config: Pick<PlatformConfig, "stack" | "proxmox" | "networks" | "cloudImage" | "protectVms">;
}

export interface HostSummary {
    readonly vmId: pulumi.Output<number>;
    readonly node: string;
    readonly ipv4: string | null;
    readonly cluster: string | null;
    readonly role: Membership["role"];
}

/**
 * The stack's VMs: one cloud-image download per Proxmox node that needs it
 * (`download.File`, `import` content, PVE >= 8.4), then one ProxmoxVm per owned VM file.
 */
export class HostFleet extends pulumi.ComponentResource {
    public readonly vms: Readonly<Record<string, ProxmoxVm>>;
    public readonly images: Readonly<Record<string, proxmoxve.download.File>>;
    public readonly summary: Readonly<Record<string, HostSummary>>;

    constructor(name: string, args: HostFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:hosts:HostFleet", name, {}, opts);
        const { fleet, config } = args;
        const missing = fleet.owned.filter(({ vm }) => !config.networks[vm.network.bridge] || !config.proxmox.nodes[vm.targetNode]);
        if (missing.length > 0) {
            throw new pulumi.InputPropertiesError({
                message: `invalid arguments for HostFleet ${name}`,
                errors: missing.map(({ vm }) => ({ propertyPath: "fleet.owned", reason: `${vm.file} was not validated against this config` })),
            });
        }

        const images: Record<string, proxmoxve.download.File> = {};
        const image = config.cloudImage;
        for (const node of [...new Set(fleet.owned.filter(({ vm }) => !vm.clone).map(({ vm }) => vm.targetNode))].sort()) {
            images[node] = new proxmoxve.download.File(
                cloudImageResourceName(node),
                {
                    contentType: "import",
                    datastoreId: config.proxmox.imageDatastore,
                    nodeName: node,
                    url: image.url,
                    fileName: image.fileName,
                    ...(image.checksum ? { checksum: image.checksum, checksumAlgorithm: image.checksumAlgorithm ?? "sha256" } : {}),
                },
                { parent: this },
            );
        }

        const vms: Record<string, ProxmoxVm> = {};
        const summary: Record<string, HostSummary> = {};
        for (const { vm, membership } of fleet.owned) {
            const host = new ProxmoxVm(
                vm.name,
                {
                    definition: vm,
                    network: config.networks[vm.network.bridge],
                    template: vm.clone ? config.proxmox.templates[vm.clone.template] : undefined,
                    importFrom: vm.clone ? undefined : images[vm.targetNode].id,
                    snippetDatastoreId: config.proxmox.snippetDatastore,
                    tags: proxmoxTags("homelab", config.stack, membership.cluster?.name, membership.role),
                    protect: config.protectVms,
                },
                { parent: this },
            );
            vms[vm.name] = host;
            summary[vm.name] = {
                vmId: host.vmId,
                node: vm.targetNode,
                ipv4: host.ipv4 ?? null,
                cluster: membership.cluster?.name ?? null,
                role: membership.role,
            };
        }
        this.vms = vms;
        this.images = images;
        this.summary = summary;
        this.registerOutputs({ summary });
    }
}
