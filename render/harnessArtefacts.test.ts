import * as pulumi from "@pulumi/pulumi";
import { registerArtefact } from "../components/core/artefacts";
import { runProgram } from "./harness";

/** A one-resource program that registers a built artefact, counting how often its text is built. */
function program(built: string[]) {
    return () => async () => {
        new pulumi.ComponentResource("homelab:test:Holder", "holder");
        registerArtefact("k8s/x.yaml", () => {
            built.push("k8s/x.yaml");
            return "kind: X\n";
        });
        return {};
    };
}

describe("runProgram's artefacts option", () => {
    it("collects the artefacts by default, as the render needs them", async () => {
        const built: string[] = [];
        const run = await runProgram({ stack: "t", config: {}, secretKeys: [], preview: true, prepare: program(built) });
        expect(run.error).toBeUndefined();
        expect(run.artefacts).toEqual([{ path: "k8s/x.yaml", content: "kind: X\n" }]);
        expect(built).toEqual(["k8s/x.yaml"]);
    });

    it("builds none with artefacts: false, as under `pulumi up`, and registers the same resources", async () => {
        const built: string[] = [];
        const run = await runProgram({ stack: "t", config: {}, secretKeys: [], preview: true, artefacts: false, prepare: program(built) });
        expect(run.error).toBeUndefined();
        expect(run.artefacts).toEqual([]);
        expect(built).toEqual([]);
        expect(run.resources.map((r) => [r.type, r.name])).toEqual([
            ["pulumi:pulumi:Stack", "homelab-t"],
            ["homelab:test:Holder", "holder"],
        ]);
    });
});
