import { preparePlatform } from "../program";
import { ProgramRun, runProgram } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import { PROJECT_DIR } from "./helpers";
import { sharedAsync } from "./invocationCache";
import { realisticMocks } from "./mocks";

/**
 * One full run per committed stack per Jest invocation (tests/invocationCache.ts: the first test
 * file to ask evaluates it, the others read its recorded result), with real PKI from the
 * openssl-backed tls stand-in. The readiness resources are recorded, not run (the mock monitor runs
 * no provider). Tests that vary the config evaluate their own variant with runStack.
 */
const runs = new Map<string, Promise<{ run: ProgramRun }>>();

export function stackRun(stack: string): Promise<{ run: ProgramRun }> {
    if (!runs.has(stack)) {
        const evaluate = () => {
            const { config, secretKeys } = readStackConfig(PROJECT_DIR, stack);
            return runProgram({ stack, config, secretKeys, preview: false, mocks: realisticMocks, prepare: () => preparePlatform(PROJECT_DIR) });
        };
        runs.set(stack, sharedAsync("stack-runs", stack, evaluate, encodeRun, decodeRun).then((run) => ({ run })));
    }
    return runs.get(stack)!;
}

/** JSON has no `undefined`; a recorded resource's absent parent or provider is one, and stays one. */
const UNDEFINED = "\u0000undefined\u0000";

/** A run as text: JSON, `undefined` kept, the error (if any) as its name, message and stack. */
export function encodeRun(run: ProgramRun): string {
    const { error, ...rest } = run;
    const failed = "error" in run ? { error: error === undefined ? UNDEFINED : { name: error.name, message: error.message, stack: error.stack } } : {};
    return JSON.stringify({ ...rest, ...failed }, (_key, value: unknown) => (value === undefined ? UNDEFINED : value));
}

export function decodeRun(text: string): ProgramRun {
    const parsed = restoreUndefined(JSON.parse(text)) as ProgramRun & { error?: { name: string; message: string; stack?: string } };
    if (parsed.error !== undefined) {
        const error = new Error(parsed.error.message);
        error.name = parsed.error.name;
        error.stack = parsed.error.stack;
        return { ...parsed, error };
    }
    return parsed;
}

function restoreUndefined(value: unknown): unknown {
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            value[i] = value[i] === UNDEFINED ? undefined : restoreUndefined(value[i]);
        }
    } else if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) {
            record[key] = record[key] === UNDEFINED ? undefined : restoreUndefined(record[key]);
        }
    }
    return value;
}
