import { validateObject } from "../../../../tests/kubeModels";
import { LOCAL_PATH_NAMESPACE, localPathDirectory, localPathObjects } from "./localPath";

/**
 * Upstream's manifest at the pinned tag, object for object:
 * https://github.com/rancher/local-path-provisioner/blob/v0.0.37/deploy/local-path-storage.yaml
 * (without its Namespace, which the platform declares with its own labels; plus the default-class
 * annotation, so claims without a class land on it as on K3s). `config.json` is compared parsed.
 */
function upstreamObjects(directory: string): unknown[] {
    const ns = "local-path-storage";
    const sa = "local-path-provisioner-service-account";
    const subjects = [{ kind: "ServiceAccount", name: sa, namespace: ns }];
    return [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa, namespace: ns } },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "local-path-provisioner-role", namespace: ns },
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "patch", "update", "delete"] }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "local-path-provisioner-role" },
            rules: [
                { apiGroups: [""], resources: ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"], verbs: ["get", "list", "watch"] },
                { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "watch", "create", "patch", "update", "delete"] },
                { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
                { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list", "watch"] },
            ],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "local-path-provisioner-bind", namespace: ns },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "local-path-provisioner-role" },
            subjects,
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "local-path-provisioner-bind" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "local-path-provisioner-role" },
            subjects,
        },
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "local-path-config", namespace: ns },
            data: {
                "config.json": { nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: [directory] }] },
                setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"',
                teardown: '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"',
                "helperPod.yaml":
                    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper-pod\nspec:\n  priorityClassName: system-node-critical\n  tolerations:\n" +
                    "    - key: node.kubernetes.io/disk-pressure\n      operator: Exists\n      effect: NoSchedule\n  containers:\n" +
                    "  - name: helper-pod\n    image: docker.io/library/busybox\n    imagePullPolicy: IfNotPresent",
            },
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "local-path-provisioner", namespace: ns },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "local-path-provisioner" } },
                template: {
                    metadata: { labels: { app: "local-path-provisioner" } },
                    spec: {
                        serviceAccountName: sa,
                        containers: [
                            {
                                name: "local-path-provisioner",
                                image: "docker.io/rancher/local-path-provisioner:v0.0.37",
                                imagePullPolicy: "IfNotPresent",
                                command: ["local-path-provisioner", "--debug", "start", "--config", "/etc/config/config.json"],
                                ports: [{ name: "health", containerPort: 8080, protocol: "TCP" }],
                                startupProbe: { httpGet: { path: "/health", port: "health" }, initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 12 },
                                livenessProbe: { httpGet: { path: "/health", port: "health" }, initialDelaySeconds: 10, periodSeconds: 10 },
                                readinessProbe: { httpGet: { path: "/ready", port: "health" }, initialDelaySeconds: 5, periodSeconds: 5 },
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
            metadata: { name: "local-path", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "rancher.io/local-path",
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: "Delete",
        },
    ];
}

/** The objects with the ConfigMap's config.json parsed, so its JSON layout does not matter. */
function withParsedConfig(objects: readonly { kind: string; data?: unknown }[]): unknown[] {
    return objects.map((o) => (o.kind === "ConfigMap" ? { ...o, data: { ...(o.data as Record<string, string>), "config.json": JSON.parse((o.data as Record<string, string>)["config.json"]) } } : o));
}

describe("local-path-provisioner", () => {
    it("declares upstream's manifest objects at the pinned tag, each valid", () => {
        const objects = localPathObjects("/opt/local-path-provisioner");
        expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
            "ServiceAccount/local-path-provisioner-service-account",
            "Role/local-path-provisioner-role",
            "ClusterRole/local-path-provisioner-role",
            "RoleBinding/local-path-provisioner-bind",
            "ClusterRoleBinding/local-path-provisioner-bind",
            "ConfigMap/local-path-config",
            "Deployment/local-path-provisioner",
            "StorageClass/local-path",
        ]);
        // Each validated by its own API schema (validateObject names the schema it used).
        expect(objects.map(validateObject)).toEqual([
            "v1/ServiceAccount",
            "rbac.authorization.k8s.io/v1/Role",
            "rbac.authorization.k8s.io/v1/ClusterRole",
            "rbac.authorization.k8s.io/v1/RoleBinding",
            "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
            "v1/ConfigMap",
            "apps/v1/Deployment",
            "storage.k8s.io/v1/StorageClass",
        ]);
        const deployment = objects[6] as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } };
        expect(deployment.spec.template.spec.containers[0].image).toBe("docker.io/rancher/local-path-provisioner:v0.0.37");
    });

    it("is upstream's manifest exactly, for the node directory given", () => {
        for (const directory of ["/opt/local-path-provisioner", "/var/local-path-provisioner"]) {
            expect(withParsedConfig(localPathObjects(directory))).toStrictEqual(upstreamObjects(directory));
        }
        // config.json as the provisioner reads it: indented JSON.
        const config = localPathObjects("/opt/x")[5] as unknown as { data: Record<string, string> };
        expect(config.data["config.json"]).toBe('{\n  "nodePathMap": [\n    {\n      "node": "DEFAULT_PATH_FOR_NON_LISTED_NODES",\n      "paths": [\n        "/opt/x"\n      ]\n    }\n  ]\n}');
    });

    it("runs in a privileged namespace, as its helper pods mount host paths, with the API server reachable", () => {
        expect(LOCAL_PATH_NAMESPACE).toStrictEqual({
            name: "local-path-storage",
            podSecurity: "privileged",
            podSecurityReason: "the provisioner's helper pods mount the node's volume directory (hostPath)",
            apiServer: true,
        });
    });

    it("keeps volumes under /var on Talos, whose root is read-only", () => {
        expect(localPathDirectory("talos")).toBe("/var/local-path-provisioner");
        expect(localPathDirectory("kubeadm")).toBe("/opt/local-path-provisioner");
        expect(localPathDirectory("k3s")).toBe("/opt/local-path-provisioner");
        const config = localPathObjects("/var/local-path-provisioner")[5] as unknown as { data: Record<string, string> };
        expect(JSON.parse(config.data["config.json"])).toEqual({ nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: ["/var/local-path-provisioner"] }] });
    });
});
