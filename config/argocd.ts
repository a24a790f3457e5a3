import { object, pattern, z } from "../components/core/schema";

/**
 * `homelab:argocd`: Argo CD on the stack's `tools` cluster, its app-of-apps root Application and the
 * workload clusters it deploys to. Set on the tools stack only. The tools stack never reads the
 * workload stacks (they run after it): which clusters to expect is written here, and each workload
 * stack writes its cluster's connection into Vault itself (README: Argo CD).
 */

const NS = "homelab";
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** What Argo CD's repo-server clones: https, ssh:// or scp-like `git@host:path`. */
const GIT_URL = /^(https:\/\/[^\s/]+\/\S+|ssh:\/\/\S+@[^\s/]+\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/;
/** A branch, tag, commit or HEAD: a git ref name, no spaces, no `..` (git-check-ref-format). */
const REVISION = /^(?!.*\.\.)(?!\/)(?!.*\/$)[^\s~^:?*[\\]+$/;
/** Relative to the repository root, as Application.spec.source.path takes it: `.` or `a/b`, no `..`, no leading `/`. */
const REPO_PATH = /^(\.|(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\s]+?)$/;

export const ARGOCD_KEYS = {
    argocd: {
        required: false,
        secret: false,
        description: "Argo CD on this stack's tools cluster: the root Application's repoUrl, revision and path, and the workload clusters it deploys to (destinations); empty means no Argo CD",
        default: {},
        schema: object({
            repoUrl: pattern("Git repository of the app-of-apps root", GIT_URL, "a git URL like https://github.com/me/homelab-apps.git or git@github.com:me/homelab-apps.git").optional(),
            revision: pattern("Branch, tag or commit the root Application follows", REVISION, "a git revision like main").default("HEAD"),
            path: pattern("Folder of the root Application's manifests in that repository", REPO_PATH, "a relative path like apps or . (no leading /, no ..)").default("."),
            destinations: z
                .array(
                    object({
                        stack: pattern("Stack that owns the cluster (homelab:vault.fromStack set to this stack)", DNS_LABEL, "a stack name like dev"),
                        cluster: pattern("Cluster name in that stack's homelab:clusters", DNS_LABEL, "a DNS label"),
                    }),
                )
                .describe("Workload clusters registered as Argo CD destinations; each stack writes the connection to <mount>/<stack>/<cluster>/argocd")
                .default([]),
        }),
    },
} as const;

export interface ArgoCdDestination {
    readonly stack: string;
    readonly cluster: string;
}

export interface ArgoCdSettings {
    readonly repoUrl: string;
    readonly revision: string;
    readonly path: string;
    readonly destinations: readonly ArgoCdDestination[];
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- shape checked by the spec above

/**
 * What `homelab:argocd` needs beyond its shape, once every key passed its own check: a tools cluster
 * here to run it on, the Vault this stack runs (the admin password and the destinations' connections
 * live there), and destinations that are other stacks' clusters with a Vault auth method each.
 */
export function checkArgoCd(values: Raw, report: (path: string, message: string) => void, stack: string, alreadyReported: (path: string) => boolean): void {
    const argocd = values.argocd as Raw | undefined;
    // Absent, the key reads as its defaults: nothing set means no Argo CD.
    if (!argocd || (!argocd.repoUrl && (argocd.destinations ?? []).length === 0 && (argocd.revision ?? "HEAD") === "HEAD" && (argocd.path ?? ".") === ".")) {
        return;
    }
    const key = `${NS}:argocd`;
    if (!argocd.repoUrl) {
        report(`${key}.repoUrl`, "is required: the git repository the root Application syncs");
    }
    const clusters = ((values.clusters ?? []) as Raw[]).filter(Boolean);
    const tools = clusters.filter((c) => c.role === "tools");
    if (tools.length !== 1 && !alreadyReported(`${NS}:clusters`)) {
        report(key, tools.length === 0 ? "needs a cluster with role tools in homelab:clusters: Argo CD runs there" : `needs exactly one cluster with role tools to run on, found ${tools.map((c) => c.name).join(", ")}`);
    }
    const vault = values.vault as Raw | undefined;
    if (!vault?.server) {
        report(key, `needs ${NS}:vault.server: the admin password and the destinations' connections are kept in the Vault this stack runs`);
    }
    const clientStacks = (vault?.server?.clientStacks ?? {}) as Record<string, string[]>;
    const seen = new Map<string, number>();
    (argocd.destinations as ArgoCdDestination[]).forEach((d, i) => {
        const at = `${key}.destinations[${i}]`;
        // Stryker disable next-line ArrayDeclaration: the fallback stands for "no clusters listed"; a list holding the mutant's "Stryker was here" instead includes no destination either, since destinations' clusters are DNS labels (ARGOCD_KEYS).
        const listed = (clientStacks[d.stack] ?? []).includes(d.cluster);
        if (d.stack === stack) {
            report(`${at}.stack`, `is this stack: Argo CD reaches its own cluster in-cluster; list only the workload stacks' clusters`);
        } else if (vault?.server && !listed) {
            report(at, `${d.stack}/${d.cluster} is not listed under ${NS}:vault.server.clientStacks.${d.stack}: that stack needs its scoped token to write the connection`);
        }
        if (seen.has(d.cluster)) {
            report(`${at}.cluster`, `"${d.cluster}" is already destinations[${seen.get(d.cluster)}]: Argo CD names each cluster once`);
        } else {
            seen.set(d.cluster, i);
        }
    });
}

export function buildArgoCdSettings(raw: Raw | undefined): ArgoCdSettings | undefined {
    if (!raw?.repoUrl) {
        return undefined;
    }
    return { repoUrl: raw.repoUrl, revision: raw.revision ?? "HEAD", path: raw.path ?? ".", destinations: (raw.destinations ?? []).map((d: ArgoCdDestination) => ({ stack: d.stack, cluster: d.cluster })) };
}
