"use strict";
/**
 * Jest's stack traces, made cheap (setupFilesAfterEnv, so it runs after Jest has installed its
 * source-map-support in the test's context). Jest's copy maps every frame through a source map:
 * the project's TypeScript through Jest's own maps, and every SDK frame through the `.js.map` files
 * the SDKs ship, which it parses and searches. Pulumi formats a stack trace for every output promise
 * and a full one for every resource, so that mapping was over a third of a whole-program test's
 * time. Here only the project's frames (outside node_modules) go through Jest's formatter; every
 * other frame is printed as V8 prints it, at its JavaScript position, as under `pulumi up`
 * (loader/register.js maps the project's files only). Failures still point at the TypeScript lines.
 */
const path = require("path");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const jestFormatter = Error.prepareStackTrace;

if (typeof jestFormatter === "function") {
    Error.prepareStackTrace = function prepareStackTrace(error, stack) {
        const header = `${error.name || "Error"}: ${error.message || ""}`;
        let formatted = header;
        for (const frame of stack) {
            const file = frame.getFileName();
            formatted += file && !file.includes(NODE_MODULES) && !file.startsWith("node:")
                ? jestFormatter(error, [frame]).slice(header.length)
                : `\n    at ${String(frame)}`;
        }
        return formatted;
    };
}
