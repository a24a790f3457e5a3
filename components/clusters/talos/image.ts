import { createHash } from "crypto";
import { versions } from "../../../versions";
import type { ImageSpec } from "../../hosts/images";

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
