import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * The Vault provider trusts a CA only from a file (`caCertFile`, the Terraform provider's
 * `ca_cert_file`; there is no inline PEM argument), while the CA of the Vault the tools stack runs
 * is generated in the program. So its PEM is written to a file of its own, named after the stack and
 * the PEM's hash, and the path goes to the provider once the certificate is known. A public
 * certificate: nothing secret is written.
 */
export function writeCaFile(stack: string, pem: string, dir: string = path.join(os.tmpdir(), "homelab-vault-ca")): string {
    const file = path.join(dir, `${stack}-${crypto.createHash("sha256").update(pem).digest("hex").slice(0, 16)}.pem`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, pem, { mode: 0o644 });
    return file;
}
