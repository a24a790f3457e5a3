"use strict";
/**
 * Jest's transform for this project's TypeScript: the same esbuild transform as the require hook,
 * so the tests run the code `pulumi up` runs. Jest keeps its own cache, keyed by getCacheKey.
 * https://jestjs.io/docs/code-transformation#writing-custom-transformers
 */
const crypto = require("crypto");
const { cacheKey, transform } = require("./transform");

module.exports = {
    process(source, filename) {
        return transform(source, filename);
    },
    getCacheKey(source, filename, options) {
        return crypto
            .createHash("sha256")
            .update(cacheKey(source, filename))
            .update("\0")
            .update(options.configString)
            .update(options.instrument ? "\0instrument" : "\0")
            .digest("hex");
    },
};
