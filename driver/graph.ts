/**
 * The declared stack graph: which stack needs which other stack's outputs first. `tools` hosts
 * Vault and the observability hub, so `dev` and `prod` (which read its outputs by StackReference)
 * come after it and may run side by side. Destroy walks the same graph backwards.
 */
export const STACK_GRAPH: Readonly<Record<string, readonly string[]>> = Object.freeze({
    tools: [],
    dev: ["tools"],
    prod: ["tools"],
});

export type Direction = "forward" | "reverse";

/** What each selected stack waits for, restricted to the selection, in the given direction. */
export function dependenciesOf(graph: Readonly<Record<string, readonly string[]>>, selected: readonly string[], direction: Direction): Record<string, string[]> {
    const chosen = new Set(selected);
    const waits: Record<string, string[]> = Object.fromEntries(selected.map((s) => [s, [] as string[]]));
    for (const stack of selected) {
        for (const dep of graph[stack] ?? []) {
            if (!chosen.has(dep)) {
                continue;
            }
            // Forward: a stack waits for what it depends on. Reverse (destroy): a stack waits for its dependents.
            if (direction === "forward") {
                waits[stack].push(dep);
            } else {
                waits[dep].push(stack);
            }
        }
    }
    return waits;
}

/**
 * Stacks in a valid order (dependencies first, ties in declaration order). Throws on unknown
 * stacks or a cycle, naming them.
 */
export function orderStacks(graph: Readonly<Record<string, readonly string[]>>, selected: readonly string[], direction: Direction): string[] {
    const unknown = selected.filter((s) => !(s in graph));
    if (unknown.length > 0) {
        throw new Error(`unknown stack${unknown.length > 1 ? "s" : ""} ${unknown.map((s) => `"${s}"`).join(", ")}; the stacks are ${Object.keys(graph).join(", ")}`);
    }
    const declared = Object.keys(graph).filter((s) => selected.includes(s));
    const waits = dependenciesOf(graph, declared, direction);
    const order: string[] = [];
    const done = new Set<string>();
    while (order.length < declared.length) {
        const ready = declared.filter((s) => !done.has(s) && waits[s].every((d) => done.has(d)));
        if (ready.length === 0) {
            throw new Error(`the stack graph has a cycle among ${declared.filter((s) => !done.has(s)).join(", ")}`);
        }
        for (const s of ready) {
            order.push(s);
            done.add(s);
        }
    }
    return order;
}
