import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as tls from "@pulumi/tls";
import { versions } from "../../../../versions";
import { HelmService } from "../../helmService";
import { ClusterNetwork, PlatformNamespace } from "../../namespace";
import { declareObject, declareSecret } from "../../objects";
import { requireValid } from "../../../clusters/nodes";
import { VAULT_CA_SECRET, VAULT_NAMESPACE, VAULT_RELEASE, vaultTlsObjects, vaultValues } from "./vault";

export interface VaultServerArgs {
    /** The cluster that runs Vault (role tools). */
    readonly cluster: string;
    readonly provider: k8s.Provider;
    readonly network: ClusterNetwork;
    /** The MetalLB address Vault's Service asks for; inside the cluster's loadBalancerPool (checked in config). */
    readonly loadBalancerIp: string;
    /** Hosts clients use (homelab:vault.server.address and initAddress): names and IPs on Vault's certificate. */
    readonly clientHosts: readonly string[];
    /** The cluster's readiness. */
    readonly dependsOn: pulumi.Input<pulumi.Resource>[];
    /** cert-manager's release: its CRDs (Issuer, Certificate) and controller. */
    readonly certManager: pulumi.Resource;
    /** MetalLB's address pool: Helm's wait holds a LoadBalancer Service until it has an address. */
    readonly addressPool: readonly pulumi.Resource[];
}

/**
 * Vault on the tools cluster (services/vault/vault.ts says how and why). TLS comes from a CA the
 * program generates, like the clusters' PKI, so the program knows what to trust before Vault exists:
 * its certificate and key go in a Secret, a cert-manager CA Issuer in Vault's namespace signs (and
 * renews) Vault's serving certificate with it, and `caCertPem` is what VaultInit, the Vault provider
 * and every ClusterSecretStore trust. The CA is protected: a new one breaks every client's trust.
 */
export class VaultServer extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;
    public readonly caCertPem: pulumi.Output<string>;
    public readonly namespaceName: string;

    constructor(name: string, args: VaultServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:VaultServer", name, {}, opts);
        requireValid("VaultServer", name, [
            ...(/^\d+\.\d+\.\d+\.\d+$/.test(args.loadBalancerIp) ? [] : [{ propertyPath: "loadBalancerIp", reason: `${JSON.stringify(args.loadBalancerIp)} is not an IPv4 address` }]),
            ...(args.addressPool.length > 0 ? [] : [{ propertyPath: "addressPool", reason: "Vault's LoadBalancer Service needs MetalLB's address pool on its cluster" }]),
        ]);
        const child = { parent: this };
        const onCluster = { parent: this, provider: args.provider };

        const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { ...child, protect: true });
        const ca = new tls.SelfSignedCert(
            `${name}-ca`,
            {
                privateKeyPem: caKey.privateKeyPem,
                isCaCertificate: true,
                subject: { commonName: `Vault CA (${args.cluster})`, organization: "homelab" },
                validityPeriodHours: 10 * 365 * 24,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            },
            { ...child, protect: true },
        );
        this.caCertPem = ca.certPem;

        const ns = new PlatformNamespace(`${name}-ns`, { cluster: args.cluster, spec: VAULT_NAMESPACE, network: args.network, provider: args.provider, dependsOn: args.dependsOn }, child);
        const caSecret = declareSecret(
            args.cluster,
            `${name}-ca-secret`,
            { name: VAULT_CA_SECRET, namespace: ns.name, stringData: { "tls.crt": ca.certPem, "tls.key": caKey.privateKeyPem } },
            { ...onCluster, dependsOn: [ns] },
        );
        const [issuer, certificate] = vaultTlsObjects(args.clientHosts);
        const issuerResource = declareObject(args.cluster, `${name}-issuer`, issuer, { ...onCluster, dependsOn: [args.certManager, caSecret] });
        // pulumi-kubernetes waits for the condition (https://www.pulumi.com/registry/packages/kubernetes/installation-configuration/#await-behavior),
        // so the release starts once the serving certificate's Secret exists.
        const certificateResource = declareObject(
            args.cluster,
            `${name}-certificate`,
            { ...certificate, metadata: { ...certificate.metadata, annotations: { "pulumi.com/waitFor": "condition=Ready" } } },
            { ...onCluster, dependsOn: [issuerResource] },
        );
        const service = new HelmService(
            `${name}`,
            {
                cluster: args.cluster,
                provider: args.provider,
                network: args.network,
                releaseName: VAULT_RELEASE,
                chart: versions.charts.vault,
                namespace: ns,
                values: vaultValues({ loadBalancerIp: args.loadBalancerIp }),
                dependsOn: [...args.dependsOn, certificateResource, ...args.addressPool],
            },
            child,
        );
        this.release = service.release;
        this.namespaceName = ns.name;
        this.registerOutputs({ caCertPem: this.caCertPem, namespace: this.namespaceName });
    }
}
