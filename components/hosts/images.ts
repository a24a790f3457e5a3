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

/**
 * The file name a stack downloads an image under: the image's own name prefixed with the stack.
 * Every stack reads the whole fleet and places VMs on the same nodes, so two stacks booting the same
 * image on one node would otherwise both own one `<datastore>:import/<file>`: the second stack's
 * create fails with "already exists", and a destroy or replacement in either deletes the other's
 * file. Prefixed, each stack owns its own copy and never touches another's.
 */
export function stackImageFileName(stack: string, image: Pick<ImageSpec, "fileName">): string {
    return `${stack}-${image.fileName}`;
}
