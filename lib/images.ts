import { createHash } from "crypto";
import { versions } from "../versions";

/** A disk image Proxmox downloads into a node's `import` datastore. */
export interface ImageSpec {
    /** Names the download resource: `image-<key>-<node>`. */
    readonly key: string;
    readonly url: string;
    /** Must end in .qcow2, .raw or .vmdk for the `import` content type. */
    readonly fileName: string;
    readonly checksum?: string;
    readonly checksumAlgorithm?: string;
}

/**
 * The Image Factory schematic ID: hex SHA-256 of the schematic's canonical YAML (Go yaml.v3,
 * four-space indent, extensions sorted), as siderolabs/image-factory computes it.
 */
export function talosSchematicId(extensions: readonly string[]): string {
    const items = [...extensions].sort().map((e) => `            - ${e}\n`).join("");
    const canonical = `customization:\n    systemExtensions:\n        officialExtensions:\n${items}`;
    return createHash("sha256").update(canonical).digest("hex");
}

export function talosImage(version: string, extensions: readonly string[] = versions.talosExtensions): ImageSpec {
    const schematic = talosSchematicId(extensions);
    return {
        key: "talos",
        url: `https://factory.talos.dev/image/${schematic}/${version}/nocloud-amd64.qcow2`,
        fileName: `talos-${version}-nocloud-amd64-${schematic.slice(0, 12)}.qcow2`,
    };
}

/** The installer image Talos upgrades from; the same schematic keeps the extensions across upgrades. */
export function talosInstallerImage(version: string, extensions: readonly string[] = versions.talosExtensions): string {
    return `factory.talos.dev/nocloud-installer/${talosSchematicId(extensions)}:${version}`;
}

export function cloudImage(spec: { url: string; fileName: string; checksum?: string; checksumAlgorithm?: string }): ImageSpec {
    return { key: "cloud", ...spec };
}
