import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { authBackendConfigArgs, ClusterApi } from "./vaultConfiguration";

export interface ClusterAuthConfigArgs {
    /** This stack's clusters by name. */
    readonly clusters: Readonly<Record<string, ClusterApi>>;
}

/**
 * A workload stack's half of its clusters' Kubernetes auth methods: the tools stack mounts
 * `auth/kubernetes-<cluster>` and its external-secrets role, but only this stack knows the
 * cluster's API address and CA, so it writes `auth/kubernetes-<cluster>/config` with its scoped
 * token (its policy allows that path and nothing else under `auth/`).
 */
export class ClusterAuthConfig extends pulumi.ComponentResource {
    constructor(name: string, args: ClusterAuthConfigArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:vault:ClusterAuthConfig", name, {}, opts);
        for (const [cluster, api] of Object.entries(args.clusters)) {
            new vault.kubernetes.AuthBackendConfig(`${name}-${cluster}`, authBackendConfigArgs(cluster, api), { parent: this });
        }
        this.registerOutputs({});
    }
}
