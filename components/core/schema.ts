import { z } from "zod";

/**
 * Structured input (VM files, stack config) is described with zod schemas: one schema gives the
 * validator, the TypeScript type (`z.output<typeof schema>`) and the JSON Schema editors use
 * (`z.toJSONSchema`), so the three never drift apart.
 *
 * zod's own messages ("Invalid input: expected number, received string") are replaced here by the
 * project's ("must be an integer, got string \"eight\""), each problem addressed by its field path
 * (`nested_disks.scsi.scsi0.disk.size`, `homelab:clusters[0].name`), unknown fields with a
 * "did you mean" hint. Zod's error customisation: https://zod.dev/error-customization
 *
 * A rule over several fields is a `.superRefine((value, ctx) => ctx.addIssue({ code: "custom",
 * path, message }))` on the object (https://zod.dev/api#superrefine): its message is reported as
 * written, at `path` under the object. zod runs it once every field has the right type, even when
 * one is out of range, so it sees typed values but must not assume they are in range.
 */

export { z };

export type Report = (path: string, message: string) => void;

export function joinPath(parent: string, key: string | number): string {
    if (typeof key === "number") {
        return `${parent}[${key}]`;
    }
    return parent ? `${parent}.${key}` : key;
}

function describe(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    if (typeof value === "object") {
        return "a mapping";
    }
    if (typeof value === "string") {
        return `string ${JSON.stringify(value)}`;
    }
    return `${typeof value} ${String(value)}`;
}

function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = current;
        }
    }
    return row[b.length];
}

/** The closest known name within two edits, for "did you mean" hints. */
export function closest(name: string, known: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = 3;
    for (const candidate of [...known].sort()) {
        const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

// ---------------------------------------------------------------------------------------------
// Builders: the few shapes the project's inputs use, each carrying its description for editors.

export function str(description: string) {
    return z.string().describe(description);
}

export function bool(description: string) {
    return z.boolean().describe(description);
}

/** An integer within the bounds given. */
export function int(description: string, minimum?: number, maximum?: number) {
    let schema = z.int();
    if (minimum !== undefined) {
        schema = schema.min(minimum);
    }
    if (maximum !== undefined) {
        schema = schema.max(maximum);
    }
    return schema.describe(description);
}

/** A string matching `pattern`; a mismatch reads `"<value>" is not <hint>`. */
export function pattern(description: string, re: RegExp, hint: string) {
    return z.string().regex(re, { error: (issue) => `${JSON.stringify(issue.input)} is not ${hint}` }).describe(description);
}

/** A string, one of `values`. */
export function oneOf<const T extends readonly [string, ...string[]]>(description: string, values: T) {
    return z.enum(values).describe(description);
}

/** A strict object: an unknown field is an error, with a hint at the closest known one. */
export function object<T extends z.ZodRawShape>(shape: T, description?: string) {
    const schema = z.strictObject(shape);
    return description ? schema.describe(description) : schema;
}

/** A mapping whose keys must match `keyPattern`; a bad key reads `"<key>" is not <keyHint>`. */
export function map<V extends z.ZodType>(values: V, keys?: { readonly pattern: RegExp; readonly hint: string }, description?: string) {
    const key = keys ? z.string().regex(keys.pattern, { error: (issue) => `${JSON.stringify(issue.input)} is not ${keys.hint}` }) : z.string();
    const schema = z.record(key, values);
    return description ? schema.describe(description) : schema;
}

/**
 * Accepted for compatibility and ignored: any value.
 * `.optional()` so the JSON Schema does not list the field as required.
 */
export function ignored(description: string) {
    return z.unknown().optional().describe(description);
}

/**
 * Pulumi hands every config value over as a string; all but plain strings arrive as JSON.
 * The kind of value a config key's schema takes, for reading it and for messages when its JSON does not parse.
 */
export function configKind(schema: z.ZodType): "string" | "boolean" | "array" | "map" | "object" {
    if (schema instanceof z.ZodString) {
        return "string";
    }
    if (schema instanceof z.ZodBoolean) {
        return "boolean";
    }
    if (schema instanceof z.ZodArray) {
        return "array";
    }
    return schema instanceof z.ZodRecord ? "map" : "object";
}

/**
 * A raw config string as its key's schema expects it: as is for string keys, JSON-decoded for the
 * others (Pulumi hands structured config over as JSON). On malformed JSON, `malformed` gets the
 * expected kind and says how to report it; the result is then undefined.
 */
export function decodeConfigValue(schema: z.ZodType, raw: string, malformed: (kind: ReturnType<typeof configKind>) => void): { value: unknown } | undefined {
    const kind = configKind(schema);
    if (kind === "string") {
        return { value: raw };
    }
    try {
        return { value: JSON.parse(raw) };
    } catch {
        malformed(kind);
        return undefined;
    }
}

// ---------------------------------------------------------------------------------------------
// Messages

/** The project's message for each kind of problem zod reports; undefined leaves zod's own. */
function message(issue: z.core.$ZodRawIssue): string | undefined {
    const input = issue.input;
    // A missing field reaches an enum as an invalid value, elsewhere as an invalid type.
    if (input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
        return "is required";
    }
    switch (issue.code) {
        case "invalid_type": {
            const expected = issue.expected as string;
            if (expected === "string") {
                return `must be a string, got ${describe(input)}`;
            }
            if (expected === "number" || expected === "int") {
                return `must be an integer, got ${describe(input)}`;
            }
            if (expected === "boolean") {
                return `must be true or false, got ${describe(input)}`;
            }
            if (expected === "array") {
                return `must be a list, got ${describe(input)}`;
            }
            if (expected === "object" || expected === "record") {
                return `must be a mapping, got ${describe(input)}`;
            }
            return undefined;
        }
        case "invalid_value":
            // Every enum here is of strings: a value of another type is first of all not a string.
            if (typeof input !== "string") {
                return `must be a string, got ${describe(input)}`;
            }
            return `must be one of ${issue.values.join(", ")}, got ${JSON.stringify(input)}`;
        case "too_small":
            if (issue.origin === "array") {
                const n = Number(issue.minimum);
                return `must list at least ${n} item${n === 1 ? "" : "s"}`;
            }
            return `must be at least ${issue.minimum}, got ${String(input)}`;
        case "too_big":
            return `must be at most ${issue.maximum}, got ${String(input)}`;
        // Stryker disable next-line ConditionalExpression: without this clause the function ends and returns undefined all the same
        default:
            return undefined;
    }
}

/** The object schema found at `path` inside `schema`, through optional, nullable, default, arrays and records. */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | undefined {
    let current: z.ZodType | undefined = schema;
    let i = 0;
    while (current) {
        if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
            current = current.unwrap() as z.ZodType;
            continue;
        }
        if (i === path.length) {
            return current instanceof z.ZodObject ? current : undefined;
        }
        const key = path[i++];
        if (current instanceof z.ZodObject) {
            current = current.shape[key as string] as z.ZodType | undefined;
            continue;
        }
        if (current instanceof z.ZodArray) {
            current = current.element as z.ZodType;
            continue;
        }
        // Stryker disable next-line ConditionalExpression: of zod's schemas only ZodMap (a JavaScript Map, which parsed YAML and JSON never hold) also has a valueType; for every other one it is undefined and the walk ends with undefined, as the return below does
        if (current instanceof z.ZodRecord) {
            current = current.valueType as z.ZodType;
            continue;
        }
        // Any other schema (a union, a transform's pipe): no object whose fields could give a hint.
        return undefined;
    }
    return undefined;
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
    return prefix.every((key, i) => path[i] === key);
}

function toPath(base: string, path: readonly PropertyKey[]): string {
    // Stryker disable next-line ConditionalExpression: String() only changes a symbol key, which zod reports for no input that YAML or JSON can hold
    return path.reduce<string>((acc, key) => joinPath(acc, typeof key === "number" ? key : String(key)), base);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * zod builds an object's output in the schema's field order; readers that walk a mapping
 * (`nested_disks` buses, a slot's drive kinds) must see the file's order, as Proxmox gets the
 * disks in it. So the output follows the input's key order, fields filled by defaults last.
 */
function inInputOrder(output: unknown, input: unknown): unknown {
    if (Array.isArray(output) && Array.isArray(input)) {
        return output.map((item, i) => inInputOrder(item, input[i]));
    }
    if (!isPlainObject(output) || !isPlainObject(input)) {
        return output;
    }
    const ordered: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
        if (key in output) {
            ordered[key] = inInputOrder(output[key], input[key]);
        }
    }
    for (const key of Object.keys(output)) {
        if (!(key in ordered)) {
            ordered[key] = output[key];
        }
    }
    return ordered;
}

interface Found {
    readonly path: readonly PropertyKey[];
    readonly message: string;
}

/**
 * Checks `value` against `schema`, reporting every problem at its path under `base`.
 * Returns the parsed value (defaults applied, keys in the input's order), or undefined when anything is wrong.
 *
 * An object's unknown fields are reported before its fields' own problems, one line each.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, base: string, report: Report): z.output<S> | undefined {
    const result = schema.safeParse(value, { error: message });
    if (result.success) {
        return inInputOrder(result.data, value) as z.output<S>;
    }
    const found: Found[] = [];
    // zod still runs a list's length check on a string; once a value has the wrong type, that is all there is to say.
    const mistyped = new Set<string>();
    for (const issue of result.error.issues) {
        const where = JSON.stringify(issue.path);
        if (mistyped.has(where)) {
            continue;
        }
        if (issue.code === "invalid_type") {
            mistyped.add(where);
        }
        if (issue.code !== "unrecognized_keys") {
            // A bad record key carries the key's own problem inside it.
            // Stryker disable next-line ConditionalExpression,EqualityOperator: zod raises invalid_key only when the key's schema reported issues ($ZodRecord and $ZodMap in zod/v4/core/schemas.js), so the list is never empty
            const text = issue.code === "invalid_key" && issue.issues.length > 0 ? issue.issues[0].message : issue.message;
            found.push({ path: issue.path, message: text });
            continue;
        }
        // zod reports an object's unknown keys after its fields' problems: put them first, as a reader scans the file.
        const known = Object.keys(objectAt(schema, issue.path)?.shape ?? {});
        const unknown = issue.keys.map((key): Found => {
            const hint = closest(key, known);
            return { path: [...issue.path, key], message: hint ? `unknown field (did you mean "${hint}"?)` : "unknown field" };
        });
        let at = found.length;
        while (at > 0 && startsWith(found[at - 1].path, issue.path)) {
            at--;
        }
        found.splice(at, 0, ...unknown);
    }
    for (const f of found) {
        report(toPath(base, f.path), f.message);
    }
    return undefined;
}
