import { resolveServices } from "../components/platform/catalog";
import { urlHost } from "../components/platform/services/vault/vault";
import { parseIpv4 } from "../components/core/ipmath";
import type { Distribution } from "../versions";
import { parsePoolEntry } from "./pools";

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- shapes checked by the key specs first

const NS = "homelab";

/** The cluster that runs Vault in a stack with homelab:vault.server: its one cluster with role tools. */
export function vaultServerCluster<C extends { readonly role: string }>(clusters: readonly C[]): C | undefined {
    const tools = clusters.filter((c) => c.role === "tools");
    return tools.length === 1 ? tools[0] : undefined;
}

/** The MetalLB address Vault's Service asks for: the host of initAddress, which defaults to address. */
export function vaultLoadBalancerIp(server: { readonly address: string; readonly initAddress?: string }): string {
    return urlHost(server.initAddress ?? server.address);
}

/**
 * What running Vault asks of the stack (homelab:vault.server), on keys that passed their own checks:
 * exactly one cluster with role tools to run it, MetalLB and cert-manager on that cluster, and an
 * address MetalLB can hand out, inside that cluster's loadBalancerPool.
 */
export function checkVaultServer(values: Raw, report: (path: string, message: string) => void, alreadyReported: (path: string) => boolean): void {
    const server = values.vault?.server as { address: string; initAddress?: string } | undefined;
    const key = `${NS}:vault.server`;
    if (!server || alreadyReported(`${NS}:vault`) || alreadyReported(`${NS}:clusters`)) {
        return;
    }
    const clusters = ((values.clusters ?? []) as Raw[]).map((c, index) => ({ c, index })).filter(({ c }) => c);
    const tools = clusters.filter(({ c }) => c.role === "tools");
    if (tools.length !== 1) {
        report(
            key,
            tools.length === 0
                ? "Vault runs on the stack's cluster with role tools, and homelab:clusters has none: add one, or read Vault from the stack that runs it (homelab:vault.fromStack)"
                : `Vault runs on the stack's one cluster with role tools, and homelab:clusters has ${tools.length} (${tools.map(({ c }) => c.name).join(", ")}): give one of them another role`,
        );
        return;
    }
    const { c, index } = tools[0];
    const at = (field: string) => `${NS}:clusters[${index}].${field}`;
    // Only MetalLB and cert-manager are looked at, and neither depends on the stack having Vault.
    const services = resolveServices(c.distribution as Distribution, c.services ?? {});
    if (!services.metallb) {
        report(at("services.metallb"), `Vault runs on cluster ${c.name} (homelab:vault.server) and takes its address from MetalLB: remove this toggle`);
    }
    if (!services.certManager) {
        report(at("services.certManager"), `Vault runs on cluster ${c.name} (homelab:vault.server) and gets its TLS certificate from cert-manager: remove this toggle`);
    }
    const field = server.initAddress ? "initAddress" : "address";
    const host = vaultLoadBalancerIp(server);
    const pool = (c.loadBalancerPool ?? []) as string[];
    const address = parseIpv4(host);
    if (!address) {
        report(
            `${key}.${field}`,
            `${host} is not an IPv4 address: Vault's MetalLB address is the host of initAddress (address when initAddress is unset); set initAddress to https://<an address in cluster ${c.name}'s loadBalancerPool>:8200`,
        );
        return;
    }
    const n = address.toByteArray().reduce((sum, byte) => sum * 256 + byte, 0);
    const inside = pool.some((entry) => {
        const range = parsePoolEntry(entry);
        return range !== undefined && range.first <= n && n <= range.last;
    });
    if (!inside && pool.length > 0) {
        report(`${key}.${field}`, `${host} is not inside the loadBalancerPool of cluster ${c.name} (${pool.join(", ")}): MetalLB hands out only those addresses`);
    }
}
