import type { RecordedResource } from "./harness";
import { providerUrn } from "./report";

/**
 * The longest chain of resources in a recorded run's dependency graph: a lower bound on how many
 * steps `pulumi up` must take one after another, whatever its parallelism.
 *
 * Edges: B waits for A when A's URN is among B's `dependencies` (what the SDK sends the engine:
 * `dependsOn`, with components expanded to their resources, plus every resource whose output feeds
 * one of B's inputs) or A is B's provider. Parent links are not edges: the engine does not make a
 * child wait for its parent component, so they imply no ordering. Only custom resources (providers
 * and reads included) count towards the length; a component creates nothing, but an edge through
 * one still orders what is on either side.
 */

export type GraphResource = Pick<RecordedResource, "urn" | "type" | "custom" | "dependencies" | "provider">;

export interface Chain {
    /** Custom resources on the longest chain. */
    readonly length: number;
    /** The URNs on that chain, first to last (components on it included). */
    readonly urns: readonly string[];
}

export function longestChain(resources: readonly GraphResource[]): Chain {
    const byUrn = new Map<string, GraphResource>();
    for (const r of resources) {
        if (byUrn.has(r.urn)) {
            throw new Error(`${r.urn} is registered twice`);
        }
        byUrn.set(r.urn, r);
    }
    const predecessors = (r: GraphResource): string[] => {
        const provider = providerUrn(r.provider);
        const before = provider ? [...r.dependencies, provider] : [...r.dependencies];
        for (const urn of before) {
            if (!byUrn.has(urn)) {
                throw new Error(`${r.urn} depends on ${urn}, which was not registered`);
            }
        }
        return [...new Set(before)];
    };

    // Longest chain ending at each resource, memoised; an explicit stack, as fleets have thousands.
    const best = new Map<string, { length: number; previous: string | undefined }>();
    const visiting = new Set<string>();
    for (const start of resources) {
        const stack: string[] = [start.urn];
        while (stack.length > 0) {
            const urn = stack[stack.length - 1];
            if (best.has(urn)) {
                stack.pop();
                continue;
            }
            const r = byUrn.get(urn)!;
            const before = predecessors(r);
            const pending = before.filter((p) => !best.has(p));
            if (pending.length > 0) {
                if (visiting.has(urn)) {
                    throw new Error(`dependency cycle through ${urn}`);
                }
                visiting.add(urn);
                for (const p of pending) {
                    if (visiting.has(p)) {
                        throw new Error(`dependency cycle through ${p}`);
                    }
                    stack.push(p);
                }
                continue;
            }
            visiting.delete(urn);
            let length = 0;
            let previous: string | undefined;
            for (const p of before) {
                const candidate = best.get(p)!.length;
                if (candidate > length || previous === undefined) {
                    length = candidate;
                    previous = p;
                }
            }
            best.set(urn, { length: length + (r.custom ? 1 : 0), previous });
            stack.pop();
        }
    }

    let end: string | undefined;
    for (const r of resources) {
        if (end === undefined || best.get(r.urn)!.length > best.get(end)!.length) {
            end = r.urn;
        }
    }
    if (end === undefined || best.get(end)!.length === 0) {
        return { length: 0, urns: [] };
    }
    const urns: string[] = [];
    for (let urn: string | undefined = end; urn !== undefined; urn = best.get(urn)!.previous) {
        urns.push(urn);
    }
    urns.reverse();
    // Components before the first resource add nothing to the chain.
    while (urns.length > 0 && !byUrn.get(urns[0])!.custom) {
        urns.shift();
    }
    return { length: best.get(end)!.length, urns };
}
