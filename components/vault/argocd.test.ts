import { argocdAdminSecretName, argocdConnectionSecretName, argocdDestinationsPolicy, argocdDestinationsPolicyName } from "./argocd";
import { externalSecretsPolicy, stackVaultPolicy } from "./paths";

/** The capabilities an HCL policy grants on `path`, by Vault's rules: an exact path beats a glob (a `*` suffix), longer globs beat shorter. */
function capabilities(policy: string, path: string): string[] {
    const rules = [...policy.matchAll(/path "([^"]+)" \{\s*capabilities = \[([^\]]*)\]\s*\}/g)].map((m) => ({ path: m[1], caps: [...m[2].matchAll(/"(\w+)"/g)].map((c) => c[1]) }));
    const exact = rules.find((r) => r.path === path);
    if (exact) {
        return exact.caps;
    }
    const globs = rules.filter((r) => r.path.endsWith("*") && path.startsWith(r.path.slice(0, -1))).sort((a, b) => b.path.length - a.path.length);
    return globs[0]?.caps ?? [];
}

describe("Argo CD's Vault paths", () => {
    it("sit in the owning stack's cluster folder", () => {
        expect(argocdConnectionSecretName("dev", "dev")).toBe("dev/dev/argocd");
        expect(argocdAdminSecretName("tools", "tools")).toBe("tools/tools/argocd-admin");
    });

    it("lets the Argo CD cluster's external-secrets read exactly the listed connections", () => {
        const policy = argocdDestinationsPolicy("homelab", "tools", [
            { stack: "dev", cluster: "dev" },
            { stack: "prod", cluster: "prod" },
        ]);
        expect(argocdDestinationsPolicyName("tools")).toBe("argocd-destinations-tools");
        expect(policy).toBe(`# external-secrets on the tools cluster: read the Argo CD connection of each destination cluster, nothing else.
# Added to that cluster's external-secrets role next to its own policy (external-secrets-tools).

path "homelab/data/dev/dev/argocd" {
  capabilities = ["read"]
}

path "homelab/data/prod/prod/argocd" {
  capabilities = ["read"]
}
`);
        expect(capabilities(policy, "homelab/data/dev/dev/argocd")).toEqual(["read"]);
        expect(capabilities(policy, "homelab/data/dev/dev/kubeconfig")).toEqual([]);
        expect(capabilities(policy, "homelab/data/dev/dev/argocd-admin")).toEqual([]);
    });

    it("lets a workload stack's token write its connection, which its own cluster's external-secrets cannot read", () => {
        expect(capabilities(stackVaultPolicy("homelab", "dev", ["dev"]), "homelab/data/dev/dev/argocd")).toEqual(["create", "update", "read"]);
        expect(capabilities(stackVaultPolicy("homelab", "dev", ["dev"]), "homelab/data/prod/prod/argocd")).toEqual([]);
        const eso = externalSecretsPolicy("homelab", "dev", "dev");
        expect(capabilities(eso, "homelab/data/dev/dev/argocd")).toEqual(["deny"]);
        expect(capabilities(eso, "homelab/data/dev/dev/kubeconfig")).toEqual(["deny"]);
        expect(capabilities(eso, "homelab/data/dev/dev/app-secrets")).toEqual(["read"]);
    });

    it("keeps the tools cluster's external-secrets away from the Argo CD admin password", () => {
        expect(capabilities(externalSecretsPolicy("homelab", "tools", "tools"), "homelab/data/tools/tools/argocd-admin")).toEqual(["deny"]);
    });
});
