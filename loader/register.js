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
const sourceMapSupport = require(require.resolve("source-map-support", { paths: [pulumiDir] }));
sourceMapSupport.install({
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

/**
 * source-map-support's formatter, with the same output, for a fraction of its cost. It clones every
 * call site of every stack trace (about thirty bound getters each), and Pulumi formats a stack trace
 * for every output promise (runtime/debuggable.ts) and a full one for every resource
 * (Resource.callsites): that cloning was a third of a stack's evaluation. Here a frame is printed by
 * source-map-support's own CallSiteToString, from the frame itself where its file has no source map
 * (every SDK and Node frame), else from a small view holding the mapped position. The loop and the
 * naming rule (a frame takes the name its caller's mapped position gives it) are those of
 * prepareStackTrace and wrapCallSite in source-map-support 0.5.21, which @pulumi/pulumi pins:
 * https://github.com/evanw/node-source-map-support/blob/v0.5.21/source-map-support.js#L367-L446
 * loader.test.ts compares the two formatters on every stack trace of a stack's evaluation.
 */
const sourceMapSupportFormatter = Error.prepareStackTrace;
let callSiteToString;
// A position without a name: what wrapCallSite records for a frame its source maps leave as it is.
const UNMAPPED = Object.freeze({});

/**
 * source-map-support's mapSourcePosition, once per position: a compiled file's map never changes
 * within a process, and the same few hundred positions (the program's resource declarations and
 * applies) recur in thousands of stack traces, each lookup normalising the source's URL again.
 */
const positions = new Map();
function mappedPosition(source, line, column) {
    let bySource = positions.get(source);
    if (!bySource) {
        bySource = new Map();
        positions.set(source, bySource);
    }
    const key = `${line}:${column}`;
    let position = bySource.get(key);
    if (!position) {
        position = sourceMapSupport.mapSourcePosition({ source, line, column });
        bySource.set(key, position);
    }
    return position;
}

/**
 * A mapped frame as CallSiteToString reads it: the frame's own answers, but the mapped position and
 * the caller's name. Methods on a prototype, not a dozen closures per frame.
 */
class MappedSite {
    constructor(frame, position, callerName) {
        this.frame = frame;
        this.position = position;
        this.callerName = callerName;
    }
    isNative() { return false; }
    isEval() { return this.frame.isEval(); }
    getEvalOrigin() { return this.frame.getEvalOrigin(); }
    isConstructor() { return this.frame.isConstructor(); }
    isToplevel() { return this.frame.isToplevel(); }
    getTypeName() { return this.frame.getTypeName(); }
    getMethodName() { return this.frame.getMethodName(); }
    getFunctionName() { return this.callerName || this.frame.getFunctionName(); }
    getFileName() { return this.position.source; }
    getScriptNameOrSourceURL() { return this.position.source; }
    getLineNumber() { return this.position.line; }
    getColumnNumber() { return this.position.column + 1; }
}

function formatFrame(frame, state) {
    const source = frame.isNative() ? undefined : frame.getFileName() || frame.getScriptNameOrSourceURL();
    if (!source) {
        // Native and sourceless (eval) frames: rare, left to source-map-support.
        return sourceMapSupport.wrapCallSite(frame, state);
    }
    // source-map-support's CallSiteToString, taken once from a call site it wrapped.
    callSiteToString = callSiteToString || sourceMapSupport.wrapCallSite(frame, { nextPosition: null, curPosition: null }).toString;
    const callerName = state.nextPosition && state.nextPosition.name;
    if (!maps.has(source)) {
        state.curPosition = UNMAPPED;
        return callerName ? callSiteToString.call(renamed(frame, callerName)) : callSiteToString.call(frame);
    }
    // Node >= 12 prepends no header to a module's first line, so the column needs no correction.
    const position = mappedPosition(source, frame.getLineNumber(), frame.getColumnNumber() - 1);
    state.curPosition = position;
    return callSiteToString.call(new MappedSite(frame, position, callerName));
}

/** A call site under another function name. */
function renamed(frame, name) {
    return {
        isNative: () => frame.isNative(),
        isEval: () => frame.isEval(),
        getEvalOrigin: () => frame.getEvalOrigin(),
        isConstructor: () => frame.isConstructor(),
        isToplevel: () => frame.isToplevel(),
        getTypeName: () => frame.getTypeName(),
        getMethodName: () => frame.getMethodName(),
        getFunctionName: () => name,
        getFileName: () => frame.getFileName(),
        getScriptNameOrSourceURL: () => frame.getScriptNameOrSourceURL(),
        getLineNumber: () => frame.getLineNumber(),
        getColumnNumber: () => frame.getColumnNumber(),
    };
}

Error.prepareStackTrace = function prepareStackTrace(error, stack) {
    const errorString = `${error.name || "Error"}: ${error.message || ""}`;
    const state = { nextPosition: null, curPosition: null };
    const processed = [];
    for (let i = stack.length - 1; i >= 0; i--) {
        processed.push("\n    at " + formatFrame(stack[i], state));
        state.nextPosition = state.curPosition;
    }
    return errorString + processed.reverse().join("");
};

// For the test that compares both formatters on the same call sites (loader.test.ts).
module.exports = { sourceMapSupportFormatter };
