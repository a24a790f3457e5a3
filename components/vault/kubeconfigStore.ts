import * as pulumi from "@pulumi/pulumi";
import { writeKvSecret } from "./kvWrites";
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
            paths[cluster] = writeKvSecret(`${name}-${cluster}`, { mount: args.mount, path: kubeconfigSecretName(args.stack, cluster), data: { kubeconfig: access.kubeconfig, endpoint: access.endpoint } }, { parent: this });
        }
        this.paths = paths;
        this.registerOutputs({ paths });
    }
}
