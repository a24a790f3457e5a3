import * as pulumi from "@pulumi/pulumi";
import { collectArtefacts, registerArtefact, resetArtefacts } from "./artefacts";

describe("registerArtefact with a function", () => {
    afterEach(() => resetArtefacts());

    it("builds the text only when the render collects it, once", async () => {
        resetArtefacts();
        const built: string[] = [];
        registerArtefact("k8s/a.yaml", () => {
            built.push("k8s/a.yaml");
            return "kind: A\n";
        });
        registerArtefact("k8s/b.yaml", "kind: B\n");
        expect(built).toEqual([]);
        await expect(collectArtefacts()).resolves.toEqual([
            { path: "k8s/a.yaml", content: "kind: A\n" },
            { path: "k8s/b.yaml", content: "kind: B\n" },
        ]);
        expect(built).toEqual(["k8s/a.yaml"]);
    });

    it("refuses a function that returns a secret, as it refuses a secret text", async () => {
        resetArtefacts();
        registerArtefact("leak.yaml", () => pulumi.secret("token") as unknown as string);
        await expect(collectArtefacts()).rejects.toThrow("artefacts must be redacted before registering, but these carry secrets: leak.yaml");
    });
});
