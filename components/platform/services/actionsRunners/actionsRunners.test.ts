import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { validateObject } from "../../../../tests/kubeModels";
import { namespaceObject } from "../../namespaceSpec";
import { ARC_CONTROLLER_NAMESPACE, ARC_CONTROLLER_SERVICE_ACCOUNT, controllerValues, GITHUB_APP_SECRET, githubAppSecretData, runnerNamespace, scaleSetValues } from "./actionsRunners";

const args = { githubConfigUrl: "https://github.com/my-org", runnerScaleSetName: "homelab", minRunners: 1, maxRunners: 4, containerMode: "dind" as const };

describe("GitHub Actions runners", () => {
    it("names the controller's service account, and the scale set names the same one in the controller's namespace", () => {
        const controller = controllerValues() as { serviceAccount: { create: boolean; name: string } };
        const scaleSet = scaleSetValues(args) as { controllerServiceAccount: { namespace: string; name: string } };
        expect(controller).toStrictEqual({ serviceAccount: { create: true, name: "arc-controller" }, flags: { logLevel: "info" } });
        expect(scaleSet.controllerServiceAccount).toEqual({ namespace: ARC_CONTROLLER_NAMESPACE.name, name: controller.serviceAccount.name });
        expect([ARC_CONTROLLER_NAMESPACE.name, ARC_CONTROLLER_SERVICE_ACCOUNT]).toEqual(["arc-systems", "arc-controller"]);
    });

    it("registers the scale set at the configured URL with the GitHub App Secret by name, and the runner bounds", () => {
        expect(scaleSetValues(args)).toStrictEqual({
            githubConfigUrl: "https://github.com/my-org",
            githubConfigSecret: "github-app",
            runnerScaleSetName: "homelab",
            minRunners: 1,
            maxRunners: 4,
            containerMode: { type: "dind" },
            controllerServiceAccount: { namespace: "arc-systems", name: "arc-controller" },
        });
        expect((scaleSetValues({ ...args, containerMode: "kubernetes" }) as { containerMode: unknown }).containerMode).toStrictEqual({
            type: "kubernetes",
            kubernetesModeWorkVolumeClaim: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        });
    });

    it("sets only keys the pinned charts have or their templates read", () => {
        expect(unknownKeys(controllerValues(), chartKeys("gha-runner-scale-set-controller"))).toEqual([]);
        expect(unknownKeys(scaleSetValues(args), chartKeys("gha-runner-scale-set"))).toEqual([]);
        expect(unknownKeys(scaleSetValues({ ...args, containerMode: "kubernetes" }), chartKeys("gha-runner-scale-set"))).toEqual([]);
        // The check does fail on a key the chart lacks.
        expect(unknownKeys({ ...scaleSetValues(args), githubConfigURL: "x" }, chartKeys("gha-runner-scale-set"))).toEqual(["githubConfigURL"]);
        // The keys only documented in comments say so, with the template that reads them.
        expect(Object.keys(chartKeys("gha-runner-scale-set").extraKeys ?? {}).sort()).toEqual(["containerMode", "controllerServiceAccount", "githubConfigSecret", "maxRunners", "minRunners", "runnerScaleSetName"]);
    });

    it("keeps the App credentials under the keys the chart reads from a pre-defined Secret", () => {
        expect(githubAppSecretData("1", "2", "pem")).toStrictEqual({ github_app_id: "1", github_app_installation_id: "2", github_app_private_key: "pem" });
        expect(GITHUB_APP_SECRET).toBe("github-app");
    });

    it("runs dind runners in a privileged namespace and Kubernetes-mode runners in a baseline one with the API server", () => {
        expect(runnerNamespace("dind")).toStrictEqual({
            name: "arc-runners",
            podSecurity: "privileged",
            podSecurityReason: "containerMode dind runs a privileged docker:dind sidecar in every runner pod",
            apiServer: false,
            extraEgress: [{ name: "internet", cidrs: ["0.0.0.0/0"], ports: [] }],
        });
        expect(runnerNamespace("kubernetes")).toStrictEqual({
            name: "arc-runners",
            podSecurity: "baseline",
            podSecurityReason: "containerMode kubernetes runs each job's own container images, whose users and capabilities this program does not know",
            apiServer: true,
            extraEgress: [{ name: "internet", cidrs: ["0.0.0.0/0"], ports: [] }],
        });
        expect(validateObject(namespaceObject(runnerNamespace("dind")))).toBe("v1/Namespace");
    });
});
