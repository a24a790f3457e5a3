import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { IssueCollector } from "../components/core/issues";
import { versions } from "../versions";
import { readDeploymentsConfig } from "./config";
import { deployPaths } from "./paths";
import { preRunCommands, talosVersions } from "./preRun";
import { StackDeployment } from "./stackDeployment";

export type DeploymentsProgram = () => Promise<Record<string, unknown>>;

/**
 * Reads and checks this program's config and the platform's stack files, throwing the full report
 * on bad input before anything is registered; then returns the program that registers the agent
 * pool and one StackDeployment per platform stack.
 *
 * @param repoDir the repository root, which is also the platform project's folder.
 */
export function prepareDeployments(repoDir: string): DeploymentsProgram {
    const issues = new IssueCollector();
    const config = readDeploymentsConfig(issues, repoDir);
    const project = (yaml.load(fs.readFileSync(path.join(repoDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const plans = (config?.stacks ?? []).map((stack) => {
        const talos = talosVersions(repoDir, stack);
        if (talos.length > 1) {
            issues.add(`Pulumi.${stack}.yaml`, "homelab:clusters", `Talos clusters of versions ${talos.join(", ")}: a deployment installs one talosctl; keep one Talos version per stack`);
        }
        return { stack, paths: deployPaths(repoDir, stack), preRunCommands: preRunCommands(repoDir, stack) };
    });
    issues.throwIfAny();
    const cfg = config!;

    return async () => {
        // The agent runs inside the homelab network; its token is this stack's secret output.
        const pool = new pulumiservice.AgentPool("agent-pool", {
            organizationName: cfg.organization,
            name: cfg.agentPoolName,
            description: `Self-hosted deployment agents inside the homelab network, for ${cfg.repository}`,
        });
        const stacks: Record<string, StackDeployment> = {};
        for (const plan of plans) {
            stacks[plan.stack] = new StackDeployment(plan.stack, {
                organization: cfg.organization,
                project,
                repository: cfg.repository,
                branch: cfg.branch,
                repoDir: ".",
                paths: plan.paths,
                preRunCommands: plan.preRunCommands,
                environment: cfg.environment,
                secretEnvironment: cfg.secretEnvironment,
                agentPoolId: pool.agentPoolId,
                executorImage: `pulumi/pulumi-nodejs:${versions.pulumiCli}`,
                deployCommits: cfg.deployCommits,
                previewPullRequests: cfg.previewPullRequests,
                driftCron: cfg.driftSchedules[plan.stack],
                autoRemediateDrift: cfg.autoRemediateDrift,
            });
        }
        return {
            agentPoolId: pool.agentPoolId,
            // What the agent on the homelab side is configured with (`pulumi-deployment-agent`'s token).
            agentToken: pulumi.secret(pool.tokenValue),
            stacks: Object.fromEntries(plans.map((p) => [p.stack, { paths: p.paths, driftSchedule: cfg.driftSchedules[p.stack] }])),
        };
    };
}
