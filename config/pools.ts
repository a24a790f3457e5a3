import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ClusterConfig, clusterPath, PlatformConfig } from "./config";
import { IssueCollector } from "../components/core/issues";
import { Ipv4, parseCidr, parseIpv4 } from "../components/core/ipmath";
import { VmDefinition } from "../components/hosts/vmDefinition";

/**
 * MetalLB pools, checked across the whole fleet: each inside its cluster's network, clear of every
 * VM address, the gateway and the network's own addresses, and of every other cluster's pool, in
 * this stack and in the other stack files beside it (all stacks share the one LAN).
 */

/** An inclusive address range, as unsigned 32-bit integers. */
export interface AddressRange {
    readonly first: number;
    readonly last: number;
    readonly text: string;
}

const toNumber = (address: Ipv4) => address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
const addressNumber = (text: string) => {
    const address = parseIpv4(text);
    return address ? toNumber(address) : undefined;
};

/** A CIDR as the inclusive range of its addresses. */
function cidrRange(text: string): AddressRange | undefined {
    const cidr = parseCidr(text, false);
    if (!cidr) {
        return undefined;
    }
    const first = toNumber(cidr.network);
    return { first, last: first + 2 ** (32 - cidr.prefix) - 1, text };
}

/** `a.b.c.d/n` or `a.b.c.d-e.f.g.h`; undefined when it is neither, or a range ending before it starts. */
export function parsePoolEntry(text: string): AddressRange | undefined {
    if (text.includes("/")) {
        return cidrRange(text);
    }
    const [a, b, ...rest] = text.split("-");
    const first = addressNumber(a ?? "");
    const last = addressNumber(b ?? "");
    return first === undefined || last === undefined || rest.length > 0 || last < first ? undefined : { first, last, text };
}

const overlaps = (a: AddressRange, b: AddressRange) => a.first <= b.last && b.first <= a.last;
const holds = (r: AddressRange, address: number) => r.first <= address && address <= r.last;

/** Another stack's cluster pool, read from its Pulumi.<stack>.yaml. */
export interface ForeignPool {
    readonly file: string;
    readonly cluster: string;
    readonly entry: string;
}

/** The pools other stack files declare (their homelab:clusters[].loadBalancerPool); unreadable files are those stacks' own problem. */
export function readOtherStackPools(projectDir: string, stack: string): ForeignPool[] {
    let files: string[];
    try {
        files = fs.readdirSync(projectDir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f) && f !== `Pulumi.${stack}.yaml`).sort();
    } catch {
        return [];
    }
    const pools: ForeignPool[] = [];
    for (const file of files) {
        try {
            const doc = yaml.load(fs.readFileSync(path.join(projectDir, file), "utf8")) as { config?: Record<string, unknown> } | undefined;
            const clusters = doc?.config?.["homelab:clusters"];
            for (const c of Array.isArray(clusters) ? clusters : []) {
                const entries = (c as { loadBalancerPool?: unknown }).loadBalancerPool;
                for (const entry of Array.isArray(entries) ? entries : []) {
                    if (typeof entry === "string") {
                        pools.push({ file, cluster: String((c as { name?: unknown }).name), entry });
                    }
                }
            }
        } catch {
            continue;
        }
    }
    return pools;
}

export function checkLoadBalancerPools(vms: readonly VmDefinition[], config: PlatformConfig, issues: IssueCollector, others: readonly ForeignPool[]): void {
    const report = issues.forFile(config.file);
    const byName = new Map(vms.map((vm) => [vm.name, vm]));
    const seen: { range: AddressRange; at: string }[] = [];
    const foreign = others.flatMap((o) => {
        const range = parsePoolEntry(o.entry);
        return range ? [{ range, owner: `cluster ${o.cluster} in ${o.file}` }] : [];
    });
    for (const cluster of config.clusters) {
        const network = networkOf(cluster, byName, config);
        cluster.loadBalancerPool.forEach((entry, i) => {
            const at = clusterPath(cluster, "loadBalancerPool", i);
            const range = parsePoolEntry(entry);
            if (!range) {
                report(at, `${entry} ends before it starts`);
                return;
            }
            if (network) {
                const cidr = cidrRange(network.cidr)!;
                const text = parseCidr(network.cidr, false)!.text;
                if (!holds(cidr, range.first) || !holds(cidr, range.last)) {
                    report(at, `${entry} is not inside the cluster's network ${text}`);
                } else {
                    if (holds(range, addressNumber(network.gateway)!)) {
                        report(at, `${entry} contains the gateway ${network.gateway}`);
                    }
                    if (holds(range, cidr.first) || holds(range, cidr.last)) {
                        report(at, `${entry} contains the network or broadcast address of ${text}`);
                    }
                }
            }
            for (const vm of vms) {
                if (vm.ipv4?.kind === "static" && holds(range, addressNumber(vm.ipv4.address)!)) {
                    report(at, `${entry} contains ${vm.ipv4.address}, the address of ${vm.file}`);
                }
            }
            for (const other of seen) {
                if (overlaps(range, other.range)) {
                    report(at, `${entry} overlaps ${other.at} (${other.range.text})`);
                }
            }
            for (const other of foreign) {
                if (overlaps(range, other.range)) {
                    report(at, `${entry} overlaps the pool of ${other.owner} (${other.range.text})`);
                }
            }
            seen.push({ range, at });
        });
    }
}

/** The network of the cluster's first control plane: where its nodes, and so its L2 announcements, live. */
function networkOf(cluster: ClusterConfig, byName: ReadonlyMap<string, VmDefinition>, config: PlatformConfig) {
    const first = byName.get(cluster.controlPlanes[0]);
    return first ? config.networks[first.network.bridge] : undefined;
}
