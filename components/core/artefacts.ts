import * as pulumi from "@pulumi/pulumi";

/**
 * Generated files (cloud-init user-data, and later HAProxy and Talos configs) that the offline
 * render writes under out/<stack>/ for review. Components register a copy with secret values
 * already replaced by REDACTED; under `pulumi up` nothing reads the list.
 */

export const REDACTED = "<redacted: secret>";

interface Artefact {
    readonly path: string;
    readonly content: pulumi.Output<string>;
}

const registered: Artefact[] = [];

/** Plain text only: an artefact never waits on a provider, so the render works in preview too. */
export function registerArtefact(path: string, content: string): void {
    registered.push({ path, content: pulumi.output(content) });
}

/** Resolves every registered artefact. Throws if one still carries a secret: those must be redacted before registering. */
export async function collectArtefacts(): Promise<{ path: string; content: string }[]> {
    const resolved = await Promise.all(
        registered.map(async (a) => ({
            path: a.path,
            content: await new Promise<string>((resolve) => a.content.apply((value) => resolve(value))),
            secret: await pulumi.isSecret(a.content),
        })),
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
