import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";

/**
 * Where a layer writes what it generates (admin passwords, S3 keys) in Vault KV v2: the stack's Vault
 * provider, the mount, and what must exist before a write (the KV mount itself).
 */
export interface VaultWrites {
    readonly provider: vault.Provider;
    readonly mount: pulumi.Input<string>;
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * One secret in Vault KV v2 at `<mount>/<path>`: its data as a JSON document, secret in state, and
 * every version deleted on destroy, through `<mount>/metadata/...`, which the stacks' policies allow
 * (the provider's default soft-deletes the latest version through `<mount>/data/...` with `delete`,
 * which they do not). Returns the `vault kv get` path.
 */
export function writeKvSecret(
    name: string,
    args: { readonly mount: pulumi.Input<string>; readonly path: string; readonly data: pulumi.Input<object> },
    opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    new vault.kv.SecretV2(name, { mount: args.mount, name: args.path, dataJson: pulumi.secret(pulumi.jsonStringify(args.data)), deleteAllVersions: true }, opts);
    return pulumi.interpolate`${args.mount}/${args.path}`;
}
