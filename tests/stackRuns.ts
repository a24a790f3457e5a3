import { preparePlatform } from "../program";
import { ProgramRun, runProgram } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import { PROJECT_DIR } from "./helpers";
import { realisticMocks } from "./mocks";

/**
 * One full run per stack per test file, with real PKI from the openssl-backed tls stand-in. The
 * readiness resources are recorded, not run (the mock monitor runs no provider).
 */
const runs = new Map<string, Promise<{ run: ProgramRun }>>();

export function stackRun(stack: string): Promise<{ run: ProgramRun }> {
    if (!runs.has(stack)) {
        const { config, secretKeys } = readStackConfig(PROJECT_DIR, stack);
        runs.set(
            stack,
            runProgram({ stack, config, secretKeys, preview: false, mocks: realisticMocks, prepare: () => preparePlatform(PROJECT_DIR) }).then((run) => ({ run })),
        );
    }
    return runs.get(stack)!;
}
