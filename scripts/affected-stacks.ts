import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { affectedStacks } from "../deployments/paths";

/**
 * Prints the platform stacks a change affects, space separated, for the workflows:
 *
 *   npm run --silent affected -- --mode preview --base <sha> [--head <sha>]
 *   npm run --silent affected -- --mode deploy --files vms/k8s-dev.yaml Pulumi.prod.yaml
 *
 * `deploy` uses the same path filters as Pulumi Deployments (deployments/paths.ts); `preview` also
 * previews every stack on a change under vms/. Without a usable base (a new branch's all-zero
 * `before`), every stack is affected.
 */

const USAGE = "usage: affected-stacks --mode preview|deploy (--base SHA [--head SHA] | --files FILE...)";
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
    let files: string[] | undefined;
    if (argv.includes("--files")) {
        files = argv.slice(argv.indexOf("--files") + 1).filter((f) => !f.startsWith("--"));
    } else if (argv.includes("--base")) {
        const base = argv[argv.indexOf("--base") + 1] ?? "";
        const head = argv.includes("--head") ? argv[argv.indexOf("--head") + 1] : "HEAD";
        if (/^0*$/.test(base)) {
            out(`${stacks.join(" ")}\n`);
            return 0;
        }
        try {
            // Three dots: what the head changed since it left the base, as a pull request shows it.
            files = execFileSync("git", ["diff", "--name-only", `${base}...${head}`], { cwd: repoDir, encoding: "utf8" }).split("\n").filter(Boolean);
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
