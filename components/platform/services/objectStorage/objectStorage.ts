import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";
import { versions } from "../../../../versions";
import { CLUSTER_GATEWAY } from "../harbor/harbor";

/**
 * S3-compatible object storage for the Pulumi state backend, Velero and Loki: SeaweedFS in its
 * all-in-one mode (master, volume, filer and S3 gateway in one pod on one volume), which suits a
 * single homelab node. Chart: https://github.com/seaweedfs/seaweedfs/tree/4.44/k8s/charts/seaweedfs
 * Its buckets are created by the chart's own post-install/post-upgrade hook (allInOne.s3.createBuckets,
 * templates/shared/post-install-bucket-hook.yaml). A CronJob copies the state bucket to a second
 * S3 location with rclone.
 */
export const OBJECT_STORAGE_RELEASE = "seaweedfs";

export function objectStorageNamespace(backupUrl: string): NamespaceSpec {
    return {
        name: "object-storage",
        // docker/Dockerfile.go_build (tag 4.44) sets no USER, so the image runs as root, and the chart
        // sets no securityContext by default; `restricted` would reject the pod.
        podSecurity: "baseline",
        podSecurityReason: "the chrislusf/seaweedfs image runs as root (docker/Dockerfile.go_build sets no USER) and the chart sets no securityContext",
        metricsPorts: [9324],
        // The state copy writes to the second location, wherever it is.
        extraEgress: [{ name: "backup-target", cidrs: ["0.0.0.0/0"], ports: [urlPort(backupUrl)] }],
    };
}

function urlPort(url: string): number {
    const parsed = new URL(url);
    return Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
}

/** The all-in-one Service (seaweedfs.componentName "all-in-one") and its S3 port (s3.port). */
export const S3_SERVICE = { name: `${OBJECT_STORAGE_RELEASE}-all-in-one`, port: 8333 } as const;

/** The S3 identities file the gateway reads (key `seaweedfs_s3_config`, allInOne.s3.existingConfigSecret). */
export const S3_CONFIG_SECRET = { name: "seaweedfs-s3-config", key: "seaweedfs_s3_config" } as const;

export interface ObjectStorageArgs {
    readonly buckets: readonly string[];
    /** PVC size of the all-in-one data volume (`50Gi`). */
    readonly size: string;
}

export function seaweedfsValues(args: ObjectStorageArgs): Record<string, unknown> {
    return {
        // The distributed components are off: allInOne runs them in one pod.
        master: { enabled: false },
        volume: { enabled: false },
        filer: { enabled: false },
        allInOne: {
            enabled: true,
            s3: {
                enabled: true,
                enableAuth: true,
                // Our Secret, so the chart generates no credentials of its own (templates/s3/s3-secret.yaml).
                existingConfigSecret: S3_CONFIG_SECRET.name,
                createBuckets: args.buckets.map((name) => ({ name, anonymousRead: false })),
            },
            // storageClass null: the cluster's default StorageClass.
            data: { type: "persistentVolumeClaim", size: args.size },
        },
    };
}

/** The identities file: one admin identity with the generated keys (the chart's own format, s3-secret.yaml). */
export function s3IdentitiesConfig(accessKey: string, secretKey: string): string {
    return JSON.stringify({ identities: [{ name: "admin", credentials: [{ accessKey, secretKey }], actions: ["Admin", "Read", "Write", "List", "Tagging"] }] });
}

export function s3Host(domain: string): string {
    return `s3.${domain}`;
}

/**
 * networking.istio.io/v1 VirtualService: s3.<domain> on the cluster's Gateway, so the other clusters
 * (Velero, Loki) and the operator's `pulumi login s3://...` reach the store over HTTPS.
 */
export function s3VirtualService(domain: string): KubeObject {
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: { name: "s3", namespace: "object-storage" },
        spec: {
            hosts: [s3Host(domain)],
            gateways: [CLUSTER_GATEWAY],
            http: [{ route: [{ destination: { host: `${S3_SERVICE.name}.object-storage.svc.cluster.local`, port: { number: S3_SERVICE.port } } }] }],
        },
    };
}

/** Where the store's admin keys are kept in Vault KV v2. */
export function adminVaultPath(stack: string, cluster: string): string {
    return `${stack}/${cluster}/object-storage/admin`;
}

/** The Secret the copy job reads both sides' credentials from (as environment variables). */
export const BACKUP_SECRET = "state-backup";

/**
 * The state-bucket copy. rclone takes both remotes from RCLONE_CONFIG_<NAME>_<OPTION> variables, so
 * no config file holds a key. `sync` mirrors the bucket under `current/`; what a run would overwrite
 * or delete there moves to `archive/<timestamp>/` instead (--backup-dir), so an emptied or corrupted
 * state is not the only copy left.
 */
export const STATE_BACKUP_SCRIPT = `#!/bin/sh
# Copies the Pulumi state bucket to the second location (homelab:platform.objectStorage.backup).
set -eu
: "\${SOURCE_ENDPOINT:?}" "\${SOURCE_BUCKET:?}" "\${SOURCE_ACCESS_KEY_ID:?}" "\${SOURCE_SECRET_ACCESS_KEY:?}"
: "\${TARGET_ENDPOINT:?}" "\${TARGET_BUCKET:?}" "\${TARGET_REGION:?}" "\${TARGET_ACCESS_KEY_ID:?}" "\${TARGET_SECRET_ACCESS_KEY:?}"

export RCLONE_CONFIG_SOURCE_TYPE=s3
export RCLONE_CONFIG_SOURCE_PROVIDER=SeaweedFS
export RCLONE_CONFIG_SOURCE_ENDPOINT="$SOURCE_ENDPOINT"
export RCLONE_CONFIG_SOURCE_ACCESS_KEY_ID="$SOURCE_ACCESS_KEY_ID"
export RCLONE_CONFIG_SOURCE_SECRET_ACCESS_KEY="$SOURCE_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_TARGET_TYPE=s3
export RCLONE_CONFIG_TARGET_PROVIDER=Other
export RCLONE_CONFIG_TARGET_ENDPOINT="$TARGET_ENDPOINT"
export RCLONE_CONFIG_TARGET_REGION="$TARGET_REGION"
export RCLONE_CONFIG_TARGET_ACCESS_KEY_ID="$TARGET_ACCESS_KEY_ID"
export RCLONE_CONFIG_TARGET_SECRET_ACCESS_KEY="$TARGET_SECRET_ACCESS_KEY"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
echo "copying s3 bucket $SOURCE_BUCKET to $TARGET_ENDPOINT bucket $TARGET_BUCKET (archive $stamp)"
exec rclone sync --checksum --s3-no-check-bucket \\
  "source:$SOURCE_BUCKET" "target:$TARGET_BUCKET/current" \\
  --backup-dir "target:$TARGET_BUCKET/archive/$stamp"
`;

export interface StateBackupArgs {
    readonly stateBucket: string;
    readonly schedule: string;
    readonly target: { readonly s3Url: string; readonly bucket: string; readonly region: string };
}

/** batch/v1 CronJob running STATE_BACKUP_SCRIPT in the pinned rclone image, restricted-compliant. */
export function stateBackupCronJob(args: StateBackupArgs): KubeObject {
    const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: BACKUP_SECRET, key } } });
    return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "state-backup", namespace: "object-storage" },
        spec: {
            schedule: args.schedule,
            concurrencyPolicy: "Forbid",
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 3,
            jobTemplate: {
                spec: {
                    backoffLimit: 2,
                    template: {
                        spec: {
                            restartPolicy: "Never",
                            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
                            containers: [
                                {
                                    name: "rclone",
                                    image: versions.images.rclone,
                                    command: ["/bin/sh", "-c", STATE_BACKUP_SCRIPT],
                                    env: [
                                        { name: "HOME", value: "/tmp" },
                                        { name: "SOURCE_ENDPOINT", value: `http://${S3_SERVICE.name}:${S3_SERVICE.port}` },
                                        { name: "SOURCE_BUCKET", value: args.stateBucket },
                                        fromSecret("SOURCE_ACCESS_KEY_ID", "source-access-key-id"),
                                        fromSecret("SOURCE_SECRET_ACCESS_KEY", "source-secret-access-key"),
                                        { name: "TARGET_ENDPOINT", value: args.target.s3Url },
                                        { name: "TARGET_BUCKET", value: args.target.bucket },
                                        { name: "TARGET_REGION", value: args.target.region },
                                        fromSecret("TARGET_ACCESS_KEY_ID", "target-access-key-id"),
                                        fromSecret("TARGET_SECRET_ACCESS_KEY", "target-secret-access-key"),
                                    ],
                                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                },
                            ],
                            volumes: [{ name: "tmp", emptyDir: {} }],
                        },
                    },
                },
            },
        },
    };
}
