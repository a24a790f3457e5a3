import fc from "fast-check";
import { GraphResource, longestChain } from "./dependencyGraph";

const urn = (name: string, type = "test:index:Thing") => `urn:pulumi:s::p::${type}::${name}`;
const custom = (name: string, deps: string[] = [], provider?: string): GraphResource => ({
    urn: urn(name),
    type: "test:index:Thing",
    custom: true,
    dependencies: deps.map((d) => urn(d)),
    // Provider references arrive as `<urn>::<id>`, the id unknown in preview.
    provider: provider ? `${urn(provider)}::04da6b54-80e4-46f7-96ec-b56ff0331ba9` : undefined,
});
const component = (name: string, deps: string[] = []): GraphResource => ({ ...custom(name, deps), custom: false });
const names = (urns: readonly string[]) => urns.map((u) => u.split("::").pop());

describe("longestChain", () => {
    it("is empty for no resources, and for components only", () => {
        expect(longestChain([])).toEqual({ length: 0, urns: [] });
        expect(longestChain([component("a"), component("b", ["a"])])).toEqual({ length: 0, urns: [] });
    });

    it("is one for resources that wait for nothing", () => {
        expect(longestChain([custom("a"), custom("b"), custom("c")])).toEqual({ length: 1, urns: [urn("a")] });
    });

    it("follows dependencies and provider references, and not parents", () => {
        const run = [
            custom("provider"),
            custom("key"),
            custom("cert", ["key"]),
            custom("vm", ["cert"], "provider"),
            custom("k8s", ["vm", "cert"]),
            custom("release", [], "k8s"),
            // Independent of the chain: a parent relation is not an edge, so this stays short.
            { ...custom("child"), parent: urn("release") } as GraphResource,
        ];
        const chain = longestChain(run);
        expect(chain.length).toBe(5);
        expect(names(chain.urns)).toEqual(["key", "cert", "vm", "k8s", "release"]);
    });

    it("orders through a component without counting it", () => {
        const chain = longestChain([custom("a"), component("group", ["a"]), custom("b", ["group"]), component("top")]);
        expect(chain).toEqual({ length: 2, urns: [urn("a"), urn("group"), urn("b")] });
    });

    it("counts two independent branches once, not their sum", () => {
        const chain = longestChain([custom("ready"), custom("x1", ["ready"]), custom("x2", ["x1"]), custom("y1", ["ready"])]);
        expect(chain.length).toBe(3);
        expect(names(chain.urns)).toEqual(["ready", "x1", "x2"]);
    });

    it("refuses a dependency on a resource that was never registered", () => {
        expect(() => longestChain([custom("a", ["ghost"])])).toThrow(`${urn("a")} depends on ${urn("ghost")}, which was not registered`);
        expect(() => longestChain([custom("a", [], "ghost")])).toThrow(`${urn("a")} depends on ${urn("ghost")}, which was not registered`);
    });

    it("refuses a cycle and a URN registered twice", () => {
        expect(() => longestChain([custom("a", ["b"]), custom("b", ["a"])])).toThrow(/^dependency cycle through urn:pulumi:s::p::test:index:Thing::[ab]$/);
        expect(() => longestChain([custom("a"), custom("a")])).toThrow(`${urn("a")} is registered twice`);
    });

    it("handles a chain of 20,000 resources without deep recursion", () => {
        const run = Array.from({ length: 20000 }, (_, i) => custom(`r${i}`, i > 0 ? [`r${i - 1}`] : []));
        const chain = longestChain(run.reverse());
        expect(chain.length).toBe(20000);
        expect(names([chain.urns[0], chain.urns[19999]])).toEqual(["r0", "r19999"]);
    });

    describe("properties", () => {
        /** A random DAG: node i may depend on (or take as provider) any node before it. */
        const dag = fc
            .integer({ min: 1, max: 9 })
            .chain((n) =>
                fc.tuple(
                    fc.array(fc.boolean(), { minLength: n, maxLength: n }),
                    fc.array(fc.subarray(Array.from({ length: n }, (_, i) => i)), { minLength: n, maxLength: n }),
                    fc.array(fc.option(fc.nat({ max: n - 1 }), { nil: undefined }), { minLength: n, maxLength: n }),
                ),
            )
            .map(([isCustom, deps, providers]) =>
                isCustom.map((c, i) => {
                    const d = deps[i].filter((j) => j < i).map((j) => `n${j}`);
                    const p = providers[i] !== undefined && providers[i]! < i ? `n${providers[i]}` : undefined;
                    return c ? custom(`n${i}`, d, p) : { ...component(`n${i}`, d), provider: p ? custom("x", [], p).provider : undefined };
                }),
            );

        const edges = (r: GraphResource): string[] => [...r.dependencies, ...(r.provider ? [r.provider.slice(0, r.provider.lastIndexOf("::"))] : [])];

        /** Every path, by brute force: the longest one's count of custom resources. */
        function bruteForce(run: GraphResource[]): number {
            const byUrn = new Map(run.map((r) => [r.urn, r]));
            const longestTo = (u: string): number => {
                const r = byUrn.get(u)!;
                return (r.custom ? 1 : 0) + Math.max(0, ...edges(r).map(longestTo));
            };
            return Math.max(0, ...run.map((r) => longestTo(r.urn)));
        }

        it("finds the longest chain that brute force finds", () => {
            fc.assert(fc.property(dag, (run) => longestChain(run).length === bruteForce(run)));
        });

        it("returns a real chain: each step an edge, its length its custom resources", () => {
            fc.assert(
                fc.property(dag, (run) => {
                    const byUrn = new Map(run.map((r) => [r.urn, r]));
                    const { length, urns } = longestChain(run);
                    expect(urns.filter((u) => byUrn.get(u)!.custom)).toHaveLength(length);
                    for (let i = 1; i < urns.length; i++) {
                        expect(edges(byUrn.get(urns[i])!)).toContain(urns[i - 1]);
                    }
                    if (urns.length > 0) {
                        expect(byUrn.get(urns[0])!.custom).toBe(true);
                    }
                }),
            );
        });

        it("does not depend on the order resources were registered in", () => {
            fc.assert(
                fc.property(dag, fc.infiniteStream(fc.nat()), (run, keys) => {
                    const shuffled = run.map((r) => ({ r, k: keys.next().value as number })).sort((a, b) => a.k - b.k).map((x) => x.r);
                    expect(longestChain(shuffled).length).toBe(longestChain(run).length);
                }),
            );
        });
    });
});
