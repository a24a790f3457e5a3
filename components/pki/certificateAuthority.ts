import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

export interface CertificateAuthorityArgs {
    readonly commonName: string;
    readonly organization?: string;
    /** Default 10 years. */
    readonly validityHours?: number;
}

/**
 * A self-signed ECDSA P-256 CA. Key and certificate are `protect`ed: a new CA means a new cluster,
 * so replacing either must be a deliberate act (`pulumi state unprotect`).
 */
export class CertificateAuthority extends pulumi.ComponentResource {
    public readonly certPem: pulumi.Output<string>;
    /** Secret. SEC1 (`EC PRIVATE KEY`), never PKCS#8: Talos <= 1.10 rejects PKCS#8. */
    public readonly keyPem: pulumi.Output<string>;

    constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:pki:CertificateAuthority", name, {}, opts);
        if (!args.commonName) {
            throw new pulumi.InputPropertiesError({ message: `invalid arguments for CertificateAuthority ${name}`, errors: [{ propertyPath: "commonName", reason: "is required" }] });
        }
        const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this, protect: true });
        const cert = new tls.SelfSignedCert(
            `${name}-cert`,
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: args.commonName, ...(args.organization ? { organization: args.organization } : {}) },
                isCaCertificate: true,
                validityPeriodHours: args.validityHours ?? 10 * 365 * 24,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
            },
            { parent: this, protect: true },
        );
        this.certPem = cert.certPem;
        // The engine marks it secret too; wrapping says so here, where it is read.
        this.keyPem = pulumi.secret(key.privateKeyPem);
        this.registerOutputs({ certPem: this.certPem, keyPem: this.keyPem });
    }
}

export interface ClientCertificateArgs {
    readonly ca: { readonly certPem: pulumi.Input<string>; readonly keyPem: pulumi.Input<string> };
    readonly commonName: string;
    /** `system:masters` for Kubernetes admins, `os:admin` for Talos. */
    readonly organization: string;
    /** Default one year; re-issued within 30 days of expiry on the next `pulumi up`. */
    readonly validityHours?: number;
}

/** An ECDSA client certificate signed by `ca`, for admin kubeconfigs and talosconfigs. Not protected: it is re-issuable. */
export class ClientCertificate extends pulumi.ComponentResource {
    public readonly certPem: pulumi.Output<string>;
    /** Secret. */
    public readonly keyPem: pulumi.Output<string>;

    constructor(name: string, args: ClientCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:pki:ClientCertificate", name, {}, opts);
        const key = new tls.PrivateKey(`${name}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
        const request = new tls.CertRequest(
            `${name}-csr`,
            { privateKeyPem: key.privateKeyPem, subject: { commonName: args.commonName, organization: args.organization } },
            { parent: this },
        );
        const cert = new tls.LocallySignedCert(
            `${name}-cert`,
            {
                certRequestPem: request.certRequestPem,
                caCertPem: args.ca.certPem,
                caPrivateKeyPem: args.ca.keyPem,
                validityPeriodHours: args.validityHours ?? 365 * 24,
                earlyRenewalHours: 30 * 24,
                allowedUses: ["client_auth", "digital_signature", "key_encipherment"],
            },
            { parent: this },
        );
        this.certPem = cert.certPem;
        this.keyPem = pulumi.secret(key.privateKeyPem);
        this.registerOutputs({ certPem: this.certPem, keyPem: this.keyPem });
    }
}

/** An RSA key for signing service-account tokens (`sa.key`, K3s `service.key`, Talos `serviceAccount`). Protected like a CA. */
export function serviceAccountKey(name: string, parent: pulumi.Resource): tls.PrivateKey {
    return new tls.PrivateKey(name, { algorithm: "RSA", rsaBits: 4096 }, { parent, protect: true });
}
