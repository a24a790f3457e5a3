import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { COMPONENT_SCHEMAS } from "./otelSchema";

/**
 * Validation of the collector configurations the platform generates, standing in for the tools'
 * own checks (`fluent-bit --dry-run -c FILE`, `otelcol validate --config FILE`): neither Fluent Bit
 * nor an OpenTelemetry collector is packaged for Debian 12 (apt-cache search finds neither), and
 * nothing outside the npm registry and Debian can be installed here. Each checks against the
 * schema its tool enforces, read from the tool's source at the pinned version.
 */

// ---------------------------------------------------------------- Fluent Bit (classic mode)

interface FluentBitSchema {
    readonly version: string;
    readonly service: readonly string[];
    readonly common: Record<"inputs" | "filters" | "outputs", readonly string[]>;
    readonly plugins: Record<"inputs" | "filters" | "outputs", Record<string, Record<string, string>>>;
}

export const FLUENT_BIT_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "fluent-bit", "schema-5.1.1.json"), "utf8")) as FluentBitSchema;

export interface ClassicSection {
    readonly name: string;
    readonly line: number;
    readonly entries: readonly { readonly key: string; readonly value: string; readonly line: number }[];
}

/**
 * Fluent Bit's classic format as its parser reads it (src/config_format/flb_cf_fluentbit.c):
 * `[SECTION]` headers, `key value` entries indented under them, `#` comments, blank lines.
 */
export function parseClassic(text: string): { sections: ClassicSection[]; errors: string[] } {
    const sections: { name: string; line: number; entries: { key: string; value: string; line: number }[] }[] = [];
    const errors: string[] = [];
    text.split("\n").forEach((raw, i) => {
        const line = i + 1;
        if (/^\s*(#.*)?$/.test(raw)) {
            return;
        }
        const header = /^\[([A-Za-z_]+)\]\s*$/.exec(raw);
        if (header) {
            sections.push({ name: header[1].toUpperCase(), line, entries: [] });
            return;
        }
        const entry = /^(\s+)(\S+)\s+(.*\S)\s*$/.exec(raw);
        if (!entry) {
            errors.push(`line ${line}: ${JSON.stringify(raw)} is neither a [SECTION] nor an indented "key value" entry`);
            return;
        }
        if (sections.length === 0) {
            errors.push(`line ${line}: entry ${entry[2]} outside any section`);
            return;
        }
        sections[sections.length - 1].entries.push({ key: entry[2], value: entry[3], line });
    });
    return { sections, errors };
}

const BOOL = /^(on|off|true|false|yes|no)$/i;
const KIND = { INPUT: "inputs", FILTER: "filters", OUTPUT: "outputs" } as const;

/** Every problem Fluent Bit would refuse the configuration for, empty when it would load. */
export function validateFluentBit(text: string, schema: FluentBitSchema = FLUENT_BIT_SCHEMA): string[] {
    const { sections, errors } = parseClassic(text);
    const problems = [...errors];
    const service = sections.filter((s) => s.name === "SERVICE");
    if (service.length > 1) {
        problems.push("more than one [SERVICE] section");
    }
    for (const section of sections) {
        const at = (line: number) => `line ${line} [${section.name}]`;
        if (section.name === "SERVICE") {
            for (const e of section.entries) {
                if (!schema.service.includes(e.key.toLowerCase())) {
                    problems.push(`${at(e.line)}: unknown service property ${e.key}`);
                }
                if (["daemon", "http_server", "health_check", "hot_reload"].includes(e.key.toLowerCase()) && !BOOL.test(e.value)) {
                    problems.push(`${at(e.line)}: ${e.key} must be On or Off, not ${e.value}`);
                }
                if (["http_port", "flush", "grace"].includes(e.key.toLowerCase()) && !/^\d+(\.\d+)?$/.test(e.value)) {
                    problems.push(`${at(e.line)}: ${e.key} must be a number, not ${e.value}`);
                }
            }
            continue;
        }
        if (section.name === "PARSER" || section.name === "MULTILINE_PARSER" || section.name === "UPSTREAM" || section.name === "NODE") {
            continue;
        }
        const kind = KIND[section.name as keyof typeof KIND];
        if (!kind) {
            problems.push(`${at(section.line)}: unknown section`);
            continue;
        }
        const names = section.entries.filter((e) => e.key.toLowerCase() === "name");
        if (names.length !== 1) {
            problems.push(`${at(section.line)}: needs exactly one Name`);
            continue;
        }
        const plugin = names[0].value;
        const props = schema.plugins[kind][plugin];
        if (!props) {
            problems.push(`${at(names[0].line)}: no ${kind.slice(0, -1)} plugin ${plugin} in this schema (Fluent Bit ${schema.version})`);
            continue;
        }
        if (kind !== "inputs" && !section.entries.some((e) => /^match(_regex)?$/i.test(e.key))) {
            problems.push(`${at(section.line)}: ${plugin} matches nothing (no Match or Match_Regex)`);
        }
        for (const e of section.entries) {
            const key = e.key.toLowerCase();
            if (key === "name") {
                continue;
            }
            // Outputs also take net.* (src/flb_output.c hands them to the network setup).
            const known = key in props || schema.common[kind].includes(key) || (kind === "outputs" && key.startsWith("net."));
            if (!known) {
                problems.push(`${at(e.line)}: ${plugin} has no property ${e.key}`);
                continue;
            }
            const type = props[key];
            if ((type === "bool" || ["tls", "tls.verify", "ipv6"].includes(key)) && !BOOL.test(e.value)) {
                problems.push(`${at(e.line)}: ${e.key} must be On or Off, not ${e.value}`);
            }
            if ((type === "int" || key === "port") && !/^\d+$/.test(e.value)) {
                problems.push(`${at(e.line)}: ${e.key} must be an integer, not ${e.value}`);
            }
            if (type === "size" && !/^\d+(\.\d+)?([kKmMgG][bB]?)?$/.test(e.value)) {
                problems.push(`${at(e.line)}: ${e.key} must be a size like 5MB, not ${e.value}`);
            }
        }
        if (plugin === "loki") {
            problems.push(...lokiOutputProblems(section));
        }
    }
    return problems;
}

/** out_loki's own checks (plugins/out_loki/loki.c): labels are `key=value` or `$record_accessor`, line_format json|key_value. */
function lokiOutputProblems(section: ClassicSection): string[] {
    const problems: string[] = [];
    for (const e of section.entries) {
        const key = e.key.toLowerCase();
        if (key === "labels") {
            for (const item of e.value.split(",").map((s) => s.trim())) {
                if (!/^([A-Za-z_][A-Za-z0-9_]*=\S+|\$\S+)$/.test(item)) {
                    problems.push(`line ${e.line} [OUTPUT]: loki label ${JSON.stringify(item)} is neither key=value nor $record_accessor`);
                }
            }
        }
        if (key === "line_format" && !/^(json|key_value)$/.test(e.value)) {
            problems.push(`line ${e.line} [OUTPUT]: line_format must be json or key_value, not ${e.value}`);
        }
        if (key === "uri" && !e.value.startsWith("/")) {
            problems.push(`line ${e.line} [OUTPUT]: uri must start with /, not ${e.value}`);
        }
    }
    return problems;
}

/** The labels every line a Fluent Bit config ships to Loki carries (its loki outputs' `Labels`). */
export function lokiLabels(text: string): Record<string, string>[] {
    return parseClassic(text)
        .sections.filter((s) => s.name === "OUTPUT" && s.entries.some((e) => e.key.toLowerCase() === "name" && e.value === "loki"))
        .map((s) => Object.fromEntries((s.entries.find((e) => e.key.toLowerCase() === "labels")?.value ?? "").split(",").map((i) => i.trim().split("=", 2) as [string, string])));
}

/** The chart's fluent-bit.conf: its ConfigMap template writes service, inputs, filters and outputs in this order. */
export function fluentBitConf(config: { service: string; inputs: string; filters: string; outputs: string }): string {
    return [config.service, config.inputs, config.filters, config.outputs].join("\n");
}

// ---------------------------------------------------------------- OpenTelemetry collector

type Config = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- collector config

export const CHART_DEFAULT_CONFIG = (JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "otel", "chart-default-config.json"), "utf8")) as { config: Config }).config;

/** Sprig's mustMergeOverwrite as the chart applies it (templates/_config.tpl): maps merge deeply, anything else is replaced. */
export function mergeOverwrite(base: unknown, override: unknown): unknown {
    if (isMap(base) && isMap(override)) {
        const out: Record<string, unknown> = { ...base };
        for (const [k, v] of Object.entries(override)) {
            out[k] = k in out ? mergeOverwrite(out[k], v) : v;
        }
        return out;
    }
    return override;
}
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The configuration the collector pod gets: the chart's default with the release's `config` over it. */
export function renderedCollectorConfig(values: { config: Config }): Config {
    return mergeOverwrite(structuredClone(CHART_DEFAULT_CONFIG), values.config) as Config;
}

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new Map<string, ReturnType<Ajv["compile"]>>();
const KINDS = ["receivers", "processors", "exporters", "extensions", "connectors"] as const;

/** Every problem `otelcol validate` would report, empty when the collector would start. */
export function validateCollector(config: Config): string[] {
    const problems: string[] = [];
    const known = new Set(["receivers", "processors", "exporters", "extensions", "connectors", "service"]);
    for (const key of Object.keys(config)) {
        if (!known.has(key)) {
            problems.push(`'' has invalid keys: ${key}`);
        }
    }
    for (const kind of KINDS) {
        for (const [id, body] of Object.entries((config[kind] ?? {}) as Config)) {
            const type = id.split("/")[0];
            const schema = COMPONENT_SCHEMAS[kind][type];
            if (!schema) {
                problems.push(`${kind}::${id}: unknown type: "${type}" (not in otelcol-k8s v0.158.0)`);
                continue;
            }
            const key = `${kind}/${type}`;
            if (!compiled.has(key)) {
                compiled.set(key, ajv.compile(schema));
            }
            const validate = compiled.get(key)!;
            if (!validate(body ?? {})) {
                problems.push(`${kind}::${id}: ${ajv.errorsText(validate.errors, { separator: "; ", dataVar: id })}`);
            }
        }
    }
    const service = (config.service ?? {}) as Config;
    for (const ext of (service.extensions ?? []) as string[]) {
        if (!(config.extensions ?? {})[ext]) {
            problems.push(`service::extensions: references extension "${ext}" which is not configured`);
        }
    }
    const pipelines = (service.pipelines ?? {}) as Record<string, Config>;
    if (Object.keys(pipelines).length === 0) {
        problems.push("service must have at least one pipeline");
    }
    for (const [id, pipeline] of Object.entries(pipelines)) {
        if (!/^(traces|metrics|logs|profiles)(\/.+)?$/.test(id)) {
            problems.push(`service::pipelines::${id}: unknown signal`);
        }
        for (const kind of ["receivers", "processors", "exporters"] as const) {
            const refs = (pipeline[kind] ?? []) as string[];
            if (kind !== "processors" && refs.length === 0) {
                problems.push(`service::pipelines::${id}: must have at least one ${kind.slice(0, -1)}`);
            }
            for (const ref of refs) {
                if (!(config[kind] ?? {})[ref] && !(config[kind] && ref in config[kind])) {
                    problems.push(`service::pipelines::${id}: references ${kind.slice(0, -1)} "${ref}" which is not configured`);
                }
            }
            if (new Set(refs).size !== refs.length) {
                problems.push(`service::pipelines::${id}: ${kind} listed twice`);
            }
        }
    }
    return problems;
}
