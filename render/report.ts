import type { ProgramRun, RecordedResource } from "./harness";

/** Pure formatting of a recorded program run: the printed tree, the Mermaid graph, the resource list. */

/** Provider references arrive as `<urn>::<id>`; the URN is what identifies the provider. */
export function providerUrn(ref: string | undefined): string | undefined {
    if (!ref) {
        return undefined;
    }
    const idx = ref.lastIndexOf("::");
    return idx > 0 && ref.slice(0, idx).startsWith("urn:pulumi:") ? ref.slice(0, idx) : ref;
}

export function resourceList(run: ProgramRun): Record<string, unknown>[] {
    return run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        parent: r.parent ?? null,
        dependencies: r.dependencies,
        provider: providerUrn(r.provider) ?? null,
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        additionalSecretOutputs: r.additionalSecretOutputs,
        read: r.read,
        secretInputs: r.secretPaths,
        inputs: r.inputs,
    }));
}

function summaryOf(r: RecordedResource): string {
    if (r.type === "proxmoxve:index/vmLegacy:VmLegacy") {
        const i = r.inputs as { nodeName?: string; cpu?: { cores?: number; sockets?: number }; memory?: { dedicated?: number }; initialization?: { ipConfigs?: { ipv4?: { address?: string } }[] } };
        const ip = i.initialization?.ipConfigs?.[0]?.ipv4?.address ?? "no ip";
        return `  ${i.nodeName}, ${i.cpu?.cores}x${i.cpu?.sockets} cores, ${i.memory?.dedicated} MiB, ${ip}${r.protect ? ", protected" : ""}`;
    }
    if (r.type === "proxmoxve:download/file:File") {
        const i = r.inputs as { nodeName?: string; fileName?: string };
        return `  ${i.nodeName}: ${i.fileName}`;
    }
    return "";
}

export function resourceTree(run: ProgramRun): string {
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of run.resources) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, prefix: string) => {
        const list = [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name));
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            const branch = parent === undefined ? "" : last ? "└─ " : "├─ ";
            lines.push(`${prefix}${branch}${r.name} (${r.type})${r.read ? "  read, not created" : ""}${summaryOf(r)}`);
            walk(r.urn, parent === undefined ? "" : prefix + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    return lines.join("\n");
}

export function mermaidGraph(run: ProgramRun): string {
    const ids = new Map(run.resources.map((r, i) => [r.urn, `r${i}`]));
    const lines = ["graph TD"];
    run.resources.forEach((r, i) => {
        lines.push(`  r${i}["${r.name}<br/><small>${r.type}</small>"]`);
    });
    for (const r of run.resources) {
        const id = ids.get(r.urn)!;
        if (r.parent && ids.has(r.parent)) {
            lines.push(`  ${ids.get(r.parent)} -.-> ${id}`);
        }
        for (const dep of r.dependencies) {
            if (ids.has(dep)) {
                lines.push(`  ${ids.get(dep)} --> ${id}`);
            }
        }
        const provider = providerUrn(r.provider);
        if (provider && ids.has(provider)) {
            lines.push(`  ${ids.get(provider)} -. provider .-> ${id}`);
        }
    }
    return lines.join("\n") + "\n";
}
