"use strict";
/**
 * The require hook that runs this project's TypeScript: `node --require ./loader/register.js x.ts`.
 * Pulumi.yaml preloads it for `pulumi up` (runtime option `nodeargs`, with `typescript: false` so
 * Pulumi's own ts-node registration is skipped), and the render and the bench use it too.
 *
 * Only `.ts` files outside node_modules go through it; every `.js` module loads exactly as Node
 * loads it. Stack traces point at the TypeScript lines: the source maps go to the copy of
 * source-map-support that Pulumi's program runner (@pulumi/pulumi/cmd/run) installs anyway.
 * That copy maps only these files: by default it would also read and parse the `.js.map` of every
 * SDK module in every stack trace, and Pulumi captures a stack trace per resource and per output
 * promise, which cost a stack's evaluation about a quarter of its time. SDK frames keep their
 * JavaScript positions.
 */
const Module = require("module");
const path = require("path");
const { compileFile } = require("./transform");

const maps = new Map();
const loadJs = Module._extensions[".js"];

Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    if (filename.split(path.sep).includes("node_modules")) {
        // Packages ship JavaScript; a stray .ts there is not ours to compile (ts-node skips them too).
        return loadJs(module, filename);
    }
    const { code, map } = compileFile(filename);
    maps.set(filename, map);
    module._compile(code, filename);
};

// The same module instance as cmd/run's `require("source-map-support/register")`, so one formatter
// serves both; handlers added here answer for the files compiled above, the default ones for the rest.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
require(require.resolve("source-map-support", { paths: [pulumiDir] })).install({
    environment: "node",
    handleUncaughtExceptions: false,
    // Replaces source-map-support's default lookup (read the file, follow its sourceMappingURL);
    // cmd/run's later `require("source-map-support/register")` adds no lookup back.
    overrideRetrieveSourceMap: true,
    retrieveSourceMap(source) {
        const map = maps.get(source);
        return map ? { url: source, map } : null;
    },
});
