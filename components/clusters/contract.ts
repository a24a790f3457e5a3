import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ClusterConfig, PlatformConfig } from "../../config/config";
import type { ReadinessOptions, WaitForApi } from "./access/readiness";
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
    /** How to wait for the API; defaults to polling /readyz. Never called during preview. */
    readonly waitForApi?: WaitForApi;
    readonly readiness?: ReadinessOptions;
}

/** The outward contract shared by the three distributions. */
export interface ClusterAccess {
    /** Admin kubeconfig, a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** `https://<address>:6443` */
    readonly endpoint: string;
    /** PEM of the CA the API server's certificate chains to (what the kubeconfig trusts); not secret. */
    readonly caCertPem: pulumi.Output<string>;
    /** Usable only once the API answers /readyz. */
    readonly provider: k8s.Provider;
}


/** A cluster component: the contract, plus the VMs it created by name. */
export type ClusterComponent = pulumi.ComponentResource & ClusterAccess & { readonly nodes: Readonly<Record<string, ProxmoxVm>> };

/** How a distribution's component is constructed: `(name, args, opts)`. */
export type ClusterComponentClass = new (name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) => ClusterComponent;
