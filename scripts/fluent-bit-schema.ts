import { execFileSync } from "child_process";

/**
 * Writes the property schema Fluent Bit itself checks a configuration against
 * (tests/fixtures/fluent-bit/schema-<version>.json), read from its source at the release tag: each
 * plugin's `config_map[]` (what `fluent-bit -J` prints and what it refuses unknown properties by),
 * the properties every input, filter and output takes (`prop_key_check` in src/flb_input.c,
 * flb_filter.c, flb_output.c), and the [SERVICE] keys (`FLB_CONF_STR_*` listed in src/flb_config.c's
 * service_configs[]). Fluent Bit matches property names case-insensitively.
 *
 *   npx ts-node --transpile-only scripts/fluent-bit-schema.ts <fluent-bit git dir> v5.1.1 > tests/fixtures/fluent-bit/schema-5.1.1.json
 */
const PLUGINS = {
    inputs: { tail: "plugins/in_tail/tail.c" },
    filters: { kubernetes: "plugins/filter_kubernetes/kubernetes.c" },
    outputs: { loki: "plugins/out_loki/loki.c" },
} as const;
const COMMON = { inputs: "src/flb_input.c", filters: "src/flb_filter.c", outputs: "src/flb_output.c" } as const;

const show = (git: string, tag: string, file: string) => execFileSync("git", ["-C", git, "show", `${tag}:${file}`], { encoding: "utf8", maxBuffer: 64 << 20 });

/** `{ FLB_CONFIG_MAP_<TYPE>, "name", ...}` entries: name → type. */
export function configMap(source: string): Record<string, string> {
    return Object.fromEntries([...source.matchAll(/FLB_CONFIG_MAP_([A-Z_0-9]+),\s*"([^"]+)"/g)].map((m) => [m[2].toLowerCase(), m[1].toLowerCase()]));
}

export function propKeys(source: string): string[] {
    return [...new Set([...source.matchAll(/prop_key_check\("([^"]+)"/g)].map((m) => m[1].toLowerCase()))];
}

export function serviceKeys(config: string, header: string): string[] {
    const defines = Object.fromEntries([...header.matchAll(/#define\s+(FLB_CONF_STR_[A-Z_0-9]+)\s+"([^"]+)"/g)].map((m) => [m[1], m[2]]));
    const table = config.slice(config.indexOf("service_configs[]"), config.indexOf("};", config.indexOf("service_configs[]")));
    return [...table.matchAll(/\{\s*(FLB_CONF_STR_[A-Z_0-9]+)/g)].map((m) => defines[m[1]]).filter(Boolean).map((k) => k.toLowerCase());
}

if (require.main === module) {
    const [git, tag] = process.argv.slice(2);
    const out = {
        version: tag,
        source: `https://github.com/fluent/fluent-bit/tree/${tag}`,
        service: serviceKeys(show(git, tag, "src/flb_config.c"), show(git, tag, "include/fluent-bit/flb_config.h")).sort(),
        common: Object.fromEntries(Object.entries(COMMON).map(([kind, file]) => [kind, [...new Set([...propKeys(show(git, tag, file)), ...Object.keys(configMap(show(git, tag, file)))])].sort()])),
        plugins: Object.fromEntries(
            Object.entries(PLUGINS).map(([kind, plugins]) => [kind, Object.fromEntries(Object.entries(plugins).map(([name, file]) => [name, configMap(show(git, tag, file))]))]),
        ),
    };
    process.stdout.write(JSON.stringify(out, null, 1) + "\n");
}
