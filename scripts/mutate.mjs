// @ts-check
/**
 * `npm run mutate [-- <group> ...] [-- <stryker option> ...]`: one Stryker run per group of
 * scripts/mutationGroups.mjs (all groups when none is named), then the score of every module from
 * the groups' JSON reports in reports/mutation/, as the Markdown table the README carries.
 *
 * Arguments that name a group choose groups; any other argument is passed to `stryker run`
 * (for example `--checkers ''` or `--concurrency 1`). `npm run mutate -- --scores` prints the table
 * from the reports already there, without running anything.
 *
 * Score = (killed + timed out) / (killed + timed out + survived + no coverage), Stryker's "total"
 * score: a mutant no test reaches counts against the module. With the TypeScript checker on (the
 * default) mutants that do not compile are dropped; with `--checkers ''` they run as the
 * transpile-only tests run them. Static mutants are ignored (stryker.config.mjs). A module of a
 * group that the group's last report does not hold (a run narrowed with `--mutate`) is listed as
 * not measured, so a partial run cannot shrink the table unnoticed.
 * Exit status: Stryker's, when a run fails; 0 otherwise (the scores are reported, not enforced).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mutationGroups } from "./mutationGroups.mjs";

const args = process.argv.slice(2);
const onlyScores = args.includes("--scores");
const groups = args.filter((arg) => Object.hasOwn(mutationGroups, arg));
const strykerArgs = args.filter((arg) => !Object.hasOwn(mutationGroups, arg) && arg !== "--scores");
// A bare word that is no group and not an option's value (`--reporters clear-text`) is a misspelt
// group: without this check it would reach Stryker, which ignores it, and every group would run.
const unknown = args.filter((arg, i) => /^[A-Za-z][\w-]*$/.test(arg) && !Object.hasOwn(mutationGroups, arg) && !(i > 0 && /^--[^=]+$/.test(args[i - 1])));
if (unknown.length > 0) {
    console.error(`npm run mutate: ${unknown.join(", ")}: not a group; the groups are: ${Object.keys(mutationGroups).join(", ")}`);
    process.exit(2);
}

if (!onlyScores) {
    for (const group of groups.length > 0 ? groups : Object.keys(mutationGroups)) {
        console.log(`\n== mutation group ${group}: ${mutationGroups[/** @type {keyof typeof mutationGroups} */ (group)].mutate.join(" ")}`);
        const run = spawnSync("npx", ["stryker", "run", ...strykerArgs], {
            stdio: "inherit",
            env: { ...process.env, MUTATE_GROUP: group },
        });
        if (run.status !== 0) {
            console.error(`stryker run for group ${group} exited with ${run.status ?? run.signal}`);
            process.exit(run.status ?? 1);
        }
    }
}

/**
 * The files a group's `mutate` globs name (`*` within a folder, `**\/` any folders, `!` excludes),
 * test files left out as stryker.config.mjs leaves them.
 * @param {string[]} globs
 */
function modulesOf(globs) {
    const toRegExp = (/** @type {string} */ glob) =>
        new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\//g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, "(?:.*/)?")}$`);
    const include = globs.filter((glob) => !glob.startsWith("!")).map(toRegExp);
    const exclude = globs.filter((glob) => glob.startsWith("!")).map((glob) => toRegExp(glob.slice(1)));
    const roots = [...new Set(globs.map((glob) => glob.replace(/^!/, "").split("/")[0]))];
    return roots
        .flatMap((root) => readdirSync(root, { recursive: true }).map((file) => `${root}/${String(file)}`))
        .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
        .filter((file) => include.some((re) => re.test(file)) && !exclude.some((re) => re.test(file)))
        .sort();
}

/** @param {string} status */
const counted = (status) => ["Killed", "Timeout", "Survived", "NoCoverage"].includes(status);
const rows = [];
for (const group of Object.keys(mutationGroups)) {
    const report = `reports/mutation/${group}.json`;
    if (!existsSync(report)) {
        rows.push(`| ${group} (group) | not measured | | | | | |`);
        continue;
    }
    const measured = statSync(report).mtime.toISOString().slice(0, 10);
    /** @type {{ files: Record<string, { mutants: { status: string }[] }> }} */
    const json = JSON.parse(readFileSync(report, "utf8"));
    for (const missing of modulesOf(mutationGroups[/** @type {keyof typeof mutationGroups} */ (group)].mutate).filter((file) => !(file in json.files))) {
        rows.push(`| \`${missing}\` | not measured (the last ${group} run did not include it) | | | | | |`);
    }
    for (const [file, { mutants }] of Object.entries(json.files).sort(([a], [b]) => a.localeCompare(b))) {
        const count = (/** @type {string} */ status) => mutants.filter((mutant) => mutant.status === status).length;
        const valid = mutants.filter((mutant) => counted(mutant.status)).length;
        const detected = count("Killed") + count("Timeout");
        const score = valid === 0 ? "n/a" : `${((100 * detected) / valid).toFixed(1)} %`;
        rows.push(
            `| \`${file}\` | ${score} | ${count("Killed")} | ${count("Timeout")} | ${count("Survived")} | ${count("NoCoverage")} | ${measured} |`,
        );
    }
}
console.log("\n| module | score | killed | timed out | survived | no coverage | measured |");
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
