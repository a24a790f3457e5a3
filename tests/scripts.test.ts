import * as path from "path";
import { PROJECT_DIR } from "./helpers";
import { requireTool, run } from "./validators";

describe("the repository's shell scripts", () => {
    it.each(["scripts/test-all.sh", "scripts/render-diff.sh", ".ci/run"])("%s passes shellcheck", (script) => {
        requireTool("shellcheck", "shellcheck");
        const result = run("shellcheck", ["--severity=style", path.join(PROJECT_DIR, script)]);
        expect(result.output).toBe("");
        expect(result.status).toBe(0);
    });

    it("is checked by a shellcheck that does flag a bad script", () => {
        const result = run("shellcheck", ["-"], "#!/bin/sh\necho $1\n");
        expect(result.status).not.toBe(0);
        expect(result.output).toContain("SC2086");
    });
});
