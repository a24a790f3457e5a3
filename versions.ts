/**
 * Every distribution, image and chart version the platform installs, in one place.
 * Bump a version here only after reading its release notes; the Talos machine-config
 * contract and kubeadm's config API change between versions.
 */
export const versions = {
    /** Ubuntu 24.04 cloud image for VMs that do not clone a template (`clone: null`). Dated serial folders are pruned upstream after some months: bump the date, or set homelab:cloudImage. */
    ubuntuCloudImage: {
        url: "https://cloud-images.ubuntu.com/noble/20250805/noble-server-cloudimg-amd64.img",
        // Proxmox's `import` content type only accepts .qcow2/.raw/.vmdk names; the .img is qcow2.
        fileName: "noble-server-cloudimg-amd64-20250805.qcow2",
    },
    /**
     * Virtual disk sizes of the pinned images, in MiB: a boot disk imported from one cannot be smaller,
     * as Proxmox does not shrink disks (components/hosts/hardware.ts). Re-read them on a bump.
     */
    imageVirtualSizeMiB: {
        /** livecd-rootfs (24.04.86) live-build/ubuntu-cpc/hooks.d/base/disk-image-uefi.binary: `IMAGE_SIZE=3758096384` for amd64. */
        ubuntuCloudImage: 3584,
        /** Talos v1.11.5 pkg/imager/profile/default.go: the `nocloud` profile's `DiskSize: MinRAWDiskSize` (1246 MiB). */
        talosNocloud: 1246,
    },
    /** Talos image-factory extensions baked into the nocloud image (the schematic ID is derived from them). */
    talosExtensions: ["siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent"],
    /** K3s's install script, taken from the same tag as the version it installs. */
    k3sInstallScript: (version: string) => `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(version)}/install.sh`,
    /** Helm charts, from charts.md's checked list. */
    charts: {
        cilium: { repo: "https://helm.cilium.io/", chart: "cilium", version: "1.20.0" },
    },
    /** Default Kubernetes distribution versions, per cluster `distribution`; a cluster may pin its own `version`. */
    distributions: {
        k3s: "v1.34.1+k3s1",
        kubeadm: "v1.34.1",
        talos: "v1.11.5",
    },
} as const;

export type Distribution = keyof typeof versions.distributions;
