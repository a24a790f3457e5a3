import type { ClusterConfig } from "../../config/config";
import type { ClusterComponentClass } from "./contract";
import { K3sCluster } from "./k3s/k3sCluster";
import { KubeadmCluster } from "./kubeadm/kubeadmCluster";
import { TalosCluster } from "./talos/talosCluster";

/** The distribution registry: which component builds a cluster of each `distribution`. */
export const CLUSTER_COMPONENTS: Record<ClusterConfig["distribution"], ClusterComponentClass> = {
    k3s: K3sCluster,
    kubeadm: KubeadmCluster,
    talos: TalosCluster,
};
