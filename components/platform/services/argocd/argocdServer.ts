import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { ArgoCdSettings } from "../../../../config/argocd";
import { versions } from "../../../../versions";
import { requireValid } from "../../../clusters/nodes";
import { argocdAdminSecretName, argocdConnectionSecretName } from "../../../vault/argocd";
import { VaultWrites, writeKvSecret } from "../../../vault/kvWrites";
import { HelmService } from "../../helmService";
import type { ClusterNetwork } from "../../namespace";
import { declareObject } from "../../objects";
import { ADMIN_PASSWORD_SET_AT, ARGOCD_NAMESPACE, ARGOCD_RELEASE, argocdValues, destinationExternalSecret, rootApplication } from "./argocd";

export interface ArgoCdArgs {
    /** The stack that runs Argo CD (tools): the admin password's Vault folder. */
    readonly stack: string;
    /** The cluster Argo CD runs on. */
    readonly cluster: string;
    /** The cluster's DNS zone, for Argo CD's URL (`argocd.<domain>`); optional. */
    readonly domain?: string;
    readonly provider: k8s.Provider;
    readonly network: ClusterNetwork;
    /** The cluster's readiness. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    readonly settings: ArgoCdSettings;
    /** Where the admin password is kept: the stack's Vault provider and KV v2 mount. */
    readonly vault: VaultWrites;
    /**
     * What the ExternalSecrets need besides Argo CD's namespace: the external-secrets release (its CRDs)
     * and the ClusterSecretStore they read through.
     */
    readonly externalSecrets?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Argo CD on the tools cluster (components/platform/services/argocd/argocd.ts for the pieces): the
 * release with a generated admin password (kept in Vault, given to Argo CD as its bcrypt hash), the
 * app-of-apps root Application, and one ExternalSecret per destination cluster.
 */
export class ArgoCd extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    /** Vault KV v2 path of the admin login (`vault kv get <path>`). */
    public readonly adminPasswordPath: pulumi.Output<string>;
    public readonly rootApplication: pulumi.CustomResource;
    /** Per destination cluster. */
    public readonly clusterSecrets: Readonly<Record<string, pulumi.CustomResource>>;

    constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ArgoCd", name, {}, opts);
        const problems: { propertyPath: string; reason: string }[] = [];
        const seen = new Set<string>();
        args.settings.destinations.forEach((d, i) => {
            if (d.cluster === args.cluster) {
                problems.push({ propertyPath: `settings.destinations[${i}].cluster`, reason: `${d.cluster} is the cluster Argo CD runs on; it reaches it in-cluster` });
            }
            if (seen.has(d.cluster)) {
                problems.push({ propertyPath: `settings.destinations[${i}].cluster`, reason: `${d.cluster} is listed twice` });
            }
            seen.add(d.cluster);
        });
        requireValid("ArgoCd", name, problems);

        const child = { parent: this };
        const onCluster = { parent: this, provider: args.provider };
        const onVault = { parent: this, provider: args.vault.provider };

        // Alphanumeric: pasted into `argocd login` and browsers without quoting trouble; 32 characters
        // of 62 symbols are about 190 bits. The provider computes its bcrypt hash once, at creation, and
        // keeps it in state (secret, like the result): the values stay the same on every run, where a
        // hash computed in the program would get a new salt, and the release a new diff, each time.
        const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false, keepers: { setAt: ADMIN_PASSWORD_SET_AT } }, child);
        this.adminPasswordPath = writeKvSecret(
            `${name}-admin-login`,
            { mount: args.vault.mount, path: argocdAdminSecretName(args.stack, args.cluster), data: { username: "admin", password: password.result } },
            { ...onVault, dependsOn: args.vault.dependsOn },
        );

        const service = new HelmService(
            name,
            {
                cluster: args.cluster,
                provider: args.provider,
                releaseName: ARGOCD_RELEASE,
                chart: versions.charts.argoCd,
                namespace: ARGOCD_NAMESPACE,
                network: args.network,
                values: argocdValues({ domain: args.domain, adminPasswordHash: pulumi.secret(password.bcryptHash) }),
                dependsOn: args.dependsOn,
            },
            child,
        );
        this.release = service.release;

        // The Application CRD comes with the release.
        this.rootApplication = declareObject(args.cluster, `${name}-root-application`, rootApplication(args.settings), { ...onCluster, dependsOn: [service.release] });

        const clusterSecrets: Record<string, pulumi.CustomResource> = {};
        for (const d of args.settings.destinations) {
            // The Secret must land in Argo CD's namespace, where the controller looks for cluster Secrets.
            clusterSecrets[d.cluster] = declareObject(args.cluster, `${name}-cluster-${d.cluster}`, destinationExternalSecret(d, argocdConnectionSecretName(d.stack, d.cluster)), {
                ...onCluster,
                dependsOn: [service.namespace, ...(args.externalSecrets ?? [])],
            });
        }
        this.clusterSecrets = clusterSecrets;
        this.registerOutputs({ adminPasswordPath: this.adminPasswordPath });
    }
}
