import { longestChain } from "./chain";

const r = (urn: string, dependencies: string[] = [], custom = true) => ({ urn, custom, dependencies });

describe("the longest dependency chain", () => {
    it("follows dependencies through custom resources only, whatever the count", () => {
        const resources = [r("ns"), r("policy", ["ns"]), r("release", ["ns", "policy"]), r("pool", ["release"]), r("other", ["ns"]), r("component", ["pool"], false), r("c", [])];
        expect(longestChain(resources)).toEqual(["ns", "policy", "release", "pool"]);
    });

    it("counts the wait for a resource's provider", () => {
        const resources = [r("vm"), { ...r("provider", ["vm"]), urn: "urn:pulumi:s::p::pulumi:providers:kubernetes::k8s" }, { ...r("release"), provider: "urn:pulumi:s::p::pulumi:providers:kubernetes::k8s::04da6b54" }];
        expect(longestChain(resources)).toEqual(["vm", "urn:pulumi:s::p::pulumi:providers:kubernetes::k8s", "release"]);
    });

    it("is one resource for independent ones, and refuses a cycle", () => {
        expect(longestChain([r("a"), r("b")])).toEqual(["a"]);
        expect(() => longestChain([r("a", ["b"]), r("b", ["a"])])).toThrow("dependency cycle through a");
    });
});
