import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { ARGO_ROLLOUTS_NAMESPACE, argoRolloutsValues } from "./argoRollouts";

describe("Argo Rollouts", () => {
    it("installs the controller with its CRDs, kept on uninstall, no dashboard, keys of argo-rollouts 2.41.0 only", () => {
        const values = argoRolloutsValues();
        expect(values).toStrictEqual({
            installCRDs: true,
            keepCRDs: true,
            controller: { replicas: 1, metrics: { enabled: true } },
            dashboard: { enabled: false },
            podSecurityContext: { runAsNonRoot: true },
            containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
        });
        expect(unknownKeys(values, chartKeys("argo-rollouts"))).toEqual([]);
    });

    it("runs restricted, reaches the API server and the analysis providers", () => {
        expect(ARGO_ROLLOUTS_NAMESPACE).toStrictEqual({
            name: "argo-rollouts",
            podSecurity: "restricted",
            metricsPorts: [8090],
            apiServer: true,
            extraEgress: [
                { name: "analysis-providers", cidrs: ["0.0.0.0/0"], ports: [443] },
                { name: "analysis-in-cluster", namespaces: ["monitoring"], ports: [] },
            ],
        });
    });
});
