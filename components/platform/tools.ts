import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { ClusterLayerArgs } from "./platform";
import { VaultWrites, writeKvSecret } from "../vault/kvWrites";
import { versions } from "../../versions";
import type { ToolsServiceName } from "./catalog";
import { HelmService } from "./helmService";
import { ClusterNetwork, PlatformNamespace } from "./namespace";
import { declareObject, declareSecret } from "./objects";
import { requireValid } from "../clusters/nodes";
import { ARC_CONTROLLER_NAMESPACE, ARC_CONTROLLER_RELEASE, controllerValues, GITHUB_APP_SECRET, githubAppSecretData, runnerNamespace, scaleSetValues } from "./services/actionsRunners/actionsRunners";
import { ADMIN_PASSWORD_SECRET, adminVaultPath as harborVaultPath, HARBOR_NAMESPACE, harborHost, harborValues, harborVirtualService, SECRET_KEY_SECRET } from "./services/harbor/harbor";
import {
    adminVaultPath as storageVaultPath,
    BACKUP_SECRET,
    OBJECT_STORAGE_RELEASE,
    objectStorageNamespace,
    S3_CONFIG_SECRET,
    s3Host,
    s3IdentitiesConfig,
    s3VirtualService,
    seaweedfsValues,
    stateBackupCronJob,
} from "./services/objectStorage/objectStorage";
import { cloudnativePgNamespace, cloudnativePgValues } from "./services/cloudnativePg/cloudnativePg";

export interface ToolsLayerArgs extends ClusterLayerArgs {
    /** The release that brings Istio's CRDs (VirtualService): the base layer's `istio-base`. */
    readonly istioCrds?: pulumi.Resource;
    /** The Vault this stack runs: generated credentials are written to its KV v2 mount. */
    readonly vault?: VaultWrites;
}

/**
 * The tools role's own services (catalog.ts TOOLS_SERVICES), on top of the base layer: GitHub Actions
 * runners, Harbor, SeaweedFS object storage with its state copy, the CloudNativePG operator. Each
 * runs only where the cluster switched it on. Other tools services (Vault, Argo CD) add themselves here
 * or in a layer of their own.
 */
export class ToolsLayer extends pulumi.ComponentResource {
    /** Releases by service key. */
    public readonly releases: Readonly<Record<string, k8s.helm.v3.Release>>;
    public readonly services: readonly ToolsServiceName[];
    /** Addresses the layer serves, for the stack outputs (no secrets). */
    public readonly endpoints: Readonly<Record<string, string>>;
    /** Vault KV v2 paths of the generated credentials, by service. */
    public readonly vaultPaths: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: ToolsLayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ToolsLayer", name, {}, opts);
        const { cluster, settings } = args;
        const on = new Set(cluster.toolsServices);
        const exposed = ["harbor", "objectStorage"].filter((s) => on.has(s as ToolsServiceName));
        requireValid("ToolsLayer", name, [
            ...(cluster.role !== "tools" && on.size > 0 ? [{ propertyPath: "cluster.role", reason: `is ${cluster.role}: the tools services run on tools clusters only` }] : []),
            ...(on.has("actionsRunners") && !settings.actionsRunners ? [{ propertyPath: "settings.actionsRunners", reason: "is required by actionsRunners" }] : []),
            ...(on.has("objectStorage") && !settings.objectStorage ? [{ propertyPath: "settings.objectStorage", reason: "is required by objectStorage" }] : []),
            ...(exposed.length > 0 && !args.vault ? [{ propertyPath: "vault", reason: `is required by ${exposed.join(" and ")}: their generated credentials are kept in Vault` }] : []),
            ...(exposed.length > 0 && !cluster.domain ? [{ propertyPath: "cluster.domain", reason: `is required by ${exposed.join(" and ")}` }] : []),
            ...(exposed.length > 0 && !args.istioCrds ? [{ propertyPath: "istioCrds", reason: `is required by ${exposed.join(" and ")}: their VirtualServices need Istio's CRDs` }] : []),
        ]);
        const network: ClusterNetwork = { nodeCidr: args.nodeCidr };
        const base = { cluster: cluster.name, provider: args.provider, network, dependsOn: args.dependsOn };
        const child = { parent: this };
        const onCluster = { parent: this, provider: args.provider };
        const inVault = args.vault ? { parent: this, provider: args.vault.provider, dependsOn: args.vault.dependsOn } : undefined;
        const domain = cluster.domain!;
        const releases: Record<string, k8s.helm.v3.Release> = {};
        const endpoints: Record<string, string> = {};
        const vaultPaths: Record<string, pulumi.Output<string>> = {};
        const service = (key: string, releaseName: string, rest: Omit<ConstructorParameters<typeof HelmService>[1], "cluster" | "provider" | "network" | "releaseName">) => {
            const svc = new HelmService(`${name}-${key}`, { ...base, releaseName, ...rest, dependsOn: [...(args.dependsOn ?? []), ...(rest.dependsOn ?? [])] }, child);
            releases[key] = svc.release;
            return svc;
        };
        /** A generated secret kept in Vault KV v2. */
        const storeInVault = (key: string, path: string, data: Record<string, pulumi.Input<string>>) => {
            vaultPaths[key] = writeKvSecret(`${name}-${key}-vault`, { mount: args.vault!.mount, path, data }, inVault!);
        };

        if (on.has("cloudnativePg")) {
            service("cloudnative-pg", "cnpg", { chart: versions.charts.cloudnativePg, namespace: cloudnativePgNamespace(cluster.podCidr), values: cloudnativePgValues() });
        }

        if (on.has("actionsRunners")) {
            const r = settings.actionsRunners!;
            const controller = service("arc-controller", ARC_CONTROLLER_RELEASE, { chart: versions.charts.arcController, namespace: ARC_CONTROLLER_NAMESPACE, values: controllerValues() });
            const ns = new PlatformNamespace(`${name}-arc-runners-ns`, { ...base, spec: runnerNamespace(r.containerMode) }, child);
            const app = declareSecret(
                cluster.name,
                `${name}-arc-github-app`,
                { name: GITHUB_APP_SECRET, namespace: ns.name, stringData: githubAppSecretData(r.githubAppId, r.githubAppInstallationId, r.githubAppPrivateKey) },
                { ...onCluster, dependsOn: [ns] },
            );
            // The scale set is an AutoscalingRunnerSet: its CRD comes with the controller's chart.
            service("arc-runners", r.runnerScaleSetName, {
                chart: versions.charts.arcScaleSet,
                namespace: ns,
                values: scaleSetValues(r),
                dependsOn: [controller.release, app],
            });
            endpoints.actionsRunners = `${r.githubConfigUrl} (runs-on: ${r.runnerScaleSetName})`;
        }

        if (on.has("harbor")) {
            const ns = new PlatformNamespace(`${name}-harbor-ns`, { ...base, spec: HARBOR_NAMESPACE }, child);
            // Harbor's rules: at least 8 characters with an upper-case letter, a lower-case one and a digit.
            const password = new random.RandomPassword(`${name}-harbor-admin-password`, { length: 32, special: false, minUpper: 1, minLower: 1, minNumeric: 1 }, child);
            // The chart's secretKey must be exactly 16 characters (values.yaml).
            const secretKey = new random.RandomPassword(`${name}-harbor-secret-key-value`, { length: 16, special: false }, child);
            storeInVault("harbor-admin", harborVaultPath(args.stack, cluster.name), { username: "admin", password: password.result, url: `https://${harborHost(domain)}` });
            const admin = declareSecret(cluster.name, `${name}-harbor-admin`, { name: ADMIN_PASSWORD_SECRET.name, namespace: ns.name, stringData: { [ADMIN_PASSWORD_SECRET.key]: password.result } }, { ...onCluster, dependsOn: [ns] });
            const key = declareSecret(cluster.name, `${name}-harbor-secret-key`, { name: SECRET_KEY_SECRET.name, namespace: ns.name, stringData: { [SECRET_KEY_SECRET.key]: secretKey.result } }, { ...onCluster, dependsOn: [ns] });
            service("harbor", "harbor", { chart: versions.charts.harbor, namespace: ns, values: harborValues(domain), dependsOn: [admin, key] });
            declareObject(cluster.name, `${name}-harbor-virtualservice`, harborVirtualService(domain), { ...onCluster, dependsOn: [args.istioCrds!, ns] });
            endpoints.harbor = `https://${harborHost(domain)}`;
        }

        if (on.has("objectStorage")) {
            const o = settings.objectStorage!;
            const ns = new PlatformNamespace(`${name}-object-storage-ns`, { ...base, spec: objectStorageNamespace(o.backup.s3Url) }, child);
            // S3 keys as AWS shapes them: a 20-character upper-case id and a 40-character secret.
            const accessKeyId = new random.RandomPassword(`${name}-object-storage-access-key-id`, { length: 20, special: false, lower: false }, child);
            const secretAccessKey = new random.RandomPassword(`${name}-object-storage-secret-access-key`, { length: 40, special: false }, child);
            storeInVault("object-storage-admin", storageVaultPath(args.stack, cluster.name), { accessKeyId: accessKeyId.result, secretAccessKey: secretAccessKey.result, endpoint: `https://${s3Host(domain)}` });
            const config = declareSecret(
                cluster.name,
                `${name}-object-storage-s3-config`,
                { name: S3_CONFIG_SECRET.name, namespace: ns.name, stringData: { [S3_CONFIG_SECRET.key]: pulumi.all([accessKeyId.result, secretAccessKey.result]).apply(([id, key]) => s3IdentitiesConfig(id, key)) } },
                { ...onCluster, dependsOn: [ns] },
            );
            const store = service("object-storage", OBJECT_STORAGE_RELEASE, { chart: versions.charts.seaweedfs, namespace: ns, values: seaweedfsValues(o), dependsOn: [config] });
            declareObject(cluster.name, `${name}-object-storage-virtualservice`, s3VirtualService(domain), { ...onCluster, dependsOn: [args.istioCrds!, ns] });
            const backup = declareSecret(
                cluster.name,
                `${name}-object-storage-state-backup`,
                {
                    name: BACKUP_SECRET,
                    namespace: ns.name,
                    stringData: {
                        "source-access-key-id": accessKeyId.result,
                        "source-secret-access-key": secretAccessKey.result,
                        "target-access-key-id": o.backup.accessKeyId,
                        "target-secret-access-key": o.backup.secretAccessKey,
                    },
                },
                { ...onCluster, dependsOn: [ns] },
            );
            // After the release: its hook has created the state bucket by then.
            declareObject(cluster.name, `${name}-object-storage-state-backup-cronjob`, stateBackupCronJob({ stateBucket: o.stateBucket, schedule: o.backup.schedule, target: { s3Url: o.backup.s3Url, bucket: o.backup.bucket, region: o.backup.region } }), {
                ...onCluster,
                dependsOn: [store.release, backup],
            });
            endpoints.objectStorage = `https://${s3Host(domain)}`;
        }

        this.releases = releases;
        this.services = [...on];
        this.endpoints = endpoints;
        this.vaultPaths = vaultPaths;
        this.registerOutputs({ services: this.services, endpoints });
    }
}
