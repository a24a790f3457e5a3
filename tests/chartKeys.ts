import * as fs from "fs";
import * as path from "path";

/**
 * The keys of a chart's values.yaml at its pinned version (tests/fixtures/charts/<chart>.json, written
 * by scripts/chart-keys.ts from the chart's source at its release tag), and a check that every key a
 * values object sets exists there: Helm silently ignores a misspelt key.
 */
export interface ChartKeys {
    readonly chart: string;
    readonly version: string;
    readonly source: string;
    readonly keys: readonly string[];
    readonly extraKeys?: Readonly<Record<string, string>>;
}

export const CHART_FIXTURES = path.join(__dirname, "fixtures", "charts");

export function chartKeys(chart: string): ChartKeys {
    return JSON.parse(fs.readFileSync(path.join(CHART_FIXTURES, `${chart}.json`), "utf8")) as ChartKeys;
}

/** Leaf paths of a values object: lists and empty maps are leaves. */
export function setPaths(values: unknown, prefix = ""): string[] {
    if (typeof values === "object" && values !== null && !Array.isArray(values) && Object.keys(values).length > 0) {
        return Object.entries(values as Record<string, unknown>).flatMap(([k, v]) => setPaths(v, prefix ? `${prefix}.${k}` : k));
    }
    return [prefix];
}

/**
 * The paths `values` sets that the chart does not have. A path is known when the chart lists it (as a
 * value, a list `[]` or a map `{}`), or when it lies under a map the chart leaves free-form (`a.b{}`)
 * or a key the chart's templates read (extraKeys).
 */
export function unknownKeys(values: Record<string, unknown>, keys: ChartKeys): string[] {
    const known = new Set(keys.keys);
    const extra = Object.keys(keys.extraKeys ?? {});
    const isKnown = (p: string) => {
        if (known.has(p) || known.has(`${p}[]`) || known.has(`${p}{}`) || extra.includes(p)) {
            return true;
        }
        const parts = p.split(".");
        for (let i = parts.length - 1; i > 0; i--) {
            const parent = parts.slice(0, i).join(".");
            if (known.has(`${parent}{}`) || extra.includes(parent)) {
                return true;
            }
        }
        return false;
    };
    return setPaths(values).filter((p) => !isKnown(p));
}
