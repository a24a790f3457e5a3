"use strict";
/**
 * TypeScript to CommonJS with esbuild, for every way this project runs its TypeScript: the require
 * hook (register.js) that `pulumi up`, the render and the bench preload, and Jest (jest.js).
 *
 * Why not ts-node: it loads the TypeScript compiler (several MB of JavaScript) on every run, which
 * made a stack's evaluation 2.6-2.9 times a bare program's. Why not tsx: its hooks also run on every
 * `.js` file and every resolution, which doubles the time to load the provider SDKs (thousands of
 * modules), and it turns on Node's own source maps, which then parses every SDK's `.js.map`.
 * esbuild only strips types, file by file, as `isolatedModules` (tsconfig.json) already requires;
 * `npm run typecheck` checks types. https://esbuild.github.io/api/#transform
 *
 * The cache cannot go stale: an entry is used only when its key, a hash of this file, esbuild's
 * version, tsconfig.json, the file's path and its whole source, is the one computed now.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const PROJECT_DIR = path.resolve(__dirname, "..");

const sha256 = (...parts) => {
    const hash = crypto.createHash("sha256");
    for (const part of parts) {
        hash.update(part);
        hash.update("\0");
    }
    return hash.digest("hex");
};

let settings;
/** What decides the emitted code, read once: esbuild's version, tsconfig.json, this file. */
function transformSettings() {
    if (!settings) {
        // esbuild reads the tsconfig fields that change emitted code (target and useDefineForClassFields,
        // verbatimModuleSyntax, …) from tsconfigRaw; it parses JSON with comments itself.
        const tsconfigRaw = fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.json"), "utf8");
        const esbuildVersion = JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
        settings = {
            tsconfigRaw,
            esbuildVersion,
            fingerprint: sha256(fs.readFileSync(__filename, "utf8"), esbuildVersion, tsconfigRaw),
        };
    }
    return settings;
}

/** The cache key of one file's output. */
function cacheKey(source, filename) {
    return sha256(transformSettings().fingerprint, filename, source);
}

/** One file, TypeScript to CommonJS, with its source map (sources: the absolute file name). */
function transform(source, filename) {
    const esbuild = require("esbuild"); // loaded only on a cache miss: a warm start never starts esbuild
    const result = esbuild.transformSync(source, {
        loader: filename.endsWith(".tsx") ? "tsx" : "ts",
        format: "cjs",
        platform: "node",
        target: "node20",
        // `import()` becomes `require()`, as tsc emits it for "module": "commonjs": Node's ESM loader
        // does not go through this hook, so a native import() of a .ts file would fail.
        supported: { "dynamic-import": false },
        sourcemap: "external",
        sourcefile: filename,
        tsconfigRaw: transformSettings().tsconfigRaw,
    });
    return { code: result.code, map: result.map };
}

/** Where compiled files are kept: HOMELAB_TS_CACHE (a folder, or "off"), else node_modules/.cache. */
function defaultCacheDir() {
    const setting = process.env.HOMELAB_TS_CACHE;
    if (setting === "off") {
        return undefined;
    }
    return setting || path.join(PROJECT_DIR, "node_modules", ".cache", "homelab-ts");
}

/**
 * Compiles a file, through the cache when there is one. One entry per source file (named by a hash
 * of its path), so the cache does not grow with every edit; the entry holds the key it was made for.
 */
function compileFile(filename, cacheDir = defaultCacheDir()) {
    const source = fs.readFileSync(filename, "utf8");
    if (!cacheDir) {
        return { ...transform(source, filename), cached: false };
    }
    const key = cacheKey(source, filename);
    const entryPath = path.join(cacheDir, `${sha256(filename).slice(0, 32)}.json`);
    try {
        const entry = JSON.parse(fs.readFileSync(entryPath, "utf8"));
        if (entry.key === key && typeof entry.code === "string" && typeof entry.map === "string") {
            return { code: entry.code, map: entry.map, cached: true };
        }
    } catch {
        // No entry yet, or an unreadable one: compile.
    }
    const output = transform(source, filename);
    try {
        fs.mkdirSync(cacheDir, { recursive: true });
        // Written aside and renamed, so a concurrent run never reads half an entry.
        const partial = `${entryPath}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
        fs.writeFileSync(partial, JSON.stringify({ key, code: output.code, map: output.map }));
        fs.renameSync(partial, entryPath);
    } catch {
        // A read-only checkout still runs, compiling every time.
    }
    return { ...output, cached: false };
}

module.exports = { transform, cacheKey, compileFile, defaultCacheDir };
