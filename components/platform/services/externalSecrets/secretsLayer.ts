import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { versions } from "../../../../versions";
import type { Distribution } from "../../../../versions";
import { registerArtefact } from "../../../core/artefacts";
import { HelmService } from "../../helmService";
import { ClusterNetwork } from "../../namespace";
import { declareObject, dumpObject, KubeObject, objectPath } from "../../objects";
import { requireValid } from "../../../clusters/nodes";
import {
    clusterSecretsDelivery,
    clusterSecretStore,
    EXTERNAL_SECRETS_NAMESPACE,
    EXTERNAL_SECRETS_RELEASE,
    externalSecretsValues,
    loginAudiences,
} from "./externalSecrets";

/** Vault as this cluster reaches it. Inputs: on dev and prod they come from the tools stack's outputs. */
export interface VaultSource {
    readonly server: pulumi.Input<string>;
    readonly mount: pulumi.Input<string>;
    readonly caPem: pulumi.Input<string>;
    /** How the render shows each, as plain text (an artefact never waits on a provider or another stack). */
    readonly display: { readonly server: string; readonly mount: string; readonly caPem?: string };
}

export interface SecretsLayerArgs {
    readonly stack: string;
    readonly cluster: string;
    readonly distribution: Distribution;
    /** The cluster's API endpoint (`https://<address>:6443`): Talos's API server audience. */
    readonly endpoint: string;
    readonly provider: k8s.Provider;
    readonly network: ClusterNetwork;
    /** The cluster's readiness. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
    readonly vault: VaultSource;
}

/**
 * The secrets layer of one cluster (DESIGN.md §1): external-secrets, the ClusterSecretStore `vault`
 * logging in with the cluster's Kubernetes auth role, and the ClusterExternalSecret that delivers
 * `cluster-secrets` to every namespace labelled `cluster-secrets=true`. Both custom resources wait
 * for the release, which brings their CRDs.
 */
export class SecretsLayer extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    public readonly store: pulumi.CustomResource;
    public readonly delivery: pulumi.CustomResource;

    constructor(name: string, args: SecretsLayerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:SecretsLayer", name, {}, opts);
        requireValid("SecretsLayer", name, /^https:\/\/[^/\s]+$/.test(args.endpoint) ? [] : [{ propertyPath: "endpoint", reason: `${JSON.stringify(args.endpoint)} is not an https:// API endpoint` }]);
        const onCluster = { parent: this, provider: args.provider };
        const eso = new HelmService(
            `${name}-external-secrets`,
            {
                cluster: args.cluster,
                provider: args.provider,
                network: args.network,
                releaseName: EXTERNAL_SECRETS_RELEASE,
                chart: versions.charts.externalSecrets,
                namespace: EXTERNAL_SECRETS_NAMESPACE,
                values: externalSecretsValues(),
                dependsOn: args.dependsOn,
            },
            { parent: this },
        );
        this.release = eso.release;
        const audiences = loginAudiences(args.distribution, args.endpoint);

        // The store's address, mount and CA may come from another stack: the object is built once they
        // resolve, and the render shows it with their plain-text stand-ins.
        const storeOf = (server: string, mount: string, caPem: string) => clusterSecretStore({ cluster: args.cluster, server, mount, caPem, audiences });
        const shown = storeOf(args.vault.display.server, args.vault.display.mount, "");
        if (args.vault.display.caPem) {
            (shown.spec as { provider: { vault: Record<string, unknown> } }).provider.vault.caBundle = `<base64 of ${args.vault.display.caPem}>`;
        }
        registerArtefact(objectPath(args.cluster, shown), () => dumpObject(shown));
        const spec = pulumi.all([args.vault.server, args.vault.mount, args.vault.caPem]).apply(([server, mount, caPem]) => storeOf(server, mount, caPem).spec);
        this.store = new k8s.apiextensions.CustomResource(
            `${name}-store`,
            { apiVersion: shown.apiVersion, kind: shown.kind, metadata: shown.metadata, spec } as k8s.apiextensions.CustomResourceArgs,
            { ...onCluster, dependsOn: [eso.release] },
        );
        const delivery: KubeObject = clusterSecretsDelivery(args.stack, args.cluster);
        this.delivery = declareObject(args.cluster, `${name}-cluster-secrets`, delivery, { ...onCluster, dependsOn: [eso.release, this.store] });
        this.registerOutputs({});
    }
}
