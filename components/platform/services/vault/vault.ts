import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";

/**
 * Vault on the tools cluster: HashiCorp's chart (https://github.com/hashicorp/vault-helm/tree/v0.34.1),
 * integrated (raft) storage on a persistent volume, TLS from a cert-manager Certificate, and a
 * MetalLB address. The program initialises and unseals it (components/vault/vaultInit.ts).
 *
 * One replica. Every raft peer of a Shamir-sealed Vault must be unsealed on its own, and the program
 * reaches Vault through one load-balanced address (the MetalLB IP), so it could unseal only whichever
 * peer answered; several peers need auto-unseal (transit or a cloud KMS), which the homelab has not.
 * The tools cluster is also a single K3s node, where the chart's required pod anti-affinity would
 * leave every further replica Pending. Raft (not the `file` backend) keeps the door open: more peers
 * are a values change plus per-pod unsealing, and `vault operator raft snapshot` works today.
 */

/** Release name and namespace: the chart names its Services after the release (`vault`, `vault-active`, `vault-ui`). */
export const VAULT_RELEASE = "vault";
export const VAULT_NAMESPACE: NamespaceSpec = {
    name: "vault",
    podSecurity: "restricted",
    // The Kubernetes service registration labels the pod (vault-active), and the tools cluster's own
    // Kubernetes auth method reviews tokens through the API server.
    apiServer: true,
    extraIngress: [
        // Clients: the program (init, unseal, configuration), external-secrets on every cluster, operators.
        { name: "vault-api", cidrs: ["0.0.0.0/0"], namespaces: ["external-secrets"], ports: [8200] },
    ],
    extraEgress: [
        // Token reviews of the other clusters' Kubernetes auth methods go to their API servers.
        { name: "kubernetes-apis", cidrs: ["0.0.0.0/0"], ports: [6443] },
    ],
};

/** The Secret cert-manager writes Vault's serving certificate to, and where the chart mounts it (server.extraVolumes). */
export const VAULT_TLS_SECRET = "vault-server-tls";
export const VAULT_TLS_DIR = `/vault/userconfig/${VAULT_TLS_SECRET}`;
/** The Secret holding the program's CA (certificate and key), which the namespaced CA Issuer signs with. */
export const VAULT_CA_SECRET = "vault-ca";
export const VAULT_ISSUER = "vault-ca";

/**
 * A fresh Vault is uninitialised, then sealed until the program unseals it; the chart's default
 * readiness probe (`vault status`) fails in both states, and Helm's atomic wait would then roll the
 * release back before the program ever reached Vault to initialise it. Health with 204 for those
 * states keeps the pod Ready; the Services publish not-ready pods anyway (publishNotReadyAddresses).
 * https://developer.hashicorp.com/vault/api-docs/system/health
 */
export const READINESS_PATH = "/v1/sys/health?standbyok=true&sealedcode=204&uninitcode=204";

/** Vault's server config (HCL), read by the chart from server.ha.raft.config. */
export function raftConfig(): string {
    return [
        "ui = true",
        // Integrated storage recommends it: raft's memory-mapped files do not fit mlock.
        // https://developer.hashicorp.com/vault/docs/configuration#disable_mlock
        "disable_mlock = true",
        'listener "tcp" {',
        '  address = "[::]:8200"',
        '  cluster_address = "[::]:8201"',
        `  tls_cert_file = "${VAULT_TLS_DIR}/tls.crt"`,
        `  tls_key_file = "${VAULT_TLS_DIR}/tls.key"`,
        '  tls_min_version = "tls12"',
        "}",
        'storage "raft" {',
        '  path = "/vault/data"',
        "}",
        'service_registration "kubernetes" {}',
        "",
    ].join("\n");
}

export interface VaultValuesArgs {
    /** The MetalLB address the `vault-ui` Service (Vault's API and UI) asks for. */
    readonly loadBalancerIp: string;
    /** PersistentVolume size for raft. */
    readonly storageSize?: string;
}

export function vaultValues(args: VaultValuesArgs): Record<string, unknown> {
    return {
        // TLS end to end: the chart then speaks https to its own probes and sets VAULT_ADDR to https.
        global: { tlsDisable: false },
        // Secrets reach pods through external-secrets, not the agent injector: no mutating webhook.
        injector: { enabled: false },
        server: {
            ha: { enabled: true, replicas: 1, raft: { enabled: true, config: raftConfig() } },
            dataStorage: { enabled: true, size: args.storageSize ?? "10Gi" },
            readinessProbe: { enabled: true, path: READINESS_PATH },
            // cert-manager's Secret, mounted at /vault/userconfig/<name>/; its ca.crt lets `vault` in the pod verify the server.
            extraVolumes: [{ type: "secret", name: VAULT_TLS_SECRET }],
            extraEnvironmentVars: { VAULT_CACERT: `${VAULT_TLS_DIR}/ca.crt` },
            // PodSecurity `restricted`: the chart's defaults lack the seccomp profile and dropped capabilities.
            statefulSet: {
                securityContext: {
                    pod: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                    container: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                },
            },
        },
        // The address clients use: the `vault-ui` Service serves the whole API on 8200. Not to the active pod
        // only: in ha mode that adds `vault-active: "true"` to the selector (templates/ui-service.yaml at
        // v0.34.1), and Vault's service registration labels an uninitialised or sealed pod not active, so the
        // address would have no endpoint for the program's own init and unseal (VaultInit), which come through it.
        // With one replica the only pod is also the active one once unsealed.
        ui: {
            enabled: true,
            serviceType: "LoadBalancer",
            // Read by templates/_helpers.tpl `service.loadBalancer`; MetalLB honours spec.loadBalancerIP.
            loadBalancerIP: args.loadBalancerIp,
            activeVaultPodOnly: false,
            externalPort: 8200,
        },
    };
}

/** Names Vault's certificate must carry: the clients' address, the MetalLB IP, and the in-cluster Services. */
export function vaultCertificateNames(clientHosts: readonly string[], namespace: string = VAULT_NAMESPACE.name): { dnsNames: string[]; ipAddresses: string[] } {
    const ip = /^\d+\.\d+\.\d+\.\d+$/;
    const services = [VAULT_RELEASE, `${VAULT_RELEASE}-active`, `${VAULT_RELEASE}-ui`].flatMap((s) => [s, `${s}.${namespace}`, `${s}.${namespace}.svc`, `${s}.${namespace}.svc.cluster.local`]);
    const dnsNames = [...new Set([...clientHosts.filter((h) => !ip.test(h)), ...services, `*.${VAULT_RELEASE}-internal`])];
    const ipAddresses = [...new Set([...clientHosts.filter((h) => ip.test(h)), "127.0.0.1"])];
    return { dnsNames, ipAddresses };
}

/**
 * cert-manager objects in Vault's namespace: a CA Issuer over the program's CA (Let's Encrypt cannot
 * certify an IP address or a private name like vault.home.arpa, and the program must know the CA to
 * trust it), and Vault's serving certificate, renewed by cert-manager.
 * https://cert-manager.io/docs/configuration/ca/
 */
export function vaultTlsObjects(clientHosts: readonly string[]): KubeObject[] {
    const ns = VAULT_NAMESPACE.name;
    return [
        { apiVersion: "cert-manager.io/v1", kind: "Issuer", metadata: { name: VAULT_ISSUER, namespace: ns }, spec: { ca: { secretName: VAULT_CA_SECRET } } },
        {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: VAULT_TLS_SECRET, namespace: ns },
            spec: {
                secretName: VAULT_TLS_SECRET,
                ...vaultCertificateNames(clientHosts, ns),
                duration: "2160h",
                renewBefore: "720h",
                usages: ["server auth", "digital signature", "key encipherment"],
                issuerRef: { group: "cert-manager.io", kind: "Issuer", name: VAULT_ISSUER },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            },
        },
    ];
}

/** Host of an http(s) URL (`https://192.168.1.209:8200` -> `192.168.1.209`). */
export function urlHost(url: string): string {
    return new URL(url).hostname;
}
