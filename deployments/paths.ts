import * as fs from "fs";
import * as path from "path";
import { parseVmFile } from "../components/hosts/vmDefinition";
import { readStackConfig } from "../render/stackConfig";

/**
 * Which repository paths affect which platform stack. Pulumi Deployments' path filters and the
 * pull-request workflow's choice of stacks to preview are both built from here, so the two agree.
 *
 * Filter semantics (https://www.pulumi.com/docs/deployments/concepts/settings/path-filtering/):
 * each filter is a glob over the full repository-relative path of a changed file; `!` makes it an
 * exclude; a push deploys when at least one changed file matches an include and no exclude.
 */

/** Files of the program every stack runs. Unit tests beside the modules change no stack. */
export const PROGRAM_PATHS: readonly string[] = [
    "Pulumi.yaml",
    "index.ts",
    "program.ts",
    "versions.ts",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "config/**",
    "components/**",
    "!**/*.test.ts",
];

interface ClusterMembers {
    controlPlanes?: string[];
    workers?: string[];
    loadBalancer?: string;
}

function parseJson<T>(text: string | undefined, fallback: T): T {
    if (text === undefined) {
        return fallback;
    }
    try {
        return JSON.parse(text) as T;
    } catch {
        return fallback; // the stack's own validation reports a malformed value
    }
}

/** The VM names a stack creates: its clusters' members and its standalone VMs, as its stack file lists them. */
export function stackVmNames(repoDir: string, stack: string): { vmsDir: string; names: string[] } {
    const { config } = readStackConfig(repoDir, stack);
    const clusters = parseJson<ClusterMembers[]>(config["homelab:clusters"], []);
    const standalone = parseJson<string[]>(config["homelab:standaloneVms"], []);
    const names = new Set<string>(standalone.filter((n) => typeof n === "string"));
    for (const cluster of Array.isArray(clusters) ? clusters : []) {
        for (const name of [...(cluster.controlPlanes ?? []), ...(cluster.workers ?? []), ...(cluster.loadBalancer ? [cluster.loadBalancer] : [])]) {
            names.add(name);
        }
    }
    return { vmsDir: config["homelab:vmsDir"] ?? "vms", names: [...names].sort() };
}

/**
 * The VM files whose VMs this stack creates. A VM's name is the file's `name` field (read by the
 * program's own parser), not necessarily the file name.
 */
export function ownedVmFiles(repoDir: string, stack: string): string[] {
    const { vmsDir, names } = stackVmNames(repoDir, stack);
    const dir = path.resolve(repoDir, vmsDir);
    if (!fs.existsSync(dir)) {
        return [];
    }
    const wanted = new Set(names);
    return fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => `${vmsDir}/${f}`)
        .filter((file) => wanted.has(parseVmFile(file, fs.readFileSync(path.join(repoDir, file), "utf8"), () => undefined).name));
}

/**
 * The path filters that deploy `stack` on push: the program, the project defaults, the stack's own
 * file, and the VM files of the VMs it creates.
 *
 * Every stack *reads* all of vms/ (names, ids, MACs, IPs and node capacity are checked fleet-wide),
 * but a VM file changes resources only in the stack that creates that VM. The fleet-wide checks are
 * the same in every stack, so the owning stack's deployment (and the pull request's previews, which
 * cover every stack on a change under vms/: see `previewPaths`) catches a conflict. A VM file no stack
 * lists deploys nothing; adding it to a stack changes that stack's file, which deploys that stack.
 */
export function deployPaths(repoDir: string, stack: string): string[] {
    return [...PROGRAM_PATHS, `Pulumi.${stack}.yaml`, ...ownedVmFiles(repoDir, stack)];
}

/** Pull-request previews are cheap and read-only, so a change anywhere in vms/ previews every stack. */
export function previewPaths(repoDir: string, stack: string): string[] {
    const { vmsDir } = stackVmNames(repoDir, stack);
    return [...PROGRAM_PATHS, `Pulumi.${stack}.yaml`, `${vmsDir}/**`];
}

/** A glob as the filters use it: `**` spans folders, `*` and `?` stay inside one path segment. */
export function globToRegExp(glob: string): RegExp {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*" && glob[i + 1] === "*") {
            // `**/` matches zero or more whole folders; a trailing `**` matches the rest of the path.
            if (glob[i + 2] === "/") {
                re += "(?:.*/)?";
                i += 2;
            } else {
                re += ".*";
                i += 1;
            }
        } else if (c === "*") {
            re += "[^/]*";
        } else if (c === "?") {
            re += "[^/]";
        } else {
            re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
        }
    }
    return new RegExp(`^${re}$`);
}

/** Whether a changed file triggers a stack with these filters (include and no exclude). */
export function matchesFilters(filters: readonly string[], file: string): boolean {
    const includes = filters.filter((f) => !f.startsWith("!")).map(globToRegExp);
    const excludes = filters.filter((f) => f.startsWith("!")).map((f) => globToRegExp(f.slice(1)));
    return (includes.length === 0 || includes.some((r) => r.test(file))) && !excludes.some((r) => r.test(file));
}

/** The stacks a set of changed files affects, in the order given. */
export function affectedStacks(repoDir: string, stacks: readonly string[], changedFiles: readonly string[], mode: "deploy" | "preview"): string[] {
    return stacks.filter((stack) => {
        const filters = mode === "deploy" ? deployPaths(repoDir, stack) : previewPaths(repoDir, stack);
        return changedFiles.some((file) => matchesFilters(filters, file));
    });
}
