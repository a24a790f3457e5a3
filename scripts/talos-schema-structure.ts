import * as fs from "fs";

/**
 * Reduces Talos's published machine-config JSON schema to its structure, for the test that validates
 * every generated machine config (tests/fixtures/talos/). Keeps what a validator checks (property
 * names, types, enums, patterns, required, additionalProperties, references) and drops all prose
 * (description, title, markdownDescription, x-intellij-html-description) and `format`.
 *
 *   git -C <talos checkout> show v1.11.5:website/content/v1.11/schemas/config.schema.json > upstream.json
 *   node --require ./loader/register.js scripts/talos-schema-structure.ts upstream.json v1.11.5 > tests/fixtures/talos/config.schema.v1.11.5.structure.json
 */
const PROSE = new Set(["description", "title", "markdownDescription", "x-intellij-html-description", "format"]);
/** Keywords whose value maps names to schemas: those names are data, not keywords. */
const NAMED = new Set(["properties", "patternProperties", "$defs"]);

function reduce(node: unknown, names = false): unknown {
    if (Array.isArray(node)) {
        return node.map((n) => reduce(n));
    }
    if (typeof node !== "object" || node === null) {
        return node;
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
        if (names) {
            out[key] = reduce(value);
        } else if (!PROSE.has(key)) {
            out[key] = reduce(value, NAMED.has(key));
        }
    }
    return out;
}

const [input, tag] = process.argv.slice(2);
if (!input || !tag) {
    process.stderr.write("usage: talos-schema-structure.ts <config.schema.json> <tag>\n");
    process.exit(2);
}
const upstream = JSON.parse(fs.readFileSync(input, "utf8")) as Record<string, unknown>;
const reduced = {
    $comment: `Structure of siderolabs/talos website/content/v1.11/schemas/config.schema.json at tag ${tag} (MPL-2.0), reduced by scripts/talos-schema-structure.ts: descriptions and titles removed.`,
    ...(reduce(upstream) as Record<string, unknown>),
};
process.stdout.write(JSON.stringify(reduced, null, 1) + "\n");
