import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { bool, closest, decodeConfigValue, map, pattern, str, validate, z } from "../components/core/schema";
import { IssueCollector } from "../components/core/issues";

/** This program's config namespace (deployments/Pulumi.yaml `name`). */
export const DEPLOYMENTS_NAMESPACE = "homelab-deployments";

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const CRON = /^\S+( \S+){4}$/;

/**
 * Variables a deployment gets from Pulumi Deployments itself; setting them here would override the
 * service's own (https://www.pulumi.com/docs/deployments/deployments/reference/#environment-variables).
 */
const RESERVED_ENV = ["PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_HOME"];

const envMap = (description: string) => map(z.string(), { pattern: ENV_NAME, hint: "an environment variable name like VAULT_ADDR" }, description);

export const DEPLOYMENTS_KEYS = {
    organization: { required: true, secret: false, schema: pattern("Pulumi Cloud organization that owns the platform's stacks", /^[A-Za-z0-9][A-Za-z0-9._-]*$/, "an organization name") },
    repository: { required: true, secret: false, schema: pattern("GitHub repository, owner/name", /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, "owner/name") },
    branch: { required: false, secret: false, default: "main", schema: str("Branch deployed on push") },
    stacks: { required: false, secret: false, default: ["tools", "dev", "prod"], schema: z.array(z.string().regex(/^[a-z0-9-]+$/, { error: (issue) => `${JSON.stringify(issue.input)} is not a stack name` })).min(1).describe("Platform stacks to deploy") },
    agentPoolName: { required: false, secret: false, default: "homelab", schema: str("Name of the self-hosted agent pool inside the homelab network") },
    deployCommits: { required: false, secret: false, default: true, schema: bool("Run `pulumi up` on a push to the branch") },
    previewPullRequests: { required: false, secret: false, default: true, schema: bool("Run `pulumi preview` on pull requests") },
    driftSchedules: {
        required: false,
        secret: false,
        default: { tools: "0 4 * * *", dev: "20 4 * * *", prod: "40 4 * * *" },
        schema: map(pattern("Drift detection cron (UTC)", CRON, "a five-field cron expression"), undefined, "Drift detection cron (UTC) per stack"),
    },
    autoRemediateDrift: { required: false, secret: false, default: false, schema: bool("Run `pulumi up` when drift is found") },
    environment: { required: false, secret: false, default: {}, schema: envMap("Plain environment variables for every deployment") },
    secretEnvironment: { required: false, secret: true, default: {}, schema: envMap("Secret environment variables for every deployment (set each with `pulumi config set --secret --path`)") },
} as const satisfies Record<string, { required: boolean; secret: boolean; default?: unknown; schema: z.ZodType }>;

export interface DeploymentsConfig {
    readonly file: string;
    readonly organization: string;
    readonly repository: string;
    readonly branch: string;
    readonly stacks: readonly string[];
    readonly agentPoolName: string;
    readonly deployCommits: boolean;
    readonly previewPullRequests: boolean;
    readonly driftSchedules: Readonly<Record<string, string>>;
    readonly autoRemediateDrift: boolean;
    readonly environment: Readonly<Record<string, string>>;
    /** Each value a secret Output: the provider stores a secret input as a secret variable. */
    readonly secretEnvironment: Readonly<Record<string, pulumi.Output<string>>>;
}

function isSecretKey(fullKey: string): boolean {
    const probe = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    if (probe) {
        return probe(fullKey);
    }
    const keys: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
    return Array.isArray(keys) && keys.includes(fullKey);
}

/**
 * Reads and checks this program's config, every problem into `issues`, each addressed as
 * `deployments/Pulumi.<stack>.yaml: homelab-deployments:key: message`. `repoDir` is the platform
 * project whose stacks are deployed: each stack must have its Pulumi.<stack>.yaml there.
 */
export function readDeploymentsConfig(issues: IssueCollector, repoDir: string): DeploymentsConfig | undefined {
    const file = `deployments/Pulumi.${pulumi.getStack()}.yaml`;
    const report = issues.forFile(file);
    const before = issues.count;
    const all = pulumi.runtime.allConfig();
    const known = Object.keys(DEPLOYMENTS_KEYS);
    for (const fullKey of Object.keys(all).sort()) {
        const [namespace, key] = fullKey.split(":", 2);
        if (namespace === DEPLOYMENTS_NAMESPACE && !(key in DEPLOYMENTS_KEYS)) {
            const hint = closest(key, known);
            report(fullKey, hint ? `unknown config key (did you mean "${DEPLOYMENTS_NAMESPACE}:${hint}"?)` : "unknown config key");
        }
    }

    const values: Record<string, unknown> = {};
    /** Keys whose value passed its check: cross-key checks run only on those, so one mistake is reported once. */
    const valid = new Set<string>();
    for (const [key, declared] of Object.entries(DEPLOYMENTS_KEYS) as [string, (typeof DEPLOYMENTS_KEYS)[keyof typeof DEPLOYMENTS_KEYS]][]) {
        const fullKey = `${DEPLOYMENTS_NAMESPACE}:${key}`;
        const raw = all[fullKey];
        if (raw === undefined) {
            if (declared.required) {
                report(fullKey, "is required");
            }
            values[key] = "default" in declared ? declared.default : undefined;
            valid.add(key);
            continue;
        }
        const decoded = decodeConfigValue(declared.schema, raw, (kind) => report(fullKey, `must be ${kind === "boolean" ? "true or false" : `a ${kind === "array" ? "list" : "mapping"}`}`));
        if (!decoded) {
            continue;
        }
        const parsed = validate(declared.schema, decoded.value, fullKey, report);
        if (parsed !== undefined) {
            values[key] = parsed;
            valid.add(key);
        }
    }

    const secretEnv = (values.secretEnvironment ?? {}) as Record<string, string>;
    const secretKey = `${DEPLOYMENTS_NAMESPACE}:secretEnvironment`;
    if (Object.keys(secretEnv).length > 0 && !isSecretKey(secretKey)) {
        report(secretKey, "holds secrets but is stored in plaintext; remove it and set each variable with `pulumi config set --secret --path 'secretEnvironment.NAME' <value>`");
    }
    const plainEnv = (values.environment ?? {}) as Record<string, string>;
    for (const [where, env] of [["environment", plainEnv], ["secretEnvironment", secretEnv]] as const) {
        for (const name of Object.keys(env)) {
            if (RESERVED_ENV.includes(name)) {
                report(`${DEPLOYMENTS_NAMESPACE}:${where}.${name}`, "is set by Pulumi Deployments itself; remove it");
            }
        }
    }
    for (const name of Object.keys(plainEnv)) {
        if (name in secretEnv) {
            report(`${DEPLOYMENTS_NAMESPACE}:environment.${name}`, "is also in secretEnvironment; keep it in one of them");
        }
    }

    const stacks = valid.has("stacks") ? (values.stacks as string[]) : [];
    stacks.forEach((stack, i) => {
        if (!fs.existsSync(path.join(repoDir, `Pulumi.${stack}.yaml`))) {
            report(`${DEPLOYMENTS_NAMESPACE}:stacks[${i}]`, `the platform has no stack file Pulumi.${stack}.yaml`);
        } else if (stacks.indexOf(stack) !== i) {
            report(`${DEPLOYMENTS_NAMESPACE}:stacks[${i}]`, `"${stack}" is listed twice`);
        }
    });
    const schedules = (values.driftSchedules ?? {}) as Record<string, string>;
    if (valid.has("driftSchedules") && valid.has("stacks")) {
        const unique = [...new Set(stacks)];
        for (const stack of Object.keys(schedules)) {
            if (!unique.includes(stack)) {
                report(`${DEPLOYMENTS_NAMESPACE}:driftSchedules.${stack}`, `is not one of the deployed stacks (${unique.join(", ")})`);
            }
        }
        for (const stack of unique) {
            if (!(stack in schedules)) {
                report(`${DEPLOYMENTS_NAMESPACE}:driftSchedules`, `has no schedule for stack "${stack}"`);
            }
        }
    }

    if (issues.count > before) {
        return undefined;
    }
    return Object.freeze({
        file,
        organization: values.organization as string,
        repository: values.repository as string,
        branch: values.branch as string,
        stacks,
        agentPoolName: values.agentPoolName as string,
        deployCommits: values.deployCommits as boolean,
        previewPullRequests: values.previewPullRequests as boolean,
        driftSchedules: schedules,
        autoRemediateDrift: values.autoRemediateDrift as boolean,
        environment: plainEnv,
        secretEnvironment: Object.fromEntries(Object.entries(secretEnv).map(([k, v]) => [k, pulumi.secret(v)])),
    });
}
