import { z } from "../core/schema";
import { VM_FILE_SCHEMA } from "./vmDefinition";

/** The JSON Schema of `vms/*.yaml`, generated from the same zod schema the loader validates with. */
export function vmJsonSchema(): Record<string, unknown> {
    // io "input": what a file may say, so fields with a default stay optional and show their default.
    const { $schema, ...schema } = z.toJSONSchema(VM_FILE_SCHEMA, { target: "draft-2020-12", io: "input" });
    return {
        $schema,
        $id: "https://homelab.invalid/schemas/vm.schema.json",
        title: "Proxmox VM definition (vms/*.yaml)",
        ...schema,
    };
}
