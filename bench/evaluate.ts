import { preparePlatform } from "../program";
import { runProgram } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import { cpuMs } from "./cpu";

/**
 * One stack's evaluation as a whole process, for the bench's startup comparison: run from the
 * TypeScript sources with the loader Pulumi.yaml gives `pulumi up` (`node <nodeargs> bench/evaluate.ts
 * <stack> [projectDir]`), the same program under the same mock monitor as the render. Like `pulumi up`,
 * it does not build the render's artefacts.
 */
const [stack, projectDir = process.cwd()] = process.argv.slice(2);
const { config, secretKeys } = readStackConfig(projectDir, stack);
runProgram({ stack, config, secretKeys, preview: true, artefacts: false, prepare: () => preparePlatform(projectDir) }).then(
    (run) => {
        if (run.error) {
            process.stderr.write(`${run.error.message}\n`);
            process.exit(1);
        }
        process.stdout.write(`${JSON.stringify({ resources: run.resources.length, cpuMs: cpuMs() })}\n`);
    },
    (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exit(1);
    },
);
