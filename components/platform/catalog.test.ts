import { BASE_SERVICES, enabledServices, resolveServices, ROLE_LAYERS, TOOLS_SERVICES, toolsServices } from "./catalog";

describe("the service catalog", () => {
    it("gives every cluster the base, Longhorn only on request", () => {
        expect(enabledServices(resolveServices("talos", {}))).toEqual(["metallb", "certManager", "istio", "externalDns", "metricsServer", "localPathProvisioner", "velero"]);
        expect(enabledServices(resolveServices("kubeadm", { longhorn: true, velero: false }))).toEqual(["metallb", "certManager", "istio", "externalDns", "metricsServer", "localPathProvisioner", "longhorn"]);
    });

    it("leaves out what K3s ships built in, even when asked for", () => {
        expect(enabledServices(resolveServices("k3s", {}))).toEqual(["metallb", "certManager", "istio", "externalDns", "velero"]);
        expect(resolveServices("k3s", { localPathProvisioner: true, metricsServer: true })).toStrictEqual({
            metallb: true,
            certManager: true,
            istio: true,
            externalDns: true,
            metricsServer: false,
            localPathProvisioner: false,
            longhorn: false,
            velero: true,
            externalSecrets: false,
        });
    });

    it("turns external-secrets on by default where the stack has Vault, and lets a cluster switch it off", () => {
        expect(resolveServices("talos", {}, { vault: true }).externalSecrets).toBe(true);
        expect(resolveServices("talos", {}, { vault: false }).externalSecrets).toBe(false);
        expect(resolveServices("k3s", { externalSecrets: false }, { vault: true }).externalSecrets).toBe(false);
        expect(enabledServices(resolveServices("k3s", {}, { vault: true }))).toEqual(["metallb", "certManager", "istio", "externalDns", "velero", "externalSecrets"]);
    });

    it("has a layer for every role, and names every base service once", () => {
        expect(ROLE_LAYERS).toStrictEqual({ tools: ["argocd", "actionsRunners", "harbor", "objectStorage", "cloudnativePg"], observability: [], workload: [] });
        expect(BASE_SERVICES).toStrictEqual(["metallb", "certManager", "istio", "externalDns", "metricsServer", "localPathProvisioner", "longhorn", "velero", "externalSecrets"]);
    });

    it("offers the tools services on tools clusters only, each off until switched on", () => {
        expect(ROLE_LAYERS.tools).toEqual(["argocd", "actionsRunners", "harbor", "objectStorage", "cloudnativePg"]);
        expect(toolsServices("tools", {})).toEqual([]);
        expect(toolsServices("tools", { harbor: true, cloudnativePg: true, objectStorage: false })).toEqual(["harbor", "cloudnativePg"]);
        expect(toolsServices("workload", { harbor: true })).toEqual([]);
        expect(TOOLS_SERVICES.filter((s) => (BASE_SERVICES as readonly string[]).includes(s))).toEqual([]);
    });
});
