import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_KEYS, NAMESPACE } from "../config/config";

/**
 * Reads Pulumi.yaml defaults and Pulumi.<stack>.yaml the way the engine hands them to a program:
 * one flat map of `namespace:key` to string (objects as JSON), plus the keys that are secrets.
 * `secure:` values cannot be decrypted offline and become placeholders; required secrets that
 * no stack file holds (as it should be) get their declared placeholder.
 */
export interface StackConfig {
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
}

const SECRET_PLACEHOLDER = "<offline-render-secret>";

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Replaces nested `{secure: ...}` values; reports whether any were found. */
function replaceSecure(value: unknown): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const items = value.map(replaceSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") {
            return { value: SECRET_PLACEHOLDER, secret: true };
        }
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) {
            const r = replaceSecure(v);
            out[k] = r.value;
            secret = secret || r.secret;
        }
        return { value: out, secret };
    }
    return { value, secret: false };
}

/** A YAML file's document; a syntax error names the file, as every other input problem does. */
function loadYamlFile(file: string): unknown {
    try {
        return yaml.load(fs.readFileSync(file, "utf8"));
    } catch (err) {
        if (err instanceof yaml.YAMLException) {
            throw new Error(`${path.basename(file)}: ${err.message}`);
        }
        throw err;
    }
}

export function readStackConfig(projectDir: string, stack: string): StackConfig {
    const project = loadYamlFile(path.join(projectDir, "Pulumi.yaml")) as { name: string; config?: Record<string, { default?: unknown }> };
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new Error(`no stack file ${path.basename(stackFile)} in ${projectDir}`);
    }
    const stackDoc = (loadYamlFile(stackFile) ?? {}) as { config?: Record<string, unknown> };

    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (key.includes(":")) {
            // Another namespace (pulumi:disable-default-providers): a plain value, or an object under `value`.
            const value = typeof declaration === "object" && declaration !== null && !Array.isArray(declaration) ? (declaration as { value?: unknown }).value : declaration;
            if (value !== undefined) {
                config[key] = asConfigString(value);
            }
        } else if (typeof declaration === "object" && declaration !== null && declaration.default !== undefined) {
            config[`${project.name}:${key}`] = asConfigString(declaration.default);
        }
    }
    for (const [key, raw] of Object.entries(stackDoc.config ?? {})) {
        const { value, secret } = replaceSecure(raw);
        config[key] = asConfigString(value);
        if (secret) {
            secretKeys.push(key);
        }
    }
    for (const [key, declared] of Object.entries(CONFIG_KEYS)) {
        const fullKey = `${NAMESPACE}:${key}`;
        const placeholder = (declared as { placeholder?: string }).placeholder;
        // Optional secrets carry an empty default in Pulumi.yaml: empty is unset.
        if (placeholder !== undefined && (config[fullKey] === undefined || config[fullKey] === "")) {
            config[fullKey] = placeholder;
            secretKeys.push(fullKey);
        } else if (placeholder !== undefined && secretKeys.includes(fullKey)) {
            // A `secure:` value that cannot be decrypted offline; the placeholder keeps validation meaningful.
            config[fullKey] = placeholder;
        }
    }
    return { config, secretKeys: secretKeys.sort() };
}
