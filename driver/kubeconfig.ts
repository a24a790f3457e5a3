import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { kubeconfigSecretName } from "../components/vault/paths";

/**
 * `kubeconfig`: one merged kubeconfig with a context per cluster, from each stack's secret output
 * `clusters.<name>.kubeconfig` or from the per-cluster Vault KV v2 entries the stacks write
 * (`<mount>/<stack>/<cluster>/kubeconfig`). It goes to a file created with mode 0600, or to a Vault
 * path of its own: never to a stack's path, which only that stack writes (a KV v2 write replaces
 * the whole secret).
 */

export interface KubeconfigEntry {
    readonly stack: string;
    readonly cluster: string;
    readonly kubeconfig: string;
}

interface Named<T> {
    name: string;
    [key: string]: unknown;
    cluster?: T;
    user?: T;
    context?: T;
}

interface KubeconfigDoc {
    clusters?: Named<Record<string, unknown>>[];
    users?: Named<Record<string, unknown>>[];
    contexts?: Named<{ cluster: string; user: string; namespace?: string }>[];
    "current-context"?: string;
}

/** Merges the entries; each cluster's cluster, user (`<cluster>-admin`) and context are named after it. */
export function mergeKubeconfigs(entries: readonly KubeconfigEntry[]): string {
    const problems: string[] = [];
    const owner = new Map<string, string>();
    const merged = { apiVersion: "v1", kind: "Config", clusters: [] as unknown[], users: [] as unknown[], contexts: [] as unknown[], "current-context": "", preferences: {} };
    for (const entry of entries) {
        const where = `${entry.stack}/${entry.cluster}`;
        const previous = owner.get(entry.cluster);
        if (previous !== undefined) {
            problems.push(`${where}: a cluster named "${entry.cluster}" also comes from stack ${previous}; cluster names must be unique across stacks`);
            continue;
        }
        owner.set(entry.cluster, entry.stack);
        let doc: KubeconfigDoc;
        try {
            doc = (yaml.load(entry.kubeconfig) ?? {}) as KubeconfigDoc;
        } catch (err) {
            problems.push(`${where}: not YAML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
            continue;
        }
        const contextName = doc["current-context"] ?? doc.contexts?.[0]?.name;
        const context = doc.contexts?.find((c) => c.name === contextName)?.context;
        const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
        const user = doc.users?.find((u) => u.name === context?.user)?.user;
        if (!context || !cluster || !user) {
            problems.push(`${where}: the kubeconfig has no complete current context (cluster, user and context entries)`);
            continue;
        }
        const userName = `${entry.cluster}-admin`;
        merged.clusters.push({ name: entry.cluster, cluster });
        merged.users.push({ name: userName, user });
        merged.contexts.push({ name: entry.cluster, context: { ...context, cluster: entry.cluster, user: userName } });
        merged["current-context"] ||= entry.cluster;
    }
    if (problems.length > 0) {
        throw new Error(`cannot merge the kubeconfigs:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
    if (entries.length === 0) {
        throw new Error("no cluster kubeconfigs found in the selected stacks");
    }
    return yaml.dump(merged, { lineWidth: -1, noRefs: true });
}

/** Entries from stack outputs (plaintext, as `stack.outputs()` returns them). */
export function entriesFromOutputs(stack: string, outputs: Record<string, unknown>): KubeconfigEntry[] {
    const clusters = outputs.clusters;
    if (typeof clusters !== "object" || clusters === null) {
        return [];
    }
    return Object.entries(clusters as Record<string, { kubeconfig?: unknown }>)
        .filter(([, c]) => typeof c?.kubeconfig === "string")
        .map(([cluster, c]) => ({ stack, cluster, kubeconfig: c.kubeconfig as string }));
}

/** Writes through a 0600 temporary file and a rename, so the file is never readable by others, even briefly or when it existed. */
export function writePrivateFile(file: string, content: string): void {
    const dir = path.dirname(path.resolve(file));
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, content, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
}

export interface VaultTarget {
    /** https://vault.home.arpa:8200 */
    readonly address: string;
    readonly token: string;
    /** KV v2 mount, `homelab` by default. */
    readonly mount: string;
}

/** Vault's HTTP API, KV v2 (https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2). */
export class VaultKv {
    constructor(private readonly target: VaultTarget) {}

    get mount(): string {
        return this.target.mount;
    }

    private async request(method: string, apiPath: string, body?: unknown): Promise<{ status: number; json: unknown }> {
        const url = `${this.target.address.replace(/\/+$/, "")}/v1/${this.target.mount}/${apiPath}`;
        const response = await fetch(url, {
            method,
            headers: { "X-Vault-Token": this.target.token, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        let json: unknown = undefined;
        try {
            json = text ? JSON.parse(text) : undefined;
        } catch {
            json = undefined;
        }
        if (response.status >= 400 && response.status !== 404) {
            const errors = (json as { errors?: string[] } | undefined)?.errors?.join("; ") ?? text.trim();
            throw new Error(`Vault ${method} ${this.target.mount}/${apiPath}: HTTP ${response.status}${errors ? `: ${errors}` : ""}`);
        }
        return { status: response.status, json };
    }

    /** Sub-keys under a folder (`dev/`), or [] when there is none. */
    async list(folder: string): Promise<string[]> {
        const { status, json } = await this.request("GET", `metadata/${folder}?list=true`);
        return status === 404 ? [] : ((json as { data?: { keys?: string[] } }).data?.keys ?? []);
    }

    async read(secretPath: string): Promise<Record<string, unknown> | undefined> {
        const { status, json } = await this.request("GET", `data/${secretPath}`);
        return status === 404 ? undefined : (json as { data?: { data?: Record<string, unknown> } }).data?.data;
    }

    async write(secretPath: string, data: Record<string, unknown>): Promise<void> {
        await this.request("POST", `data/${secretPath}`, { data });
    }
}

/** Every `<stack>/<cluster>/kubeconfig` entry of the given stacks. */
export async function entriesFromVault(kv: VaultKv, stacks: readonly string[]): Promise<KubeconfigEntry[]> {
    const entries: KubeconfigEntry[] = [];
    for (const stack of stacks) {
        for (const key of await kv.list(`${stack}/`)) {
            if (!key.endsWith("/")) {
                continue;
            }
            const cluster = key.slice(0, -1);
            const name = kubeconfigSecretName(stack, cluster);
            const data = await kv.read(name);
            if (typeof data?.kubeconfig === "string") {
                entries.push({ stack, cluster, kubeconfig: data.kubeconfig });
            }
        }
    }
    return entries;
}

/** The merged kubeconfig's own Vault path must not sit in a stack's folder. */
export function checkOwnVaultPath(secretPath: string, stacks: readonly string[]): string | undefined {
    const top = secretPath.split("/")[0];
    if (!secretPath || secretPath.startsWith("/") || secretPath.endsWith("/")) {
        return `--vault-path "${secretPath}" must be a secret path like fleet/kubeconfig`;
    }
    if (stacks.includes(top)) {
        return `--vault-path "${secretPath}" is inside stack ${top}'s folder, which only that stack writes; use a path of its own, like fleet/kubeconfig`;
    }
    return undefined;
}
