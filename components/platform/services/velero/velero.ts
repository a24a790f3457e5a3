import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";
import { versions } from "../../../../versions";

/**
 * Velero backing every cluster up to an S3-compatible bucket, each under its own prefix; a daily
 * Schedule keeps 30 days. Chart: https://github.com/vmware-tanzu/helm-charts/tree/velero-11.4.0/charts/velero
 */
export const CREDENTIALS_SECRET = { name: "velero-s3", key: "cloud" } as const;

export function veleroNamespace(s3Url: string): NamespaceSpec {
    const url = new URL(s3Url);
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    return {
        name: "velero",
        podSecurity: "restricted",
        metricsPorts: [8085],
        apiServer: true,
        extraEgress: [{ name: "object-store", cidrs: ["0.0.0.0/0"], ports: [port] }],
    };
}

const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

export interface VeleroArgs {
    readonly bucket: string;
    readonly s3Url: string;
    readonly region: string;
    /** Inside the bucket: `<stack>/<cluster>`. */
    readonly prefix: string;
}

export function veleroValues(args: VeleroArgs): Record<string, unknown> {
    return {
        // The AWS plugin speaks S3 to any compatible store (MinIO, Garage, SeaweedFS).
        initContainers: [
            {
                name: "velero-plugin-for-aws",
                image: versions.images.veleroPluginForAws,
                imagePullPolicy: "IfNotPresent",
                volumeMounts: [{ mountPath: "/target", name: "plugins" }],
                securityContext: RESTRICTED_CONTAINER,
            },
        ],
        configuration: {
            backupStorageLocation: [
                {
                    name: "default",
                    provider: "aws",
                    bucket: args.bucket,
                    prefix: args.prefix,
                    default: true,
                    config: { region: args.region, s3ForcePathStyle: "true", s3Url: args.s3Url },
                },
            ],
        },
        // No volume snapshot provider on Proxmox; backups carry the API objects.
        snapshotsEnabled: false,
        credentials: { useSecret: true, existingSecret: CREDENTIALS_SECRET.name },
        podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: RESTRICTED_CONTAINER,
        kubectl: { containerSecurityContext: RESTRICTED_CONTAINER },
    };
}

/** The credentials file the AWS plugin reads (key `cloud` of the Secret). */
export function credentialsFile(accessKeyId: string, secretAccessKey: string): string {
    return `[default]\naws_access_key_id=${accessKeyId}\naws_secret_access_key=${secretAccessKey}\n`;
}

/** velero.io/v1 Schedule: every night at 03:00, kept 30 days (720 h). */
export function dailySchedule(): KubeObject {
    return {
        apiVersion: "velero.io/v1",
        kind: "Schedule",
        metadata: { name: "daily", namespace: "velero" },
        spec: {
            schedule: "0 3 * * *",
            template: { includedNamespaces: ["*"], storageLocation: "default", ttl: "720h0m0s" },
            useOwnerReferencesInBackup: false,
        },
    };
}
