import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ClusterConfig } from "../../../config/config";
import { versions } from "../../../versions";
import { requireValid } from "../../clusters/nodes";
import { HelmService } from "../helmService";
import { ARGO_ROLLOUTS_NAMESPACE, argoRolloutsValues } from "../services/argoRollouts/argoRollouts";

export interface DeliveryArgs {
    readonly cluster: ClusterConfig;
    readonly provider: k8s.Provider;
    /** The cluster's readiness. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    readonly nodeCidr: string;
}

/**
 * Progressive delivery on a workload cluster: the Argo Rollouts controller and its CRDs. Rollouts
 * and AnalysisTemplates come from the applications' own repositories (README: Progressive delivery).
 */
export class Delivery extends pulumi.ComponentResource {
    public readonly release?: k8s.helm.v3.Release;

    constructor(name: string, args: DeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:Delivery", name, {}, opts);
        requireValid("Delivery", name, args.cluster.role !== "workload" ? [{ propertyPath: "cluster.role", reason: `is ${args.cluster.role}: Argo Rollouts runs on workload clusters` }] : []);
        if (args.cluster.layerServices.argoRollouts) {
            this.release = new HelmService(
                `${name}-argo-rollouts`,
                {
                    cluster: args.cluster.name,
                    provider: args.provider,
                    network: { nodeCidr: args.nodeCidr },
                    releaseName: "argo-rollouts",
                    chart: versions.charts.argoRollouts,
                    namespace: ARGO_ROLLOUTS_NAMESPACE,
                    values: argoRolloutsValues(),
                    dependsOn: args.dependsOn,
                },
                { parent: this },
            ).release;
        }
        this.registerOutputs({});
    }
}
