import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_READINESS, ReadinessOptions, waitForApiReady } from "./readiness";

/** What the readiness check needs, as the dynamic provider receives it (secrets unwrapped). */
export interface ApiReadinessInputs {
    readonly clusterName: string;
    /** `https://<address>:6443` */
    readonly endpoint: string;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    /** Secret. */
    readonly clientKeyPem: string;
    /** The ids of the VMs the API runs on (and, for kubeadm, the load balancer): a change re-runs the check. */
    readonly nodeIds: readonly string[];
    readonly timeoutMs: number;
    readonly intervalMs: number;
    readonly requestTimeoutMs: number;
}

/** What the state keeps: no key material, so nothing secret is stored as an output. */
export interface ApiReadinessOutputs {
    readonly clusterName: string;
    readonly endpoint: string;
    readonly nodeIds: readonly string[];
}

function outputs(inputs: ApiReadinessInputs): ApiReadinessOutputs {
    return { clusterName: inputs.clusterName, endpoint: inputs.endpoint, nodeIds: [...inputs.nodeIds] };
}

async function check(inputs: ApiReadinessInputs): Promise<ApiReadinessOutputs> {
    await waitForApiReady(
        { clusterName: inputs.clusterName, endpoint: inputs.endpoint, caCertPem: inputs.caCertPem, clientCertPem: inputs.clientCertPem, clientKeyPem: inputs.clientKeyPem },
        { timeoutMs: inputs.timeoutMs, intervalMs: inputs.intervalMs, requestTimeoutMs: inputs.requestTimeoutMs },
    );
    return outputs(inputs);
}

/**
 * A pure-Node dynamic provider around waitForApiReady. The engine calls `create`/`update` only in
 * `pulumi up`, never in preview, so a preview dials nothing. `diff` asks for an update (never a
 * replacement) when the nodes' identities or the endpoint change: a replaced node is waited for
 * again, while an unrelated `up`, or a renewed admin certificate, waits for nothing.
 * The engine serializes this object with its closure (pulumi.dynamic.Resource), so it may use only
 * Node built-ins: https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/
 */
export const apiReadinessProvider: pulumi.dynamic.ResourceProvider<ApiReadinessInputs, ApiReadinessOutputs> = {
    async diff(_id, olds, news) {
        const changed = olds.endpoint !== news.endpoint || JSON.stringify(olds.nodeIds) !== JSON.stringify(news.nodeIds);
        return { changes: changed, replaces: [], deleteBeforeReplace: false };
    },
    async create(inputs) {
        return { id: `${inputs.clusterName}-api-ready`, outs: await check(inputs) };
    },
    async update(_id, _olds, news) {
        return { outs: await check(news) };
    },
    async delete() {
        // Nothing exists outside the state.
    },
};

export interface ApiReadinessArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly endpoint: pulumi.Input<string>;
    readonly caCertPem: pulumi.Input<string>;
    readonly clientCertPem: pulumi.Input<string>;
    readonly clientKeyPem: pulumi.Input<string>;
    readonly nodeIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Default: poll every 5 s for up to 20 minutes, 10 s per request. */
    readonly options?: ReadinessOptions;
}

/**
 * A cluster API that answered `GET /readyz` with 200, presenting the admin client certificate and
 * trusting only the cluster CA. Everything deployed on the cluster `dependsOn` it.
 */
export class ApiReadiness extends pulumi.dynamic.Resource {
    declare public readonly clusterName: pulumi.Output<string>;
    declare public readonly endpoint: pulumi.Output<string>;
    declare public readonly nodeIds: pulumi.Output<string[]>;

    constructor(name: string, args: ApiReadinessArgs, opts?: pulumi.CustomResourceOptions) {
        const options = args.options ?? DEFAULT_READINESS;
        super(
            apiReadinessProvider,
            name,
            {
                clusterName: args.clusterName,
                endpoint: args.endpoint,
                caCertPem: args.caCertPem,
                clientCertPem: args.clientCertPem,
                clientKeyPem: pulumi.secret(args.clientKeyPem),
                nodeIds: args.nodeIds,
                timeoutMs: options.timeoutMs,
                intervalMs: options.intervalMs,
                requestTimeoutMs: options.requestTimeoutMs ?? 10000,
            },
            opts,
            "cluster",
            "ApiReadiness",
        );
    }
}
