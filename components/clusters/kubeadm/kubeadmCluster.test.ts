import * as pulumi from "@pulumi/pulumi";
import { loadPlatform } from "../../../config/load";
import type { ImageLibrary } from "../../hosts/imageLibrary";
import { baseConfig, makeProject, vmYaml } from "../../../tests/helpers";
import { realisticMocks } from "../../../tests/mocks";
import { KubeadmCluster } from "./kubeadmCluster";

/**
 * The component's own guard, for callers that skip the loader: whole-program validation reports a
 * DHCP load balancer against its VM file first (tests/hardwareLimits.test.ts).
 */
describe("KubeadmCluster's arguments", () => {
    it("refuse a load balancer without a static IPv4 address, before creating any child", async () => {
        const config = { ...baseConfig(), clusters: [{ name: "c1", role: "workload", distribution: "kubeadm", controlPlanes: ["vm-a"], workers: [], loadBalancer: "lb" }] };
        const registered: string[] = [];
        await pulumi.runtime.setMocks({ ...realisticMocks, newResource: (args) => (registered.push(args.type), realisticMocks.newResource(args)) }, "homelab", "test", false);
        pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`homelab:${k}`, JSON.stringify(v)])), ["homelab:proxmoxApiToken"]);
        const { config: platform, fleet } = loadPlatform(makeProject({ "vm-a.yaml": vmYaml("vm-a"), "lb.yaml": vmYaml("lb", { ipconfig0: '"ip=192.168.1.60/24"' }) }));
        const vm = (name: string) => fleet.all.find((v) => v.name === name)!;
        let thrown: unknown;
        try {
            new KubeadmCluster("c1", {
                cluster: platform.clusters[0], controlPlanes: [vm("vm-a")], workers: [],
                loadBalancer: { ...vm("lb"), ipv4: { kind: "dhcp" } }, config: platform, images: {} as ImageLibrary,
            });
        } catch (err) {
            thrown = err;
        }
        expect(pulumi.InputPropertiesError.isInstance(thrown)).toBe(true);
        expect(thrown).toMatchObject({
            message: "invalid arguments for KubeadmCluster c1",
            errors: [{ propertyPath: "loadBalancer", reason: "vms/lb.yaml: the load balancer is the control-plane endpoint, so it needs a static IPv4 address in ipconfig0" }],
        });
        // Let every registration that was started reach the mock monitor: only the component itself (super comes
        // first), no CA, token or VM.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(registered).toEqual(["homelab:cluster:KubeadmCluster"]);
    });
});
