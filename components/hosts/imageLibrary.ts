import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import { ImageSpec, stackImageFileName } from "./images";

export interface ImageLibraryArgs {
    /** Datastore with the `import` content type (PVE >= 8.4). */
    readonly datastoreId: string;
    /** The stack, which prefixes every file name: no two stacks own one file on a node (see stackImageFileName). */
    readonly stack: string;
}

/**
 * Each image downloaded once per node, on the first request from a VM on that node, and shared by
 * every VM there: the code that boots a VM is the one place that says which image it boots.
 */
export class ImageLibrary extends pulumi.ComponentResource {
    private readonly files = new Map<string, proxmoxve.download.File>();
    private readonly fileNames = new Map<string, string>();
    private readonly datastoreId: string;
    private readonly stack: string;

    constructor(name: string, args: ImageLibraryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:hosts:ImageLibrary", name, {}, opts);
        this.datastoreId = args.datastoreId;
        this.stack = args.stack;
        this.registerOutputs({});
    }

    /** `<datastore>:import/<file>` for a VM's boot disk. */
    importFrom(node: string, image: ImageSpec): pulumi.Output<string> {
        const id = `${image.key}-${node}`;
        const fileName = stackImageFileName(this.stack, image);
        let file = this.files.get(id);
        if (file && this.fileNames.get(id) !== fileName) {
            // config/fleet.ts reports this before anything is registered; reaching it is a bug in the caller.
            throw new Error(`ImageLibrary: ${node} already downloads ${this.fileNames.get(id)} as image-${id}, so it cannot also download ${fileName} under that name`);
        }
        if (!file) {
            file = new proxmoxve.download.File(
                `image-${id}`,
                {
                    contentType: "import",
                    datastoreId: this.datastoreId,
                    nodeName: node,
                    url: image.url,
                    fileName,
                    ...(image.checksum ? { checksum: image.checksum, checksumAlgorithm: image.checksumAlgorithm ?? "sha256" } : {}),
                },
                { parent: this },
            );
            this.files.set(id, file);
            this.fileNames.set(id, fileName);
        }
        return file.id;
    }
}
