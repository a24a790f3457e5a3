// @ts-check
/**
 * Mutation testing of the pure modules (issue 13): `npm run mutate`, or one group at a time with
 * `npm run mutate -- --mutate 'components/core/**\/*.ts'`. Not part of CI: a full run takes long.
 * https://stryker-mutator.io/docs/stryker-js/configuration/
 *
 * - The Jest runner uses the project's jest.config.js, so the instrumented TypeScript goes through the
 *   same esbuild transform (loader/jest.js) as every test run; only the roots are narrowed (below).
 * - `enableFindRelatedTests`: a mutant of a file runs only the test files that import it, and of
 *   those, with `coverageAnalysis: "perTest"`, only the tests that reached the mutant.
 * - The whole-program tests (tests/), and the five tests beside modules that evaluate stacks, are left out: each of them evaluates whole stacks under the mock
 *   monitor (seconds per test), and every module is imported by program.ts, so each mutant would run
 *   them all. The score measures the unit tests that sit beside each module, which is where a module's
 *   behaviour should be pinned.
 * - The TypeScript checker drops mutants that do not compile (they would be "killed" for free).
 * - Incremental: reports/stryker-incremental.json is kept out of git (.gitignore): it records results
 *   against the exact source and test text of one machine's last run, so a committed copy would be stale
 *   after any merge and churn in every diff; a re-run after a small change re-tests only what changed.
 */
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
const config = {
    packageManager: "npm",
    testRunner: "jest",
    jest: {
        projectType: "custom",
        configFile: "jest.config.js",
        enableFindRelatedTests: true,
        config: {
            roots: ["<rootDir>/config", "<rootDir>/components", "<rootDir>/driver"],
            // Beside the modules, these few evaluate whole stacks too (like tests/): left out for the same reason.
            testPathIgnorePatterns: [
                "/node_modules/",
                "/components/clusters/k3s/k3s\\.test\\.ts$",
                "/components/clusters/kubeadm/kubeadm\\.test\\.ts$",
                "/components/clusters/kubeadm/kubeadmCluster\\.test\\.ts$",
                "/components/clusters/talos/machineConfig\\.test\\.ts$",
                "/components/clusters/talos/talos\\.test\\.ts$",
                // It serializes the readiness provider with Pulumi's closure serializer and runs the copy,
                // which cannot carry Stryker's instrumentation (its globals are not in the copy).
                "/components/clusters/access/apiReadiness\\.test\\.ts$",
            ],
        },
    },
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    coverageAnalysis: "perTest",
    // Static mutants (module-level constants: zod schemas, regexes, tables) cannot be traced to the
    // tests that reach them, so each one reloads and runs every related test file: on two shared cores
    // the first run of components/core spent 64 % of its time on these 11 % of its mutants. Skipped by
    // default (reported as ignored); `npm run mutate -- --ignoreStatic false` includes them. The VM
    // format's defaults, which are such constants, are pinned by components/hosts/vmArgs.test.ts.
    ignoreStatic: true,
    incremental: true,
    incrementalFile: "reports/stryker-incremental.json",
    mutate: [
        "config/*.ts",
        "components/core/*.ts",
        "components/hosts/vmDefinition.ts",
        "components/hosts/vmArgs.ts",
        "components/hosts/cloudInit.ts",
        "components/clusters/k3s/bootstrap.ts",
        "components/clusters/kubeadm/bootstrap.ts",
        "components/clusters/kubeadm/haproxy.ts",
        "components/clusters/talos/machineConfig.ts",
        "components/clusters/access/readiness.ts",
        "components/platform/services/**/*.ts",
        "driver/orchestrator.ts",
        "driver/comment.ts",
        "!**/*.test.ts",
    ],
    ignorePatterns: ["out", "bin", "reports", ".stryker-tmp"],
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    // Two cores, shared: one Jest worker per core.
    concurrency: 2,
    // The readiness and bootstrap-script tests wait on real sockets and child processes.
    timeoutMS: 10000,
    thresholds: { high: 85, low: 70, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
};
export default config;
