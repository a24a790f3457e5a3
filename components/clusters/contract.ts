import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ClusterConfig, PlatformConfig } from "../../config/config";
import type { ReadinessOptions } from "./access/readiness";
import type { VmDefinition } from "../hosts/vmDefinition";
import type { ImageLibrary } from "../hosts/imageLibrary";
import type { ProxmoxVm } from "../hosts/proxmoxVm";

/** What every cluster component takes: its config entry, its validated VMs and where they boot from. */
export interface ClusterArgs {
    readonly cluster: ClusterConfig;
    readonly controlPlanes: readonly VmDefinition[];
    readonly workers: readonly VmDefinition[];
    /** kubeadm only: the HAProxy VM in front of the API. */
    readonly loadBalancer?: VmDefinition;
    readonly config: Pick<PlatformConfig, "stack" | "proxmox" | "networks" | "cloudImage" | "protectVms">;
    readonly images: ImageLibrary;
    /** How long and how often the readiness resource polls /readyz; default every 5 s for up to 20 minutes. */
    readonly readiness?: ReadinessOptions;
}

/**
 * The outward contract shared by the three distributions. To deploy onto a cluster, pass
 * `{ provider: cluster.provider, dependsOn: [cluster.ready] }` to every resource:
 *
 * - `provider`, always: default providers are disabled (Pulumi.yaml), so a resource without one fails
 *   instead of landing in whatever cluster the operator's KUBECONFIG points at.
 * - `dependsOn: [ready]`: the API answered /readyz. The provider itself already waits for `ready`, so
 *   this only states the order where it is read; independent releases share only this dependency and
 *   deploy in parallel.
 */
export interface ClusterAccess {
    /** Admin kubeconfig, a secret, computed from the cluster PKI alone (known in preview once the PKI exists). */
    readonly kubeconfig: pulumi.Output<string>;
    /** `https://<address>:6443` */
    readonly endpoint: string;
    /** PEM of the CA the API server's certificate chains to (what the kubeconfig trusts); not secret. */
    readonly caCertPem: pulumi.Output<string>;
    /**
     * Configured from the PKI alone, with a `clusterIdentifier` from the cluster CA: replaced only when
     * the CA is (a new cluster), never by a node replacement or the admin certificate's renewal.
     */
    readonly provider: k8s.Provider;
    /**
     * The API answered `GET /readyz` with 200 to the admin certificate (components/clusters/access/apiReadiness.ts).
     * Checked in `pulumi up` (never in preview) when created and whenever a node's VM id changes; an
     * unrelated `up` waits for nothing.
     */
    readonly ready: pulumi.Resource;
}


/** The CA the API server trusts for client certificates: it signs identities beside the admin's (Argo CD's). The key is secret. */
export interface ClientCa {
    readonly certPem: pulumi.Output<string>;
    readonly keyPem: pulumi.Output<string>;
}

/** A cluster component: the contract, plus the VMs it created by name and its client CA. */
export type ClusterComponent = pulumi.ComponentResource & ClusterAccess & { readonly nodes: Readonly<Record<string, ProxmoxVm>>; readonly clientCa: ClientCa };

/** How a distribution's component is constructed: `(name, args, opts)`. */
export type ClusterComponentClass = new (name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) => ClusterComponent;
