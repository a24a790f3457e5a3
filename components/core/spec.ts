/**
 * A small declarative description of structured input (VM files, stack config).
 * One description drives both the validator, which reports every problem with its
 * field path, and the JSON Schema that editors use, so the two never drift apart.
 */

export type Spec =
    | { kind: "string"; description?: string; pattern?: RegExp; patternHint?: string; enum?: readonly string[] }
    | { kind: "integer"; description?: string; minimum?: number; maximum?: number }
    | { kind: "boolean"; description?: string }
    | { kind: "object"; description?: string; fields: Readonly<Record<string, Field>> }
    | { kind: "map"; description?: string; keyPattern?: RegExp; keyHint?: string; values: Spec }
    | { kind: "array"; description?: string; items: Spec; minItems?: number }
    | { kind: "nullable"; inner: Spec }
    /** Accepted for compatibility and ignored; any value. */
    | { kind: "ignored"; description: string };

export interface Field {
    readonly spec: Spec;
    readonly required?: boolean;
    /** JSON Schema `default`, for documentation only: defaults are applied by the code that reads the value. */
    readonly default?: unknown;
}

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

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks `value` against `spec`, reporting each problem at its path.
 * Returns true when the value conforms, so callers may then read it with its typed shape.
 */
export function check(spec: Spec, value: unknown, path: string, report: Report): boolean {
    const at = (message: string) => report(path, message);
    switch (spec.kind) {
        case "ignored":
            return true;
        case "nullable":
            return value === null || check(spec.inner, value, path, report);
        case "string": {
            if (typeof value !== "string") {
                at(`must be a string, got ${describe(value)}`);
                return false;
            }
            if (spec.enum && !spec.enum.includes(value)) {
                at(`must be one of ${spec.enum.join(", ")}, got ${JSON.stringify(value)}`);
                return false;
            }
            if (spec.pattern && !spec.pattern.test(value)) {
                at(`${JSON.stringify(value)} is not ${spec.patternHint ?? `matching ${spec.pattern.source}`}`);
                return false;
            }
            return true;
        }
        case "integer": {
            if (typeof value !== "number" || !Number.isInteger(value)) {
                at(`must be an integer, got ${describe(value)}`);
                return false;
            }
            if (spec.minimum !== undefined && value < spec.minimum) {
                at(`must be at least ${spec.minimum}, got ${value}`);
                return false;
            }
            if (spec.maximum !== undefined && value > spec.maximum) {
                at(`must be at most ${spec.maximum}, got ${value}`);
                return false;
            }
            return true;
        }
        case "boolean":
            if (typeof value !== "boolean") {
                at(`must be true or false, got ${describe(value)}`);
                return false;
            }
            return true;
        case "array": {
            if (!Array.isArray(value)) {
                at(`must be a list, got ${describe(value)}`);
                return false;
            }
            if (spec.minItems !== undefined && value.length < spec.minItems) {
                at(`must list at least ${spec.minItems} item${spec.minItems === 1 ? "" : "s"}`);
                return false;
            }
            let ok = true;
            value.forEach((item, i) => {
                ok = check(spec.items, item, joinPath(path, i), report) && ok;
            });
            return ok;
        }
        case "map": {
            if (!isPlainObject(value)) {
                at(`must be a mapping, got ${describe(value)}`);
                return false;
            }
            let ok = true;
            for (const [key, item] of Object.entries(value)) {
                if (spec.keyPattern && !spec.keyPattern.test(key)) {
                    report(joinPath(path, key), `${JSON.stringify(key)} is not ${spec.keyHint ?? "a valid key"}`);
                    ok = false;
                    continue;
                }
                ok = check(spec.values, item, joinPath(path, key), report) && ok;
            }
            return ok;
        }
        case "object": {
            if (!isPlainObject(value)) {
                at(`must be a mapping, got ${describe(value)}`);
                return false;
            }
            let ok = true;
            const known = Object.keys(spec.fields);
            for (const key of Object.keys(value)) {
                if (!(key in spec.fields)) {
                    const hint = closest(key, known);
                    report(joinPath(path, key), hint ? `unknown field (did you mean "${hint}"?)` : "unknown field");
                    ok = false;
                }
            }
            for (const [key, field] of Object.entries(spec.fields)) {
                if (value[key] === undefined) {
                    if (field.required) {
                        report(joinPath(path, key), "is required");
                        ok = false;
                    }
                    continue;
                }
                ok = check(field.spec, value[key], joinPath(path, key), report) && ok;
            }
            return ok;
        }
    }
}

/** JSON Schema (draft 2020-12) for a spec, for editors (`# yaml-language-server: $schema=...`). */
export function toJsonSchema(spec: Spec): Record<string, unknown> {
    const withDescription = (schema: Record<string, unknown>, description?: string) =>
        description ? { description, ...schema } : schema;
    switch (spec.kind) {
        case "ignored":
            return { description: spec.description };
        case "nullable": {
            const inner = toJsonSchema(spec.inner);
            return { ...inner, type: [inner.type, "null"] };
        }
        case "string": {
            const schema: Record<string, unknown> = { type: "string" };
            if (spec.enum) {
                schema.enum = [...spec.enum];
            }
            if (spec.pattern) {
                schema.pattern = spec.pattern.source;
            }
            return withDescription(schema, spec.description);
        }
        case "integer": {
            const schema: Record<string, unknown> = { type: "integer" };
            if (spec.minimum !== undefined) {
                schema.minimum = spec.minimum;
            }
            if (spec.maximum !== undefined) {
                schema.maximum = spec.maximum;
            }
            return withDescription(schema, spec.description);
        }
        case "boolean":
            return withDescription({ type: "boolean" }, spec.description);
        case "array": {
            const schema: Record<string, unknown> = { type: "array", items: toJsonSchema(spec.items) };
            if (spec.minItems !== undefined) {
                schema.minItems = spec.minItems;
            }
            return withDescription(schema, spec.description);
        }
        case "map": {
            const schema: Record<string, unknown> = { type: "object", additionalProperties: toJsonSchema(spec.values) };
            if (spec.keyPattern) {
                schema.propertyNames = { pattern: spec.keyPattern.source };
            }
            return withDescription(schema, spec.description);
        }
        case "object": {
            const properties: Record<string, unknown> = {};
            const required: string[] = [];
            for (const [key, field] of Object.entries(spec.fields)) {
                const property = toJsonSchema(field.spec);
                properties[key] = field.default === undefined ? property : { ...property, default: field.default };
                if (field.required) {
                    required.push(key);
                }
            }
            const schema: Record<string, unknown> = { type: "object", properties, additionalProperties: false };
            if (required.length > 0) {
                schema.required = required;
            }
            return withDescription(schema, spec.description);
        }
    }
}
