import { spawnSync } from "child_process";
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Real keys and certificates for tests, issued by the openssl CLI: the readiness tests' HTTPS
 * server and the stand-in for the `tls` provider in mock runs use them, so chains really verify.
 */

export interface KeyPair {
    readonly privateKeyPem: string;
    readonly publicKeyPem: string;
}

export interface Subject {
    readonly commonName?: string;
    readonly organization?: string;
}

export function generateKey(algorithm: "ECDSA" | "RSA"): KeyPair {
    // The tls provider's private_key_pem: SEC1 for EC, PKCS#1 for RSA (not PKCS#8).
    if (algorithm === "RSA") {
        const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        return { privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }) as string, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }) as string };
    }
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return { privateKeyPem: privateKey.export({ type: "sec1", format: "pem" }) as string, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }) as string };
}

function workdir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "homelab-pki-"));
}

function openssl(args: string[], dir: string): string {
    const result = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (result.status !== 0) {
        throw new Error(`openssl ${args.join(" ")} failed: ${result.stderr}`);
    }
    return result.stdout;
}

function subjectArg(subject: Subject | undefined): string {
    const parts = [subject?.organization ? `/O=${subject.organization}` : "", subject?.commonName ? `/CN=${subject.commonName}` : ""].join("");
    return parts || "/";
}

function sanExtension(dnsNames: readonly string[] = [], ipAddresses: readonly string[] = []): string | undefined {
    const names = [...dnsNames.map((d) => `DNS:${d}`), ...ipAddresses.map((ip) => `IP:${ip}`)];
    return names.length ? `subjectAltName=${names.join(",")}` : undefined;
}

export function selfSignedCert(opts: { privateKeyPem: string; subject?: Subject; validityPeriodHours: number; isCaCertificate?: boolean; dnsNames?: string[]; ipAddresses?: string[] }): string {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, "key.pem"), opts.privateKeyPem);
    const days = String(Math.max(1, Math.ceil(opts.validityPeriodHours / 24)));
    const ext = opts.isCaCertificate
        ? ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"]
        : ["-addext", "basicConstraints=critical,CA:FALSE"];
    const san = sanExtension(opts.dnsNames, opts.ipAddresses);
    return openssl(["req", "-x509", "-new", "-key", "key.pem", "-subj", subjectArg(opts.subject), "-days", days, ...ext, ...(san ? ["-addext", san] : [])], dir);
}

export function certRequest(opts: { privateKeyPem: string; subject?: Subject; dnsNames?: string[]; ipAddresses?: string[] }): string {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, "key.pem"), opts.privateKeyPem);
    const san = sanExtension(opts.dnsNames, opts.ipAddresses);
    return openssl(["req", "-new", "-key", "key.pem", "-subj", subjectArg(opts.subject), ...(san ? ["-addext", san] : [])], dir);
}

export function signRequest(opts: { certRequestPem: string; caCertPem: string; caPrivateKeyPem: string; validityPeriodHours: number; allowedUses: readonly string[] }): string {
    const dir = workdir();
    fs.writeFileSync(path.join(dir, "req.pem"), opts.certRequestPem);
    fs.writeFileSync(path.join(dir, "ca.pem"), opts.caCertPem);
    fs.writeFileSync(path.join(dir, "ca-key.pem"), opts.caPrivateKeyPem);
    const eku = [opts.allowedUses.includes("client_auth") ? "clientAuth" : "", opts.allowedUses.includes("server_auth") ? "serverAuth" : ""].filter(Boolean);
    fs.writeFileSync(path.join(dir, "ext.cnf"), ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment", eku.length ? `extendedKeyUsage=${eku.join(",")}` : ""].join("\n"));
    const days = String(Math.max(1, Math.ceil(opts.validityPeriodHours / 24)));
    return openssl(
        ["x509", "-req", "-in", "req.pem", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", days, "-extfile", "ext.cnf", "-copy_extensions", "copy"],
        dir,
    );
}

/** A CA and a leaf signed by it, in one call, for the HTTPS tests. */
export function issueCa(commonName: string): { certPem: string; keyPem: string } {
    const key = generateKey("ECDSA");
    return { certPem: selfSignedCert({ privateKeyPem: key.privateKeyPem, subject: { commonName }, validityPeriodHours: 24, isCaCertificate: true }), keyPem: key.privateKeyPem };
}

export function issueLeaf(ca: { certPem: string; keyPem: string }, opts: { commonName: string; organization?: string; uses: string[]; ipAddresses?: string[] }): { certPem: string; keyPem: string } {
    const key = generateKey("ECDSA");
    const csr = certRequest({ privateKeyPem: key.privateKeyPem, subject: { commonName: opts.commonName, organization: opts.organization }, ipAddresses: opts.ipAddresses });
    return { certPem: signRequest({ certRequestPem: csr, caCertPem: ca.certPem, caPrivateKeyPem: ca.keyPem, validityPeriodHours: 24, allowedUses: opts.uses }), keyPem: key.privateKeyPem };
}
