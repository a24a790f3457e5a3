import { validateObject } from "../../../../tests/kubeModels";
import { localPathDirectory, localPathObjects } from "./localPath";

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

    it("keeps volumes under /var on Talos, whose root is read-only", () => {
        expect(localPathDirectory("talos")).toBe("/var/local-path-provisioner");
        expect(localPathDirectory("kubeadm")).toBe("/opt/local-path-provisioner");
        const config = localPathObjects("/var/local-path-provisioner")[5] as unknown as { data: Record<string, string> };
        expect(JSON.parse(config.data["config.json"])).toEqual({ nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: ["/var/local-path-provisioner"] }] });
    });
});
