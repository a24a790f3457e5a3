import * as fs from "fs";
import * as path from "path";
import { preparePlatform } from "../program";
import { runProgram } from "./harness";
import { mermaidGraph, resourceList, resourceTree } from "./report";
import { readStackConfig } from "./stackConfig";

/**
 * `npm run render -- <stack>`: evaluates the program offline under the mock monitor, with the
 * stack's config and placeholder secrets, and writes what it would create to out/<stack>/.
 * This is program evaluation, not a provider diff: it needs no credentials and no network.
 */
export interface CliOutput {
    readonly out: (text: string) => void;
    readonly err: (text: string) => void;
}

/** The CLI, callable in-process: returns the exit code. */
export async function renderCli(argv: readonly string[], io: CliOutput): Promise<number> {
    const args = [...argv];
    const dirFlag = args.indexOf("--project-dir");
    const projectDir = dirFlag >= 0 ? path.resolve(args.splice(dirFlag, 2)[1] ?? ".") : path.resolve(__dirname, "..");
    const stack = args[0];
    if (!stack) {
        const stacks = fs.readdirSync(projectDir).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean);
        io.err(`usage: npm run render -- <stack> [--project-dir DIR]   (stacks: ${stacks.join(", ")})\n`);
        return 2;
    }
    const started = process.hrtime.bigint();
    let stackConfig: ReturnType<typeof readStackConfig>;
    try {
        stackConfig = readStackConfig(projectDir, stack);
    } catch (err) {
        // Input problems are for the user; a stack trace would bury them.
        io.err(`${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    }
    const { config, secretKeys } = stackConfig;
    const run = await runProgram({ stack, config, secretKeys, preview: true, prepare: () => preparePlatform(projectDir) });
    if (run.error) {
        io.err(`${run.error.message}\n`);
        return 1;
    }
    const outDir = path.join(projectDir, "out", stack);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const tree = resourceTree(run);
    fs.writeFileSync(path.join(outDir, "resources.json"), JSON.stringify(resourceList(run), null, 2) + "\n");
    fs.writeFileSync(path.join(outDir, "outputs.json"), JSON.stringify({ outputs: run.outputs, secretOutputs: run.outputSecretPaths }, null, 2) + "\n");
    fs.writeFileSync(path.join(outDir, "graph.mmd"), mermaidGraph(run));
    fs.writeFileSync(path.join(outDir, "tree.txt"), tree + "\n");
    for (const artefact of run.artefacts) {
        const file = path.join(outDir, artefact.path);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, artefact.content);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    io.out(`${tree}\n\n`);
    io.out(`${run.resources.length} resources, ${run.artefacts.length} artefacts, rendered in ${ms.toFixed(0)} ms\n`);
    io.out(`wrote out/${stack}/: tree.txt resources.json outputs.json graph.mmd${run.artefacts.length ? " " + [...new Set(run.artefacts.map((a) => a.path.split("/")[0] + "/"))].join(" ") : ""}\n`);
    io.out("Offline program evaluation with placeholder secrets: provider-computed values show as <computed>; this is not a provider diff.\n");
    return 0;
}

if (require.main === module) {
    renderCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
        (code) => process.exit(code),
        (err: unknown) => {
            process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
            process.exit(1);
        },
    );
}
