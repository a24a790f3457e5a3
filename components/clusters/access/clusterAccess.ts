import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ProxmoxVm } from "../../hosts/proxmoxVm";
import type { ClusterAccess, ClusterArgs } from "../contract";
import { apiServerUrl, renderKubeconfig } from "./kubeconfig";
import { DEFAULT_READINESS, waitForApiReady } from "./readiness";

/**
 * The admin kubeconfig (computed from the cluster PKI) and a Kubernetes provider that can only be
 * created once the API answers /readyz with that kubeconfig's client certificate.
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
    const waitForApi = args.waitForApi ?? waitForApiReady;
    // The VM ids resolve only once the VMs exist, so the wait starts after they are created.
    const nodeIds = pulumi.all([pulumi.all(access.nodes.map((n) => n.vmId)), pulumi.all((access.after ?? []).map((r) => r.urn))]);
    const ready = pulumi
        .all([kubeconfig, access.caCertPem, access.admin.certPem, access.admin.keyPem, nodeIds])
        .apply(async ([config, caCertPem, clientCertPem, clientKeyPem]) => {
            if (!pulumi.runtime.isDryRun()) {
                await waitForApi({ clusterName, endpoint, caCertPem, clientCertPem, clientKeyPem }, args.readiness ?? DEFAULT_READINESS);
            }
            return config;
        });
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: pulumi.secret(ready) }, { parent, dependsOn: [...access.nodes.map((n) => n.vm), ...(access.after ?? [])] });
    return { kubeconfig, endpoint, caCertPem: access.caCertPem, provider };
}
