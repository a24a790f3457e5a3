import * as pulumi from "@pulumi/pulumi";
import { built, collectArtefacts, REDACTED, registerArtefact, resetArtefacts } from "./artefacts";

beforeEach(() => resetArtefacts());

describe("artefacts", () => {
    it("marks redacted values with one fixed text", () => {
        expect(REDACTED).toBe("<redacted: secret>");
    });

    it("collects nothing when nothing was registered", async () => {
        await expect(collectArtefacts()).resolves.toStrictEqual([]);
    });

    it("collects every registered artefact's path and content, sorted by path", async () => {
        registerArtefact("cloud-init/b.user-data.yaml", "#cloud-config\nb\n");
        registerArtefact("cloud-init/a.user-data.yaml", "#cloud-config\na\n");
        registerArtefact("haproxy/c.cfg", "");
        await expect(collectArtefacts()).resolves.toStrictEqual([
            { path: "cloud-init/a.user-data.yaml", content: "#cloud-config\na\n" },
            { path: "cloud-init/b.user-data.yaml", content: "#cloud-config\nb\n" },
            { path: "haproxy/c.cfg", content: "" },
        ]);
    });

    it("refuses artefacts that carry a secret, naming every one", async () => {
        registerArtefact("ok.txt", "fine");
        registerArtefact("leak.txt", pulumi.secret("token") as unknown as string);
        registerArtefact("leak2.txt", pulumi.secret("token2") as unknown as string);
        await expect(collectArtefacts()).rejects.toThrow(new Error("artefacts must be redacted before registering, but these carry secrets: leak.txt, leak2.txt"));
    });

    it("forgets what was registered on reset", async () => {
        registerArtefact("a.txt", "1");
        resetArtefacts();
        registerArtefact("b.txt", "2");
        await expect(collectArtefacts()).resolves.toStrictEqual([{ path: "b.txt", content: "2" }]);
    });
});

describe("registerArtefact with a function", () => {
    it("builds the text only when the render collects it, once", async () => {
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
        registerArtefact("leak.yaml", () => pulumi.secret("token") as unknown as string);
        await expect(collectArtefacts()).rejects.toThrow("artefacts must be redacted before registering, but these carry secrets: leak.yaml");
    });
});

describe("built", () => {
    it("returns a plain redacted copy as it is, and calls a builder only when asked, once per call", () => {
        const content = { files: [], runcmd: ["echo ready"] };
        expect(built(content)).toBe(content);
        const calls: string[] = [];
        const builder = () => {
            calls.push("built");
            return "# machine config\n";
        };
        expect(calls).toEqual([]);
        expect(built(builder)).toBe("# machine config\n");
        expect(calls).toEqual(["built"]);
    });
});
