import type { NamespaceSpec } from "../../namespace";

/**
 * Longhorn replicated block storage, optional per cluster (`services.longhorn: true`).
 * Chart values at the pinned tag: https://github.com/longhorn/longhorn/blob/v1.12.1/chart/values.yaml
 * Node requirements: https://longhorn.io/docs/1.12.1/deploy/install/#installation-requirements and,
 * on Talos, https://longhorn.io/docs/1.12.1/advanced-resources/os-distro-specific/talos-linux-support/
 */
export const LONGHORN_NAMESPACE: NamespaceSpec = {
    name: "longhorn-system",
    podSecurity: "privileged",
    // longhorn-manager and the instance managers run privileged, with host paths (/dev, /proc,
    // /var/lib/longhorn) and host mount propagation to attach iSCSI devices; only `privileged` admits them.
    podSecurityReason: "longhorn-manager and the instance managers run privileged with host paths and mount propagation",
    // longhorn-manager's API, which also serves /metrics (the chart's longhorn-backend Service).
    metricsPorts: [9500],
    apiServer: true,
    // The conversion (9501) and admission (9502) webhooks, served by longhorn-manager: the chart's
    // templates/network-policies/webhook-network-policy.yaml opens the same two ports.
    webhookPorts: [9501, 9502],
};

/** Where Longhorn keeps replicas on a node: the chart's default (`defaultSettings.defaultDataPath`). */
export const LONGHORN_DATA_PATH = "/var/lib/longhorn";

/** The StorageClass the chart creates; workloads ask for it by name. */
export const LONGHORN_STORAGE_CLASS = "longhorn";

/**
 * Helm values. The StorageClass is not the cluster default: local-path (K3s's own, or the platform's
 * local-path-provisioner) stays the default, so enabling Longhorn never moves existing claims' class.
 * Replicas: three, or one per node on a smaller cluster, since Longhorn places replicas on distinct
 * nodes (soft anti-affinity off) and a volume with fewer schedulable nodes stays degraded.
 * The upgrade checker is off: it calls longhorn-upgrade-responder.rancher.io, which the namespace's
 * egress policy does not allow, and versions are pinned in versions.ts anyway.
 */
export function longhornValues(nodeCount: number): Record<string, unknown> {
    if (!Number.isInteger(nodeCount) || nodeCount < 1) {
        throw new RangeError(`longhornValues: nodeCount must be a positive integer, got ${nodeCount}`);
    }
    return {
        persistence: { defaultClass: false, defaultClassReplicaCount: Math.min(3, nodeCount) },
        defaultSettings: { upgradeChecker: false },
    };
}

/**
 * What a Debian/Ubuntu node needs before Longhorn can attach a volume: open-iscsi with iscsid
 * running (iscsiadm on the host), and an NFSv4 client for ReadWriteMany volumes. Cloud-init installs
 * them at first boot; Talos gets the same from its image's system extensions instead.
 */
export function longhornNodePackages(): { readonly packages: readonly string[]; readonly runcmd: readonly (readonly string[])[] } {
    return { packages: ["open-iscsi", "nfs-common"], runcmd: [["systemctl", "enable", "--now", "iscsid"]] };
}
