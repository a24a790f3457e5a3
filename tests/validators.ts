import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sharedSync } from "./invocationCache";

/**
 * The real validators Debian ships, run as child processes. A missing tool fails the test with
 * the package to install: CI installs them (.ci/run); nothing here is skipped.
 */
export function requireTool(command: string, debianPackage: string): void {
    const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
    if (found.status !== 0) {
        throw new Error(`${command} is not installed; run \`apt-get install -y ${debianPackage}\` (.ci/run does)`);
    }
}

export function writeTemp(name: string, content: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "homelab-validate-")), name);
    fs.writeFileSync(file, content);
    return file;
}

export interface ToolResult {
    readonly status: number | null;
    readonly output: string;
}

export function run(command: string, args: string[], input?: string): ToolResult {
    const result = spawnSync(command, args, { encoding: "utf8", input });
    return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/**
 * `cloud-init schema -c FILE`: exit 0 and "Valid cloud-config" for valid user-data. Run once per
 * distinct user-data per Jest invocation (tests/invocationCache.ts): several test files check the
 * same committed snippets, and each run starts Python and loads cloud-init's schema.
 */
export function cloudInitSchema(userData: string): ToolResult {
    requireTool("cloud-init", "cloud-init");
    return sharedSync("cloud-init-schema", userData, () => run("cloud-init", ["schema", "-c", writeTemp("user-data.yaml", userData)]));
}
