import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { credentialsFile, dailySchedule, veleroNamespace, veleroValues } from "./velero";

const args = { bucket: "homelab-velero", s3Url: "https://s3.home.arpa:9000", region: "us-east-1", prefix: "dev/dev" };

describe("Velero", () => {
    it("backs up to the S3-compatible bucket under the cluster's prefix, with the AWS plugin and the credentials Secret", () => {
        const values = veleroValues(args) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values
        const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
        expect(values).toStrictEqual({
            initContainers: [
                { name: "velero-plugin-for-aws", image: "velero/velero-plugin-for-aws:v1.13.2", imagePullPolicy: "IfNotPresent", volumeMounts: [{ mountPath: "/target", name: "plugins" }], securityContext: restricted },
            ],
            configuration: {
                backupStorageLocation: [
                    { name: "default", provider: "aws", bucket: "homelab-velero", prefix: "dev/dev", default: true, config: { region: "us-east-1", s3ForcePathStyle: "true", s3Url: "https://s3.home.arpa:9000" } },
                ],
            },
            snapshotsEnabled: false,
            credentials: { useSecret: true, existingSecret: "velero-s3" },
            podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containerSecurityContext: restricted,
            kubectl: { containerSecurityContext: restricted },
        });
        expect(values.configuration).toEqual({
            backupStorageLocation: [
                { name: "default", provider: "aws", bucket: "homelab-velero", prefix: "dev/dev", default: true, config: { region: "us-east-1", s3ForcePathStyle: "true", s3Url: "https://s3.home.arpa:9000" } },
            ],
        });
        expect(values.initContainers).toEqual([
            {
                name: "velero-plugin-for-aws",
                image: "velero/velero-plugin-for-aws:v1.13.2",
                imagePullPolicy: "IfNotPresent",
                volumeMounts: [{ mountPath: "/target", name: "plugins" }],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            },
        ]);
        expect(values.credentials).toEqual({ useSecret: true, existingSecret: "velero-s3" });
        expect(values.snapshotsEnabled).toBe(false);
        expect(unknownKeys(values, chartKeys("velero"))).toEqual([]);
    });

    it("writes the credentials file the AWS plugin reads", () => {
        expect(credentialsFile("AKID", "SECRET")).toBe("[default]\naws_access_key_id=AKID\naws_secret_access_key=SECRET\n");
    });

    it("schedules a backup every night, kept 30 days, a valid velero.io/v1 Schedule", () => {
        const schedule = dailySchedule();
        expect([schedule.apiVersion, schedule.kind, schedule.metadata]).toStrictEqual(["velero.io/v1", "Schedule", { name: "daily", namespace: "velero" }]);
        expect(schedule.spec).toStrictEqual({ schedule: "0 3 * * *", template: { includedNamespaces: ["*"], storageLocation: "default", ttl: "720h0m0s" }, useOwnerReferencesInBackup: false });
        expect(validateObject(schedule)).toBe("velero.io/v1/Schedule");
        expect(() => validateObject({ ...schedule, spec: { ...(schedule.spec as object), template: { ttl: 30 } } })).toThrow("data/spec/template/ttl must be string");
    });

    it("runs restricted, its metrics port open, with the API server", () => {
        expect(veleroNamespace("https://s3.home.arpa:9000")).toStrictEqual({
            name: "velero",
            podSecurity: "restricted",
            metricsPorts: [8085],
            apiServer: true,
            extraEgress: [{ name: "object-store", cidrs: ["0.0.0.0/0"], ports: [9000] }],
        });
    });

    it("lets Velero reach the object store's port", () => {
        expect(veleroNamespace("https://s3.home.arpa:9000").extraEgress).toEqual([{ name: "object-store", cidrs: ["0.0.0.0/0"], ports: [9000] }]);
        expect(veleroNamespace("https://s3.example.com").extraEgress).toEqual([{ name: "object-store", cidrs: ["0.0.0.0/0"], ports: [443] }]);
        expect(veleroNamespace("http://garage.home.arpa").extraEgress).toEqual([{ name: "object-store", cidrs: ["0.0.0.0/0"], ports: [80] }]);
    });
});
