import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { affectedStacks } from "../deployments/paths";

/**
 * Prints the platform stacks a change affects, space separated, for the workflows:
 *
 *   npm run --silent affected -- --mode preview --base <sha> [--head <sha>]
 *   npm run --silent affected -- --mode deploy --files vms/k8s-dev.yaml Pulumi.prod.yaml
 *   npm run --silent affected -- --mode deploy --deployed tools=<sha> dev=<sha> prod= [--head <sha>]
 *
 * `deploy` uses the same path filters as Pulumi Deployments (deployments/paths.ts); `preview` also
 * previews every stack on a change under vms/. Without a usable base (a new branch's all-zero
 * `before`), every stack is affected.
 *
 * `--deployed` gives each stack its own base: the commit of its last SUCCESSFUL update (deploy.yml
 * reads it from `pulumi stack history`). A stack is affected when the path filters match a file
 * changed between that commit and the head, so a push whose run was cancelled, superseded in the
 * concurrency queue or failed is caught up by the next run instead of being dropped. A stack never
 * deployed (empty SHA) or whose commit is unknown here (history rewritten) is affected.
 */

const USAGE = "usage: affected-stacks --mode preview|deploy (--base SHA [--head SHA] | --deployed STACK=SHA... [--head SHA] | --files FILE...)";
const REPO = path.resolve(__dirname, "..");

/** The stacks of this project, `tools` first: the driver orders them anyway, this keeps the output stable. */
export function projectStacks(repoDir: string): string[] {
    const stacks = fs
        .readdirSync(repoDir)
        .map((f) => /^Pulumi\.([a-z0-9-]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
    return [...stacks.filter((s) => s === "tools"), ...stacks.filter((s) => s !== "tools")];
}

export function main(argv: string[], out: (text: string) => void, err: (text: string) => void, repoDir = REPO): number {
    const mode = argv[argv.indexOf("--mode") + 1];
    if (!argv.includes("--mode") || (mode !== "preview" && mode !== "deploy")) {
        err(`${USAGE}\n`);
        return 2;
    }
    const stacks = projectStacks(repoDir);
    const head = argv.includes("--head") ? argv[argv.indexOf("--head") + 1] : "HEAD";
    const changedSince = (base: string): string[] =>
        // Three dots: what the head changed since it left the base, as a pull request shows it.
        execFileSync("git", ["diff", "--name-only", `${base}...${head}`], { cwd: repoDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n").filter(Boolean);
    if (argv.includes("--deployed")) {
        const given = new Map<string, string>();
        for (const arg of argv.slice(argv.indexOf("--deployed") + 1)) {
            if (arg.startsWith("--")) {
                break;
            }
            const match = /^([a-z0-9-]+)=([0-9a-f]*)$/.exec(arg);
            if (!match || !stacks.includes(match[1])) {
                err(`affected-stacks: --deployed takes STACK=SHA for the stacks ${stacks.join(", ")}, got "${arg}"\n`);
                return 2;
            }
            given.set(match[1], match[2]);
        }
        const affected = stacks.filter((stack) => {
            const base = given.get(stack) ?? "";
            if (/^0*$/.test(base)) {
                err(`affected-stacks: ${stack} has no successful update on record; deploying it\n`);
                return true;
            }
            try {
                return affectedStacks(repoDir, stacks, changedSince(base), mode).includes(stack);
            } catch {
                err(`affected-stacks: ${stack}'s last deployed commit ${base} is not in this history; deploying it\n`);
                return true;
            }
        });
        out(`${affected.join(" ")}\n`);
        return 0;
    }
    let files: string[] | undefined;
    if (argv.includes("--files")) {
        files = argv.slice(argv.indexOf("--files") + 1).filter((f) => !f.startsWith("--"));
    } else if (argv.includes("--base")) {
        const base = argv[argv.indexOf("--base") + 1] ?? "";
        if (/^0*$/.test(base)) {
            out(`${stacks.join(" ")}\n`);
            return 0;
        }
        try {
            files = changedSince(base);
        } catch {
            err(`affected-stacks: cannot diff ${base}...${head}; treating every stack as affected\n`);
            out(`${stacks.join(" ")}\n`);
            return 0;
        }
    } else {
        err(`${USAGE}\n`);
        return 2;
    }
    out(`${affectedStacks(repoDir, stacks, files, mode).join(" ")}\n`);
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
}
