/** Resource names, snippet file names and Proxmox tags, derived in one place so they never drift. */

/** Proxmox tags allow [a-z0-9_-+.]; it stores them sorted, so unsorted tags are a permanent diff. */
export function proxmoxTags(...values: (string | undefined)[]): string[] {
    const clean = values
        .filter((v): v is string => v !== undefined && v.length > 0)
        .map((v) => v.toLowerCase().replace(/[^a-z0-9_+.-]/g, "-"));
    return [...new Set(clean)].sort();
}

/** Snippet names are per datastore, shared by every stack: the VM name is unique across the fleet. */
export function userDataFileName(vmName: string): string {
    return `${vmName}-user-data.yaml`;
}

/** Offline-render artefact path of a VM's user-data. */
export function userDataArtefactPath(vmName: string): string {
    return `cloud-init/${vmName}.user-data.yaml`;
}
