import * as pulumi from "@pulumi/pulumi";

/**
 * Generated files (cloud-init user-data, and later HAProxy and Talos configs) that the offline
 * render writes under out/<stack>/ for review. Components register a copy with secret values
 * already replaced by REDACTED; under `pulumi up` nothing reads the list, so a component may
 * register a function that builds the text (a YAML dump, say), run only when the render collects.
 */

export const REDACTED = "<redacted: secret>";

/** A value, or a function that builds it when it is needed (the render's redacted copies, YAML dumps). */
export type Deferred<T> = T | (() => T);

/** The value of a Deferred. */
export function built<T>(value: Deferred<T>): T {
    return typeof value === "function" ? (value as () => T)() : value;
}

interface Artefact {
    readonly path: string;
    readonly content: () => string;
}

const registered: Artefact[] = [];

/**
 * Plain text only, or a function returning it, built from values already known when it is
 * registered: an artefact never waits on a provider, so the render works in preview too.
 */
export function registerArtefact(path: string, content: Deferred<string>): void {
    registered.push({ path, content: () => built(content) });
}

/** Resolves every registered artefact. Throws if one still carries a secret: those must be redacted before registering. */
export async function collectArtefacts(): Promise<{ path: string; content: string }[]> {
    const resolved = await Promise.all(
        registered.map(async (a) => {
            const content = pulumi.output(a.content());
            return {
                path: a.path,
                content: await new Promise<string>((resolve) => content.apply((value) => resolve(value))),
                secret: await pulumi.isSecret(content),
            };
        }),
    );
    const leaking = resolved.filter((a) => a.secret).map((a) => a.path);
    if (leaking.length > 0) {
        throw new Error(`artefacts must be redacted before registering, but these carry secrets: ${leaking.join(", ")}`);
    }
    return resolved.map(({ path, content }) => ({ path, content })).sort((a, b) => a.path.localeCompare(b.path));
}

export function resetArtefacts(): void {
    registered.length = 0;
}
