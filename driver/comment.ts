import type { EngineEvent, OpMap, OpType } from "@pulumi/pulumi/automation";
import type { StackRun } from "./orchestrator";

/**
 * The pull-request comment for `preview --comment-file`, built as pulumi/actions builds its own
 * (src/libs/pr.ts): ANSI codes stripped, capped at 64,000 characters (GitHub's limit is 65,536),
 * one `<details>` per stack, and stable HTML-comment markers so the next run edits this comment
 * instead of adding one. Totals come from each preview's `changeSummary`; the resource list and
 * the diagnostics from its engine events.
 */

export const COMMENT_LIMIT = 64_000;

/** Marks the whole comment: the poster edits the comment that carries it. */
export function commentMarker(project: string): string {
    return `<!-- platform-preview:${project} -->`;
}

/** Marks one stack's section. */
export function stackMarker(project: string, stack: string): string {
    return `<!-- platform-preview:${project}/${stack} -->`;
}

/** Terminal colour codes (CSI and OSC sequences) and Pulumi's own colour markup (`<{%fg 1%}>`). */
export function stripAnsi(text: string): string {
    return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, "").replace(/<\{%[^%]*%\}>/g, "");
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
/**
 * Steps not listed: `same` and reads change nothing; a replacement shows as the one `replace` step,
 * as `pulumi preview` shows it, not as its create-replacement/delete-replaced halves.
 */
const HIDDEN_STEPS = new Set<OpType>(["same", "read", "create-replacement", "delete-replaced", "discard-replaced", "read-replacement", "import-replacement", "refresh"]);

export interface ChangedResource {
    readonly op: OpType;
    readonly name: string;
    readonly type: string;
}

export interface Diagnostic {
    readonly severity: "error" | "warning";
    /** The resource's name, when the diagnostic is about one. */
    readonly resource?: string;
    readonly message: string;
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Resources the preview would change, once each, in the engine's order. */
export function changedResources(events: readonly EngineEvent[]): ChangedResource[] {
    const seen = new Set<string>();
    const out: ChangedResource[] = [];
    for (const event of events) {
        const meta = event.resourcePreEvent?.metadata;
        if (!meta || meta.type === ROOT_STACK_TYPE || HIDDEN_STEPS.has(meta.op)) {
            continue;
        }
        const key = `${meta.op} ${meta.urn}`;
        if (!seen.has(key)) {
            seen.add(key);
            out.push({ op: meta.op, name: nameOf(meta.urn), type: meta.type });
        }
    }
    return out;
}

/** Error and warning diagnostics and policy violations, ANSI-stripped, each once. */
export function diagnostics(events: readonly EngineEvent[]): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const event of events) {
        const p = event.policyEvent;
        if (p) {
            // A mandatory policy fails the preview; an advisory one warns.
            const message = `policy ${p.policyPackName}/${p.policyName}: ${stripAnsi(p.message).trim()}`;
            const resource = p.resourceUrn ? nameOf(p.resourceUrn) : undefined;
            const severity = p.enforcementLevel === "mandatory" ? "error" : "warning";
            const key = `${severity}\0${resource ?? ""}\0${message}`;
            if (!seen.has(key)) {
                seen.add(key);
                out.push({ severity, resource, message });
            }
            continue;
        }
        const d = event.diagnosticEvent;
        if (!d || (d.severity !== "error" && d.severity !== "warning")) {
            continue;
        }
        const message = stripAnsi(d.message).trim();
        // The stack root stands for the program as a whole: no resource to name.
        const resource = d.urn && !d.urn.includes(`::${ROOT_STACK_TYPE}::`) ? nameOf(d.urn) : undefined;
        const key = `${d.severity}\0${resource ?? ""}\0${message}`;
        if (message && !seen.has(key)) {
            seen.add(key);
            out.push({ severity: d.severity, resource, message });
        }
    }
    return out;
}

const COLUMNS: readonly OpType[] = ["create", "update", "delete", "replace"];

function totals(changes: OpMap): string {
    const parts = COLUMNS.filter((op) => (changes[op] ?? 0) > 0).map((op) => `${changes[op]} to ${op}`);
    const same = changes.same ?? 0;
    if (parts.length === 0) {
        return same > 0 ? `no changes, ${same} unchanged` : "no changes";
    }
    return same > 0 ? `${parts.join(", ")}, ${same} unchanged` : parts.join(", ");
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** A fenced block that no backtick run inside the text can close early. */
function fenced(text: string, indent = ""): string {
    const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
    const fence = "`".repeat(longest + 1);
    return [`${fence}text`, ...text.split("\n"), fence].map((l) => `${indent}${l}`).join("\n");
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function stackSection(project: string, run: StackRun): string {
    const resources = changedResources(run.events);
    const diags = diagnostics(run.events);
    const headline = run.result === "succeeded" || run.result === "drifted" ? totals(run.changes) : run.result;
    const counts = [plural(resources.length, "changed resource")];
    const errors = diags.filter((d) => d.severity === "error").length;
    const warnings = diags.length - errors;
    if (errors > 0) {
        counts.push(plural(errors, "error"));
    }
    if (warnings > 0) {
        counts.push(plural(warnings, "warning"));
    }
    const body: string[] = [];
    // The CLI's message, unless the engine's error diagnostics below already say it.
    if (run.result !== "succeeded" && run.message && errors === 0) {
        body.push("**Error**", "", fenced(stripAnsi(run.message).trim()), "");
    }
    if (resources.length > 0) {
        body.push("| change | name | type |", "|---|---|---|", ...resources.map((r) => `| ${r.op} | \`${cell(r.name)}\` | \`${cell(r.type)}\` |`), "");
    } else if (run.result === "succeeded") {
        body.push("No resource changes.", "");
    }
    if (diags.length > 0) {
        body.push("**Diagnostics**", "");
        for (const d of diags) {
            body.push(`- ${d.severity}${d.resource ? ` on \`${cell(d.resource)}\`` : ""}:`, fenced(d.message, "  "));
        }
        body.push("");
    }
    return [
        stackMarker(project, run.stack),
        `### \`${run.stack}\`: ${headline}`,
        "",
        "<details>",
        `<summary>${counts.join(", ")}</summary>`,
        "",
        ...body,
        "</details>",
    ].join("\n");
}

/** Cuts at a line boundary below `budget`, closing an open code fence and open `<details>`. */
function trimTo(text: string, budget: number): string {
    const lines = text.split("\n");
    const kept: string[] = [];
    let size = 0;
    for (const line of lines) {
        if (size + line.length + 1 > budget) {
            break;
        }
        kept.push(line);
        size += line.length + 1;
    }
    // The open fence, with its indentation (a list item's block is indented).
    let fence: string | undefined;
    let details = 0;
    for (const line of kept) {
        const f = /^(\s*`{3,})/.exec(line)?.[1];
        if (f && (fence === undefined || f === fence)) {
            fence = fence === undefined ? f : undefined;
        } else if (fence === undefined && line === "<details>") {
            details++;
        } else if (fence === undefined && line === "</details>") {
            details--;
        }
    }
    if (fence !== undefined) {
        kept.push(fence);
    }
    for (; details > 0; details--) {
        kept.push("</details>");
    }
    return kept.join("\n");
}

/** The comment once the PR's latest changes affect no stack: it replaces the earlier previews. */
export function noStacksComment(project: string): string {
    return [
        commentMarker(project),
        `## Pulumi preview: \`${project}\``,
        "",
        "The pull request's latest changes affect no stack (the path filters of `deployments/paths.ts`): nothing to preview. The previews this comment showed before are gone with the changes that caused them.",
        "",
    ].join("\n");
}

export interface CommentOptions {
    readonly project: string;
    readonly limit?: number;
}

/** The whole comment, stacks in the order they are given. */
export function renderComment(runs: readonly StackRun[], options: CommentOptions): string {
    const limit = options.limit ?? COMMENT_LIMIT;
    const head = [
        commentMarker(options.project),
        `## Pulumi preview: \`${options.project}\``,
        "",
        "| stack | result | create | update | delete | replace | unchanged |",
        "|---|---|---:|---:|---:|---:|---:|",
        ...runs.map((r) => `| ${r.stack} | ${r.result} | ${COLUMNS.map((op) => r.changes[op] ?? 0).join(" | ")} | ${r.changes.same ?? 0} |`),
        "",
    ].join("\n");
    const full = stripAnsi([head, ...runs.map((r) => stackSection(options.project, r) + "\n")].join("\n"));
    if (full.length <= limit) {
        return full;
    }
    const note = `\n:warning: This comment was trimmed to ${limit.toLocaleString("en-US")} characters; the full preview is in the job's log.\n`;
    // The closing fence and tags trimTo adds take a little room: shrink until the whole fits.
    for (let budget = limit - note.length - 1; ; budget -= 64) {
        const trimmed = trimTo(full, budget) + "\n" + note;
        if (trimmed.length <= limit) {
            return trimmed;
        }
    }
}
