import * as pulumi from "@pulumi/pulumi";
import type * as vault from "@pulumi/vault";

/**
 * Where a layer writes what it generates (admin passwords, S3 keys) in Vault KV v2: the stack's Vault
 * provider, the mount, and what must exist before a write (the KV mount itself).
 */
export interface VaultWrites {
    readonly provider: vault.Provider;
    readonly mount: pulumi.Input<string>;
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}
