import { object, pattern, str } from "../components/core/schema";
import { LAYER_SERVICES, LAYER_SERVICES_BY_ROLE, LayerServiceName, resolveLayerServices, resolveServices } from "../components/platform/catalog";
import type { ClusterRole } from "./config";
import type { Distribution } from "../versions";

/**
 * The observability and delivery layers' stack config (issue 11): Loki's bucket on the hub, the
 * secrets that reach it, and where a stack without the hub reads the hub's endpoints from. Kept in
 * their own file; config/platform.ts spreads them into the platform's keys.
 */

const NS = "homelab";

/** Fields of `homelab:platform`. */
export const OBSERVABILITY_SETTINGS_FIELDS = {
    loki: object(
        {
            bucket: str("Bucket for Loki's chunks and index (the tools stack's object storage)"),
            s3Url: pattern("S3 endpoint URL", /^https?:\/\/[^/\s]+\/?$/, "a URL like https://s3.home.arpa:9000"),
            region: str("Region the store expects").default("us-east-1"),
        },
        "S3-compatible bucket for the hub's Loki; required where a cluster of role observability runs Loki",
    ).optional(),
};

/** Stack-wide keys. */
export const OBSERVABILITY_KEYS = {
    observability: {
        required: false,
        secret: false,
        description: "Where this stack's edge collectors find the observability hub: fromStack (a stack with a cluster of role observability); not set where this stack runs the hub",
        default: {},
        schema: object({
            fromStack: pattern(
                "Read the hub's endpoints from that stack's `observability` output, like organization/homelab/tools",
                /^[^/\s]+\/[^/\s]+\/[^/\s]+$/,
                "a stack like organization/homelab/tools",
            ).optional(),
        }),
    },
    lokiAccessKeyId: {
        required: false,
        secret: true,
        placeholder: "offline-render-loki-access-key-id",
        description: "S3 access key id for the hub's Loki; required while Loki runs",
        schema: str("S3 access key id"),
        default: "",
    },
    lokiSecretAccessKey: {
        required: false,
        secret: true,
        placeholder: "offline-render-loki-secret-access-key",
        description: "S3 secret access key for the hub's Loki; required while Loki runs",
        schema: str("S3 secret access key"),
        default: "",
    },
} as const;

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- shape checked by the specs above

const EDGE: readonly LayerServiceName[] = ["fluentBit", "prometheusAgent", "otelCollector"];

/**
 * What the layers require of config, once every key has its shape: toggles only for the cluster's
 * role, one hub per stack, the hub's gateway, Loki's bucket and secrets, and a source of the hub's
 * endpoints for edge clusters in a stack without the hub.
 */
export function checkObservabilityRequirements(values: Raw, report: (path: string, message: string) => void, alreadyReported: (path: string) => boolean): void {
    const clusters = ((values.clusters ?? []) as Raw[]).map((c, index) => ({ c, index })).filter(({ c }) => c);
    const at = (index: number, field: string) => `${NS}:clusters[${index}].${field}`;
    for (const { c, index } of clusters) {
        const role = c.role as ClusterRole;
        const mine = LAYER_SERVICES_BY_ROLE[role];
        for (const service of LAYER_SERVICES) {
            if (c.services?.[service] !== undefined && !mine.includes(service)) {
                report(at(index, `services.${service}`), `is not a service of role ${role} (its layer runs ${mine.join(", ")}); remove this toggle`);
            }
        }
    }
    const hubs = clusters.filter(({ c }) => c.role === "observability");
    if (hubs.length > 1) {
        report(at(hubs[1].index, "role"), `one observability hub per stack: clusters ${hubs.map(({ c }) => c.name).join(" and ")} both have role observability`);
    }
    const hub = hubs[0];
    if (hub) {
        const layer = resolveLayerServices("observability", hub.c.services ?? {});
        const base = resolveServices(hub.c.distribution as Distribution, hub.c.services ?? {});
        if (Object.values(layer).some(Boolean) && !base.istio && !alreadyReported(at(hub.index, "services.istio"))) {
            report(at(hub.index, "services.istio"), "the observability hub serves its endpoints through the Istio gateway: keep istio on this cluster");
        }
        if (layer.loki) {
            if (!values.platform?.loki && !alreadyReported(`${NS}:platform`)) {
                report(`${NS}:platform.loki`, `is required: Loki runs on ${hub.c.name} and needs a bucket and s3Url (or switch it off under services)`);
            }
            for (const key of ["lokiAccessKeyId", "lokiSecretAccessKey"]) {
                if (!values[key] && !alreadyReported(`${NS}:${key}`)) {
                    report(`${NS}:${key}`, `is required: Loki runs on ${hub.c.name}; set it with \`pulumi config set --secret ${NS}:${key} <value>\``);
                }
            }
        }
    }
    // Edge collectors need a hub to send to: this stack's, or the one homelab:observability.fromStack
    // names. Without either they are not installed; asking for one explicitly is an error.
    const fromStack = values.observability?.fromStack as string | undefined;
    if (!hub && !fromStack) {
        // No hub: no cluster here has role observability, so every cluster is an edge.
        for (const { c, index } of clusters) {
            for (const service of EDGE) {
                if (c.services?.[service] === true) {
                    report(
                        at(index, `services.${service}`),
                        "needs the observability hub, which this stack does not run: set homelab:observability.fromStack to the stack that does (organization/homelab/tools)",
                    );
                }
            }
        }
    }
    if (hub && fromStack) {
        report(`${NS}:observability.fromStack`, `is not used: this stack runs the hub (${hub.c.name}) and its edge collectors reach it directly; remove it`);
    }
}
