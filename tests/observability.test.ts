import * as pulumi from "@pulumi/pulumi";
import { readHubEndpoints } from "../components/platform/observability/layers";
import { ProgramRun, RecordedResource, SECRET_MASK } from "../render/harness";
import { versions } from "../versions";
import { chartKeys, unknownKeys } from "./chartKeys";
import { baseConfig, byName, makeProject, platformFields, reportLines, runStack, vmYaml } from "./helpers";
import { validateObject } from "./kubeModels";
import { TOOLS_STACK, TOOLS_STACK_OUTPUTS } from "./mocks";
import { stackRun } from "./stackRuns";
import { parseClassic } from "./collectorConfigs";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

const RELEASE = "kubernetes:helm.sh/v3:Release";
const charts = versions.charts;
const pin = (name: string, namespace: string, p: { chart: string; repo: string; version: string }) => ({ name, namespace, chart: p.chart, repo: p.repo, version: p.version });

/** Releases under one of the layers' components, by its name (`observability-hub`, `dev-edge`, `dev-delivery`). */
function layerReleases(run: ProgramRun, component: string) {
    return run.resources
        .filter((r) => r.type === RELEASE && r.name.startsWith(`${component}-`) && r.urn.includes("homelab:platform:HelmService"))
        .map((r) => {
            const i = r.rawInputs as { name: string; namespace: string; chart: string; version: string; repositoryOpts: { repo: string } };
            return { name: i.name, namespace: i.namespace, chart: i.chart, repo: i.repositoryOpts.repo, version: i.version };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}
const values = (run: ProgramRun, release: string) => byName(run, `${release}-release`).rawInputs.values as Values;
const components = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type).map((r) => r.name).sort();

const ENDPOINTS = TOOLS_STACK_OUTPUTS.observability.endpoints;

describe("the observability hub, edge collectors and Argo Rollouts on the committed stacks", () => {
    const runs: Record<string, ProgramRun> = {};
    beforeAll(async () => {
        for (const stack of ["tools", "dev", "prod"]) {
            runs[stack] = (await stackRun(stack)).run;
            expect(runs[stack].error).toBeUndefined();
        }
    });

    it("runs the hub on the observability cluster only: exactly these releases, pinned, in monitoring", () => {
        expect(components(runs.tools, "homelab:platform:ObservabilityHub")).toEqual(["observability-hub"]);
        expect(components(runs.dev, "homelab:platform:ObservabilityHub")).toEqual([]);
        expect(components(runs.prod, "homelab:platform:ObservabilityHub")).toEqual([]);
        expect(layerReleases(runs.tools, "observability-hub")).toEqual([
            pin("grafana", "monitoring", charts.grafana),
            pin("jaeger", "monitoring", charts.jaeger),
            pin("kube-prometheus-stack", "monitoring", charts.kubePrometheusStack),
            pin("loki", "monitoring", charts.loki),
            pin("otel-collector", "monitoring", charts.otelCollector),
        ]);
        expect(charts.kubePrometheusStack.version).toBe("88.5.3");
        expect(charts.loki).toEqual({ repo: "https://grafana-community.github.io/helm-charts", chart: "loki", version: "18.11.0" });
        expect(charts.grafana).toEqual({ repo: "https://grafana-community.github.io/helm-charts", chart: "grafana", version: "12.11.1" });
        expect(charts.jaeger.version).toBe("4.11.1");
        expect(charts.otelCollector.version).toBe("0.170.0");
    });

    it("sets the hub's key values: the remote-write receiver, Loki on the configured bucket, Jaeger v2's config, the collector's mode, Grafana's data sources and existing Secret", () => {
        const t = runs.tools;
        expect(values(t, "observability-hub-kube-prometheus-stack").prometheus.prometheusSpec).toMatchObject({ enableRemoteWriteReceiver: true, enableOTLPReceiver: true, externalLabels: { cluster: "observability" } });
        expect(values(t, "observability-hub-kube-prometheus-stack").grafana.enabled).toBe(false);
        expect(values(t, "observability-hub-loki").loki.storage).toMatchObject({ type: "s3", bucketNames: { chunks: "homelab-loki" }, s3: { endpoint: "s3.home.arpa:9000" } });
        expect(values(t, "observability-hub-loki").singleBinary.extraEnvFrom).toEqual([{ secretRef: { name: "loki-s3" } }]);
        expect(values(t, "observability-hub-jaeger").userconfig.exporters).toEqual({ jaeger_storage_exporter: { trace_storage: "hub_store" } });
        expect(values(t, "observability-hub-otel-collector").mode).toBe("deployment");
        const grafana = values(t, "observability-hub-grafana");
        expect(grafana.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        expect(grafana.datasources["datasources.yaml"].datasources.map((d: Values) => d.type)).toEqual(["prometheus", "loki", "jaeger"]);
        expect(grafana["grafana.ini"].server.root_url).toBe("https://grafana.observability.homelab.example.com");
        for (const name of ["kube-prometheus-stack", "loki", "jaeger", "otel-collector", "grafana"]) {
            const chart = byName(t, `observability-hub-${name}-release`).rawInputs.chart as string;
            expect([name, unknownKeys(values(t, `observability-hub-${name}`), chartKeys(chart))]).toEqual([name, []]);
        }
    });

    it("generates Grafana's admin password, keeps it secret in the cluster's Secret and stores it in Vault KV v2", () => {
        const t = runs.tools;
        const password = byName(t, "observability-hub-grafana-admin-password");
        expect(password.type).toBe("random:index/randomPassword:RandomPassword");
        expect(password.rawInputs).toMatchObject({ length: 32, special: false });
        const secret = byName(t, "observability-hub-grafana-admin");
        expect(secret.type).toBe("kubernetes:core/v1:Secret");
        expect(secret.inputs.stringData).toBe(SECRET_MASK);
        const stored = byName(t, "observability-hub-grafana-admin-vault");
        expect(stored.type).toBe("vault:kv/secretV2:SecretV2");
        expect(stored.rawInputs).toMatchObject({ mount: "homelab", name: "tools/observability/grafana", deleteAllVersions: true });
        expect(stored.inputs.dataJson).toBe(SECRET_MASK);
        expect(JSON.parse(stored.rawInputs.dataJson as string)).toEqual({ username: "admin", password: expect.stringMatching(/^[A-Za-z0-9]{32}$/), url: "https://grafana.observability.homelab.example.com" });
        expect(stored.provider).toContain("pulumi:providers:vault::vault");
        // After the KV mount exists.
        expect(stored.dependencies).toContain(byName(t, "vault-kv").urn);
        // The Loki credentials too, never in values.
        expect(byName(t, "observability-hub-loki-s3").inputs.stringData).toBe(SECRET_MASK);
        expect(JSON.stringify(values(t, "observability-hub-loki"))).not.toContain("offline-render");
    });

    it("exposes remote-write, Loki push, OTLP and Grafana through the cluster's TLS gateway, after Istio's CRDs", () => {
        const t = runs.tools;
        // The hub's routes (the tools cluster's Harbor and object store have their own, in tests/tools.test.ts).
        const routes = t.resources.filter((r) => r.type === "kubernetes:networking.istio.io/v1:VirtualService" && r.urn.includes("homelab:platform:ObservabilityHub"));
        const summary = routes.map((r) => {
            const spec = r.rawInputs.spec as Values;
            return [spec.hosts[0], spec.gateways[0], spec.http[0].match?.map((m: Values) => m.uri.exact) ?? [], spec.http[0].route[0].destination.host, spec.http[0].route[0].destination.port.number];
        });
        expect(summary.sort()).toEqual([
            ["grafana.observability.homelab.example.com", "istio-ingress/wildcard", [], "grafana.monitoring.svc.cluster.local", 80],
            ["loki.observability.homelab.example.com", "istio-ingress/wildcard", ["/loki/api/v1/push"], "loki.monitoring.svc.cluster.local", 3100],
            ["otlp.observability.homelab.example.com", "istio-ingress/wildcard", ["/v1/traces", "/v1/metrics", "/v1/logs"], "otel-collector.monitoring.svc.cluster.local", 4318],
            ["prometheus.observability.homelab.example.com", "istio-ingress/wildcard", ["/api/v1/write"], "kps-prometheus.monitoring.svc.cluster.local", 9090],
        ]);
        for (const r of routes) {
            expect(validateObject({ apiVersion: "networking.istio.io/v1", kind: "VirtualService", ...(r.rawInputs as object) })).toBe("networking.istio.io/v1/VirtualService");
            expect(r.dependencies).toContain(byName(t, "observability-istio-base-release").urn);
        }
    });

    it("exports observability.endpoints from the tools stack, the contract dev and prod read", () => {
        expect(runs.tools.outputs.observability).toEqual({ cluster: "observability", endpoints: ENDPOINTS });
        expect(runs.dev.outputs.observability).toBeUndefined();
        expect(runs.prod.outputs.observability).toBeUndefined();
    });

    it("runs one edge collector set on every cluster but the hub: Prometheus agent, Fluent Bit and the OTel collector", () => {
        expect(components(runs.tools, "homelab:platform:EdgeCollectors")).toEqual(["tools-edge"]);
        expect(components(runs.dev, "homelab:platform:EdgeCollectors")).toEqual(["dev-edge"]);
        expect(components(runs.prod, "homelab:platform:EdgeCollectors")).toEqual(["prod-edge"]);
        for (const [stack, cluster] of [["tools", "tools"], ["dev", "dev"], ["prod", "prod"]]) {
            expect(layerReleases(runs[stack], `${cluster}-edge`)).toEqual([
                pin("fluent-bit", "monitoring", charts.fluentBit),
                pin("otel-collector", "monitoring", charts.otelCollector),
                pin("prometheus-agent", "monitoring", charts.kubePrometheusStack),
            ]);
        }
    });

    it("labels every signal of an edge cluster cluster=<name>, in every pipeline, sending to the hub's endpoints", () => {
        for (const [stack, cluster] of [["tools", "tools"], ["dev", "dev"], ["prod", "prod"]]) {
            const run = runs[stack];
            const agent = values(run, `${cluster}-edge-prometheus-agent`).prometheus;
            expect(agent).toMatchObject({ agentMode: true, prometheusSpec: { externalLabels: { cluster }, remoteWrite: [{ url: ENDPOINTS.prometheusRemoteWrite }] } });
            const fluentBit = values(run, `${cluster}-edge-fluent-bit`).config;
            const outputs = parseClassic(fluentBit.outputs).sections;
            expect(outputs).toHaveLength(1);
            const entries = Object.fromEntries(outputs[0].entries.map((e) => [e.key, e.value]));
            expect(entries).toMatchObject({ Name: "loki", Match: "kube.*", Host: "loki.observability.homelab.example.com", Port: "443", Uri: "/loki/api/v1/push", tls: "On" });
            expect(entries.Labels.split(", ")).toContain(`cluster=${cluster}`);
            const otel = values(run, `${cluster}-edge-otel-collector`).config;
            expect(otel.processors["resource/cluster"]).toEqual({ attributes: [{ key: "cluster", value: cluster, action: "upsert" }] });
            expect(otel.exporters).toEqual({ "otlp_http/hub": { endpoint: ENDPOINTS.otlpHttp } });
            expect(Object.keys(otel.service.pipelines).sort()).toEqual(["logs", "metrics", "traces"]);
            for (const pipeline of Object.values(otel.service.pipelines) as Values[]) {
                expect(pipeline.processors).toContain("resource/cluster");
            }
        }
    });

    it("reads the hub's endpoints in dev and prod through the one StackReference to the tools stack, shared with Vault", () => {
        for (const stack of ["dev", "prod"]) {
            const refs = runs[stack].resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
            expect(refs.map((r) => [r.name, r.rawInputs.name])).toEqual([["vault-source", TOOLS_STACK]]);
        }
        expect(runs.tools.resources.filter((r) => r.type === "pulumi:pulumi:StackReference")).toEqual([]);
    });

    it("installs Argo Rollouts on the workload clusters only", () => {
        expect(layerReleases(runs.dev, "dev-delivery")).toEqual([pin("argo-rollouts", "argo-rollouts", charts.argoRollouts)]);
        expect(layerReleases(runs.prod, "prod-delivery")).toEqual([pin("argo-rollouts", "argo-rollouts", charts.argoRollouts)]);
        expect(components(runs.tools, "homelab:platform:Delivery")).toEqual([]);
    });

    it("chains none of the layers' releases: each waits for its cluster's readiness and namespace (and its Secret), not for another release", () => {
        for (const run of Object.values(runs)) {
            const releases = run.resources.filter((r) => r.type === RELEASE && /-(hub|edge|delivery)-/.test(r.name));
            const releaseUrns = new Set(run.resources.filter((r) => r.type === RELEASE).map((r) => r.urn));
            expect(releases.length).toBeGreaterThan(0);
            for (const r of releases) {
                expect([r.name, r.dependencies.filter((d) => releaseUrns.has(d))]).toEqual([r.name, []]);
                expect(r.dependencies.some((d) => d.endsWith("-ready"))).toBe(true);
            }
        }
    });

    it("validates every object the layers declare against its API schema", () => {
        const declared = (run: ProgramRun) =>
            run.resources.filter((r: RecordedResource) => r.type.startsWith("kubernetes:") && r.type !== RELEASE && /^(observability-hub|(tools|dev|prod)-(edge|delivery))-/.test(r.name));
        let checked = 0;
        for (const run of Object.values(runs)) {
            for (const r of declared(run)) {
                const [group, version, kind] = r.type.replace(/^kubernetes:/, "").split(/[/:]/);
                const apiVersion = group === "core" ? version : `${group}/${version}`;
                const inputs = { ...(r.rawInputs as object) } as Values;
                if (kind === "Secret") {
                    inputs.stringData = Object.fromEntries(Object.keys(JSON.parse(JSON.stringify(inputs.stringData ?? {}))).map((k) => [k, "x"]));
                }
                validateObject({ apiVersion, kind, ...inputs });
                checked++;
            }
        }
        expect(checked).toBeGreaterThan(40);
    });
});

describe("a workload stack whose source lacks the hub's output", () => {
    // What program.ts does with the StackReference to the tools stack (readHubEndpoints), given the
    // outputs as the engine would return them. Run inside a whole program the same error also rejects the
    // root stack's outputs, which Jest reports as a second failure of its own, so it is called directly.
    const reference = (outputs: Record<string, unknown>) => ({ outputs: pulumi.output(outputs), requireOutput: () => pulumi.output(outputs.observability) }) as unknown as pulumi.StackReference;

    it("stops with the missing output's name, not an undefined value", async () => {
        const { vault, vaultTokens } = TOOLS_STACK_OUTPUTS;
        await expect(readHubEndpoints(reference({ vault, vaultTokens }), TOOLS_STACK)).rejects.toThrow(
            new Error("stack organization/homelab/tools has no output `observability`: run it first, with a cluster of role observability (homelab:observability.fromStack names it)"),
        );
        await expect(readHubEndpoints(reference({ observability: { cluster: "observability" } }), TOOLS_STACK)).rejects.toThrow(
            new Error("stack organization/homelab/tools has no output `observability.endpoints`: run it first, with a cluster of role observability (homelab:observability.fromStack names it)"),
        );
    });

    it("returns the endpoints as plain strings when the outputs are there", async () => {
        await expect(readHubEndpoints(reference(TOOLS_STACK_OUTPUTS), TOOLS_STACK)).resolves.toEqual(ENDPOINTS);
    });
});

describe("observability config", () => {
    const files = { "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.80/24,gw=192.168.1.1"' }), "obs.yaml": vmYaml("obs", { ipconfig0: '"ip=192.168.1.81/24,gw=192.168.1.1"' }) };
    const lab = (extra: Record<string, unknown> = {}) => ({ name: "lab", role: "workload", distribution: "kubeadm", controlPlanes: ["cp"], ...platformFields(0), ...extra });
    const hub = (extra: Record<string, unknown> = {}) => ({ name: "obs", role: "observability", distribution: "k3s", controlPlanes: ["obs"], ...platformFields(1), ...extra });
    const run = (config: Record<string, unknown>) => runStack({ config: { ...baseConfig(), ...config }, projectDir: makeProject(files), preview: true });

    it.each<{ title: string; config: Record<string, unknown>; expected: string[] }>([
        {
            title: "a layer toggle on a cluster whose role lacks it, and an edge collector asked for with no hub to send to",
            config: { clusters: [lab({ services: { loki: true, fluentBit: true } })] },
            expected: [
                "Pulumi.test.yaml: homelab:clusters[0].services.loki: is not a service of role workload (its layer runs fluentBit, prometheusAgent, otelCollector, argoRollouts); remove this toggle",
                "Pulumi.test.yaml: homelab:clusters[0].services.fluentBit: needs the observability hub, which this stack does not run: set homelab:observability.fromStack to the stack that does (organization/homelab/tools)",
            ],
        },
        {
            title: "a hub without Loki's bucket and credentials, and a hub source it does not use",
            config: { clusters: [hub()], observability: { fromStack: "organization/homelab/tools" } },
            expected: [
                "Pulumi.test.yaml: homelab:platform.loki: is required: Loki runs on obs and needs a bucket and s3Url (or switch it off under services)",
                "Pulumi.test.yaml: homelab:lokiAccessKeyId: is required: Loki runs on obs; set it with `pulumi config set --secret homelab:lokiAccessKeyId <value>`",
                "Pulumi.test.yaml: homelab:lokiSecretAccessKey: is required: Loki runs on obs; set it with `pulumi config set --secret homelab:lokiSecretAccessKey <value>`",
                "Pulumi.test.yaml: homelab:observability.fromStack: is not used: this stack runs the hub (obs) and its edge collectors reach it directly; remove it",
            ],
        },
        {
            title: "a hub without the gateway its endpoints need, and a malformed source stack",
            config: { clusters: [hub({ services: { istio: false, loki: false } })], observability: { fromStack: "tools" } },
            expected: [
                "Pulumi.test.yaml: homelab:observability.fromStack: \"tools\" is not a stack like organization/homelab/tools",
                "Pulumi.test.yaml: homelab:clusters[0].services.istio: the observability hub serves its endpoints through the Istio gateway: keep istio on this cluster",
            ],
        },
    ])("reports $title before anything is registered", async ({ config, expected }) => {
        const result = await run(config);
        expect(reportLines(result).sort()).toEqual([...expected].sort());
        expect(result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
    });

    it("installs no edge collectors where the stack has no hub to send to, and Argo Rollouts still", async () => {
        const result = await run({ clusters: [lab()] });
        expect(result.error).toBeUndefined();
        expect(result.resources.filter((r) => r.type === "homelab:platform:EdgeCollectors")).toEqual([]);
        expect(result.resources.filter((r) => r.type === "homelab:platform:Delivery").map((r) => r.name)).toEqual(["lab-delivery"]);
    });
});
