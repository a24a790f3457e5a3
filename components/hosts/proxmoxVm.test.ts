import { built } from "./proxmoxVm";

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
