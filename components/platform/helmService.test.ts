import * as k8s from "@pulumi/kubernetes";
import { runProgram } from "../../render/harness";
import { chartSource, HelmService } from "./helmService";

describe("the Helm service base", () => {
    it("names a classic repository's chart by name, with the repository in repositoryOpts", () => {
        expect(chartSource({ repo: "https://helm.goharbor.io", chart: "harbor", version: "1.19.1" })).toEqual({ chart: "harbor", repositoryOpts: { repo: "https://helm.goharbor.io" } });
    });

    it("names an OCI chart by its full reference, without repositoryOpts (the provider ignores the repository for oci:// names)", () => {
        const pin = { repo: "oci://ghcr.io/actions/actions-runner-controller-charts", chart: "gha-runner-scale-set", version: "0.14.2" };
        expect(chartSource(pin)).toEqual({ chart: "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set" });
        expect(chartSource({ ...pin, repo: `${pin.repo}/` })).toEqual({ chart: "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set" });
    });

    it("installs an OCI chart as one Release with the pinned version and no repositoryOpts", async () => {
        const run = await runProgram({
            stack: "test",
            config: {},
            secretKeys: [],
            preview: false,
            prepare: () => async () => {
                const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
                new HelmService("lab-arc", {
                    cluster: "lab",
                    provider,
                    releaseName: "arc",
                    chart: { repo: "oci://ghcr.io/actions/actions-runner-controller-charts", chart: "gha-runner-scale-set-controller", version: "0.14.2" },
                    values: { flags: { logLevel: "info" } },
                    namespace: { name: "arc-systems", podSecurity: "restricted" },
                    network: { nodeCidr: "192.168.1.0/24" },
                });
                return {};
            },
        });
        expect(run.error).toBeUndefined();
        const releases = run.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
        expect(releases.map((r) => r.rawInputs)).toEqual([
            {
                name: "arc",
                namespace: "arc-systems",
                chart: "oci://ghcr.io/actions/actions-runner-controller-charts/gha-runner-scale-set-controller",
                version: "0.14.2",
                values: { flags: { logLevel: "info" } },
                atomic: true,
                timeout: 900,
                // Set by the SDK's Release class itself.
                compat: "true",
            },
        ]);
        expect(run.artefacts.find((a) => a.path === "helm/lab/arc.values.yaml")!.content).toBe(
            "# gha-runner-scale-set-controller 0.14.2 from oci://ghcr.io/actions/actions-runner-controller-charts, namespace arc-systems\nflags:\n  logLevel: info\n",
        );
    });
});
