import * as pulumi from "@pulumi/pulumi";
import type { ClusterConfig, PlatformConfig } from "../../../config/config";
import type { ClusterComponent } from "../../clusters/contract";
import { Delivery } from "../delivery/delivery";
import type { Platform } from "../platform";
import { EdgeCollectors } from "./edge";
import { HubEndpoints, hubEndpoints, missingObservabilityOutput, ObservabilityOutput } from "./endpoints";
import { HubVault, ObservabilityHub } from "./hub";

export interface ObservabilityLayersArgs {
    readonly config: PlatformConfig;
    readonly clusters: Readonly<Record<string, ClusterComponent>>;
    readonly platforms: Readonly<Record<string, Platform>>;
    readonly nodeCidrs: Readonly<Record<string, string>>;
    /** The stack's Vault provider and KV mount, when it has one. */
    readonly vault?: HubVault;
    /** The stack's reference to another stack (one per source stack, shared with Vault's). */
    readonly reference: (stack: string) => pulumi.StackReference;
}

/**
 * The role layers of issue 11 on each cluster: the hub on the cluster of role observability, edge
 * collectors on every other cluster, Argo Rollouts on workload clusters. Returns the stack output
 * `observability` when this stack runs the hub.
 */
export async function wireObservabilityLayers(args: ObservabilityLayersArgs): Promise<ObservabilityOutput | undefined> {
    const { config } = args;
    const on = (c: ClusterConfig) => ({ provider: args.clusters[c.name].provider, dependsOn: [args.clusters[c.name].ready], nodeCidr: args.nodeCidrs[c.name] });
    const hubCluster = config.clusters.find((c) => c.role === "observability" && Object.values(c.layerServices).some(Boolean));
    let hub: ObservabilityHub | undefined;
    if (hubCluster) {
        hub = new ObservabilityHub(`${hubCluster.name}-hub`, {
            stack: config.stack,
            cluster: hubCluster,
            settings: config.platform,
            ...on(hubCluster),
            istioCrds: args.platforms[hubCluster.name]?.releases["istio-base"],
            vault: args.vault,
        });
    }
    // Edge collectors need a hub to send to: this stack's, or the one homelab:observability.fromStack names.
    const fromStack = config.platform.observabilityFromStack;
    const edges = hub || fromStack ? config.clusters.filter((c) => c.role !== "observability" && (c.layerServices.fluentBit || c.layerServices.prometheusAgent || c.layerServices.otelCollector)) : [];
    if (edges.length > 0) {
        // The tools stack's own edge clusters reach the hub in the same stack directly; dev and prod read it.
        const endpoints = hub ? hub.endpoints : await readHubEndpoints(args.reference(fromStack!), fromStack!);
        for (const cluster of edges) {
            new EdgeCollectors(`${cluster.name}-edge`, { cluster, ...on(cluster), endpoints, endpointsSource: fromStack });
        }
    }
    for (const cluster of config.clusters.filter((c) => c.role === "workload")) {
        new Delivery(`${cluster.name}-delivery`, { cluster, ...on(cluster) });
    }
    return hubCluster ? { cluster: hubCluster.name, endpoints: hubEndpoints(hubCluster.domain!) } : undefined;
}

/**
 * The hub's endpoints from the stack that runs it. Checked before anything uses them, so a missing
 * output ends the program with its name. Where the reference's outputs are unknown (the offline
 * render) they stay an Output; `pulumi preview` and `up` read the stack first, so they are known.
 */
export async function readHubEndpoints(reference: pulumi.StackReference, fromStack: string): Promise<HubEndpoints | pulumi.Output<HubEndpoints>> {
    // `isKnown` and `promise` are the SDK's own accessors of an Output's state (internal, hence the cast), as program.ts's Vault check.
    const outputs = reference.outputs as unknown as { isKnown: Promise<boolean>; promise(): Promise<Record<string, unknown> | undefined> };
    if (!(await outputs.isKnown)) {
        return reference.requireOutput("observability").apply((o) => (o as ObservabilityOutput).endpoints);
    }
    const values = (await outputs.promise()) ?? {};
    const problem = missingObservabilityOutput(values, fromStack);
    if (problem) {
        throw new Error(problem);
    }
    const e = (values.observability as ObservabilityOutput).endpoints;
    return { prometheusRemoteWrite: e.prometheusRemoteWrite, lokiPush: e.lokiPush, otlpHttp: e.otlpHttp, grafana: e.grafana };
}
