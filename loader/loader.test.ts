import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cacheKey, compileFile, defaultCacheDir, transform } from "./transform";

const PROJECT_DIR = path.resolve(__dirname, "..");
const REGISTER = path.join(__dirname, "register.js");

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "homelab-loader-"));
}

/** Runs `node --require loader/register.js <file>` in the project, as `pulumi up` and the render do. */
function runTs(file: string, env: NodeJS.ProcessEnv = {}) {
    return spawnSync(process.execPath, ["--require", REGISTER, file], { cwd: PROJECT_DIR, encoding: "utf8", env: { ...process.env, ...env } });
}

describe("transform", () => {
    it("emits CommonJS with TypeScript's semantics for this tsconfig", () => {
        const { code, map } = transform(
            [
                'import * as path from "path";',
                "export class Box { value: number; label?: string; constructor(v: number) { this.value = v; } }",
                "export async function lazy() { return import(\"path\"); }",
                "export const sep: string = path.sep;",
            ].join("\n"),
            "/project/box.ts",
        );
        expect(code).toContain('require("path")');
        // import() becomes require(), as tsc emits it for "module": "commonjs".
        expect(code).not.toMatch(/\bimport\(/);
        // target ES2022: class fields use define semantics, as tsc (and ts-node before) emit them.
        expect(code).toMatch(/^\s+value;$/m);
        expect(code).not.toContain(": number");
        expect(JSON.parse(map).sources).toEqual(["/project/box.ts"]);
    });

    it("turns `export =` into module.exports, as index.ts needs", () => {
        expect(transform("export = () => 42;", "/project/index.ts").code).toMatch(/module\.exports = \(\) => 42;/);
    });

    it("keys the cache on the path and the whole source", () => {
        expect(cacheKey("const a = 1;", "/p/a.ts")).toBe(cacheKey("const a = 1;", "/p/a.ts"));
        expect(cacheKey("const a = 1;", "/p/a.ts")).not.toBe(cacheKey("const a = 2;", "/p/a.ts"));
        expect(cacheKey("const a = 1;", "/p/a.ts")).not.toBe(cacheKey("const a = 1;", "/p/b.ts"));
    });

    it("puts the cache in node_modules/.cache unless HOMELAB_TS_CACHE says otherwise", () => {
        const saved = process.env.HOMELAB_TS_CACHE;
        try {
            delete process.env.HOMELAB_TS_CACHE;
            expect(defaultCacheDir()).toBe(path.join(PROJECT_DIR, "node_modules", ".cache", "homelab-ts"));
            process.env.HOMELAB_TS_CACHE = "/elsewhere";
            expect(defaultCacheDir()).toBe("/elsewhere");
            process.env.HOMELAB_TS_CACHE = "off";
            expect(defaultCacheDir()).toBeUndefined();
        } finally {
            if (saved === undefined) {
                delete process.env.HOMELAB_TS_CACHE;
            } else {
                process.env.HOMELAB_TS_CACHE = saved;
            }
        }
    });
});

describe("compileFile", () => {
    it("compiles once, then serves the cache, and never a stale entry", () => {
        const dir = tempDir();
        const cache = path.join(dir, "cache");
        const file = path.join(dir, "a.ts");
        fs.writeFileSync(file, "export const answer: number = 1;\n");
        const first = compileFile(file, cache);
        expect(first.cached).toBe(false);
        expect(fs.readdirSync(cache)).toHaveLength(1);
        const second = compileFile(file, cache);
        expect(second).toEqual({ ...first, cached: true });

        // An edit, even one that keeps the file's size and time stamp, is compiled anew.
        fs.writeFileSync(file, "export const answer: number = 2;\n");
        const edited = compileFile(file, cache);
        expect(edited.cached).toBe(false);
        expect(edited.code).toContain("answer = 2");
        // One entry per source file: the cache does not grow with edits.
        expect(fs.readdirSync(cache)).toHaveLength(1);
        expect(compileFile(file, cache).cached).toBe(true);
    });

    it("recompiles over a corrupt entry and runs without a writable cache", () => {
        const dir = tempDir();
        const cache = path.join(dir, "cache");
        const file = path.join(dir, "a.ts");
        fs.writeFileSync(file, "export const a: string = 'x';\n");
        compileFile(file, cache);
        const [entry] = fs.readdirSync(cache);
        fs.writeFileSync(path.join(cache, entry), "{ not json");
        expect(compileFile(file, cache).cached).toBe(false);
        expect(compileFile(file, cache).cached).toBe(true);

        const blocked = path.join(dir, "blocked");
        fs.writeFileSync(blocked, "a file where the cache folder should be");
        const result = compileFile(file, blocked);
        expect(result.cached).toBe(false);
        expect(result.code).toContain('a = "x"');
    });
});

describe("jest.js", () => {
    // Jest's transformer API: https://jestjs.io/docs/code-transformation
    const jestTransform = jest.requireActual("./jest.js") as {
        process(source: string, filename: string): { code: string; map: string };
        getCacheKey(source: string, filename: string, options: { configString: string; instrument: boolean }): string;
    };

    it("gives Jest the loader's output", () => {
        expect(jestTransform.process("export const a: number = 1;", "/p/a.ts")).toEqual(transform("export const a: number = 1;", "/p/a.ts"));
    });

    it("changes its cache key with the source, the path, Jest's config and instrumentation", () => {
        const options = { configString: "{}", instrument: false };
        const key = jestTransform.getCacheKey("const a = 1;", "/p/a.ts", options);
        expect(jestTransform.getCacheKey("const a = 1;", "/p/a.ts", { ...options })).toBe(key);
        expect(new Set([
            key,
            jestTransform.getCacheKey("const a = 2;", "/p/a.ts", options),
            jestTransform.getCacheKey("const a = 1;", "/p/b.ts", options),
            jestTransform.getCacheKey("const a = 1;", "/p/a.ts", { ...options, configString: "{\"x\":1}" }),
            jestTransform.getCacheKey("const a = 1;", "/p/a.ts", { ...options, instrument: true }),
        ]).size).toBe(5);
    });
});

describe("jestStackTraces.js", () => {
    it("maps this project's frames to the TypeScript lines and prints SDK frames at their JavaScript positions", async () => {
        const pulumi = await import("@pulumi/pulumi");
        let stack = "";
        // The line of `new Error` below, in this file's TypeScript.
        const line = fs.readFileSync(__filename, "utf8").split("\n").findIndex((l) => l.includes("(stack = new " + "Error(")) + 1;
        pulumi.output(1).apply((v) => (stack = new Error(`from an apply ${v}`).stack ?? ""));
        await new Promise((resolve) => setImmediate(resolve));
        expect(stack.split("\n")[0]).toBe("Error: from an apply 1");
        expect(stack).toContain(`${path.join(__dirname, "loader.test.ts")}:${line}:`);
        // The SDK's own frames are not mapped to its TypeScript sources.
        expect(stack).toMatch(/node_modules\/@pulumi\/pulumi\/output\.js:\d+:\d+/);
        expect(stack).not.toMatch(/@pulumi\/pulumi\/output\.ts/);
    });
});

describe("register.js", () => {
    it("runs TypeScript and maps stack traces to the TypeScript lines", () => {
        const dir = tempDir();
        const file = path.join(dir, "fails.ts");
        fs.writeFileSync(file, ["interface Unused { a: number }", "", "type Alias = string;", "", "export function fail(): never {", '    throw new Error("from line 6");', "}", "fail();", ""].join("\n"));
        const result = runTs(file, { HOMELAB_TS_CACHE: path.join(dir, "cache") });
        expect(result.status).toBe(1);
        expect(result.stderr).toContain("Error: from line 6");
        expect(result.stderr).toContain(`${file}:6:11`);
    });

    it("formats every stack trace of a stack's evaluation exactly as source-map-support does", () => {
        // Both formatters on the same call sites: the render's dev stack (Pulumi formats a stack trace
        // per output promise and per resource), and frames the program does not produce (eval, a constructor).
        const dir = tempDir();
        const script = path.join(dir, "compare.ts");
        fs.writeFileSync(script, [
            "const project = process.cwd();",
            "const { sourceMapSupportFormatter } = require(`${project}/loader/register.js`);",
            "const fast = Error.prepareStackTrace!;",
            "let compared = 0;",
            "const mismatches: string[][] = [];",
            "Error.prepareStackTrace = (error, sites) => {",
            "    const ours = fast(error, sites);",
            "    const theirs = sourceMapSupportFormatter(error, sites);",
            "    compared++;",
            "    if (ours !== theirs) mismatches.push([ours, theirs]);",
            "    return ours;",
            "};",
            "class Named { constructor() { void new Error('in a constructor').stack; } }",
            "new Named();",
            "eval(\"void new Error('in eval').stack\");",
            "const { preparePlatform } = require(`${project}/program`);",
            "const { runProgram } = require(`${project}/render/harness`);",
            "const { readStackConfig } = require(`${project}/render/stackConfig`);",
            "const { config, secretKeys } = readStackConfig(project, 'dev');",
            "runProgram({ stack: 'dev', config, secretKeys, preview: true, prepare: () => preparePlatform(project) }).then((run: { error?: Error; resources: unknown[] }) => {",
            "    console.log(JSON.stringify({ error: run.error?.message, resources: run.resources.length > 100, many: compared > 1000, mismatches: mismatches.slice(0, 3) }));",
            "});",
            "",
        ].join("\n"));
        const result = runTs(script);
        expect(result.stderr).toBe("");
        expect(JSON.parse(result.stdout)).toEqual({ resources: true, many: true, mismatches: [] });
    }, 120_000);

    it("imports .ts modules and leaves every .js module to Node's own handler", () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "lib.ts"), "export const kind: string = 'ts';\n");
        fs.writeFileSync(path.join(dir, "main.ts"), [
            'import { kind } from "./lib";',
            'const Module = require("module");',
            'console.log(JSON.stringify({ kind, js: Module._extensions[".js"].name, sdk: typeof require(require.resolve("@pulumi/pulumi", { paths: [process.cwd()] })).runtime.setMocks }));',
            "",
        ].join("\n"));
        const result = runTs(path.join(dir, "main.ts"), { HOMELAB_TS_CACHE: path.join(dir, "cache") });
        expect(result.stderr).toBe("");
        // The .js handler is still Node's own (same name as in a bare node), so SDKs load as without the loader.
        const bare = spawnSync(process.execPath, ["-p", 'JSON.stringify(require("module")._extensions[".js"].name)'], { encoding: "utf8" });
        expect(JSON.parse(result.stdout)).toEqual({ kind: "ts", js: JSON.parse(bare.stdout), sdk: "function" });
    });
});
