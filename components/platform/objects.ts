import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as yaml from "js-yaml";
import { REDACTED, registerArtefact } from "../core/artefacts";

/**
 * Kubernetes objects the platform declares directly (namespaces, policies, issuers, pools, gateways,
 * schedules), built by pure functions as plain manifests, so tests validate them against their API
 * schemas and the offline render writes each to out/<stack>/k8s/<cluster>/.
 */
export interface KubeObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
    readonly [field: string]: unknown;
}

/** Where the render writes an object: by namespace, `cluster/` for cluster-scoped ones. */
export function objectPath(cluster: string, object: Pick<KubeObject, "kind" | "metadata">): string {
    return `k8s/${cluster}/${object.metadata.namespace ?? "cluster"}/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/** An object as the render writes it: YAML, long lines kept whole, keys in the object's order. */
export function dumpObject(object: unknown): string {
    return yaml.dump(object, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** Declares `object` on the cluster: the typed SDK class for built-in kinds, a CustomResource otherwise. */
export function declareObject(cluster: string, name: string, object: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    registerArtefact(objectPath(cluster, object), () => dumpObject(object));
    const { apiVersion, kind, metadata, ...rest } = object;
    switch (`${apiVersion}/${kind}`) {
        case "v1/Namespace":
            return new k8s.core.v1.Namespace(name, { metadata }, opts);
        case "networking.k8s.io/v1/NetworkPolicy":
            return new k8s.networking.v1.NetworkPolicy(name, { metadata, spec: rest.spec as k8s.types.input.networking.v1.NetworkPolicySpec }, opts);
        case "v1/ServiceAccount":
            return new k8s.core.v1.ServiceAccount(name, { metadata }, opts);
        case "v1/ConfigMap":
            return new k8s.core.v1.ConfigMap(name, { metadata, data: rest.data as Record<string, string> }, opts);
        case "rbac.authorization.k8s.io/v1/Role":
            return new k8s.rbac.v1.Role(name, { metadata, rules: rest.rules as k8s.types.input.rbac.v1.PolicyRule[] }, opts);
        case "rbac.authorization.k8s.io/v1/ClusterRole":
            return new k8s.rbac.v1.ClusterRole(name, { metadata, rules: rest.rules as k8s.types.input.rbac.v1.PolicyRule[] }, opts);
        case "rbac.authorization.k8s.io/v1/RoleBinding":
            return new k8s.rbac.v1.RoleBinding(name, { metadata, roleRef: rest.roleRef as k8s.types.input.rbac.v1.RoleRef, subjects: rest.subjects as k8s.types.input.rbac.v1.Subject[] }, opts);
        case "rbac.authorization.k8s.io/v1/ClusterRoleBinding":
            return new k8s.rbac.v1.ClusterRoleBinding(name, { metadata, roleRef: rest.roleRef as k8s.types.input.rbac.v1.RoleRef, subjects: rest.subjects as k8s.types.input.rbac.v1.Subject[] }, opts);
        case "apps/v1/Deployment":
            return new k8s.apps.v1.Deployment(name, { metadata, spec: rest.spec as k8s.types.input.apps.v1.DeploymentSpec }, opts);
        case "batch/v1/CronJob":
            return new k8s.batch.v1.CronJob(name, { metadata, spec: rest.spec as k8s.types.input.batch.v1.CronJobSpec }, opts);
        case "storage.k8s.io/v1/StorageClass":
            return new k8s.storage.v1.StorageClass(
                name,
                { metadata, provisioner: rest.provisioner as string, volumeBindingMode: rest.volumeBindingMode as string, reclaimPolicy: rest.reclaimPolicy as string },
                opts,
            );
        default:
            return new k8s.apiextensions.CustomResource(name, { apiVersion, kind, metadata, ...rest }, opts);
    }
}

/**
 * An Opaque Secret whose values stay secret in state; the render writes it with every value
 * replaced by REDACTED.
 */
export function declareSecret(
    cluster: string,
    name: string,
    secret: { readonly name: string; readonly namespace: string; readonly stringData: Readonly<Record<string, pulumi.Input<string>>> },
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    const metadata = { name: secret.name, namespace: secret.namespace };
    const masked = Object.fromEntries(Object.keys(secret.stringData).map((k) => [k, REDACTED]));
    registerArtefact(objectPath(cluster, { kind: "Secret", metadata }), () => dumpObject({ apiVersion: "v1", kind: "Secret", metadata, type: "Opaque", stringData: masked }));
    const stringData = pulumi.secret(pulumi.output(secret.stringData as Record<string, pulumi.Input<string>>));
    return new k8s.core.v1.Secret(name, { metadata, type: "Opaque", stringData }, opts);
}
