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
async function main(): Promise<number> {
    const args = process.argv.slice(2);
    const dirFlag = args.indexOf("--project-dir");
    const projectDir = dirFlag >= 0 ? path.resolve(args.splice(dirFlag, 2)[1] ?? ".") : path.resolve(__dirname, "..");
    const stack = args[0];
    if (!stack) {
        const stacks = fs.readdirSync(projectDir).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter(Boolean);
        process.stderr.write(`usage: npm run render -- <stack> [--project-dir DIR]   (stacks: ${stacks.join(", ")})\n`);
        return 2;
    }
    const started = process.hrtime.bigint();
    const { config, secretKeys } = readStackConfig(projectDir, stack);
    const run = await runProgram({ stack, config, secretKeys, preview: true, prepare: () => preparePlatform(projectDir) });
    if (run.error) {
        process.stderr.write(`${run.error.message}\n`);
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
    process.stdout.write(`${tree}\n\n`);
    process.stdout.write(`${run.resources.length} resources, ${run.artefacts.length} artefacts, rendered in ${ms.toFixed(0)} ms\n`);
    process.stdout.write(`wrote out/${stack}/: tree.txt resources.json outputs.json graph.mmd${run.artefacts.length ? " " + [...new Set(run.artefacts.map((a) => a.path.split("/")[0] + "/"))].join(" ") : ""}\n`);
    process.stdout.write("Offline program evaluation with placeholder secrets: provider-computed values show as <computed>; this is not a provider diff.\n");
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        // Input problems are for the user; a stack trace would bury them.
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
