// @ts-check
/**
 * Mutation testing of the pure modules (issue 13). `npm run mutate` runs every group in
 * scripts/mutationGroups.mjs, one Stryker run each, then prints the score per module
 * (scripts/mutate.mjs); `npm run mutate -- core hosts` runs only those groups. A group is chosen
 * here through `MUTATE_GROUP`. Not part of CI: a full run takes long.
 * https://stryker-mutator.io/docs/stryker-js/configuration/
 *
 * - The Jest runner uses the project's jest.config.js, so the instrumented TypeScript goes through the
 *   same esbuild transform (loader/jest.js) as every test run; only the test files are narrowed to
 *   the group's own unit tests (why: scripts/mutationGroups.mjs), and with
 *   `coverageAnalysis: "perTest"` a mutant runs only the tests that reached it.
 * - The TypeScript checker drops mutants that do not compile (they would be "killed" for free).
 * - Incremental, per group: reports/mutation/<group>.incremental.json is kept out of git (.gitignore):
 *   it records results against the exact source and test text of one machine's last run, so a committed
 *   copy would be stale after any merge and churn in every diff; a re-run after a small change re-tests
 *   only what changed.
 */
import { writeFileSync } from "node:fs";
import { mutationGroups } from "./scripts/mutationGroups.mjs";

const groupName = process.env.MUTATE_GROUP;
if (groupName !== undefined && !Object.hasOwn(mutationGroups, groupName)) {
    throw new Error(`MUTATE_GROUP=${groupName} is not a group; the groups are: ${Object.keys(mutationGroups).join(", ")}`);
}
/** @type {{ mutate: string[], tests: string[], relatedTests?: boolean }[]} */
const chosen = groupName ? [mutationGroups[/** @type {keyof typeof mutationGroups} */ (groupName)]] : Object.values(mutationGroups);
const reportName = groupName ?? "all";

// The TypeScript checker type-checks its whole program again for each batch of mutants. The
// project's tsconfig.json takes in every file (tests/, render/, bench/, the SDK-heavy components):
// about 20 s of CPU per full check here, against about 3 s for components/core's modules and tests
// alone. So the checker gets a tsconfig of the group's modules and test files only (what they import
// comes in through the imports). A mutant that breaks a type only in a file outside the group is
// not dropped by this checker; it then runs as the transpile-only tests run it. Generated, and
// git-ignored.
const checkerTsconfig = ".stryker-tsconfig.json";
writeFileSync(
    checkerTsconfig,
    `${JSON.stringify(
        {
            extends: "./tsconfig.json",
            include: chosen.flatMap((group) => [...group.tests, ...group.mutate.filter((glob) => !glob.startsWith("!"))]),
        },
        null,
        2,
    )}\n`,
);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
const config = {
    packageManager: "npm",
    testRunner: "jest",
    jest: {
        projectType: "custom",
        configFile: "jest.config.js",
        // Off unless every chosen group asks for it (`relatedTests: true` in scripts/mutationGroups.mjs):
        // then a mutant's run loads only the group's test files that import its module.
        enableFindRelatedTests: chosen.every((group) => group.relatedTests === true),
        config: {
            roots: ["<rootDir>/config", "<rootDir>/components", "<rootDir>/driver"],
            testMatch: chosen.flatMap((group) => group.tests.map((test) => `<rootDir>/${test}`)),
        },
    },
    checkers: ["typescript"],
    tsconfigFile: checkerTsconfig,
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: "perTest",
    // Static mutants (module-level constants: zod schemas, regexes, tables) cannot be traced to the
    // tests that reach them, so each one reloads and runs every related test file: on two shared cores
    // the first run of components/core spent 64 % of its time on these 11 % of its mutants. Skipped by
    // default (reported as ignored); `npm run mutate -- --ignoreStatic false` includes them. The VM
    // format's defaults, which are such constants, are pinned by components/hosts/vmArgs.test.ts.
    ignoreStatic: true,
    incremental: true,
    incrementalFile: `reports/mutation/${reportName}.incremental.json`,
    mutate: [...chosen.flatMap((group) => group.mutate), "!**/*.test.ts"],
    ignorePatterns: ["out", "bin", "reports", ".stryker-tmp"],
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
    jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
    // Two cores, shared: one Jest worker per core.
    concurrency: 2,
    // The readiness and bootstrap-script tests wait on real sockets and child processes.
    timeoutMS: 10000,
    thresholds: { high: 85, low: 70, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
};
export default config;
