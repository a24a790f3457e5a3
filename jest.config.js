/**
 * Transpile-only, with the same esbuild transform as the loader `pulumi up` uses (loader/jest.js):
 * type errors are caught by `npm run typecheck`, not on every test run.
 */
module.exports = {
  testEnvironment: "node",
  // Unit tests sit beside their modules; whole-program tests live in tests/.
  roots: ["<rootDir>/config", "<rootDir>/components", "<rootDir>/render", "<rootDir>/loader", "<rootDir>/driver", "<rootDir>/tests", "<rootDir>/deployments", "<rootDir>/policy", "<rootDir>/bench"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": "<rootDir>/loader/jest.js",
  },
  // Cheap stack traces: only the project's own frames go through source maps (see the file).
  setupFilesAfterEnv: ["<rootDir>/loader/jestStackTraces.js"],
  // One folder per invocation for what the test files share: each committed stack's run, the tls
  // stand-in's keys and certificates (tests/invocationCache.ts).
  globalSetup: "<rootDir>/tests/jestGlobalSetup.ts",
  globalTeardown: "<rootDir>/tests/jestGlobalTeardown.ts",
  // Whole-stack evaluations take a few seconds idle, but several times that when the two cores are
  // shared: a hook that times out leaves its evaluation running beside the file's next one, which
  // then fails for a reason that is not its own. A generous limit only delays a real hang.
  testTimeout: 120000,
  // Jest's default (cores - 1) is one worker on a 2-core machine; the tests spend much of their time
  // waiting on openssl and cloud-init child processes, so both cores pay off.
  maxWorkers: "100%",
};
