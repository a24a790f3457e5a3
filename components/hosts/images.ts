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

export function cloudImage(spec: { url: string; fileName: string; checksum?: string; checksumAlgorithm?: string }): ImageSpec {
    return { key: "cloud", ...spec };
}
