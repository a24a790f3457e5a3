import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { NetworkConfig, PlatformConfig } from "../../config/config";
import type { ImageSpec } from "./images";
import { built, Deferred, registerArtefact, REDACTED } from "../core/artefacts";
import { CloudInitFile, GUEST_AGENT_PACKAGE, renderUserData, UserDataSpec } from "./cloudInit";
import { userDataArtefactPath, userDataFileName } from "../core/naming";
import { sha512Crypt, stableSalt } from "./shaCrypt";
import type { VmDefinition } from "./vmDefinition";
import { vmIgnoreChanges, vmLegacyArgs } from "./vmArgs";

/** What a cluster adds to a node's first boot: files (which may hold keys and tokens), packages, commands. */
export interface BootstrapContent {
    readonly files: readonly CloudInitFile[];
    readonly packages?: readonly string[];
    /** Run after the base commands (the guest agent), in order. */
    readonly runcmd: readonly (readonly string[])[];
}

export interface ProxmoxVmArgs {
    /** A VM file that passed validation. */
    readonly definition: VmDefinition;
    /** The network of the VM's bridge: gateway, DNS servers and domain fill what the file leaves out. */
    readonly network: NetworkConfig;
    /** The template to clone; required when the file sets `clone`. */
    readonly template?: { readonly vmId: number; readonly node: string };
    /** `<datastore>:import/<file>` of the cloud image; required when the file clones nothing. */
    readonly importFrom?: pulumi.Input<string>;
    /** Datastore with the `snippets` content type on the VM's node. */
    readonly snippetDatastoreId: string;
    /** Proxmox tags; sorted here, because Proxmox sorts them. */
    readonly tags?: readonly string[];
    /** Refuse to delete the VM (`protect`). Default false. */
    readonly protect?: boolean;
    /**
     * Cluster bootstrap layered on the base cloud-config, and its redacted copy for the offline
     * render (or a function building it, called only when the render collects the artefacts).
     */
    readonly bootstrap?: { readonly content: pulumi.Input<BootstrapContent>; readonly redacted: Deferred<BootstrapContent> };
    /**
     * User-data that is not cloud-config (a Talos machine config), replacing the base user-data,
     * with its redacted copy for the render (or a function building it). Excludes `bootstrap`.
     */
    readonly rawUserData?: { readonly content: pulumi.Input<string>; readonly redacted: Deferred<string>; readonly artefactPath: string };
    /** The cloud-init datasource Proxmox presents; Talos reads `nocloud`. Default: Proxmox's own (configdrive2 for Linux). */
    readonly cloudInitType?: "nocloud";
}

/** `first`, then whatever the caller's options already wait for. */
function withDependency(first: pulumi.Resource, inherited: pulumi.ResourceOptions["dependsOn"]): pulumi.ResourceOptions["dependsOn"] {
    if (inherited === undefined) {
        return [first];
    }
    if (Array.isArray(inherited)) {
        return [first, ...inherited];
    }
    if (pulumi.Resource.isInstance(inherited)) {
        return [first, inherited];
    }
    return pulumi.output(inherited as pulumi.Input<pulumi.Input<pulumi.Resource>[] | pulumi.Resource>).apply((d) => [first, ...(Array.isArray(d) ? d : [d])]);
}

/** The id Proxmox gives a snippet: `<datastore>:snippets/<file>`. */
export function snippetVolumeId(datastoreId: string, fileName: string): string {
    return `${datastoreId}:snippets/${fileName}`;
}

/** Where and how a validated VM boots: its network, and its template or the image to import. */
export function vmPlacement(
    config: Pick<PlatformConfig, "proxmox" | "networks" | "protectVms">,
    images: { importFrom(node: string, image: ImageSpec): pulumi.Output<string> },
    vm: VmDefinition,
    image: ImageSpec,
): Pick<ProxmoxVmArgs, "definition" | "network" | "template" | "importFrom" | "snippetDatastoreId" | "protect"> {
    return {
        definition: vm,
        network: config.networks[vm.network.bridge],
        template: vm.clone ? config.proxmox.templates[vm.clone.template] : undefined,
        importFrom: vm.clone ? undefined : images.importFrom(vm.targetNode, image),
        snippetDatastoreId: config.proxmox.snippetDatastore,
        protect: config.protectVms,
    };
}

/**
 * One Proxmox VM from one `vms/*.yaml` file: a cloud-init user-data snippet
 * (`FileLegacy`, uploaded over SSH) and the `VmLegacy` that boots with it.
 */
export class ProxmoxVm extends pulumi.ComponentResource {
    public readonly vm: proxmoxve.VmLegacy;
    public readonly userDataFile: proxmoxve.FileLegacy;
    public readonly vmId: pulumi.Output<number>;
    public readonly vmName: string;
    public readonly nodeName: string;
    /** The static IPv4 address from `ipconfig0`, or undefined for DHCP. */
    public readonly ipv4: string | undefined;
    /** The rendered user-data; secret when it holds a password hash. */
    public readonly userData: pulumi.Output<string>;

    constructor(name: string, args: ProxmoxVmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:hosts:ProxmoxVm", name, {}, opts);
        const vm = args.definition;
        const errors: { propertyPath: string; reason: string }[] = [];
        if (vm.clone && !args.template) {
            errors.push({ propertyPath: "template", reason: `${vm.file} clones ${vm.clone.template}, so a template is required` });
        }
        if (args.rawUserData && args.bootstrap) {
            errors.push({ propertyPath: "rawUserData", reason: "replaces the cloud-config, so it cannot be combined with bootstrap" });
        }
        if (!vm.clone && args.importFrom === undefined) {
            errors.push({ propertyPath: "importFrom", reason: `${vm.file} clones no template, so a cloud image to import is required` });
        }
        if (errors.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `invalid arguments for ProxmoxVm ${name}`, errors });
        }

        const base: UserDataSpec = {
            hostname: vm.name,
            domain: args.network.domain,
            packages: vm.agent ? [GUEST_AGENT_PACKAGE] : [],
            runcmd: vm.agent ? [["systemctl", "enable", "--now", GUEST_AGENT_PACKAGE]] : [],
        };
        const compose = (passwordHash: string | undefined, extra: BootstrapContent | undefined): UserDataSpec => ({
            ...base,
            user: vm.user ? { name: vm.user.name, sshKeys: vm.user.sshKeys, passwordHash } : undefined,
            packages: [...(base.packages ?? []), ...(extra?.packages ?? [])],
            writeFiles: extra?.files ?? [],
            runcmd: [...(base.runcmd ?? []), ...(extra?.runcmd ?? [])],
        });
        const password = vm.user?.password;
        // The salt comes from the VM name, never the password, so it leaks nothing and the hash is stable.
        const passwordHash = password === undefined ? undefined : pulumi.secret(password).apply((p) => sha512Crypt(p, stableSalt("homelab", vm.name)));
        if (args.rawUserData) {
            this.userData = pulumi.output(args.rawUserData.content);
            registerArtefact(args.rawUserData.artefactPath, args.rawUserData.redacted);
        } else {
            this.userData = pulumi
                .all([passwordHash, args.bootstrap?.content])
                .apply(([hash, extra]) => renderUserData(compose(hash, extra as BootstrapContent | undefined)));
            const redacted = args.bootstrap?.redacted;
            registerArtefact(userDataArtefactPath(vm.name), () => renderUserData(compose(password === undefined ? undefined : REDACTED, built(redacted))));
        }

        this.userDataFile = new proxmoxve.FileLegacy(
            `${name}-user-data`,
            {
                contentType: "snippets",
                datastoreId: args.snippetDatastoreId,
                nodeName: vm.targetNode,
                sourceRaw: { data: this.userData, fileName: userDataFileName(vm.name) },
            },
            // Every input of a snippet forces a replacement, and its path is fixed by the VM's name. Created
            // first, the new snippet would be uploaded over the old one's path and then deleted with the old
            // resource, leaving the VM without user-data at its next start: so delete first, then upload.
            { parent: this, deleteBeforeReplace: true },
        );

        this.vm = new proxmoxve.VmLegacy(
            `${name}-vm`,
            vmLegacyArgs(vm, {
                network: args.network,
                template: args.template,
                importFrom: args.importFrom,
                // The snippet's volume id, written out rather than read from the resource: bpg's file resource
                // sets it to `<datastore>:<content type>/<file>` (proxmoxtf/resource/file.go), and
                // `initialization.userDataFileId` forces a new VM. Read from the resource, it is unknown while the
                // snippet is replaced, so a user-data edit would preview, and with delete-first replacement of
                // the snippet also run, as a replacement of the VM. The VM still waits for the upload (dependsOn).
                userDataFileId: snippetVolumeId(args.snippetDatastoreId, userDataFileName(vm.name)),
                tags: args.tags ?? [],
                description: `Managed by Pulumi from ${vm.file}`,
                cloudInitType: args.cloudInitType,
            }),
            // A replacement must never run beside the VM it replaces: both would hold one static IP and
            // hostname on the LAN. A new target_node migrates (`migrate`) instead of replacing.
            // The component's dependsOn holds back the VM's first boot (a kubeadm control plane waits for its load
            // balancer); Pulumi does not pass a component's dependsOn on to its children by itself.
            {
                parent: this,
                ignoreChanges: vmIgnoreChanges(vm),
                protect: args.protect ?? false,
                deleteBeforeReplace: true,
                dependsOn: withDependency(this.userDataFile, opts?.dependsOn),
            },
        );

        this.vmId = this.vm.vmId;
        this.vmName = vm.name;
        this.nodeName = vm.targetNode;
        this.ipv4 = vm.ipv4?.kind === "static" ? vm.ipv4.address : undefined;
        this.registerOutputs({ vmId: this.vmId, vmName: this.vmName, nodeName: this.nodeName, ipv4: this.ipv4 });
    }
}
