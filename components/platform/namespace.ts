import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { declareObject } from "./objects";
import { requireValid } from "../clusters/nodes";
import { ClusterNetwork, NamespaceSpec, namespaceObject, namespacePolicies } from "./namespaceSpec";

/** The spec, its policies and the constants live in namespaceSpec.ts (pure); re-exported for the components. */
export * from "./namespaceSpec";

export interface PlatformNamespaceArgs {
    readonly cluster: string;
    readonly spec: NamespaceSpec;
    readonly network: ClusterNetwork;
    readonly provider: k8s.Provider;
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class PlatformNamespace extends pulumi.ComponentResource {
    public readonly name: string;
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly policies: pulumi.Resource[];

    constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:PlatformNamespace", name, {}, opts);
        requireValid("PlatformNamespace", name, args.spec.podSecurity !== "restricted" && !args.spec.podSecurityReason
            ? [{ propertyPath: "spec.podSecurityReason", reason: `namespace ${args.spec.name} is ${args.spec.podSecurity}: say which workload needs it` }]
            : []);
        const childOpts = { parent: this, provider: args.provider, dependsOn: args.dependsOn };
        this.name = args.spec.name;
        this.namespace = declareObject(args.cluster, `${name}-namespace`, namespaceObject(args.spec), childOpts) as k8s.core.v1.Namespace;
        // Policies go in after the namespace exists.
        this.policies = namespacePolicies(args.spec, args.network).map((p) =>
            declareObject(args.cluster, `${name}-${p.metadata.name}`, p, { ...childOpts, dependsOn: [this.namespace] }),
        );
        this.registerOutputs({ name: this.name });
    }
}
