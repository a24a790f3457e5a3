import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * Results shared by the test files of one Jest invocation. Each test file runs in its own module
 * registry (and with two workers, in one of two processes), so before this every file that reads a
 * committed stack evaluated it again, and every file issued its own keys and certificates with
 * openssl. `tests/jestGlobalSetup.ts` creates a fresh, empty folder per invocation and names it in
 * this variable; `tests/jestGlobalTeardown.ts` deletes it. Nothing survives an invocation, so no
 * result can be stale: a changed source, config or VM file is only read by a later invocation,
 * which starts from an empty folder.
 *
 * Without the variable (a script importing the helpers, Jest's watch mode after the first run,
 * whose long-lived workers keep the first run's environment) or under Stryker (each mutant run must
 * evaluate its own mutated code), every file computes its own results, as before.
 */
export const INVOCATION_DIR_ENV = "HOMELAB_TEST_INVOCATION_DIR";

/** The name Stryker's Jest runner gives its global namespace in Jest's `globals` (@stryker-mutator/jest-runner, jest-test-runner.js). */
export const STRYKER_GLOBAL = "__strykerGlobalNamespace__";

export function invocationDir(): string | undefined {
    const dir = process.env[INVOCATION_DIR_ENV];
    if (!dir || STRYKER_GLOBAL in globalThis || !fs.existsSync(dir)) {
        return undefined;
    }
    return dir;
}

function fileFor(dir: string, namespace: string, key: string): string {
    const folder = path.join(dir, namespace);
    fs.mkdirSync(folder, { recursive: true });
    return path.join(folder, `${crypto.createHash("sha256").update(key).digest("hex")}.json`);
}

/** A temporary file beside `file`, unique to this process and call. */
function temporary(file: string): string {
    return `${file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`;
}

/**
 * `compute()` once per key per invocation, for a synchronous JSON value (a key pair, a certificate).
 * The first file to publish its value wins (a hard link fails when the name exists); a file that
 * computed the same key concurrently takes the published value, so every file of the invocation
 * sees one value per key.
 */
export function sharedSync<T>(namespace: string, key: string, compute: () => T): T {
    const dir = invocationDir();
    if (!dir) {
        return compute();
    }
    const file = fileFor(dir, namespace, key);
    if (fs.existsSync(file)) {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    }
    const value = compute();
    const tmp = temporary(file);
    fs.writeFileSync(tmp, JSON.stringify(value));
    try {
        fs.linkSync(tmp, file);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
            throw err;
        }
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } finally {
        fs.rmSync(tmp, { force: true });
    }
    return value;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** The pid in a lock; undefined while its owner is between its mkdir and writing it, or once it is released. */
function lockOwner(lock: string): number | undefined {
    try {
        const pid = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
        return pid > 0 ? pid : undefined;
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return undefined;
        }
        throw err;
    }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `compute()` once per key per invocation, for an expensive asynchronous value: the first file to
 * ask takes a lock (an exclusive mkdir) and computes, the others wait for its result rather than
 * repeat the work. Every caller, the computing one included, gets `decode(encode(value))`, so no
 * file's tests see a different shape depending on which worker happened to compute. A lock whose
 * process has died is taken over; a computation that throws releases the lock, and the next caller
 * tries again.
 */
export async function sharedAsync<T>(namespace: string, key: string, compute: () => Promise<T>, encode: (value: T) => string, decode: (text: string) => T): Promise<T> {
    const dir = invocationDir();
    if (!dir) {
        return compute();
    }
    const file = fileFor(dir, namespace, key);
    const lock = `${file}.lock`;
    for (;;) {
        if (fs.existsSync(file)) {
            return decode(fs.readFileSync(file, "utf8"));
        }
        try {
            fs.mkdirSync(lock);
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") {
                throw err;
            }
            const owner = lockOwner(lock);
            if (owner !== undefined && !alive(owner)) {
                fs.rmSync(lock, { recursive: true, force: true });
            } else {
                await sleep(25);
            }
            continue;
        }
        try {
            fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
            const text = encode(await compute());
            const tmp = temporary(file);
            fs.writeFileSync(tmp, text);
            fs.renameSync(tmp, file);
            return decode(text);
        } finally {
            fs.rmSync(lock, { recursive: true, force: true });
        }
    }
}
