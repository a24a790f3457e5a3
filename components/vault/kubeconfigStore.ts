import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { kubeconfigSecretName } from "./paths";

export interface KubeconfigStoreArgs {
    readonly stack: string;
    /** May come from another stack's output. */
    readonly mount: pulumi.Input<string>;
    readonly clusters: Readonly<Record<string, { readonly kubeconfig: pulumi.Output<string>; readonly endpoint: string }>>;
}

/** Writes each cluster's kubeconfig to Vault KV v2 at `<mount>/<stack>/<cluster>/kubeconfig`. */
export class KubeconfigStore extends pulumi.ComponentResource {
    /** KV v2 paths by cluster, as `vault kv get` takes them. */
    public readonly paths: Readonly<Record<string, pulumi.Output<string>>>;

    constructor(name: string, args: KubeconfigStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:vault:KubeconfigStore", name, {}, opts);
        const paths: Record<string, pulumi.Output<string>> = {};
        for (const [cluster, access] of Object.entries(args.clusters)) {
            const secretName = kubeconfigSecretName(args.stack, cluster);
            new vault.kv.SecretV2(
                `${name}-${cluster}`,
                {
                    mount: args.mount,
                    name: secretName,
                    dataJson: pulumi.secret(access.kubeconfig.apply((kubeconfig) => JSON.stringify({ kubeconfig, endpoint: access.endpoint }))),
                    // Deleting goes through `<mount>/metadata/...`, which the stack's policy allows; the default
                    // (a soft delete of the latest version) writes `<mount>/data/...` with `delete`, which it does not.
                    deleteAllVersions: true,
                },
                { parent: this },
            );
            paths[cluster] = pulumi.interpolate`${args.mount}/${secretName}`;
        }
        this.paths = paths;
        this.registerOutputs({ paths });
    }
}
