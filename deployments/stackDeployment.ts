import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";

export interface StackDeploymentArgs {
    readonly organization: string;
    /** The platform's Pulumi project (its Pulumi.yaml `name`). */
    readonly project: string;
    /** GitHub repository, `owner/name`. */
    readonly repository: string;
    readonly branch: string;
    /** Folder of the platform's Pulumi.yaml inside the repository. */
    readonly repoDir: string;
    /** Path filters: only a push that changes a matching file deploys this stack. */
    readonly paths: readonly string[];
    readonly preRunCommands: readonly string[];
    readonly environment: Readonly<Record<string, string>>;
    /** Secret Outputs: the provider stores each secret input as a secret variable. */
    readonly secretEnvironment: Readonly<Record<string, pulumi.Output<string>>>;
    /** The self-hosted agent pool that runs the deployment inside the homelab network. */
    readonly agentPoolId: pulumi.Input<string>;
    /** Executor image, pinned to the CLI version CI uses. */
    readonly executorImage: string;
    readonly deployCommits: boolean;
    readonly previewPullRequests: boolean;
    /** Five-field cron (UTC) for drift detection. */
    readonly driftCron: string;
    readonly autoRemediateDrift: boolean;
}

/**
 * Pulumi Deployments for one platform stack: its deployment settings (source, VCS triggers, path
 * filters, pre-run commands, environment, agent pool) and its drift schedule.
 * Argument names follow @pulumi/pulumiservice 1.3.0 (`vcs`, not the deprecated `github` block).
 */
export class StackDeployment extends pulumi.ComponentResource {
    public readonly settings: pulumiservice.DeploymentSettings;
    public readonly driftSchedule: pulumiservice.DriftSchedule;

    constructor(name: string, args: StackDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:deployments:StackDeployment", name, {}, opts);
        const errors: { propertyPath: string; reason: string }[] = [];
        if (args.paths.filter((p) => !p.startsWith("!")).length === 0) {
            errors.push({ propertyPath: "paths", reason: "needs at least one include filter, or every push would deploy this stack" });
        }
        if (Object.keys(args.environment).some((k) => k in args.secretEnvironment)) {
            errors.push({ propertyPath: "environment", reason: "a variable is both plain and secret" });
        }
        if (errors.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `invalid arguments for StackDeployment ${name}`, errors });
        }

        const stackId = { organization: args.organization, project: args.project, stack: name };
        this.settings = new pulumiservice.DeploymentSettings(
            `${name}-settings`,
            {
                ...stackId,
                sourceContext: { git: { branch: `refs/heads/${args.branch}`, repoDir: args.repoDir } },
                // The GitHub app's integration: a push to the branch runs `up`, a pull request runs `preview`.
                // Both default to true once the block exists; set explicitly so config can turn them off.
                vcs: {
                    provider: "github",
                    repository: args.repository,
                    deployCommits: args.deployCommits,
                    previewPullRequests: args.previewPullRequests,
                    paths: [...args.paths],
                },
                operationContext: {
                    preRunCommands: [...args.preRunCommands],
                    environmentVariables: { ...args.environment, ...args.secretEnvironment },
                    // `npm ci` is the first pre-run command, so the lockfile decides what is installed.
                    options: { skipInstallDependencies: true },
                },
                executorContext: { executorImage: args.executorImage },
                // Hosted runners cannot reach a private Proxmox: an agent inside the homelab runs the deployment.
                agentPoolId: args.agentPoolId,
            },
            { parent: this },
        );
        this.driftSchedule = new pulumiservice.DriftSchedule(
            `${name}-drift`,
            { ...stackId, scheduleCron: args.driftCron, autoRemediate: args.autoRemediateDrift },
            // A drift run is a deployment: it needs the stack's settings first.
            { parent: this, dependsOn: [this.settings] },
        );
        this.registerOutputs({ settings: this.settings, driftSchedule: this.driftSchedule });
    }
}
