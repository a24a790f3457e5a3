import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { requireTool, run as runTool } from "../../../../tests/validators";
import {
    adminVaultPath,
    BACKUP_SECRET,
    OBJECT_STORAGE_RELEASE,
    objectStorageNamespace,
    S3_CONFIG_SECRET,
    S3_SERVICE,
    s3Host,
    s3IdentitiesConfig,
    s3VirtualService,
    seaweedfsValues,
    STATE_BACKUP_SCRIPT,
    stateBackupCronJob,
} from "./objectStorage";

const backupArgs = { stateBucket: "pulumi-state", schedule: "30 2 * * *", target: { s3Url: "https://s3.backup.example.com", bucket: "state-copy", region: "eu-west-1" } };

/** The job's environment as the CronJob gives it, with the Secret's values filled in. */
const JOB_ENV = {
    SOURCE_ENDPOINT: "http://seaweedfs-all-in-one:8333",
    SOURCE_BUCKET: "pulumi-state",
    SOURCE_ACCESS_KEY_ID: "SRCID",
    SOURCE_SECRET_ACCESS_KEY: "srcsecret",
    TARGET_ENDPOINT: "https://s3.backup.example.com",
    TARGET_BUCKET: "state-copy",
    TARGET_REGION: "eu-west-1",
    TARGET_ACCESS_KEY_ID: "DSTID",
    TARGET_SECRET_ACCESS_KEY: "dstsecret",
};

/** Runs the script with stand-ins for rclone and date on PATH; rclone records its arguments and remotes. */
function runScript(env: Record<string, string>): { status: number | null; stdout: string; stderr: string; recorded: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-state-backup-"));
    const record = path.join(dir, "rclone.log");
    fs.writeFileSync(path.join(dir, "date"), "#!/bin/sh\necho 20260101T023000Z\n", { mode: 0o755 });
    fs.writeFileSync(
        path.join(dir, "rclone"),
        `#!/bin/sh\n{ printf '%s\\n' "$@"; env | grep '^RCLONE_CONFIG_' | sort; } > ${record}\n`,
        { mode: 0o755 },
    );
    const result = spawnSync("/bin/sh", ["-c", STATE_BACKUP_SCRIPT], { encoding: "utf8", env: { PATH: `${dir}:/usr/bin:/bin`, ...env } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, recorded: fs.existsSync(record) ? fs.readFileSync(record, "utf8") : "" };
}

describe("object storage (SeaweedFS)", () => {
    it("runs all-in-one with its S3 gateway, our identities Secret and the buckets created by the chart's hook", () => {
        const values = seaweedfsValues({ buckets: ["pulumi-state", "velero", "loki"], size: "50Gi" });
        expect(values).toStrictEqual({
            master: { enabled: false },
            volume: { enabled: false },
            filer: { enabled: false },
            allInOne: {
                enabled: true,
                s3: {
                    enabled: true,
                    enableAuth: true,
                    existingConfigSecret: "seaweedfs-s3-config",
                    createBuckets: [
                        { name: "pulumi-state", anonymousRead: false },
                        { name: "velero", anonymousRead: false },
                        { name: "loki", anonymousRead: false },
                    ],
                },
                data: { type: "persistentVolumeClaim", size: "50Gi" },
            },
        });
        expect(unknownKeys(values, chartKeys("seaweedfs"))).toEqual([]);
        expect(chartKeys("seaweedfs").extraKeys).toEqual({ "allInOne.s3.createBuckets": expect.stringContaining("post-install-bucket-hook.yaml") });
    });

    it("creates no bucket when none is configured, and sizes the volume as given", () => {
        expect((seaweedfsValues({ buckets: [], size: "5Gi" }) as { allInOne: unknown }).allInOne).toStrictEqual({
            enabled: true,
            s3: { enabled: true, enableAuth: true, existingConfigSecret: "seaweedfs-s3-config", createBuckets: [] },
            data: { type: "persistentVolumeClaim", size: "5Gi" },
        });
    });

    it("names the release, the all-in-one Service and the identities Secret as the chart does", () => {
        expect(OBJECT_STORAGE_RELEASE).toBe("seaweedfs");
        expect(S3_SERVICE).toStrictEqual({ name: "seaweedfs-all-in-one", port: 8333 });
        expect(S3_CONFIG_SECRET).toStrictEqual({ name: "seaweedfs-s3-config", key: "seaweedfs_s3_config" });
        expect(s3Host("tools.example.com")).toBe("s3.tools.example.com");
        expect(adminVaultPath("tools", "tools-cluster")).toBe("tools/tools-cluster/object-storage/admin");
    });

    it("writes the identities file in the chart's own format", () => {
        expect(s3IdentitiesConfig("AKID", "SECRET")).toBe(
            '{"identities":[{"name":"admin","credentials":[{"accessKey":"AKID","secretKey":"SECRET"}],"actions":["Admin","Read","Write","List","Tagging"]}]}',
        );
        expect(JSON.parse(s3IdentitiesConfig("AKID", "SECRET"))).toEqual({ identities: [{ name: "admin", credentials: [{ accessKey: "AKID", secretKey: "SECRET" }], actions: ["Admin", "Read", "Write", "List", "Tagging"] }] });
    });

    it("serves s3.<domain> through the cluster's Gateway, a valid VirtualService", () => {
        const vs = s3VirtualService("tools.example.com");
        expect(vs.apiVersion).toBe("networking.istio.io/v1");
        expect(vs.kind).toBe("VirtualService");
        expect(vs.metadata).toStrictEqual({ name: "s3", namespace: "object-storage" });
        expect(vs.spec).toStrictEqual({ hosts: ["s3.tools.example.com"], gateways: ["istio-ingress/wildcard"], http: [{ route: [{ destination: { host: "seaweedfs-all-in-one.object-storage.svc.cluster.local", port: { number: 8333 } } }] }] });
        expect(validateObject(vs)).toBe("networking.istio.io/v1/VirtualService");
    });

    it("copies the state bucket on a schedule: a valid batch/v1 CronJob in the pinned rclone image, restricted, keys from the Secret", () => {
        const job = stateBackupCronJob(backupArgs);
        expect(validateObject(job)).toBe("batch/v1/CronJob");
        const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: "state-backup", key } } });
        expect(job).toStrictEqual({
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "state-backup", namespace: "object-storage" },
            spec: {
                schedule: "30 2 * * *",
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
                                        image: "rclone/rclone:1.75.1",
                                        command: ["/bin/sh", "-c", STATE_BACKUP_SCRIPT],
                                        env: [
                                            { name: "HOME", value: "/tmp" },
                                            { name: "SOURCE_ENDPOINT", value: "http://seaweedfs-all-in-one:8333" },
                                            { name: "SOURCE_BUCKET", value: "pulumi-state" },
                                            secretEnv("SOURCE_ACCESS_KEY_ID", "source-access-key-id"),
                                            secretEnv("SOURCE_SECRET_ACCESS_KEY", "source-secret-access-key"),
                                            { name: "TARGET_ENDPOINT", value: "https://s3.backup.example.com" },
                                            { name: "TARGET_BUCKET", value: "state-copy" },
                                            { name: "TARGET_REGION", value: "eu-west-1" },
                                            secretEnv("TARGET_ACCESS_KEY_ID", "target-access-key-id"),
                                            secretEnv("TARGET_SECRET_ACCESS_KEY", "target-secret-access-key"),
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
        });
        const spec = job.spec as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a manifest
        expect([spec.schedule, spec.concurrencyPolicy]).toEqual(["30 2 * * *", "Forbid"]);
        const pod = spec.jobTemplate.spec.template.spec;
        const container = pod.containers[0];
        expect(container.image).toBe("rclone/rclone:1.75.1");
        expect(container.command).toEqual(["/bin/sh", "-c", STATE_BACKUP_SCRIPT]);
        expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } });
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        const env = Object.fromEntries((container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[]).map((e) => [e.name, e.value ?? `${e.valueFrom!.secretKeyRef.name}/${e.valueFrom!.secretKeyRef.key}`]));
        expect(env).toEqual({
            HOME: "/tmp",
            SOURCE_ENDPOINT: "http://seaweedfs-all-in-one:8333",
            SOURCE_BUCKET: "pulumi-state",
            SOURCE_ACCESS_KEY_ID: `${BACKUP_SECRET}/source-access-key-id`,
            SOURCE_SECRET_ACCESS_KEY: `${BACKUP_SECRET}/source-secret-access-key`,
            TARGET_ENDPOINT: "https://s3.backup.example.com",
            TARGET_BUCKET: "state-copy",
            TARGET_REGION: "eu-west-1",
            TARGET_ACCESS_KEY_ID: `${BACKUP_SECRET}/target-access-key-id`,
            TARGET_SECRET_ACCESS_KEY: `${BACKUP_SECRET}/target-secret-access-key`,
        });
        // Every variable the script requires is set by the job.
        const required = [...STATE_BACKUP_SCRIPT.matchAll(/\$\{(\w+):\?\}/g)].map((m) => m[1]).sort();
        expect(required).toEqual(Object.keys(JOB_ENV).sort());
        expect(() => validateObject({ ...job, spec: { ...spec, schedule: 5 } })).toThrow();
    });

    it("has a copy script that passes shellcheck", () => {
        requireTool("shellcheck", "shellcheck");
        const result = runTool("shellcheck", ["--severity=style", "--shell=sh", "-"], STATE_BACKUP_SCRIPT);
        expect(result.output).toBe("");
        expect(result.status).toBe(0);
    });

    it("mirrors the bucket under current/ and archives what it replaces, with both remotes from the environment only", () => {
        const result = runScript(JOB_ENV);
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        expect(result.stdout).toBe("copying s3 bucket pulumi-state to https://s3.backup.example.com bucket state-copy (archive 20260101T023000Z)\n");
        expect(result.recorded).toBe(
            [
                "sync",
                "--checksum",
                "--s3-no-check-bucket",
                "source:pulumi-state",
                "target:state-copy/current",
                "--backup-dir",
                "target:state-copy/archive/20260101T023000Z",
                "RCLONE_CONFIG_SOURCE_ACCESS_KEY_ID=SRCID",
                "RCLONE_CONFIG_SOURCE_ENDPOINT=http://seaweedfs-all-in-one:8333",
                "RCLONE_CONFIG_SOURCE_PROVIDER=SeaweedFS",
                "RCLONE_CONFIG_SOURCE_SECRET_ACCESS_KEY=srcsecret",
                "RCLONE_CONFIG_SOURCE_TYPE=s3",
                "RCLONE_CONFIG_TARGET_ACCESS_KEY_ID=DSTID",
                "RCLONE_CONFIG_TARGET_ENDPOINT=https://s3.backup.example.com",
                "RCLONE_CONFIG_TARGET_PROVIDER=Other",
                "RCLONE_CONFIG_TARGET_REGION=eu-west-1",
                "RCLONE_CONFIG_TARGET_SECRET_ACCESS_KEY=dstsecret",
                "RCLONE_CONFIG_TARGET_TYPE=s3",
                "",
            ].join("\n"),
        );
    });

    it("stops before rclone when a variable is missing, naming it", () => {
        const { TARGET_ACCESS_KEY_ID: _, ...without } = JOB_ENV; // eslint-disable-line @typescript-eslint/no-unused-vars
        const result = runScript(without);
        expect(result.status).not.toBe(0);
        // dash says "not set or null", bash "null or not set": the shell's own message for `${VAR:?}`.
        expect(result.stderr).toMatch(/TARGET_ACCESS_KEY_ID: parameter (not set or null|null or not set)\n$/);
        expect(result.stdout).toBe("");
        expect(result.recorded).toBe("");
    });

    it("runs baseline (the image runs as root), its metrics port open, egress to the backup target", () => {
        expect(objectStorageNamespace("https://s3.backup.example.com")).toStrictEqual({
            name: "object-storage",
            podSecurity: "baseline",
            podSecurityReason: "the chrislusf/seaweedfs image runs as root (docker/Dockerfile.go_build sets no USER) and the chart sets no securityContext",
            metricsPorts: [9324],
            extraEgress: [{ name: "backup-target", cidrs: ["0.0.0.0/0"], ports: [443] }],
        });
    });

    it("opens the namespace to the backup target's port only", () => {
        expect(objectStorageNamespace("https://s3.backup.example.com").extraEgress).toEqual([{ name: "backup-target", cidrs: ["0.0.0.0/0"], ports: [443] }]);
        expect(objectStorageNamespace("http://nas.home.arpa:9000").extraEgress).toEqual([{ name: "backup-target", cidrs: ["0.0.0.0/0"], ports: [9000] }]);
        // The scheme's default port when the URL names none; an explicit port wins over it.
        expect(objectStorageNamespace("http://nas.home.arpa").extraEgress).toEqual([{ name: "backup-target", cidrs: ["0.0.0.0/0"], ports: [80] }]);
        expect(objectStorageNamespace("https://s3.backup.example.com:8443").extraEgress).toEqual([{ name: "backup-target", cidrs: ["0.0.0.0/0"], ports: [8443] }]);
    });
});
