import { checkObservabilityRequirements } from "./observability";
import { recorder } from "./testing/recorder";

/** The observability and delivery layers' config checks (config/observability.ts), on values as the reader hands them over. */

type Raw = Record<string, unknown>;

const LOKI = { bucket: "loki", s3Url: "https://s3.home.arpa:9000", region: "us-east-1" };
const hub = (name: string, services: Raw = {}): Raw => ({ name, role: "observability", distribution: "k3s", services });
const edge = (name: string, role: string, services: Raw = {}): Raw => ({ name, role, distribution: "talos", services });
const withHub = (clusters: unknown[], extra: Raw = {}): Raw => ({ clusters, platform: { loki: LOKI }, lokiAccessKeyId: "id", lokiSecretAccessKey: "key", ...extra });

function check(values: Raw, reported: readonly string[] = []): string[] {
    const { report, lines } = recorder();
    checkObservabilityRequirements(values, report, (path) => reported.includes(path));
    return lines;
}

describe("checkObservabilityRequirements", () => {
    it("accepts a hub with its bucket and secrets, edge clusters beside it, and entries that failed their own checks", () => {
        expect(check(withHub([hub("obs"), undefined, edge("dev", "workload", { fluentBit: true, argoRollouts: false }), edge("tools", "tools", { prometheusAgent: false })]))).toEqual([]);
        expect(check({})).toEqual([]);
    });

    it("refuses a toggle, on or off, for a service the cluster's role does not run", () => {
        expect(check(withHub([hub("obs", { fluentBit: false, argoRollouts: true }), edge("dev", "workload", { grafana: false }), edge("tools", "tools", { argoRollouts: true })]))).toEqual([
            "homelab:clusters[0].services.fluentBit: is not a service of role observability (its layer runs kubePrometheusStack, grafana, loki, jaeger, otelCollector); remove this toggle",
            "homelab:clusters[0].services.argoRollouts: is not a service of role observability (its layer runs kubePrometheusStack, grafana, loki, jaeger, otelCollector); remove this toggle",
            "homelab:clusters[1].services.grafana: is not a service of role workload (its layer runs fluentBit, prometheusAgent, otelCollector, argoRollouts); remove this toggle",
            "homelab:clusters[2].services.argoRollouts: is not a service of role tools (its layer runs fluentBit, prometheusAgent, otelCollector); remove this toggle",
        ]);
    });

    it("allows one hub per stack, reported at the second", () => {
        expect(check(withHub([edge("dev", "workload"), hub("h1"), hub("h2"), hub("h3")]))).toEqual([
            "homelab:clusters[2].role: one observability hub per stack: clusters h1 and h2 and h3 both have role observability",
        ]);
    });

    it("keeps Istio on a hub that runs any of its services", () => {
        expect(check(withHub([hub("obs", { istio: false, loki: false, grafana: false, jaeger: false, otelCollector: false })]))).toEqual([
            "homelab:clusters[0].services.istio: the observability hub serves its endpoints through the Istio gateway: keep istio on this cluster",
        ]);
        expect(check(withHub([hub("obs", { istio: false })]), ["homelab:clusters[0].services.istio"])).toEqual([]);
        const none = { istio: false, kubePrometheusStack: false, grafana: false, loki: false, jaeger: false, otelCollector: false };
        expect(check(withHub([hub("obs", none)]))).toEqual([]);
    });

    it("needs Loki's bucket and secrets while Loki runs on the hub", () => {
        expect(check(withHub([hub("obs")], { platform: {}, lokiAccessKeyId: "", lokiSecretAccessKey: undefined }))).toEqual([
            "homelab:platform.loki: is required: Loki runs on obs and needs a bucket and s3Url (or switch it off under services)",
            "homelab:lokiAccessKeyId: is required: Loki runs on obs; set it with `pulumi config set --secret homelab:lokiAccessKeyId <value>`",
            "homelab:lokiSecretAccessKey: is required: Loki runs on obs; set it with `pulumi config set --secret homelab:lokiSecretAccessKey <value>`",
        ]);
        expect(check(withHub([hub("obs")], { platform: undefined, lokiAccessKeyId: "", lokiSecretAccessKey: "" }), ["homelab:platform", "homelab:lokiAccessKeyId", "homelab:lokiSecretAccessKey"])).toEqual([]);
        expect(check(withHub([hub("obs", { loki: false })], { platform: {}, lokiAccessKeyId: "", lokiSecretAccessKey: "" }))).toEqual([]);
    });

    it("needs a hub for edge collectors switched on explicitly: this stack's, or another's", () => {
        const edges = [edge("dev", "workload", { fluentBit: true, prometheusAgent: true, otelCollector: false }), edge("tools", "tools", { otelCollector: true }), edge("prod", "workload")];
        expect(check({ clusters: edges })).toEqual([
            "homelab:clusters[0].services.fluentBit: needs the observability hub, which this stack does not run: set homelab:observability.fromStack to the stack that does (organization/homelab/tools)",
            "homelab:clusters[0].services.prometheusAgent: needs the observability hub, which this stack does not run: set homelab:observability.fromStack to the stack that does (organization/homelab/tools)",
            "homelab:clusters[1].services.otelCollector: needs the observability hub, which this stack does not run: set homelab:observability.fromStack to the stack that does (organization/homelab/tools)",
        ]);
        expect(check({ clusters: edges, observability: { fromStack: "org/homelab/tools" } })).toEqual([]);
        expect(check(withHub([hub("obs"), ...edges]))).toEqual([]);
    });

    it("reads a cluster without toggles as the defaults of its role", () => {
        const bare = (name: string, role: string) => ({ name, role, distribution: "k3s" });
        expect(check(withHub([bare("obs", "observability"), bare("dev", "workload")]))).toEqual([]);
        expect(check({ clusters: [bare("dev", "workload"), bare("tools", "tools")] })).toEqual([]);
        expect(check(withHub([bare("obs", "observability")], { platform: {} }))).toEqual([
            "homelab:platform.loki: is required: Loki runs on obs and needs a bucket and s3Url (or switch it off under services)",
        ]);
    });

    it("refuses fromStack where this stack runs the hub", () => {
        expect(check(withHub([hub("obs")], { observability: { fromStack: "org/homelab/tools" } }))).toEqual([
            "homelab:observability.fromStack: is not used: this stack runs the hub (obs) and its edge collectors reach it directly; remove it",
        ]);
    });
});
