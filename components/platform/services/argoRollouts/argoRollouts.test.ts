import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { ARGO_ROLLOUTS_NAMESPACE, argoRolloutsValues } from "./argoRollouts";

describe("Argo Rollouts", () => {
    it("installs the controller with its CRDs, kept on uninstall, no dashboard, keys of argo-rollouts 2.41.0 only", () => {
        const values = argoRolloutsValues();
        expect(values).toMatchObject({ installCRDs: true, keepCRDs: true, controller: { replicas: 1, metrics: { enabled: true } }, dashboard: { enabled: false } });
        expect(unknownKeys(values, chartKeys("argo-rollouts"))).toEqual([]);
    });

    it("runs restricted, reaches the API server and the analysis providers", () => {
        expect(ARGO_ROLLOUTS_NAMESPACE).toMatchObject({ name: "argo-rollouts", podSecurity: "restricted", apiServer: true, metricsPorts: [8090] });
    });
});
