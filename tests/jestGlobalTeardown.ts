import * as fs from "fs";
import { INVOCATION_DIR_ENV } from "./invocationCache";

/** Deletes the invocation's shared results (tests/jestGlobalSetup.ts), so a later run starts from nothing. */
export default function globalTeardown(): void {
    const dir = process.env[INVOCATION_DIR_ENV];
    if (dir) {
        fs.rmSync(dir, { recursive: true, force: true });
        delete process.env[INVOCATION_DIR_ENV];
    }
}
