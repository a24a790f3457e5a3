import { ClusterConfig, clusterPath, NAMESPACE, PlatformConfig } from "./config";
import { IssueCollector } from "../components/core/issues";
import { canonicalIpv6, cidrContains, cidrsOverlap, isReservedInSubnet, parseCidr, parseIpv4, parseIpv6 } from "../components/core/ipmath";
import { VmDefinition } from "../components/hosts/vmDefinition";
import { cloudImage, ImageSpec, stackImageFileName } from "../components/hosts/images";
import { talosImage as talosDownload } from "../components/clusters/talos/image";
import { checkGuestFit, GuestImage, talosImage, ubuntuCloudImage } from "../components/hosts/hardware";
import { bootDisk } from "../components/hosts/vmArgs";
import { bootDiskDevice } from "../components/hosts/guestDisk";
import { versions } from "../versions";
import { checkLoadBalancerPools, ForeignPool } from "./pools";

/** A VM's place in this stack. */
export interface Membership {
    readonly cluster?: ClusterConfig;
    readonly role: "control-plane" | "worker" | "load-balancer" | "standalone";
}

export interface Fleet {
    /** Every VM in vms/, valid, sorted by name. The whole fleet shares the hosts, so all of it counts for capacity and uniqueness. */
    readonly all: readonly VmDefinition[];
    /** The VMs this stack creates, with their place in it, in a stable order. */
    readonly owned: readonly { readonly vm: VmDefinition; readonly membership: Membership }[];
}

function firstSeen<K>(map: Map<K, VmDefinition>, key: K, vm: VmDefinition): VmDefinition | undefined {
    const other = map.get(key);
    if (!other) {
        map.set(key, vm);
    }
    return other;
}

function checkUniqueness(vms: readonly VmDefinition[], config: PlatformConfig, issues: IssueCollector): void {
    const names = new Map<string, VmDefinition>();
    const ids = new Map<number, VmDefinition>();
    const macs = new Map<string, VmDefinition>();
    const ips = new Map<string, VmDefinition>();
    const templateIds = new Map(Object.entries(config.proxmox.templates).map(([name, t]) => [t.vmId, name]));
    for (const vm of vms) {
        const report = issues.forFile(vm.file);
        // VM names are DNS labels, lowercase only (VM_FILE_SCHEMA): compared as written.
        const sameName = firstSeen(names, vm.name, vm);
        if (sameName) {
            report("name", `"${vm.name}" is also the name of ${sameName.file}`);
        }
        if (vm.vmId !== undefined) {
            const sameId = firstSeen(ids, vm.vmId, vm);
            if (sameId) {
                report("vmid", `${vm.vmId} is also the VM id of ${sameId.file}`);
            } else if (templateIds.has(vm.vmId)) {
                report("vmid", `${vm.vmId} is the VM id of template ${templateIds.get(vm.vmId)}`);
            }
        }
        if (vm.network.macAddress) {
            const sameMac = firstSeen(macs, vm.network.macAddress, vm);
            if (sameMac) {
                report("network.macaddr", `${vm.network.macAddress} is also the MAC of ${sameMac.file}`);
            }
        }
        if (vm.ipv4?.kind === "static") {
            const sameIp = firstSeen(ips, vm.ipv4.address, vm);
            if (sameIp) {
                report("ipconfig0", `${vm.ipv4.address} is also the IP of ${sameIp.file}`);
            }
        }
        // A static ip6= (dhcp and auto parse as no address), compared in one spelling: fd00::5 and fd00:0:0::5 are one address.
        const ipv6 = vm.ipv6 ? parseIpv6(vm.ipv6.address.split("/")[0]) : undefined;
        if (ipv6) {
            const sameIp = firstSeen(ips, canonicalIpv6(ipv6), vm);
            if (sameIp) {
                report("ipconfig0", `${canonicalIpv6(ipv6)} is also the IP of ${sameIp.file}`);
            }
        }
    }
}

function knownList(names: Iterable<string>): string {
    const list = [...names].sort();
    return list.length === 0 ? "none are configured" : `known: ${list.join(", ")}`;
}

function checkPlacement(vm: VmDefinition, config: PlatformConfig, issues: IssueCollector): void {
    const report = issues.forFile(vm.file);
    if (!(vm.targetNode in config.proxmox.nodes)) {
        report("target_node", `${vm.targetNode} is not a Proxmox node in ${NAMESPACE}:proxmox.nodes (${knownList(Object.keys(config.proxmox.nodes))})`);
    }
    if (vm.clone && !(vm.clone.template in config.proxmox.templates)) {
        report("clone", `${vm.clone.template} is not a template in ${NAMESPACE}:proxmox.templates (${knownList(Object.keys(config.proxmox.templates))})`);
    }
    const network = config.networks[vm.network.bridge];
    if (!network) {
        report("network.bridge", `${vm.network.bridge} is not a network in ${NAMESPACE}:networks (${knownList(Object.keys(config.networks))})`);
        return;
    }
    if (vm.ipv4?.kind !== "static") {
        return;
    }
    const cidr = parseCidr(network.cidr, false)!;
    const address = parseIpv4(vm.ipv4.address)!;
    if (!cidrContains(cidr, address)) {
        report("ipconfig0", `${vm.ipv4.address} is not inside ${cidr.text}`);
        return;
    }
    if (vm.ipv4.prefix !== cidr.prefix) {
        report("ipconfig0", `/${vm.ipv4.prefix} does not match the prefix of ${cidr.text}`);
    }
    if (vm.ipv4.address === network.gateway) {
        report("ipconfig0", `${vm.ipv4.address} is the gateway of ${cidr.text}`);
    } else if (isReservedInSubnet(cidr, address)) {
        report("ipconfig0", `${vm.ipv4.address} is the network or broadcast address of ${cidr.text}`);
    }
    if (vm.ipv4.gateway !== undefined && vm.ipv4.gateway !== network.gateway) {
        report("ipconfig0", `gw=${vm.ipv4.gateway} is not the gateway of ${cidr.text} (${network.gateway})`);
    }
}

function checkCapacity(vms: readonly VmDefinition[], config: PlatformConfig, issues: IssueCollector): void {
    const report = issues.forFile(config.file);
    for (const node of Object.values(config.proxmox.nodes)) {
        const onNode = vms.filter((vm) => vm.targetNode === node.name);
        const memory = onNode.reduce((sum, vm) => sum + vm.memoryMiB, 0);
        const cores = onNode.reduce((sum, vm) => sum + vm.cores * vm.sockets, 0);
        if (memory > node.memoryMiB) {
            const detail = onNode.map((vm) => `${vm.name}: ${vm.memoryMiB}`).join(", ");
            report(`${NAMESPACE}:proxmox.nodes.${node.name}.memoryMiB`, `VMs on ${node.name} need ${memory} MiB, ${memory - node.memoryMiB} MiB more than its ${node.memoryMiB} MiB (${detail})`);
        }
        if (cores > node.cores) {
            const detail = onNode.map((vm) => `${vm.name}: ${vm.cores}x${vm.sockets}`).join(", ");
            report(`${NAMESPACE}:proxmox.nodes.${node.name}.cores`, `VMs on ${node.name} need ${cores} cores, ${cores - node.cores} more than its ${node.cores} (${detail})`);
        }
    }
}

function checkNetworkOverlaps(config: PlatformConfig, issues: IssueCollector): void {
    const report = issues.forFile(config.file);
    const networks = Object.values(config.networks);
    networks.forEach((net, i) => {
        const cidr = parseCidr(net.cidr, false)!;
        const gateway = parseIpv4(net.gateway)!;
        if (!cidrContains(cidr, gateway)) {
            report(`${NAMESPACE}:networks.${net.bridge}.gateway`, `${net.gateway} is not inside ${cidr.text}`);
        }
        for (const other of networks.slice(0, i)) {
            if (cidrsOverlap(cidr, parseCidr(other.cidr, false)!)) {
                report(`${NAMESPACE}:networks.${net.bridge}.cidr`, `${net.cidr} overlaps ${other.bridge} (${other.cidr})`);
            }
        }
    });
}

function checkClusterCidrs(cluster: ClusterConfig, config: PlatformConfig, issues: IssueCollector): void {
    const report = issues.forFile(config.file);
    const pod = parseCidr(cluster.podCidr, false)!;
    const service = parseCidr(cluster.serviceCidr, false)!;
    if (cidrsOverlap(pod, service)) {
        report(clusterPath(cluster, "serviceCidr"), `${cluster.serviceCidr} overlaps podCidr ${cluster.podCidr}`);
    }
    for (const net of Object.values(config.networks)) {
        const nodeCidr = parseCidr(net.cidr, false)!;
        for (const [field, cidr] of [["podCidr", pod], ["serviceCidr", service]] as const) {
            if (cidrsOverlap(cidr, nodeCidr)) {
                report(clusterPath(cluster, field), `${cidr.text} overlaps the node network ${net.bridge} (${net.cidr})`);
            }
        }
    }
}

/** The image a VM that clones no template boots: Talos nodes the Talos image of their cluster's version, the rest the cloud image. */
function bootImage(membership: Membership, config: PlatformConfig): ImageSpec {
    return membership.cluster?.distribution === "talos" ? talosDownload(membership.cluster.version) : cloudImage(config.cloudImage);
}

/**
 * No two downloads may own one (node, datastore, file). Across stacks the stack prefix in the file
 * name rules it out (stackImageFileName); within this stack, two different images could still meet:
 * two Talos versions on one node (ImageLibrary keeps one image of a kind per node), or a
 * homelab:cloudImage.fileName equal to the Talos image's.
 */
function checkImageDownloads(owned: readonly { vm: VmDefinition; membership: Membership }[], config: PlatformConfig, issues: IssueCollector): void {
    const report = issues.forFile(config.file);
    const byKind = new Map<string, { image: ImageSpec; path: string }>();
    const byFile = new Map<string, { image: ImageSpec; path: string }>();
    for (const { vm, membership } of owned) {
        if (vm.clone) {
            continue;
        }
        const image = bootImage(membership, config);
        const path = membership.cluster?.distribution === "talos" ? clusterPath(membership.cluster, "version") : `${NAMESPACE}:cloudImage.fileName`;
        const fileName = stackImageFileName(config.stack, image);
        const kind = byKind.get(`${image.key}/${vm.targetNode}`);
        if (kind && kind.image.fileName !== image.fileName) {
            report(path, `${vm.name} on ${vm.targetNode} needs ${image.fileName}, but ${kind.path} already puts ${kind.image.fileName} there, and a node holds one ${image.key} image per stack: use one version`);
            continue;
        }
        byKind.set(`${image.key}/${vm.targetNode}`, { image, path });
        const file = `${vm.targetNode}/${config.proxmox.imageDatastore}/${fileName}`;
        const same = byFile.get(file);
        if (same && same.image.url !== image.url) {
            report(path, `${config.proxmox.imageDatastore}:import/${fileName} on ${vm.targetNode} would hold both ${image.url} and ${same.image.url} (${same.path}): give the images different file names`);
            continue;
        }
        byFile.set(file, { image, path });
    }
}

/** kubeadm nodes run containerd with the pause image kubeadm expects for their Kubernetes minor (versions.ts). */
function checkKubeadmVersion(cluster: ClusterConfig, config: PlatformConfig, issues: IssueCollector): void {
    if (cluster.distribution !== "kubeadm") {
        return;
    }
    const minor = cluster.version.replace(/^v/, "").split(".").slice(0, 2).join(".");
    if (!(minor in versions.kubeadmPauseImage)) {
        const pinned = Object.keys(versions.kubeadmPauseImage).join(", ");
        issues.forFile(config.file)(clusterPath(cluster, "version"), `${cluster.version}: no pause image is pinned for Kubernetes ${minor} in versions.ts (pinned: ${pinned})`);
    }
}

/**
 * A Talos cluster with several control planes serves its API on a shared VIP (Talos's built-in
 * \`vip\`, held by one control plane at a time, elected through etcd). It is checked like a VM's
 * address: inside the control planes' network (which they must share: the VIP moves over layer 2),
 * neither its gateway nor its network or broadcast address, and nobody else's address.
 */
function checkVip(cluster: ClusterConfig, controlPlanes: readonly VmDefinition[], all: readonly VmDefinition[], vips: Map<string, string>, config: PlatformConfig, issues: IssueCollector): void {
    const report = issues.forFile(config.file);
    const path = clusterPath(cluster, "vip");
    if (cluster.vip === undefined) {
        if (cluster.distribution === "talos" && cluster.controlPlanes.length > 1) {
            report(path, `is required: Talos with ${cluster.controlPlanes.length} control planes serves the API on a shared VIP in their network`);
        }
        return;
    }
    if (cluster.distribution !== "talos") {
        report(path, `only Talos clusters share a VIP between control planes; ${cluster.distribution} does not${cluster.distribution === "kubeadm" ? " (it uses loadBalancer)" : ""}`);
        return;
    }
    // The config schema has already refused a vip that is not an IPv4 address (fleet checks run on valid config only).
    const address = parseIpv4(cluster.vip)!;
    const bridges = [...new Set(controlPlanes.map((vm) => vm.network.bridge))];
    if (bridges.length > 1) {
        report(path, `the control planes are on ${bridges.join(" and ")}; a VIP moves only within one network`);
        return;
    }
    // Stryker disable next-line ConditionalExpression: without the guard, no control plane defined looks up config.networks[undefined], which differs only if a bridge is literally named "undefined".
    const network = bridges.length === 1 ? config.networks[bridges[0]] : undefined;
    if (network) {
        const cidr = parseCidr(network.cidr, false)!;
        if (!cidrContains(cidr, address)) {
            report(path, `${cluster.vip} is not inside ${cidr.text}, the network of the control planes`);
        } else if (cluster.vip === network.gateway) {
            report(path, `${cluster.vip} is the gateway of ${cidr.text}`);
        } else if (isReservedInSubnet(cidr, address)) {
            report(path, `${cluster.vip} is the network or broadcast address of ${cidr.text}`);
        }
    }
    const vm = all.find((v) => v.ipv4?.kind === "static" && v.ipv4.address === cluster.vip);
    if (vm) {
        report(path, `${cluster.vip} is also the IP of ${vm.file}`);
    }
    const other = vips.get(cluster.vip);
    if (other) {
        report(path, `${cluster.vip} is also the VIP of ${other}`);
    } else {
        vips.set(cluster.vip, `${NAMESPACE}:clusters[${cluster.index}]`);
    }
}

/**
 * What a VM of this stack boots, when the program knows it: the Talos image for Talos nodes, the pinned
 * Ubuntu cloud image for VMs that clone nothing. A template's OS and disk, and a cloud image set in
 * homelab:cloudImage, are not known here, so their VMs are not checked against them.
 */
function guestOf(vm: VmDefinition, membership: Membership, config: PlatformConfig): { image: GuestImage; context: string } | undefined {
    if (vm.clone) {
        return undefined;
    }
    if (membership.cluster?.distribution === "talos") {
        return { image: talosImage(versions.imageVirtualSizeMiB.talosNocloud), context: `${vm.name} is a node of Talos cluster "${membership.cluster.name}"` };
    }
    if (config.cloudImage.url !== versions.ubuntuCloudImage.url) {
        return undefined;
    }
    return { image: ubuntuCloudImage(versions.imageVirtualSizeMiB.ubuntuCloudImage), context: `${vm.name} clones no template, so it boots the cloud image pinned in versions.ts` };
}

/**
 * Cross-file checks over the whole fleet, then works out which VMs this stack owns.
 * Every problem goes to `issues`. References to `broken` VMs (files already reported) are not reported again.
 */
export function buildFleet(vms: readonly VmDefinition[], config: PlatformConfig, issues: IssueCollector, broken: ReadonlySet<string>, otherPools: readonly ForeignPool[]): Fleet {
    const sorted = [...vms].sort((a, b) => a.file.localeCompare(b.file));
    checkUniqueness(sorted, config, issues);
    for (const vm of sorted) {
        checkPlacement(vm, config, issues);
    }
    checkCapacity(sorted, config, issues);
    checkNetworkOverlaps(config, issues);

    const report = issues.forFile(config.file);
    const byName = new Map(sorted.map((vm) => [vm.name, vm]));
    const claimed = new Map<string, string>();
    const owned: { vm: VmDefinition; membership: Membership }[] = [];
    const clusterNames = new Map<string, number>();
    const vips = new Map<string, string>();

    const claim = (name: string, path: string, membership: Membership) => {
        const vm = byName.get(name);
        if (!vm && broken.has(name)) {
            return; // its file's own problems are in the report
        }
        if (!vm) {
            report(path, `VM "${name}" is not defined in ${config.vmsDir}/`);
            return;
        }
        const previous = claimed.get(name);
        if (previous) {
            report(path, `${name} is already used at ${previous}`);
            return;
        }
        claimed.set(name, path);
        if (membership.cluster && membership.role !== "load-balancer" && vm.ipv4?.kind !== "static") {
            report(path, `${name} needs a static IPv4 address in ipconfig0 to be a cluster node`);
        }
        if (membership.cluster && membership.role === "load-balancer" && vm.ipv4?.kind !== "static") {
            // The load balancer's address is kubeadm's controlPlaneEndpoint, in every node's join config
            // and certificate SANs and in the kubeconfig: a DHCP lease cannot be written into them.
            const has = vm.ipv4?.kind === "dhcp" ? "not ip=dhcp" : "and ipconfig0 sets none";
            issues.forFile(vm.file)("ipconfig0", `${name} is the load balancer of kubeadm cluster "${membership.cluster.name}" (${path}), the control-plane endpoint, so it needs a static IPv4 address (ip=<address>/<prefix>), ${has}`);
        }
        if (membership.cluster?.distribution === "talos") {
            if (vm.user) {
                report(path, `${name} is a Talos node: Talos has no users or SSH, so ciuser, sshkeys and cipassword in ${vm.file} would be ignored; remove them`);
            }
            if (vm.clone) {
                report(path, `${name} is a Talos node: it boots the Talos image, so clone in ${vm.file} must be null`);
            }
            // Talos installs to, and upgrades, the disk its config names: it must be the boot disk's stable device.
            // A valid VM file has a disk (vmDefinition.ts: "the VM needs at least one disk").
            const device = bootDiskDevice(vm);
            if ("problem" in device) {
                issues.forFile(vm.file)("nested_disks", `a Talos node names its boot disk in its machine config, but ${device.problem}`);
            }
        }
        owned.push({ vm, membership });
    };

    for (const cluster of config.clusters) {
        const previous = clusterNames.get(cluster.name);
        if (previous !== undefined) {
            report(clusterPath(cluster, "name"), `"${cluster.name}" is also the name of ${NAMESPACE}:clusters[${previous}]`);
        } else {
            clusterNames.set(cluster.name, cluster.index);
        }
        cluster.controlPlanes.forEach((name, i) => claim(name, clusterPath(cluster, "controlPlanes", i), { cluster, role: "control-plane" }));
        cluster.workers.forEach((name, i) => claim(name, clusterPath(cluster, "workers", i), { cluster, role: "worker" }));
        const cpCount = cluster.controlPlanes.length;
        if (cpCount % 2 === 0) {
            report(clusterPath(cluster, "controlPlanes"), `${cpCount} control planes cannot keep etcd quorum through a failure; use an odd number`);
        }
        if (cluster.loadBalancer !== undefined) {
            if (cluster.distribution !== "kubeadm") {
                report(clusterPath(cluster, "loadBalancer"), `only kubeadm clusters use an HAProxy VM; ${cluster.distribution} does not`);
            } else {
                claim(cluster.loadBalancer, clusterPath(cluster, "loadBalancer"), { cluster, role: "load-balancer" });
            }
        } else if (cluster.distribution === "kubeadm" && cpCount > 1) {
            report(clusterPath(cluster, "loadBalancer"), `is required: kubeadm with ${cpCount} control planes needs an HAProxy VM in front of the API`);
        }
        checkClusterCidrs(cluster, config, issues);
        checkKubeadmVersion(cluster, config, issues);
        checkVip(cluster, cluster.controlPlanes.flatMap((n) => byName.get(n) ?? []), sorted, vips, config, issues);
    }
    config.standaloneVms.forEach((name, i) => claim(name, `${NAMESPACE}:standaloneVms[${i}]`, { role: "standalone" }));
    checkImageDownloads(owned, config, issues);
    for (const { vm, membership } of owned) {
        const guest = guestOf(vm, membership, config);
        if (guest) {
            const disk = bootDisk(vm);
            const diskPath = disk.fieldPath ?? `nested_disks.${disk.interface.replace(/\d+$/, "")}.${disk.interface}.disk`;
            checkGuestFit({ cpuType: vm.cpuType, bootDisk: { path: diskPath, sizeGiB: disk.sizeGb } }, guest.image, guest.context, issues.forFile(vm.file));
        }
    }
    checkLoadBalancerPools(sorted, config, issues, otherPools);

    return { all: sorted, owned };
}
