import { checkVaultServer, vaultLoadBalancerIp, vaultServerCluster } from "./vaultServer";
import { recorder } from "./testing/recorder";

/** What running Vault asks of the stack (config/vaultServer.ts), on values as the reader hands them over. */

type Raw = Record<string, unknown>;

const tools = (name: string, extra: Raw = {}): Raw => ({ name, role: "tools", distribution: "k3s", services: {}, loadBalancerPool: ["192.168.1.200-192.168.1.209", "192.168.1.240/29"], ...extra });
const values = (server: Raw | undefined, clusters: unknown[] = [tools("t")]): Raw => ({ vault: { mount: "homelab", skipTlsVerify: false, server }, clusters });

function check(input: Raw, reported: readonly string[] = []): string[] {
    const { report, lines } = recorder();
    checkVaultServer(input, report, (path) => reported.includes(path));
    return lines;
}

describe("vaultServerCluster", () => {
    it("is the one cluster with role tools, or none", () => {
        const t = { name: "t", role: "tools" };
        expect(vaultServerCluster([{ name: "w", role: "workload" }, t])).toBe(t);
        expect(vaultServerCluster([{ name: "w", role: "workload" }])).toBeUndefined();
        expect(vaultServerCluster([t, { name: "u", role: "tools" }])).toBeUndefined();
    });
});

describe("vaultLoadBalancerIp", () => {
    it("is the host of initAddress, or of address when initAddress is unset", () => {
        expect(vaultLoadBalancerIp({ address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.208:8200" })).toBe("192.168.1.208");
        expect(vaultLoadBalancerIp({ address: "https://192.168.1.209:8200/" })).toBe("192.168.1.209");
    });
});

describe("checkVaultServer", () => {
    it("accepts Vault at an address of the tools cluster's pool, at either end of a range", () => {
        expect(check(values({ address: "https://192.168.1.200:8200" }, [{ name: "w", role: "workload" }, undefined, tools("t")]))).toEqual([]);
        expect(check(values({ address: "https://192.168.1.209:8200" }))).toEqual([]);
        expect(check(values({ address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.247:8200" }))).toEqual([]);
    });

    it("says nothing without a server, or when homelab:vault or homelab:clusters is already reported", () => {
        expect(check(values(undefined))).toEqual([]);
        expect(check({ clusters: [] })).toEqual([]);
        const wrong = values({ address: "https://10.0.0.1:8200" }, []);
        expect(check(wrong, ["homelab:vault"])).toEqual([]);
        expect(check(wrong, ["homelab:clusters"])).toEqual([]);
    });

    it("needs exactly one tools cluster", () => {
        expect(check(values({ address: "https://192.168.1.200:8200" }, [{ name: "w", role: "workload" }]))).toEqual([
            "homelab:vault.server: Vault runs on the stack's cluster with role tools, and homelab:clusters has none: add one, or read Vault from the stack that runs it (homelab:vault.fromStack)",
        ]);
        expect(check({ vault: { server: { address: "https://192.168.1.200:8200" } } })).toEqual([
            "homelab:vault.server: Vault runs on the stack's cluster with role tools, and homelab:clusters has none: add one, or read Vault from the stack that runs it (homelab:vault.fromStack)",
        ]);
        expect(check(values({ address: "https://192.168.1.200:8200" }, [tools("t1"), tools("t2", { services: { metallb: false } })]))).toEqual([
            "homelab:vault.server: Vault runs on the stack's one cluster with role tools, and homelab:clusters has 2 (t1, t2): give one of them another role",
        ]);
    });

    it("needs MetalLB and cert-manager on the tools cluster, reported at its toggles", () => {
        expect(check(values({ address: "https://192.168.1.200:8200" }, [undefined, tools("t", { services: { metallb: false, certManager: false } })]))).toEqual([
            "homelab:clusters[1].services.metallb: Vault runs on cluster t (homelab:vault.server) and takes its address from MetalLB: remove this toggle",
            "homelab:clusters[1].services.certManager: Vault runs on cluster t (homelab:vault.server) and gets its TLS certificate from cert-manager: remove this toggle",
        ]);
    });

    it("needs an IPv4 address, at initAddress when it is set", () => {
        expect(check(values({ address: "https://vault.home.arpa:8200" }))).toEqual([
            "homelab:vault.server.address: vault.home.arpa is not an IPv4 address: Vault's MetalLB address is the host of initAddress (address when initAddress is unset); set initAddress to https://<an address in cluster t's loadBalancerPool>:8200",
        ]);
        expect(check(values({ address: "https://192.168.1.200:8200", initAddress: "https://vault-init.home.arpa:8200" }))).toEqual([
            "homelab:vault.server.initAddress: vault-init.home.arpa is not an IPv4 address: Vault's MetalLB address is the host of initAddress (address when initAddress is unset); set initAddress to https://<an address in cluster t's loadBalancerPool>:8200",
        ]);
    });

    it("needs the address inside the tools cluster's pool, when it has one", () => {
        const outside = "is not inside the loadBalancerPool of cluster t (192.168.1.200-192.168.1.209, 192.168.1.240/29): MetalLB hands out only those addresses";
        expect(check(values({ address: "https://192.168.1.210:8200" }))).toEqual([`homelab:vault.server.address: 192.168.1.210 ${outside}`]);
        expect(check(values({ address: "https://192.168.1.199:8200" }))).toEqual([`homelab:vault.server.address: 192.168.1.199 ${outside}`]);
        expect(check(values({ address: "https://192.168.1.200:8200", initAddress: "https://192.168.1.248:8200" }))).toEqual([`homelab:vault.server.initAddress: 192.168.1.248 ${outside}`]);
        // A range that ends before it starts holds nothing (its own check reports it).
        expect(check(values({ address: "https://192.168.1.205:8200" }, [tools("t", { loadBalancerPool: ["192.168.1.209-192.168.1.200"] })]))).toEqual([
            "homelab:vault.server.address: 192.168.1.205 is not inside the loadBalancerPool of cluster t (192.168.1.209-192.168.1.200): MetalLB hands out only those addresses",
        ]);
        // Without a pool, the pool's own requirement is reported elsewhere.
        expect(check(values({ address: "https://10.0.0.1:8200" }, [tools("t", { loadBalancerPool: [] })]))).toEqual([]);
        expect(check(values({ address: "https://10.0.0.1:8200" }, [tools("t", { loadBalancerPool: undefined })]))).toEqual([]);
    });
});
