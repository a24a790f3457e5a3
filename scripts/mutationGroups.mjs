// @ts-check
/**
 * The modules `npm run mutate` measures (issue 13), in groups, each with the unit tests that sit
 * beside its modules. A group is one Stryker run (stryker.config.mjs reads `MUTATE_GROUP`), with its
 * own incremental file and JSON report under reports/mutation/.
 *
 * Why explicit test files instead of Jest's `findRelatedTests`: every module here is imported,
 * through program.ts, by the whole-program tests, and through the config loader by a dozen unit test
 * files. A mutant's run loads every test file it runs, even when per-test coverage narrows the tests
 * that execute, so related-test discovery made each mutant of components/core load 14 files (about
 * 2.7 s of CPU each). The score a group reports is the one the issue asks for: how well the unit
 * tests beside a module pin its behaviour.
 *
 * Shape: `{ [group]: { mutate: string[] (globs, Stryker's syntax), tests: string[] (test files,
 * relative to the repository root) } }`.
 */
export const mutationGroups = {
    core: {
        mutate: ["components/core/*.ts"],
        tests: [
            "components/core/ipmath.test.ts",
            "components/core/schema.test.ts",
            "components/core/issues.test.ts",
            "components/core/artefacts.test.ts",
            "components/core/naming.test.ts",
        ],
    },
    config: {
        mutate: ["config/*.ts"],
        tests: ["config/config.test.ts", "config/defaults.test.ts", "config/pools.test.ts"],
    },
    hosts: {
        mutate: ["components/hosts/vmDefinition.ts", "components/hosts/vmArgs.ts", "components/hosts/cloudInit.ts"],
        tests: [
            "components/hosts/vmDefinition.test.ts",
            "components/hosts/vmArgs.test.ts",
            "components/hosts/cloudInit.test.ts",
        ],
    },
    clusters: {
        mutate: [
            "components/clusters/k3s/bootstrap.ts",
            "components/clusters/kubeadm/bootstrap.ts",
            "components/clusters/kubeadm/haproxy.ts",
            "components/clusters/talos/machineConfig.ts",
            "components/clusters/access/readiness.ts",
        ],
        tests: [
            "components/clusters/kubeadm/bootstrap.test.ts",
            "components/clusters/kubeadm/haproxy.test.ts",
            "components/clusters/talos/machineConfigDocument.test.ts",
            "components/clusters/access/readiness.test.ts",
        ],
    },
    services: {
        // The Helm values and object builders. The four component classes in this tree
        // (argocdServer.ts, vaultServer.ts, secretsLayer.ts, destination.ts) register resources and are
        // pinned by the whole-program tests in tests/, so they are not among the pure modules.
        mutate: [
            "components/platform/services/**/*.ts",
            "!components/platform/services/argocd/argocdServer.ts",
            "!components/platform/services/argocd/destination.ts",
            "!components/platform/services/vault/vaultServer.ts",
            "!components/platform/services/externalSecrets/secretsLayer.ts",
        ],
        tests: ["components/platform/services/**/*.test.ts"],
        // Jest loads every test file it runs, even those whose tests the name filter skips: without
        // related-test discovery each mutant loaded all 22 files here (the Pulumi SDK and the Vault
        // provider several times over, kubernetes-models thirteen times), and the first run tested 13
        // mutants in 5 minutes on the shared cores. Within these test files only, a mutant's run now
        // loads those that import its module (one to three), the only ones that can reach it, so the
        // score is the same; the whole group then ran in 19 minutes, a re-run after a test change in 3.
        relatedTests: true,
    },
    driver: {
        mutate: ["driver/orchestrator.ts", "driver/comment.ts"],
        tests: ["driver/orchestrator.test.ts", "driver/comment.test.ts"],
    },
};
