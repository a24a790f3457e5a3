import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import type { ImageSpec } from "../../lib/images";

export interface ImageLibraryArgs {
    /** Datastore with the `import` content type (PVE >= 8.4). */
    readonly datastoreId: string;
    /** Every (node, image) pair some VM of this stack boots from; duplicates are fine. */
    readonly needs: readonly { readonly node: string; readonly image: ImageSpec }[];
}

/** Each image downloaded once per node that needs it, shared by every VM on that node. */
export class ImageLibrary extends pulumi.ComponentResource {
    private readonly files = new Map<string, proxmoxve.download.File>();

    constructor(name: string, args: ImageLibraryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:hosts:ImageLibrary", name, {}, opts);
        const unique = new Map(args.needs.map((n) => [`${n.image.key}-${n.node}`, n]));
        for (const [id, { node, image }] of [...unique].sort(([a], [b]) => a.localeCompare(b))) {
            this.files.set(
                id,
                new proxmoxve.download.File(
                    `image-${id}`,
                    {
                        contentType: "import",
                        datastoreId: args.datastoreId,
                        nodeName: node,
                        url: image.url,
                        fileName: image.fileName,
                        ...(image.checksum ? { checksum: image.checksum, checksumAlgorithm: image.checksumAlgorithm ?? "sha256" } : {}),
                    },
                    { parent: this },
                ),
            );
        }
        this.registerOutputs({});
    }

    /** `<datastore>:import/<file>` for a VM's boot disk. */
    importFrom(node: string, image: ImageSpec): pulumi.Output<string> {
        const file = this.files.get(`${image.key}-${node}`);
        if (!file) {
            throw new Error(`image ${image.key} was not prepared for node ${node}; list it in ImageLibrary needs`);
        }
        return file.id;
    }
}
