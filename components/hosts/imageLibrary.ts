import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { ImageSpec } from "./images";

export interface ImageLibraryArgs {
    /** Datastore with the `import` content type (PVE >= 8.4). */
    readonly datastoreId: string;
}

/**
 * Each image downloaded once per node, on the first request from a VM on that node, and shared by
 * every VM there: the code that boots a VM is the one place that says which image it boots.
 */
export class ImageLibrary extends pulumi.ComponentResource {
    private readonly files = new Map<string, proxmoxve.download.File>();
    private readonly datastoreId: string;

    constructor(name: string, args: ImageLibraryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:hosts:ImageLibrary", name, {}, opts);
        this.datastoreId = args.datastoreId;
        this.registerOutputs({});
    }

    /** `<datastore>:import/<file>` for a VM's boot disk. */
    importFrom(node: string, image: ImageSpec): pulumi.Output<string> {
        const id = `${image.key}-${node}`;
        let file = this.files.get(id);
        if (!file) {
            file = new proxmoxve.download.File(
                `image-${id}`,
                {
                    contentType: "import",
                    datastoreId: this.datastoreId,
                    nodeName: node,
                    url: image.url,
                    fileName: image.fileName,
                    ...(image.checksum ? { checksum: image.checksum, checksumAlgorithm: image.checksumAlgorithm ?? "sha256" } : {}),
                },
                { parent: this },
            );
            this.files.set(id, file);
        }
        return file.id;
    }
}
