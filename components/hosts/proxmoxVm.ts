import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { NetworkConfig } from "../../config";
import { registerArtefact, REDACTED } from "../../lib/artefacts";
import { GUEST_AGENT_PACKAGE, renderUserData, UserDataSpec } from "../../lib/cloudInit";
import { userDataArtefactPath, userDataFileName } from "../../lib/naming";
import { sha512Crypt, stableSalt } from "../../lib/shaCrypt";
import type { VmDefinition } from "../../lib/vmDefinition";
import { vmIgnoreChanges, vmLegacyArgs } from "../../lib/vmArgs";

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
        if (!vm.clone && args.importFrom === undefined) {
            errors.push({ propertyPath: "importFrom", reason: `${vm.file} clones no template, so a cloud image to import is required` });
        }
        if (errors.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `invalid arguments for ProxmoxVm ${name}`, errors });
        }

        const spec: UserDataSpec = {
            hostname: vm.name,
            domain: args.network.domain,
            packages: vm.agent ? [GUEST_AGENT_PACKAGE] : [],
            runcmd: vm.agent ? [["systemctl", "enable", "--now", GUEST_AGENT_PACKAGE]] : [],
        };
        const withUser = (passwordHash: string | undefined): UserDataSpec =>
            vm.user ? { ...spec, user: { name: vm.user.name, sshKeys: vm.user.sshKeys, passwordHash } } : spec;
        const password = vm.user?.password;
        // The salt comes from the VM name, never the password, so it leaks nothing and the hash is stable.
        this.userData =
            password === undefined
                ? pulumi.output(renderUserData(withUser(undefined)))
                : pulumi.secret(password).apply((p) => renderUserData(withUser(sha512Crypt(p, stableSalt("homelab", vm.name)))));
        registerArtefact(userDataArtefactPath(vm.name), renderUserData(withUser(password === undefined ? undefined : REDACTED)));

        this.userDataFile = new proxmoxve.FileLegacy(
            `${name}-user-data`,
            {
                contentType: "snippets",
                datastoreId: args.snippetDatastoreId,
                nodeName: vm.targetNode,
                sourceRaw: { data: this.userData, fileName: userDataFileName(vm.name) },
            },
            { parent: this },
        );

        this.vm = new proxmoxve.VmLegacy(
            `${name}-vm`,
            vmLegacyArgs(vm, {
                network: args.network,
                template: args.template,
                importFrom: args.importFrom,
                userDataFileId: this.userDataFile.id,
                tags: args.tags ?? [],
                description: `Managed by Pulumi from ${vm.file}`,
            }),
            { parent: this, ignoreChanges: vmIgnoreChanges(vm), protect: args.protect ?? false },
        );

        this.vmId = this.vm.vmId;
        this.vmName = vm.name;
        this.nodeName = vm.targetNode;
        this.ipv4 = vm.ipv4?.kind === "static" ? vm.ipv4.address : undefined;
        this.registerOutputs({ vmId: this.vmId, vmName: this.vmName, nodeName: this.nodeName, ipv4: this.ipv4 });
    }
}
