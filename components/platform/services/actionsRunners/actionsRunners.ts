import type { NamespaceSpec } from "../../namespace";

/**
 * GitHub Actions runners: actions-runner-controller's scale-set controller and one runner scale set,
 * both OCI charts at oci://ghcr.io/actions/actions-runner-controller-charts (tag gha-runner-scale-set-0.14.2
 * of github.com/actions/actions-runner-controller, charts/gha-runner-scale-set{,-controller}).
 */

/** Where the controller runs, and the listener pods it creates for each scale set. */
export const ARC_CONTROLLER_NAMESPACE: NamespaceSpec = {
    name: "arc-systems",
    // The listener pods the controller creates carry no securityContext unless listenerTemplate sets
    // one (gha-runner-scale-set values.yaml), which `restricted` rejects.
    podSecurity: "baseline",
    podSecurityReason: "the controller's listener pods carry no securityContext by default (gha-runner-scale-set listenerTemplate)",
    apiServer: true,
    // Listeners long-poll GitHub's Actions service over HTTPS.
    extraEgress: [{ name: "github", cidrs: ["0.0.0.0/0"], ports: [443] }],
};

/**
 * The controller's service account, named explicitly on both charts: the scale set's chart otherwise
 * looks the controller Deployment up at install time (`lookup`, _helpers.tpl managerServiceAccountName),
 * which fails when Helm renders before the controller exists.
 */
export const ARC_CONTROLLER_SERVICE_ACCOUNT = "arc-controller";
export const ARC_CONTROLLER_RELEASE = "arc-controller";

/** The Secret the scale set reads its GitHub App credentials from (Variation C, a pre-defined secret). */
export const GITHUB_APP_SECRET = "github-app";

export type ContainerMode = "dind" | "kubernetes";

/** The runners' namespace: what a job runs needs more than `restricted`. */
export function runnerNamespace(containerMode: ContainerMode): NamespaceSpec {
    return {
        name: "arc-runners",
        podSecurity: containerMode === "dind" ? "privileged" : "baseline",
        podSecurityReason:
            containerMode === "dind"
                ? "containerMode dind runs a privileged docker:dind sidecar in every runner pod"
                : "containerMode kubernetes runs each job's own container images, whose users and capabilities this program does not know",
        // Kubernetes mode's container hooks create the job pods through the API server.
        apiServer: containerMode === "kubernetes",
        // Jobs fetch code, packages and images from anywhere.
        extraEgress: [{ name: "internet", cidrs: ["0.0.0.0/0"], ports: [] }],
    };
}

export function controllerValues(): Record<string, unknown> {
    return {
        serviceAccount: { create: true, name: ARC_CONTROLLER_SERVICE_ACCOUNT },
        // The chart's default is debug.
        flags: { logLevel: "info" },
    };
}

export interface ScaleSetArgs {
    /** https://github.com/<org> or https://github.com/<org>/<repo> (or an enterprise URL). */
    readonly githubConfigUrl: string;
    readonly runnerScaleSetName: string;
    readonly minRunners: number;
    readonly maxRunners: number;
    readonly containerMode: ContainerMode;
}

export function scaleSetValues(args: ScaleSetArgs): Record<string, unknown> {
    return {
        githubConfigUrl: args.githubConfigUrl,
        // A string: the name of a Secret in the release's namespace with github_app_id,
        // github_app_installation_id and github_app_private_key (values.yaml, Variation C).
        githubConfigSecret: GITHUB_APP_SECRET,
        runnerScaleSetName: args.runnerScaleSetName,
        minRunners: args.minRunners,
        maxRunners: args.maxRunners,
        containerMode:
            args.containerMode === "kubernetes"
                ? // No storageClassName: the work volume comes from the cluster's default StorageClass.
                  { type: "kubernetes", kubernetesModeWorkVolumeClaim: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }
                : { type: "dind" },
        controllerServiceAccount: { namespace: ARC_CONTROLLER_NAMESPACE.name, name: ARC_CONTROLLER_SERVICE_ACCOUNT },
    };
}

/** The Secret's keys, as the chart's githubsecret template and the controller read them. */
export function githubAppSecretData<T>(appId: T, installationId: T, privateKey: T): Record<"github_app_id" | "github_app_installation_id" | "github_app_private_key", T> {
    return { github_app_id: appId, github_app_installation_id: installationId, github_app_private_key: privateKey };
}
