import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import * as ts from "typescript";
import * as pulumi from "@pulumi/pulumi";
import { ProgramRun, runProgram, SECRET_MASK } from "../render/harness";
import { DEPLOYMENTS_KEYS } from "./config";
import { affectedStacks, deployPaths, globToRegExp, matchesFilters, ownedVmFiles, PROGRAM_PATHS } from "./paths";
import { preRunCommands } from "./preRun";
import { prepareDeployments } from "./program";

const REPO = path.resolve(__dirname, "..");
const NS = "homelab-deployments";
const SETTINGS = "pulumiservice:index:DeploymentSettings";
const DRIFT = "pulumiservice:index:DriftSchedule";
const POOL = "pulumiservice:index:AgentPool";
const COMPONENT = "homelab:deployments:StackDeployment";

/** The service's stand-in: the pool gets an id and a token as Pulumi Cloud returns them; any invoke throws. */
const serviceMocks: pulumi.runtime.Mocks = {
    newResource(args) {
        if (args.type === POOL) {
            return { id: "pool-1234", state: { ...args.inputs, agentPoolId: "pool-1234", tokenValue: "pul-agent-0123456789abcdef" } };
        }
        return { id: `${args.name}-id`, state: args.inputs };
    },
    call(args) {
        throw new Error(`unexpected invoke ${args.token}: the deployments program makes no provider calls`);
    },
};

function run(config: Record<string, unknown>, secretKeys: string[] = [], repoDir = REPO): Promise<ProgramRun> {
    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        flat[`${NS}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return runProgram({
        project: NS,
        stack: "main",
        config: flat,
        secretKeys: secretKeys.map((k) => `${NS}:${k}`),
        preview: false,
        mocks: serviceMocks,
        prepare: () => prepareDeployments(repoDir),
    });
}

const BASE = {
    organization: "homelab",
    repository: "homelab/platform",
    environment: { VAULT_ADDR: "https://vault.home.arpa:8200" },
    secretEnvironment: { VAULT_TOKEN: "hvs.example-token" },
};

function resource(r: ProgramRun, type: string, name: string) {
    const found = r.resources.filter((x) => x.type === type && x.name === name);
    expect(found).toHaveLength(1);
    return found[0];
}

describe("the deployments program", () => {
    let result: ProgramRun;
    beforeAll(async () => {
        result = await run(BASE, ["secretEnvironment"]);
    });

    it("registers one agent pool and, per stack, a StackDeployment with its settings and drift schedule", () => {
        expect(result.error).toBeUndefined();
        expect(result.resources.map((r) => `${r.type}::${r.name}`).sort()).toEqual(
            [
                `${POOL}::agent-pool`,
                ...["tools", "dev", "prod"].flatMap((s) => [`${COMPONENT}::${s}`, `${SETTINGS}::${s}-settings`, `${DRIFT}::${s}-drift`]),
                "pulumi:pulumi:Stack::homelab-deployments-main",
            ].sort(),
        );
        for (const stack of ["tools", "dev", "prod"]) {
            expect(resource(result, SETTINGS, `${stack}-settings`).parent).toBe(`urn:pulumi:main::homelab-deployments::pulumi:pulumi:Stack$${COMPONENT}::${stack}`);
        }
    });

    it("creates the agent pool in the organization", () => {
        expect(resource(result, POOL, "agent-pool").rawInputs).toEqual({
            organizationName: "homelab",
            name: "homelab",
            description: "Self-hosted deployment agents inside the homelab network, for homelab/platform",
        });
    });

    it("gives the dev stack its source, GitHub triggers, path filters, pre-run commands, environment and agent pool", () => {
        const dev = resource(result, SETTINGS, "dev-settings");
        expect(dev.rawInputs).toEqual({
            organization: "homelab",
            project: "homelab",
            stack: "dev",
            sourceContext: { git: { branch: "refs/heads/main", repoDir: "." } },
            vcs: {
                provider: "github",
                repository: "homelab/platform",
                deployCommits: true,
                previewPullRequests: true,
                // The SDK fills in its documented default.
                pullRequestTemplate: false,
                paths: [...PROGRAM_PATHS, "Pulumi.dev.yaml", "vms/k8s-dev-worker-1.yaml", "vms/k8s-dev.yaml"],
            },
            operationContext: {
                preRunCommands: [
                    "npm ci --no-audit --no-fund",
                    "npm run render -- dev",
                    "(cd /tmp && curl -fsSLO --retry 3 https://github.com/siderolabs/talos/releases/download/v1.11.5/talosctl-linux-amd64 && curl -fsSLO --retry 3 https://github.com/siderolabs/talos/releases/download/v1.11.5/sha256sum.txt && grep ' talosctl-linux-amd64$' sha256sum.txt | sha256sum -c - && install -m 0755 talosctl-linux-amd64 /usr/local/bin/talosctl) && talosctl version --client",
                ],
                environmentVariables: { VAULT_ADDR: "https://vault.home.arpa:8200", VAULT_TOKEN: "hvs.example-token" },
                options: { skipInstallDependencies: true },
            },
            executorContext: { executorImage: "pulumi/pulumi-nodejs:3.248.0" },
            agentPoolId: "pool-1234",
        });
        expect(dev.dependencies).toEqual(["urn:pulumi:main::homelab-deployments::pulumi:pulumi:Stack$pulumiservice:index:AgentPool::agent-pool"]);
    });

    it("sends secret environment variables as secrets, and only those", () => {
        for (const stack of ["tools", "dev", "prod"]) {
            const settings = resource(result, SETTINGS, `${stack}-settings`);
            expect(settings.secretPaths).toEqual(["operationContext.environmentVariables.VAULT_TOKEN"]);
            expect((settings.inputs.operationContext as { environmentVariables: unknown }).environmentVariables).toEqual({
                VAULT_ADDR: "https://vault.home.arpa:8200",
                VAULT_TOKEN: SECRET_MASK,
            });
        }
    });

    it("deploys each stack on its own files: prod gets its five VMs and the HAProxy VM, tools its two K3s hosts", () => {
        const paths = (stack: string) => (resource(result, SETTINGS, `${stack}-settings`).rawInputs.vcs as { paths: string[] }).paths.slice(PROGRAM_PATHS.length);
        expect(paths("prod")).toEqual([
            "Pulumi.prod.yaml",
            "vms/haproxy.yaml",
            "vms/k8s-prod-cp-1.yaml",
            "vms/k8s-prod-cp-2.yaml",
            "vms/k8s-prod-cp-3.yaml",
            "vms/k8s-prod-worker-1.yaml",
            "vms/k8s-prod-worker-2.yaml",
        ]);
        expect(paths("tools")).toEqual(["Pulumi.tools.yaml", "vms/k8s-observability.yaml", "vms/k8s-tools.yaml"]);
    });

    it("installs talosctl only where a Talos cluster is", () => {
        const preRun = (stack: string) => (resource(result, SETTINGS, `${stack}-settings`).rawInputs.operationContext as { preRunCommands: string[] }).preRunCommands;
        expect(preRun("prod")).toEqual(["npm ci --no-audit --no-fund", "npm run render -- prod"]);
        expect(preRun("tools")).toEqual(["npm ci --no-audit --no-fund", "npm run render -- tools"]);
    });

    it("schedules drift detection per stack after its settings, without auto-remediation", () => {
        const expected: Record<string, string> = { tools: "0 4 * * *", dev: "20 4 * * *", prod: "40 4 * * *" };
        for (const [stack, cron] of Object.entries(expected)) {
            const drift = resource(result, DRIFT, `${stack}-drift`);
            expect(drift.rawInputs).toEqual({ organization: "homelab", project: "homelab", stack, scheduleCron: cron, autoRemediate: false });
            expect(drift.dependencies).toEqual([`urn:pulumi:main::homelab-deployments::${COMPONENT}$${SETTINGS}::${stack}-settings`]);
        }
    });

    it("exports the pool id, the agent token as a secret, and each stack's filters", () => {
        expect(result.outputSecretPaths).toEqual(["agentToken"]);
        expect(result.outputs.agentToken).toBe(SECRET_MASK);
        expect(result.rawOutputs.agentToken).toBe("pul-agent-0123456789abcdef");
        expect(result.outputs.agentPoolId).toBe("pool-1234");
        expect((result.outputs.stacks as Record<string, { driftSchedule: string }>).prod.driftSchedule).toBe("40 4 * * *");
    });

    it("passes config switches through: no push deploys, no PR previews, auto-remediation, a branch", async () => {
        const r = await run({ ...BASE, secretEnvironment: {}, deployCommits: false, previewPullRequests: false, autoRemediateDrift: true, branch: "release", stacks: ["prod"], driftSchedules: { prod: "0 1 * * 0" } });
        expect(r.error).toBeUndefined();
        const prod = resource(r, SETTINGS, "prod-settings").rawInputs;
        expect(prod.vcs).toMatchObject({ deployCommits: false, previewPullRequests: false });
        expect(prod.sourceContext).toEqual({ git: { branch: "refs/heads/release", repoDir: "." } });
        expect(resource(r, DRIFT, "prod-drift").rawInputs).toMatchObject({ scheduleCron: "0 1 * * 0", autoRemediate: true });
        expect(r.resources.filter((x) => x.type === SETTINGS)).toHaveLength(1);
    });
});

describe("bad deployments config", () => {
    it("reports every problem at once, path-addressed, and registers nothing", async () => {
        const r = await run({
            repository: "not a repo",
            stacks: ["tools", "staging", "tools"],
            driftSchedules: { tools: "daily" },
            environment: { "bad-name": "y" },
            brnach: "main",
        });
        expect(r.resources).toEqual([]);
        expect(r.error?.message.split("\n")).toEqual([
            "invalid platform definition: 7 problems found, nothing was created:",
            '  - deployments/Pulumi.main.yaml: homelab-deployments:brnach: unknown config key (did you mean "homelab-deployments:branch"?)',
            "  - deployments/Pulumi.main.yaml: homelab-deployments:organization: is required",
            '  - deployments/Pulumi.main.yaml: homelab-deployments:repository: "not a repo" is not owner/name',
            '  - deployments/Pulumi.main.yaml: homelab-deployments:driftSchedules.tools: "daily" is not a five-field cron expression',
            '  - deployments/Pulumi.main.yaml: homelab-deployments:environment.bad-name: "bad-name" is not an environment variable name like VAULT_ADDR',
            "  - deployments/Pulumi.main.yaml: homelab-deployments:stacks[1]: the platform has no stack file Pulumi.staging.yaml",
            '  - deployments/Pulumi.main.yaml: homelab-deployments:stacks[2]: "tools" is listed twice',
        ]);
    });

    it("checks the variables and schedules against each other once each is well formed", async () => {
        const r = await run({
            ...BASE,
            stacks: ["tools", "dev"],
            driftSchedules: { tools: "0 1 * * *", qa: "0 2 * * *" },
            environment: { VAULT_ADDR: "x", PULUMI_ACCESS_TOKEN: "z" },
            secretEnvironment: { VAULT_ADDR: "s" },
        }, ["secretEnvironment"]);
        expect(r.resources).toEqual([]);
        expect(r.error?.message.split("\n")).toEqual([
            "invalid platform definition: 4 problems found, nothing was created:",
            "  - deployments/Pulumi.main.yaml: homelab-deployments:environment.PULUMI_ACCESS_TOKEN: is set by Pulumi Deployments itself; remove it",
            "  - deployments/Pulumi.main.yaml: homelab-deployments:environment.VAULT_ADDR: is also in secretEnvironment; keep it in one of them",
            "  - deployments/Pulumi.main.yaml: homelab-deployments:driftSchedules.qa: is not one of the deployed stacks (tools, dev)",
            '  - deployments/Pulumi.main.yaml: homelab-deployments:driftSchedules: has no schedule for stack "dev"',
        ]);
    });

    it("refuses secret environment variables stored in plaintext", async () => {
        const r = await run(BASE, []);
        expect(r.resources).toEqual([]);
        expect(r.error?.message).toBe(
            "invalid platform definition: 1 problem found, nothing was created:\n" +
                "  - deployments/Pulumi.main.yaml: homelab-deployments:secretEnvironment: holds secrets but is stored in plaintext; remove it and set each variable with `pulumi config set --secret --path 'secretEnvironment.NAME' <value>`",
        );
    });
});

describe("path filters", () => {
    const all = ["tools", "dev", "prod"];

    it("deploy only the stacks a change affects", () => {
        const deploy = (...files: string[]) => affectedStacks(REPO, all, files, "deploy");
        expect(deploy("vms/k8s-dev.yaml")).toEqual(["dev"]);
        expect(deploy("vms/haproxy.yaml")).toEqual(["prod"]);
        expect(deploy("Pulumi.tools.yaml")).toEqual(["tools"]);
        expect(deploy("Pulumi.yaml")).toEqual(all);
        expect(deploy("components/hosts/proxmoxVm.ts")).toEqual(all);
        expect(deploy("components/hosts/cloudInit.test.ts")).toEqual([]);
        expect(deploy("README.md", "tests/program.test.ts", "render/cli.ts", "deployments/program.ts", "policy/policies.ts", ".github/workflows/pull-request.yml")).toEqual([]);
        expect(deploy("vms/a-vm-no-stack-lists.yaml")).toEqual([]);
        expect(deploy("vms/k8s-tools.yaml", "Pulumi.prod.yaml")).toEqual(["tools", "prod"]);
    });

    it("preview every stack on any change under vms/, since fleet-wide checks read all of it", () => {
        expect(affectedStacks(REPO, all, ["vms/k8s-dev.yaml"], "preview")).toEqual(all);
        expect(affectedStacks(REPO, all, ["Pulumi.dev.yaml"], "preview")).toEqual(["dev"]);
        expect(affectedStacks(REPO, all, ["README.md"], "preview")).toEqual([]);
    });

    it("cover every file the platform program loads, and no test", () => {
        // Walk index.ts's relative imports, as `pulumi up` loads them.
        const seen = new Set<string>();
        const visit = (file: string) => {
            const rel = path.relative(REPO, file);
            if (seen.has(rel)) {
                return;
            }
            seen.add(rel);
            for (const imported of ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles) {
                if (imported.fileName.startsWith(".")) {
                    const base = path.resolve(path.dirname(file), imported.fileName);
                    const target = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
                    if (target) {
                        visit(target);
                    }
                }
            }
        };
        visit(path.join(REPO, "index.ts"));
        expect(seen.size).toBeGreaterThan(20);
        const uncovered = [...seen].filter((f) => !matchesFilters(PROGRAM_PATHS, f));
        expect(uncovered).toEqual([]);
    });

    it("find a VM file by the name inside it, not by the file name", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployments-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: homelab\nconfig:\n  vmsDir:\n    default: machines\n");
        fs.writeFileSync(path.join(dir, "Pulumi.lab.yaml"), "config:\n  homelab:standaloneVms: [db]\n  homelab:clusters:\n    - {name: c, controlPlanes: [cp], workers: [], loadBalancer: lb}\n");
        fs.mkdirSync(path.join(dir, "machines"));
        fs.writeFileSync(path.join(dir, "machines", "database.yaml"), "name: db\n");
        fs.writeFileSync(path.join(dir, "machines", "control.yml"), "name: cp\n");
        fs.writeFileSync(path.join(dir, "machines", "lb.yaml"), "name: lb\n");
        fs.writeFileSync(path.join(dir, "machines", "other.yaml"), "name: other\n");
        expect(ownedVmFiles(dir, "lab")).toEqual(["machines/control.yml", "machines/database.yaml", "machines/lb.yaml"]);
        expect(deployPaths(dir, "lab").slice(PROGRAM_PATHS.length)).toEqual(["Pulumi.lab.yaml", "machines/control.yml", "machines/database.yaml", "machines/lb.yaml"]);
    });

    it("match globs as the service documents them", () => {
        expect(globToRegExp("config/**").test("config/config.ts")).toBe(true);
        expect(globToRegExp("config/**").test("config/deep/x.ts")).toBe(true);
        expect(globToRegExp("config/**").test("configs/x.ts")).toBe(false);
        expect(globToRegExp("**/*.test.ts").test("a.test.ts")).toBe(true);
        expect(globToRegExp("**/*.test.ts").test("components/hosts/a.test.ts")).toBe(true);
        expect(globToRegExp("vms/*.yaml").test("vms/sub/a.yaml")).toBe(false);
        expect(globToRegExp("Pulumi.dev.yaml").test("PulumiXdevXyaml")).toBe(false);
        expect(matchesFilters(["!docs/**"], "src/a.ts")).toBe(true);
        expect(matchesFilters(["!docs/**"], "docs/a.md")).toBe(false);
    });
});

describe("pre-run commands", () => {
    it("pin talosctl to the cluster's own Talos version", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployments-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: homelab\n");
        fs.writeFileSync(path.join(dir, "Pulumi.lab.yaml"), "config:\n  homelab:clusters:\n    - {name: t, distribution: talos, version: v1.10.7, controlPlanes: [a]}\n");
        expect(preRunCommands(dir, "lab")[2]).toBe(
            "(cd /tmp && curl -fsSLO --retry 3 https://github.com/siderolabs/talos/releases/download/v1.10.7/talosctl-linux-amd64 && curl -fsSLO --retry 3 https://github.com/siderolabs/talos/releases/download/v1.10.7/sha256sum.txt && grep ' talosctl-linux-amd64$' sha256sum.txt | sha256sum -c - && install -m 0755 talosctl-linux-amd64 /usr/local/bin/talosctl) && talosctl version --client",
        );
    });
});

describe("the committed project files", () => {
    const project = yaml.load(fs.readFileSync(path.join(__dirname, "Pulumi.yaml"), "utf8")) as { name: string; main: string; config: Record<string, { default?: unknown }> };
    const stackFile = yaml.load(fs.readFileSync(path.join(__dirname, "Pulumi.main.yaml"), "utf8")) as { config: Record<string, unknown> };

    it("declare exactly the keys the program reads, with the same defaults", () => {
        expect(project.name).toBe(NS);
        expect(project.main).toBe("index.ts");
        expect(Object.keys(project.config).sort()).toEqual(Object.keys(DEPLOYMENTS_KEYS).sort());
        for (const [key, declared] of Object.entries(DEPLOYMENTS_KEYS)) {
            expect([key, project.config[key].default]).toEqual([key, "default" in declared ? declared.default : undefined]);
        }
    });

    it("commit no plaintext secret environment variable", () => {
        const secretEnv = (stackFile.config[`${NS}:secretEnvironment`] ?? {}) as Record<string, unknown>;
        for (const [name, value] of Object.entries(secretEnv)) {
            expect([name, Object.keys(value as object)]).toEqual([name, ["secure"]]);
        }
        expect(Object.keys(stackFile.config).every((k) => k.startsWith(`${NS}:`))).toBe(true);
    });
});
