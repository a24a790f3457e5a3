import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as yaml from "js-yaml";
import { REDACTED, registerArtefact } from "../core/artefacts";
import { ClusterNetwork, NamespaceSpec, PlatformNamespace } from "./namespace";
import { requireValid } from "../clusters/nodes";

/** A chart pinned in versions.ts. */
export interface ChartPin {
    /** A Helm repository URL, or an OCI registry path (`oci://host/path`) for charts published only there. */
    readonly repo: string;
    readonly chart: string;
    readonly version: string;
}

/**
 * The Release's chart source. A classic repository goes in `repositoryOpts.repo` with the bare chart
 * name; an OCI chart is the full `oci://host/path/<chart>` reference with no repositoryOpts, because
 * the provider resolves an OCI name by itself and ignores the repository then
 * (pulumi-kubernetes provider/pkg/provider/helm_release.go, resolveChartName: `if registry.IsOCI(name)`).
 */
export function chartSource(pin: ChartPin): { chart: string; repositoryOpts?: { repo: string } } {
    if (pin.repo.startsWith("oci://")) {
        return { chart: `${pin.repo.replace(/\/+$/, "")}/${pin.chart}` };
    }
    return { chart: pin.chart, repositoryOpts: { repo: pin.repo } };
}

/**
 * Long enough for a first install on a homelab: image pulls over a home uplink, and webhooks that
 * must answer before `--atomic` declares success. Helm's own default (5 min) is too short there.
 */
export const DEFAULT_TIMEOUT_SECONDS = 900;

export interface HelmServiceArgs {
    /** The cluster's name: where the render writes the values. */
    readonly cluster: string;
    readonly provider: k8s.Provider;
    /** The Helm release name, fixed so URNs and in-cluster names never carry a random suffix. */
    readonly releaseName: string;
    readonly chart: ChartPin;
    /**
     * From the service's pure values builder; secrets never go here (they go in Secrets the chart
     * references), except a value the chart itself only takes from values (Argo CD's admin password
     * hash), as a secret Output, which the render writes as REDACTED.
     */
    readonly values: Record<string, unknown> | pulumi.Output<Record<string, unknown>>;
    /**
     * What the render writes when `values` is only known at deploy time (an Output of another stack's
     * outputs): the same builder's result with those inputs shown as `<computed: …>`.
     */
    readonly renderedValues?: Record<string, unknown>;
    /** A namespace to create with its policies, or one another service already created. */
    readonly namespace: NamespaceSpec | PlatformNamespace;
    readonly network: ClusterNetwork;
    /** The cluster's readiness, and releases this one really needs (Istio base before istiod). */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** Seconds; defaults to DEFAULT_TIMEOUT_SECONDS. */
    readonly timeoutSeconds?: number;
}

/**
 * One Helm-installed service: its namespace (PodSecurity labels, default-deny plus allows), then
 * the release on the cluster's provider. The release is atomic (a failed install rolls back),
 * brings the chart's CRDs, and is replaced delete-before-create, because a release name can exist
 * only once in its namespace.
 */
export class HelmService extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    public readonly namespace: PlatformNamespace;
    public readonly namespaceName: string;

    constructor(name: string, args: HelmServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:HelmService", name, {}, opts);
        const problems: { propertyPath: string; reason: string }[] = [];
        if (!/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(args.releaseName)) {
            problems.push({ propertyPath: "releaseName", reason: `${JSON.stringify(args.releaseName)} is not a Helm release name (a DNS label of at most 53 characters)` });
        }
        if (!args.chart.version || /[~^*x]|\s/.test(args.chart.version)) {
            problems.push({ propertyPath: "chart.version", reason: `${JSON.stringify(args.chart.version)} is not a pinned version` });
        }
        const shown = args.renderedValues ?? (pulumi.Output.isInstance(args.values) ? undefined : args.values);
        if (!shown) {
            problems.push({ propertyPath: "renderedValues", reason: "is required when values is an Output: the render writes it" });
        }
        requireValid("HelmService", name, problems);
        this.namespace =
            args.namespace instanceof PlatformNamespace
                ? args.namespace
                : new PlatformNamespace(`${name}-ns`, { cluster: args.cluster, spec: args.namespace, network: args.network, provider: args.provider, dependsOn: args.dependsOn }, { parent: this });
        this.namespaceName = this.namespace.name;
        // A copy now, dumped only if the render collects it.
        const shownCopy = withoutOutputs(shown);
        const header = `# ${args.chart.chart} ${args.chart.version} from ${args.chart.repo}, namespace ${this.namespaceName}\n`;
        registerArtefact(`helm/${args.cluster}/${args.releaseName}.values.yaml`, () => `${header}${yaml.dump(shownCopy, { lineWidth: -1, noRefs: true })}`);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: args.releaseName,
                namespace: this.namespaceName,
                ...chartSource(args.chart),
                version: args.chart.version,
                values: args.values,
                atomic: true,
                timeout: args.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
            },
            {
                parent: this,
                provider: args.provider,
                deleteBeforeReplace: true,
                dependsOn: [this.namespace, ...(args.dependsOn ?? [])],
            },
        );
        this.registerOutputs({ namespace: this.namespaceName });
    }
}

/** Values as the render writes them: an Output (only ever a secret here) becomes REDACTED. */
function withoutOutputs(value: unknown): unknown {
    if (pulumi.Output.isInstance(value)) {
        return REDACTED;
    }
    if (Array.isArray(value)) {
        return value.map(withoutOutputs);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutOutputs(v)]));
    }
    return value;
}
