import { ReadinessTarget } from "../components/clusters/access/readiness";
import { preparePlatform } from "../program";
import { ProgramRun, runProgram } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import { PROJECT_DIR } from "./helpers";
import { realisticMocks } from "./mocks";

/**
 * One full run per stack per test file, with real PKI from the openssl-backed tls stand-in and the
 * readiness wait recorded instead of dialling the homelab's addresses.
 */
const runs = new Map<string, Promise<{ run: ProgramRun; waits: ReadinessTarget[] }>>();

export function stackRun(stack: string): Promise<{ run: ProgramRun; waits: ReadinessTarget[] }> {
    if (!runs.has(stack)) {
        const waits: ReadinessTarget[] = [];
        const { config, secretKeys } = readStackConfig(PROJECT_DIR, stack);
        runs.set(
            stack,
            runProgram({
                stack,
                config,
                secretKeys,
                preview: false,
                mocks: realisticMocks,
                prepare: () => preparePlatform(PROJECT_DIR, { waitForApi: async (target) => void waits.push(target) }),
            }).then((run) => ({ run, waits })),
        );
    }
    return runs.get(stack)!;
}
