import { ProgramRun } from "../render/harness";
import { byName } from "./helpers";
import { FLUENT_BIT_SCHEMA, fluentBitConf, lokiLabels, mergeOverwrite, renderedCollectorConfig, validateCollector, validateFluentBit } from "./collectorConfigs";
import { stackRun } from "./stackRuns";

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

/**
 * Every collector configuration the committed stacks generate, checked as Fluent Bit 5.1.1 and the
 * OpenTelemetry collector v0.158.0 (otelcol-k8s) would check it at start-up, against their schemas
 * read from their sources (tests/collectorConfigs.ts says why not their binaries).
 */
const EDGES = [["tools", "tools"], ["dev", "dev"], ["prod", "prod"]] as const;
const values = (run: ProgramRun, release: string) => byName(run, `${release}-release`).rawInputs.values as Values;

describe("generated collector configurations", () => {
    const runs: Record<string, ProgramRun> = {};
    beforeAll(async () => {
        for (const stack of ["tools", "dev", "prod"]) {
            runs[stack] = (await stackRun(stack)).run;
            expect(runs[stack].error).toBeUndefined();
        }
    });

    it.each(EDGES)("Fluent Bit on %s/%s loads: known sections, plugins and properties, typed values, a Match per output", (stack, cluster) => {
        const conf = fluentBitConf(values(runs[stack], `${cluster}-edge-fluent-bit`).config);
        expect(validateFluentBit(conf)).toEqual([]);
        expect(lokiLabels(conf)).toEqual([expect.objectContaining({ cluster, job: "fluent-bit" })]);
    });

    it.each([...EDGES.map(([s, c]) => [s, `${c}-edge-otel-collector`]), ["tools", "observability-hub-otel-collector"]])("the OTel collector %s/%s starts: known component types, valid configs, every pipeline's references defined", (stack, release) => {
        const config = renderedCollectorConfig(values(runs[stack], release) as { config: Values });
        expect(validateCollector(config)).toEqual([]);
    });

    it("Jaeger v2's configuration (a collector configuration of Jaeger's own components) names only what it defines", () => {
        const config = values(runs.tools, "observability-hub-jaeger").userconfig;
        for (const [id, p] of Object.entries(config.service.pipelines as Record<string, Values>)) {
            for (const kind of ["receivers", "processors", "exporters"]) {
                expect([id, kind, (p[kind] as string[]).filter((ref) => !(ref in config[kind]))]).toEqual([id, kind, []]);
            }
        }
        expect((config.service.extensions as string[]).filter((e) => !(e in config.extensions))).toEqual([]);
    });
});

describe("the validators catch what the tools refuse", () => {
    const good = ["[SERVICE]", "    Flush 1", "    HTTP_Server On", "[INPUT]", "    Name tail", "    Path /var/log/containers/*.log", "[OUTPUT]", "    Name loki", "    Match *", "    Host loki", "    Port 443", "    Labels cluster=dev", ""].join("\n");

    it("accepts a minimal valid Fluent Bit config, read from Fluent Bit's own config maps", () => {
        expect(validateFluentBit(good)).toEqual([]);
        expect(FLUENT_BIT_SCHEMA.plugins.outputs.loki).toMatchObject({ labels: "clist", uri: "str", line_format: "str" });
    });

    it.each([
        ["an unknown property", good.replace("Port 443", "Prot 443"), "line 11 [OUTPUT]: loki has no property Prot"],
        ["a non-boolean switch", good.replace("HTTP_Server On", "HTTP_Server maybe"), "line 3 [SERVICE]: HTTP_Server must be On or Off, not maybe"],
        ["a port that is no integer", good.replace("Port 443", "Port https"), "line 11 [OUTPUT]: Port must be an integer, not https"],
        ["an output matching nothing", good.replace("    Match *\n", ""), "line 7 [OUTPUT]: loki matches nothing (no Match or Match_Regex)"],
        ["an unknown plugin", good.replace("Name tail", "Name tial"), "line 5 [INPUT]: no input plugin tial in this schema (Fluent Bit v5.1.1)"],
        ["a malformed Loki label", good.replace("Labels cluster=dev", "Labels cluster dev"), 'line 12 [OUTPUT]: loki label "cluster dev" is neither key=value nor $record_accessor'],
        ["an unindented entry", good.replace("    Flush 1", "Flush 1"), 'line 2: "Flush 1" is neither a [SECTION] nor an indented "key value" entry'],
    ])("refuses %s", (_what, conf, problem) => {
        expect(validateFluentBit(conf)).toEqual([problem]);
    });

    const collector = () =>
        mergeOverwrite(renderedCollectorConfig({ config: {} }), {
            exporters: { "otlp_http/hub": { endpoint: "https://otlp.example.com" } },
            service: { pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["otlp_http/hub"] } } },
        }) as Values;

    it("merges the release's config over the chart's default as the chart does, and accepts that", () => {
        const config = collector();
        expect(Object.keys(config.receivers).sort()).toEqual(["jaeger", "otlp", "prometheus", "zipkin"]);
        expect(config.service.pipelines.traces.receivers).toEqual(["otlp"]);
        expect(validateCollector(config)).toEqual([]);
    });

    it.each<[string, (c: Values) => void, string]>([
        ["an undefined exporter in a pipeline", (c) => (c.service.pipelines.traces.exporters = ["otlp_http/nowhere"]), 'service::pipelines::traces: references exporter "otlp_http/nowhere" which is not configured'],
        ["a component type the distribution lacks", (c) => (c.exporters["prometheusremotewrite"] = { endpoint: "x" }), 'exporters::prometheusremotewrite: unknown type: "prometheusremotewrite" (not in otelcol-k8s v0.158.0)'],
        ["an unknown key", (c) => (c.exporters["otlp_http/hub"].endpoints = "x"), "exporters::otlp_http/hub: otlp_http/hub must NOT have additional properties"],
        ["an OTLP/HTTP exporter without an endpoint", (c) => (c.exporters["otlp_http/hub"] = {}), "exporters::otlp_http/hub: otlp_http/hub must have required property 'endpoint'; otlp_http/hub must have required property 'traces_endpoint'; otlp_http/hub must have required property 'metrics_endpoint'; otlp_http/hub must have required property 'logs_endpoint'; otlp_http/hub must match a schema in anyOf"],
        ["a pipeline without receivers", (c) => (c.service.pipelines.traces.receivers = []), "service::pipelines::traces: must have at least one receiver"],
        ["a resource upsert without a value", (c) => (c.processors.resource = { attributes: [{ key: "cluster", action: "upsert" }] }), "processors::resource: resource/attributes/0 must have required property 'value'; resource/attributes/0 must have required property 'from_attribute'; resource/attributes/0 must have required property 'from_context'; resource/attributes/0 must match a schema in anyOf; resource/attributes/0 must match \"then\" schema"],
    ])("refuses %s", (_what, mutate, problem) => {
        const config = collector();
        mutate(config);
        expect(validateCollector(config)).toEqual([problem]);
    });
});
