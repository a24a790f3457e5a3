import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { registerArtefact } from "../core/artefacts";

/**
 * Argo CD's entries in Vault KV v2. Like kubeconfigs they sit in the folder of the stack that owns
 * the cluster, so no stack ever writes another's: the workload stacks write their clusters'
 * connections, the tools stack its Argo CD admin password. Both are cluster-admin (or Argo CD admin)
 * credentials, so no cluster's own external-secrets may read them (components/vault/paths.ts
 * externalSecretsPolicy denies them); only the tools cluster's external-secrets reads the
 * connections, through the policy below.
 */

/** `<stack>/<cluster>/argocd`: what Argo CD needs to deploy to that cluster (name, server, caData, certData, keyData). */
export function argocdConnectionSecretName(stack: string, cluster: string): string {
    return `${stack}/${cluster}/argocd`;
}

/** `<stack>/<cluster>/argocd-admin`: the Argo CD admin's login on the cluster that runs it (username, password). */
export function argocdAdminSecretName(stack: string, cluster: string): string {
    return `${stack}/${cluster}/argocd-admin`;
}

/** Entries of a cluster's folder that its own external-secrets must not read (kept in paths.ts, which reads them without loading the Vault provider). */
export { ADMIN_ONLY_ENTRIES } from "./paths";

/** Name of the policy that lets the Argo CD cluster's external-secrets read the destinations' connections. */
export function argocdDestinationsPolicyName(cluster: string): string {
    return `argocd-destinations-${cluster}`;
}

/**
 * Read access to exactly the connections of the listed destinations, nothing else in their folders:
 * an exact path per destination, no glob.
 */
export function argocdDestinationsPolicy(mount: string, argocdCluster: string, destinations: readonly { readonly stack: string; readonly cluster: string }[]): string {
    const blocks = destinations.map(
        (d) => `
path "${mount}/data/${argocdConnectionSecretName(d.stack, d.cluster)}" {
  capabilities = ["read"]
}
`,
    );
    return `# external-secrets on the ${argocdCluster} cluster: read the Argo CD connection of each destination cluster, nothing else.
# Added to that cluster's external-secrets role next to its own policy (external-secrets-${argocdCluster}).
${blocks.join("")}`;
}

export interface ArgoCdDestinationsPolicyArgs {
    readonly mount: string;
    /** The cluster Argo CD runs on: its external-secrets role gets this policy. */
    readonly cluster: string;
    readonly destinations: readonly { readonly stack: string; readonly cluster: string }[];
}

/**
 * The policy as a Vault resource, on the caller's provider (the stack that runs Vault). Its name goes
 * into the Argo CD cluster's external-secrets role (VaultConfiguration `externalSecretsPolicies`).
 */
export function argocdDestinationsPolicyResource(name: string, args: ArgoCdDestinationsPolicyArgs, opts: pulumi.CustomResourceOptions): vault.Policy {
    const policy = argocdDestinationsPolicy(args.mount, args.cluster, args.destinations);
    registerArtefact(`vault/${argocdDestinationsPolicyName(args.cluster)}.hcl`, policy);
    return new vault.Policy(name, { name: argocdDestinationsPolicyName(args.cluster), policy }, opts);
}
