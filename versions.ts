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
        /** Vault 2.0.4 (the chart's server.image.tag at this version). */
        vault: { repo: "https://helm.releases.hashicorp.com", chart: "vault", version: "0.34.1" },
        /** external-secrets v2.9.0; its CRDs serve external-secrets.io/v1 only. */
        externalSecrets: { repo: "https://charts.external-secrets.io", chart: "external-secrets", version: "2.9.0" },
        longhorn: { repo: "https://charts.longhorn.io", chart: "longhorn", version: "1.12.1" },
        /** Argo CD v3.4.4 (the chart's appVersion at argo-cd-10.1.1). */
        argoCd: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.1.1" },
        /** Observability hub (role observability) and, in Prometheus agent mode, the edge clusters' metrics. Its Grafana subchart stays off: Grafana is its own release. */
        kubePrometheusStack: { repo: "https://prometheus-community.github.io/helm-charts", chart: "kube-prometheus-stack", version: "88.5.3" },
        /** The open-source Loki and Grafana charts moved to the community repository (grafana.github.io's `loki` is the enterprise edition's). */
        loki: { repo: "https://grafana-community.github.io/helm-charts", chart: "loki", version: "18.11.0" },
        grafana: { repo: "https://grafana-community.github.io/helm-charts", chart: "grafana", version: "12.11.1" },
        /** 4.x deploys Jaeger v2 (app 2.19.0): one binary configured like an OpenTelemetry collector; the 3.x keys are gone. */
        jaeger: { repo: "https://jaegertracing.github.io/helm-charts", chart: "jaeger", version: "4.11.1" },
        /** App 0.158.0; `mode` and `image.repository` are required. */
        otelCollector: { repo: "https://open-telemetry.github.io/opentelemetry-helm-charts", chart: "opentelemetry-collector", version: "0.170.0" },
        /** App (Fluent Bit) 5.1.1. */
        fluentBit: { repo: "https://fluent.github.io/helm-charts", chart: "fluent-bit", version: "0.58.1" },
        argoRollouts: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-rollouts", version: "2.41.0" },
        /**
         * actions-runner-controller's scale-set charts are published only as OCI artefacts: the repo is
         * the registry path, and the Release names the chart `<repo>/<chart>` (components/platform/helmService.ts).
         */
        arcController: { repo: "oci://ghcr.io/actions/actions-runner-controller-charts", chart: "gha-runner-scale-set-controller", version: "0.14.2" },
        arcScaleSet: { repo: "oci://ghcr.io/actions/actions-runner-controller-charts", chart: "gha-runner-scale-set", version: "0.14.2" },
        harbor: { repo: "https://helm.goharbor.io", chart: "harbor", version: "1.19.1" },
        /**
         * SeaweedFS (chart 4.44.0, app 4.44, tag 4.44 of seaweedfs/seaweedfs, k8s/charts/seaweedfs): the
         * object store for the state backend, Velero and Loki. MinIO's chart is unmaintained upstream;
         * README "Tools cluster" says why SeaweedFS rather than Garage.
         */
        seaweedfs: { repo: "https://seaweedfs.github.io/seaweedfs/helm", chart: "seaweedfs", version: "4.44.0" },
        /** The operator chart; Postgres clusters themselves are `Cluster` resources (or the separate `cluster` chart). */
        cloudnativePg: { repo: "https://cloudnative-pg.github.io/charts", chart: "cloudnative-pg", version: "0.29.0" },
    },
    /** Images the platform names itself (outside a chart's defaults). */
    images: {
        /** The S3 object-store plugin Velero loads as an init container; v1.13.x is the line for Velero 1.17. */
        veleroPluginForAws: "velero/velero-plugin-for-aws:v1.13.2",
        /**
         * The collector distribution the OpenTelemetry chart runs (it names none by default); the tag is the
         * chart's appVersion (0.158.0). The `k8s` distribution carries the components used here (otlp,
         * otlphttp, prometheusremotewrite, resource, k8sattributes, batch, memory_limiter):
         * https://github.com/open-telemetry/opentelemetry-collector-releases/blob/main/distributions/otelcol-k8s/manifest.yaml
         */
        otelCollector: "otel/opentelemetry-collector-k8s",
        /** rclone (v1.75.1, github.com/rclone/rclone/releases) for the state-bucket copy (components/platform/services/objectStorage/); Docker Hub tags drop the `v`. */
        rclone: "rclone/rclone:1.75.1",
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
