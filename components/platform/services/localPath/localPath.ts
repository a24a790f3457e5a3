import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";
import { versions } from "../../../../versions";

/**
 * local-path-provisioner for kubeadm and Talos clusters (K3s ships it). It has no Helm repository,
 * so the program declares the objects of its manifest at the pinned tag itself:
 * https://github.com/rancher/local-path-provisioner/blob/v0.0.37/deploy/local-path-storage.yaml
 * (same objects and names; the namespace gets the platform's labels and policies).
 */
export const LOCAL_PATH_NAMESPACE: NamespaceSpec = {
    name: "local-path-storage",
    podSecurity: "privileged",
    // The provisioner starts helper pods in its own namespace that mount the node's directory as a
    // hostPath volume to create and delete volume folders; baseline and restricted forbid hostPath.
    podSecurityReason: "the provisioner's helper pods mount the node's volume directory (hostPath)",
    apiServer: true,
};

/** Where volumes live on the node: Talos's root is read-only, only /var is writable. */
export function localPathDirectory(distribution: string): string {
    return distribution === "talos" ? "/var/local-path-provisioner" : "/opt/local-path-provisioner";
}

const NS = LOCAL_PATH_NAMESPACE.name;
const SA = "local-path-provisioner-service-account";
const ROLE = "local-path-provisioner-role";
const BINDING = "local-path-provisioner-bind";

export function localPathObjects(directory: string): KubeObject[] {
    const config = JSON.stringify({ nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: [directory] }] }, null, 2);
    const subjects = [{ kind: "ServiceAccount", name: SA, namespace: NS }];
    const health = (path: string) => ({ httpGet: { path, port: "health" } });
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: SA, namespace: NS } },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: ROLE, namespace: NS }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "patch", "update", "delete"] }] },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: ROLE },
            rules: [
                { apiGroups: [""], resources: ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "watch", "create", "patch", "update", "delete"] },
                { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
                { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list", "watch"] },
            ],
        },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: BINDING, namespace: NS }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: ROLE }, subjects },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: BINDING }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ROLE }, subjects },
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "local-path-config", namespace: NS },
            data: {
                "config.json": config,
                setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"',
                teardown: '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"',
                // As upstream ships it (the helper image is upstream's choice, untagged there too).
                "helperPod.yaml": [
                    "apiVersion: v1",
                    "kind: Pod",
                    "metadata:",
                    "  name: helper-pod",
                    "spec:",
                    "  priorityClassName: system-node-critical",
                    "  tolerations:",
                    "    - key: node.kubernetes.io/disk-pressure",
                    "      operator: Exists",
                    "      effect: NoSchedule",
                    "  containers:",
                    "  - name: helper-pod",
                    "    image: docker.io/library/busybox",
                    "    imagePullPolicy: IfNotPresent",
                ].join("\n"),
            },
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "local-path-provisioner", namespace: NS },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "local-path-provisioner" } },
                template: {
                    metadata: { labels: { app: "local-path-provisioner" } },
                    spec: {
                        serviceAccountName: SA,
                        containers: [
                            {
                                name: "local-path-provisioner",
                                image: `docker.io/rancher/local-path-provisioner:${versions.localPathProvisioner}`,
                                imagePullPolicy: "IfNotPresent",
                                command: ["local-path-provisioner", "--debug", "start", "--config", "/etc/config/config.json"],
                                ports: [{ name: "health", containerPort: 8080, protocol: "TCP" }],
                                startupProbe: { ...health("/health"), initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 12 },
                                livenessProbe: { ...health("/health"), initialDelaySeconds: 10, periodSeconds: 10 },
                                readinessProbe: { ...health("/ready"), initialDelaySeconds: 5, periodSeconds: 5 },
                                volumeMounts: [{ name: "config-volume", mountPath: "/etc/config/" }],
                                env: [
                                    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                                    { name: "CONFIG_MOUNT_PATH", value: "/etc/config/" },
                                    { name: "HEALTH_PORT", value: "8080" },
                                ],
                            },
                        ],
                        volumes: [{ name: "config-volume", configMap: { name: "local-path-config" } }],
                    },
                },
            },
        },
        {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            // The default class, as K3s makes its own: claims without a class land here.
            metadata: { name: "local-path", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "rancher.io/local-path",
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: "Delete",
        },
    ];
}
