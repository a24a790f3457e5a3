/**
 * The longest chain of resources in a run's dependency graph: what deploy time follows when every
 * independent resource is created in parallel (Pulumi's default), as opposed to the resource count.
 * Counts custom resources (components create nothing) along `dependencies` and provider references
 * (a resource waits for its provider, which is itself a resource: the cluster's exists only once
 * the API is ready).
 */
export function longestChain(
    resources: readonly { readonly urn: string; readonly custom: boolean; readonly read?: boolean; readonly dependencies: readonly string[]; readonly provider?: string }[],
): string[] {
    const byUrn = new Map(resources.filter((r) => r.custom && !r.read).map((r) => [r.urn, r]));
    const memo = new Map<string, string[]>();
    const visit = (urn: string, seen: Set<string>): string[] => {
        const cached = memo.get(urn);
        if (cached) {
            return cached;
        }
        if (seen.has(urn)) {
            throw new Error(`dependency cycle through ${urn}`);
        }
        seen.add(urn);
        let best: string[] = [];
        const resource = byUrn.get(urn)!;
        // Provider references arrive as `<urn>::<id>`.
        const provider = resource.provider?.startsWith("urn:pulumi:") ? resource.provider.slice(0, resource.provider.lastIndexOf("::")) : undefined;
        for (const dep of [...resource.dependencies, ...(provider ? [provider] : [])]) {
            if (byUrn.has(dep)) {
                const chain = visit(dep, seen);
                if (chain.length > best.length) {
                    best = chain;
                }
            }
        }
        seen.delete(urn);
        const chain = [...best, urn];
        memo.set(urn, chain);
        return chain;
    };
    let longest: string[] = [];
    for (const urn of [...byUrn.keys()].sort()) {
        const chain = visit(urn, new Set());
        if (chain.length > longest.length) {
            longest = chain;
        }
    }
    return longest;
}
