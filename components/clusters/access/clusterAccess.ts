import { X509Certificate } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ProxmoxVm } from "../../hosts/proxmoxVm";
import type { ClusterAccess, ClusterArgs } from "../contract";
import { ApiReadiness } from "./apiReadiness";
import { apiServerUrl, renderKubeconfig } from "./kubeconfig";

/**
 * The provider's `clusterIdentifier`: the stack, the cluster and its CA's fingerprint. pulumi-kubernetes
 * replaces a provider only when this changes ("all other changes to provider configuration will be
 * treated as updates", node_modules/@pulumi/kubernetes/provider.d.ts), so a renewed admin certificate,
 * unknown during its preview, previews as the update it is, while a new CA (a new, empty cluster)
 * replaces the provider and everything on it.
 */
export function clusterIdentifier(stack: string, clusterName: string, caCertPem: string): string {
    const fingerprint = new X509Certificate(caCertPem).fingerprint256.replace(/:/g, "").toLowerCase();
    return `homelab/${stack}/${clusterName}/${fingerprint.slice(0, 16)}`;
}

/**
 * The admin kubeconfig (computed from the cluster PKI), the readiness resource, and a Kubernetes
 * provider configured from the PKI alone. The kubeconfig waits on nothing but the CA and the admin
 * certificate, which keep their values across `up`s, so a preview that replaces a node still knows it.
 */
export function clusterAccess(
    parent: pulumi.ComponentResource,
    name: string,
    args: ClusterArgs,
    access: {
        readonly address: string;
        readonly caCertPem: pulumi.Output<string>;
        readonly admin: { readonly certPem: pulumi.Output<string>; readonly keyPem: pulumi.Output<string> };
        readonly nodes: readonly ProxmoxVm[];
        /** Steps that must finish before the API can be ready (Talos's bootstrap call). */
        readonly after?: readonly pulumi.CustomResource[];
    },
): ClusterAccess {
    const endpoint = apiServerUrl(access.address);
    const clusterName = args.cluster.name;
    const kubeconfig = pulumi.secret(
        pulumi.all([access.caCertPem, access.admin.certPem, access.admin.keyPem]).apply(([caCertPem, clientCertPem, clientKeyPem]) =>
            renderKubeconfig({ clusterName, server: endpoint, caCertPem, clientCertPem, clientKeyPem }),
        ),
    );
    // Re-checked when a node is replaced (its id changes), not on every `up`.
    const ready = new ApiReadiness(
        `${name}-ready`,
        {
            clusterName,
            endpoint,
            caCertPem: access.caCertPem,
            clientCertPem: access.admin.certPem,
            clientKeyPem: access.admin.keyPem,
            nodeIds: access.nodes.map((n) => n.vm.id),
            options: args.readiness,
        },
        { parent, dependsOn: [...access.nodes.map((n) => n.vm), ...(access.after ?? [])] },
    );
    // The provider also waits for readiness, so a resource that forgets `dependsOn: ready` still cannot
    // reach the cluster before its API answers.
    const provider = new k8s.Provider(
        `${name}-k8s`,
        { kubeconfig, clusterIdentifier: access.caCertPem.apply((pem) => clusterIdentifier(args.config.stack, clusterName, pem)) },
        { parent, dependsOn: [ready] },
    );
    return { kubeconfig, endpoint, caCertPem: access.caCertPem, provider, ready };
}
