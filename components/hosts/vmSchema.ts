import { toJsonSchema } from "../core/spec";
import { VM_FILE_SPEC } from "./vmDefinition";

/** The JSON Schema of `vms/*.yaml`, generated from the same spec the loader validates with. */
export function vmJsonSchema(): Record<string, unknown> {
    return {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "https://homelab.invalid/schemas/vm.schema.json",
        title: "Proxmox VM definition (vms/*.yaml)",
        ...toJsonSchema(VM_FILE_SPEC),
    };
}
