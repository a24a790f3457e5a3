import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INVOCATION_DIR_ENV, STRYKER_GLOBAL } from "./invocationCache";

/**
 * A fresh, empty folder for the results this Jest invocation's test files share
 * (tests/invocationCache.ts), named in the environment before Jest starts its workers, which
 * inherit it. Under Stryker (its runner puts its namespace in Jest's `globals`) there is none: each
 * mutant's run must evaluate its own code.
 * https://jestjs.io/docs/configuration#globalsetup-string
 */
export default function globalSetup(_globalConfig: unknown, projectConfig: { readonly globals?: Record<string, unknown> }): void {
    if (STRYKER_GLOBAL in (projectConfig.globals ?? {})) {
        delete process.env[INVOCATION_DIR_ENV];
        return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-jest-"));
    process.env[INVOCATION_DIR_ENV] = dir;
    // What the tests write through os.tmpdir() (PKI folders, temporary projects, stand-in scripts, their
    // child processes' files) lands inside the invocation's folder, which the teardown deletes: before,
    // every run left its hundreds of mkdtemp folders behind in /tmp. os.tmpdir() reads TMPDIR.
    const scratch = path.join(dir, "tmp");
    fs.mkdirSync(scratch);
    process.env.TMPDIR = scratch;
}
