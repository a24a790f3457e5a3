import * as fs from "fs";
import * as path from "path";
import { vmJsonSchema } from "../components/hosts/vmSchema";

/** `npm run schema`: writes schemas/vm.schema.json from the VM file's zod schema, for editors. */
const file = path.resolve(__dirname, "..", "schemas", "vm.schema.json");
fs.writeFileSync(file, JSON.stringify(vmJsonSchema(), null, 2) + "\n");
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
