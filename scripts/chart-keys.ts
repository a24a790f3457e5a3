import * as fs from "fs";
import * as yaml from "js-yaml";

/**
 * Writes the keys-only fixture of a chart's values.yaml (tests/fixtures/charts/<name>.json), read
 * from the chart's own source at its release tag:
 *
 *   git show <tag>:<path>/values.yaml | npx ts-node --transpile-only scripts/chart-keys.ts \
 *       <chart> <version> <source-url> [extra-key ...] > tests/fixtures/charts/<chart>.json
 *
 * Every key path is listed; `a.b{}` marks a map whose keys are free-form (empty by default, so
 * anything under it is the user's), `a.b[]` a list. Extra keys are ones the chart's templates read
 * but its values.yaml only documents in comments; give each as `path=reason`.
 *
 * Istio's charts nest their defaults under `_internal_defaults_do_not_set`, which their
 * templates/zzz_profile.yaml merges into the top level: users set those keys at the top level.
 */
export function keyPaths(value: unknown, prefix = ""): string[] {
    if (Array.isArray(value)) {
        return [`${prefix}[]`];
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 0) {
            return [`${prefix}{}`];
        }
        const own = prefix ? [prefix] : [];
        return [...own, ...entries.flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k))];
    }
    return [prefix];
}

if (require.main === module) {
    const [chart, version, source, ...extra] = process.argv.slice(2);
    const loaded = yaml.load(fs.readFileSync(0, "utf8")) as Record<string, unknown>;
    const { _internal_defaults_do_not_set: defaults, ...rest } = loaded;
    const values = { ...((defaults as Record<string, unknown> | undefined) ?? {}), ...rest };
    const keys = [...new Set(keyPaths(values))].sort();
    const extraKeys = Object.fromEntries(extra.map((e) => e.split("=", 2) as [string, string]));
    process.stdout.write(JSON.stringify({ chart, version, source, ...(extra.length ? { extraKeys } : {}), keys }, null, 1) + "\n");
}
