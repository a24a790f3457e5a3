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
    /**
     * The Pulumi CLI that CI installs and Pulumi Deployments runs (its executor image tag), kept equal
     * to the @pulumi/pulumi SDK in package.json: the two are released together. A test holds the
     * workflows to it.
     */
    pulumiCli: "3.248.0",
    /**
     * The pause (sandbox) image kubeadm expects, by Kubernetes minor: kubeadm's `PauseVersion`
     * (kubernetes/kubernetes cmd/kubeadm/app/constants/constants.go; 3.10.1 since v1.34, kubernetes/kubernetes#130713),
     * as kubespray tracks it (roles/kubespray_defaults/vars/main/main.yml, `pod_infra_supported_versions`).
     * containerd must run the same one: Ubuntu 24.04's containerd 1.7 defaults to pause:3.8, and kubeadm's preflight warns.
     */
    kubeadmPauseImage: {
        "1.32": "registry.k8s.io/pause:3.10",
        "1.33": "registry.k8s.io/pause:3.10",
        "1.34": "registry.k8s.io/pause:3.10.1",
        "1.35": "registry.k8s.io/pause:3.10.1",
    } as Readonly<Record<string, string>>,
    /** Default Kubernetes distribution versions, per cluster `distribution`; a cluster may pin its own `version`. */
    distributions: {
        k3s: "v1.34.1+k3s1",
        kubeadm: "v1.34.1",
        talos: "v1.11.5",
    },
} as const;

export type Distribution = keyof typeof versions.distributions;
