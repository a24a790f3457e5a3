import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as vault from "@pulumi/vault";
import { ClientCertificate } from "../../../pki/certificateAuthority";
import { argocdConnectionSecretName } from "../../../vault/argocd";
import { writeKvSecret } from "../../../vault/kvWrites";
import { declareObject } from "../../objects";
import { ARGOCD_MANAGER_GROUP, ARGOCD_MANAGER_USER, argocdConnection, argocdManagerBinding } from "./argocd";

export interface ArgoCdDestinationArgs {
    /** The stack that owns the cluster: its Vault folder. */
    readonly stack: string;
    readonly cluster: string;
    /** `https://<address>:6443`, as Argo CD on the tools cluster reaches it. */
    readonly endpoint: string;
    /** The CA the API server's certificate chains to. */
    readonly caCertPem: pulumi.Input<string>;
    /** The CA the API server trusts for client certificates (it signs the admin certificate too). */
    readonly clientCa: { readonly certPem: pulumi.Input<string>; readonly keyPem: pulumi.Input<string> };
    /** The cluster's provider and readiness. */
    readonly provider: k8s.Provider;
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** The stack's Vault provider (its scoped token) and KV v2 mount. */
    readonly vault: { readonly provider: vault.Provider; readonly mount: pulumi.Input<string> };
}

/**
 * Makes a workload cluster an Argo CD destination without the tools stack reading this stack: a
 * client certificate of Argo CD's own (group ARGOCD_MANAGER_GROUP), that group bound to cluster-admin
 * here, and the connection written to Vault at `<mount>/<stack>/<cluster>/argocd`, next to the
 * kubeconfig, where external-secrets on the tools cluster picks it up (argocdServer.ts).
 */
export class ArgoCdDestination extends pulumi.ComponentResource {
    /** KV v2 path of the connection. */
    public readonly path: pulumi.Output<string>;

    constructor(name: string, args: ArgoCdDestinationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:ArgoCdDestination", name, {}, opts);
        // One year, re-issued by the `pulumi up` within 30 days of expiry (ClientCertificate); the new
        // one reaches Argo CD through Vault and the ExternalSecret's hourly refresh.
        const identity = new ClientCertificate(`${name}-client`, { ca: args.clientCa, commonName: ARGOCD_MANAGER_USER, organization: ARGOCD_MANAGER_GROUP }, { parent: this });
        const binding = declareObject(args.cluster, `${name}-cluster-admin`, argocdManagerBinding(), { parent: this, provider: args.provider, dependsOn: args.dependsOn });
        this.path = writeKvSecret(
            `${name}-connection`,
            {
                mount: args.vault.mount,
                path: argocdConnectionSecretName(args.stack, args.cluster),
                data: pulumi
                    .all([args.caCertPem, identity.certPem, identity.keyPem])
                    .apply(([caCertPem, certPem, keyPem]) => argocdConnection(args.cluster, args.endpoint, { caCertPem, certPem, keyPem })),
            },
            // Written once the certificate's rights exist, so Argo CD never holds a connection the cluster refuses.
            { parent: this, provider: args.vault.provider, dependsOn: [binding] },
        );
        this.registerOutputs({ path: this.path });
    }
}
