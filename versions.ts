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
    /**
     * Talos image-factory extensions baked into the nocloud image (the schematic ID is derived from them).
     * iscsi-tools and util-linux-tools are what Longhorn needs on Talos
     * (https://longhorn.io/docs/1.12.1/advanced-resources/os-distro-specific/talos-linux-support/); they are
     * in every image, so switching Longhorn on later does not change the image and replace the nodes.
     */
    talosExtensions: ["siderolabs/iscsi-tools", "siderolabs/qemu-guest-agent", "siderolabs/util-linux-tools"],
    /** K3s's install script, taken from the same tag as the version it installs. */
    k3sInstallScript: (version: string) => `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(version)}/install.sh`,
    /** Helm charts, from charts.md's checked list. */
    charts: {
        cilium: { repo: "https://helm.cilium.io/", chart: "cilium", version: "1.20.0" },
        metallb: { repo: "https://metallb.github.io/metallb", chart: "metallb", version: "0.16.1" },
        /** The version keeps its leading `v`, as cert-manager publishes it. */
        certManager: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.1" },
        /** Istio's three charts share one version and are installed in this order. */
        istioBase: { repo: "https://istio-release.storage.googleapis.com/charts", chart: "base", version: "1.30.3" },
        istiod: { repo: "https://istio-release.storage.googleapis.com/charts", chart: "istiod", version: "1.30.3" },
        istioGateway: { repo: "https://istio-release.storage.googleapis.com/charts", chart: "gateway", version: "1.30.3" },
        externalDns: { repo: "https://kubernetes-sigs.github.io/external-dns/", chart: "external-dns", version: "1.21.1" },
        /** Newest chart tag upstream (metrics-server-helm-chart-3.13.1, app 0.8.1). */
        metricsServer: { repo: "https://kubernetes-sigs.github.io/metrics-server/", chart: "metrics-server", version: "3.13.1" },
        /** Chart published with the app's tag (v1.2.14); its Chart.yaml in git carries a placeholder version. */
        kubeletCsrApprover: { repo: "https://postfinance.github.io/kubelet-csr-approver", chart: "kubelet-csr-approver", version: "1.2.14" },
        /**
         * 11.4.0 (Velero 1.17.1), not 12.x (Velero 1.18): Velero 1.18 needs velero-plugin-for-aws 1.14,
         * of which only a release candidate could be read here; 1.17 pairs with the released plugin 1.13.2.
         */
        velero: { repo: "https://vmware-tanzu.github.io/helm-charts", chart: "velero", version: "11.4.0" },
        longhorn: { repo: "https://charts.longhorn.io", chart: "longhorn", version: "1.12.1" },
    },
    /** Images the platform names itself (outside a chart's defaults). */
    images: {
        /** The S3 object-store plugin Velero loads as an init container; v1.13.x is the line for Velero 1.17. */
        veleroPluginForAws: "velero/velero-plugin-for-aws:v1.13.2",
    },
    /** local-path-provisioner has no Helm repository: its manifest at this tag, applied as objects the program declares. */
    localPathProvisioner: "v0.0.37",
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
