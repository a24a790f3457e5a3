import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { preparePlatform } from "../program";
import { longestChain } from "../render/dependencyGraph";
import { ProgramRun, runProgram } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import { floorProgram, Shape } from "./floor";
import { syntheticFleet } from "./fleet";

/**
 * `npm run bench`, in two parts.
 *
 * In-process: renders each stack and synthetic fleets of 10, 100 and 1,000 VMs under the mock
 * monitor, next to a floor: a bare program registering the same resources under the same monitor.
 * The ratio is what the platform's own logic (loading, validation, rendering, components) costs.
 * Each case also gets its longest dependency chain (render/dependencyGraph.ts).
 *
 * Whole processes: each stack evaluated by a fresh `node` started the way `pulumi up` starts it
 * (Pulumi.yaml's `nodeargs`, then the source-map-support that @pulumi/pulumi/cmd/run installs), from
 * the TypeScript sources, next to a floor process: plain `node` running a bare program that loads
 * the same provider SDKs and registers the same resources under the same mock monitor, precompiled,
 * without source maps. That ratio includes what the in-process one leaves out: starting Node,
 * loading the SDKs, compiling the program and mapping its stack traces.
 */

// Run from the project folder; `npm run bench` runs the precompiled copy under bin/.
const projectDir = process.cwd();
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
// Synthetic fleet sizes; BENCH_FLEETS="" measures the stacks only.
const FLEETS = (process.env.BENCH_FLEETS ?? "10,100,1000").split(",").filter(Boolean).map(Number);

interface Case {
    readonly label: string;
    readonly vms: number;
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    readonly projectDir: string;
}

async function once(run: () => Promise<ProgramRun>): Promise<{ ms: number; result: ProgramRun }> {
    // A collection before each run, so one run does not pay for the garbage of the one before.
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    const result = await run();
    if (result.error) {
        throw result.error;
    }
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** Pulumi.yaml's `runtime.options.nodeargs`, what the language host puts before its runner; BENCH_NODEARGS overrides. */
function nodeArgs(): string[] {
    const project = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: { nodeargs?: string } } };
    const args = process.env.BENCH_NODEARGS ?? project.runtime?.options?.nodeargs ?? "";
    return args.split(/\s+/).filter(Boolean);
}

/** A fresh node process, timed from spawn to exit; it prints `{"resources": n, "cpuMs": t}` last (bench/cpu.ts). */
function timedProcess(args: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; resources: number; cpuMs: number } {
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, args, { cwd: projectDir, encoding: "utf8", env });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) {
        throw new Error(`node ${args.join(" ")} exited with ${child.status}: ${child.stderr}`);
    }
    const last = child.stdout.trim().split("\n").pop() ?? "";
    const { resources, cpuMs } = JSON.parse(last) as { resources: number; cpuMs: number };
    return { ms, resources, cpuMs };
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")).join("\n") + "\n";
}

async function main(): Promise<void> {
    const started = process.hrtime.bigint();
    const cases: Case[] = ["tools", "dev", "prod"].map((stack) => ({ label: `stack ${stack}`, vms: 0, stack, projectDir, ...readStackConfig(projectDir, stack) }));
    for (const vms of FLEETS) {
        cases.push({ label: `fleet ${vms} VMs`, vms, stack: "bench", ...syntheticFleet(vms) });
    }
    // Warm up module loading and the JIT so the first case is not charged for them.
    await runProgram({ stack: cases[0].stack, config: cases[0].config, secretKeys: cases[0].secretKeys, preview: true, prepare: () => preparePlatform(projectDir) });

    const rows: string[][] = [["case", "resources", "longest chain", "program ms", "floor ms", "ratio", "ms per VM"]];
    const shapes = new Map<string, Shape>();
    const chains: string[] = [];
    for (const c of cases) {
        const runProgramCase = () => runProgram({ stack: c.stack, config: c.config, secretKeys: c.secretKeys, preview: true, prepare: () => preparePlatform(c.projectDir) });
        // The first program run is timed like the others and gives the floor its shape.
        const first = await once(runProgramCase);
        const shape = first.result.resources;
        const runFloor = () => runProgram({ stack: c.stack, config: {}, secretKeys: [], preview: true, prepare: () => floorProgram(shape) });
        // Interleaved, best of REPEATS each: heap state and the machine's load then weigh on both alike.
        let programMs = first.ms;
        let floorMs = Infinity;
        for (let i = 0; i < REPEATS; i++) {
            if (i > 0) {
                programMs = Math.min(programMs, (await once(runProgramCase)).ms);
            }
            const floor = await once(runFloor);
            if (floor.result.resources.length !== shape.length) {
                throw new Error(`floor registered ${floor.result.resources.length} resources, the program ${shape.length}`);
            }
            floorMs = Math.min(floorMs, floor.ms);
        }
        const chain = longestChain(shape);
        if (!c.vms) {
            shapes.set(c.stack, shape.map(({ urn, type, name, custom, parent, rawInputs }) => ({ urn, type, name, custom, parent, rawInputs })));
            const byUrn = new Map(shape.map((r) => [r.urn, r]));
            chains.push(`${c.stack}: ${chain.urns.filter((u) => byUrn.get(u)!.custom).map((u) => byUrn.get(u)!.name).join(" → ")}`);
        }
        rows.push([
            c.label,
            String(shape.length),
            String(chain.length),
            programMs.toFixed(0),
            floorMs.toFixed(0),
            (programMs / floorMs).toFixed(2),
            c.vms ? (programMs / c.vms).toFixed(2) : "",
        ]);
    }
    process.stdout.write(table(rows));
    process.stdout.write(`\nin-process: best of ${REPEATS} interleaved runs each (BENCH_REPEATS), garbage collected before each, preview mode, mock monitor, precompiled JavaScript; node ${process.version}\n`);
    process.stdout.write("floor: the same resources (same SDK classes, inputs and parents) registered by a bare program; ratio = program / floor\n");
    process.stdout.write("longest chain: resources on the longest path of dependencies and provider references (parents are not edges):\n");
    for (const line of chains) {
        process.stdout.write(`  ${line}\n`);
    }

    // Whole processes, per stack.
    const args = nodeArgs();
    const sourceMaps = ["--require", "source-map-support/register"];
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-bench-processes-"));
    const processRows: string[][] = [["stack", "resources", "program ms", "floor ms", "ratio", "program CPU ms", "floor CPU ms", "CPU ratio", "first run ms"]];
    for (const [stack, shape] of shapes) {
        const shapeFile = path.join(work, `${stack}.json`);
        fs.writeFileSync(shapeFile, JSON.stringify(shape));
        const program = [...args, ...sourceMaps, "bench/evaluate.ts", stack];
        const floor = [path.join(__dirname, "floor.js"), shapeFile, stack];
        // A first run with an empty compile cache (what the first `pulumi up` after a change pays),
        // then one that fills the project's cache, so the timed runs start as repeated runs do.
        const cold = timedProcess(program, { ...process.env, HOMELAB_TS_CACHE: fs.mkdtempSync(path.join(work, "cache-")) });
        timedProcess(program);
        let programMs = Infinity;
        let floorMs = Infinity;
        let programCpu = Infinity;
        let floorCpu = Infinity;
        for (let i = 0; i < REPEATS; i++) {
            const p = timedProcess(program);
            const f = timedProcess(floor);
            if (p.resources !== shape.length || f.resources !== shape.length || cold.resources !== shape.length) {
                throw new Error(`${stack}: the program process registered ${p.resources} resources, the floor process ${f.resources}, in-process ${shape.length}`);
            }
            programMs = Math.min(programMs, p.ms);
            floorMs = Math.min(floorMs, f.ms);
            programCpu = Math.min(programCpu, p.cpuMs);
            floorCpu = Math.min(floorCpu, f.cpuMs);
        }
        processRows.push([
            stack,
            String(shape.length),
            programMs.toFixed(0),
            floorMs.toFixed(0),
            (programMs / floorMs).toFixed(2),
            programCpu.toFixed(0),
            floorCpu.toFixed(0),
            (programCpu / floorCpu).toFixed(2),
            cold.ms.toFixed(0),
        ]);
    }
    fs.rmSync(work, { recursive: true, force: true });
    process.stdout.write(`\n${table(processRows)}`);
    process.stdout.write(`\nwhole processes, spawn to exit: program = node ${[...args, ...sourceMaps].join(" ")} bench/evaluate.ts <stack> (TypeScript sources, warm compile cache);\n`);
    process.stdout.write(`floor = node bin/bench/floor.js (precompiled, no source maps, same SDKs, same resources); best of ${REPEATS} interleaved;\n`);
    process.stdout.write("CPU = user + system time of the process, every thread, as it reports it at the end (process.cpuUsage); the program process builds no render artefacts, as under `pulumi up`;\n");
    process.stdout.write("first run = the program process with an empty compile cache (HOMELAB_TS_CACHE); BENCH_NODEARGS replaces Pulumi.yaml's nodeargs\n");
    process.stdout.write(`\nbench took ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s\n`);
}

main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
});
