import * as pulumi from "@pulumi/pulumi";
import * as bcrypt from "bcryptjs";
import { providerLikeMocks, revealed } from "../render/harness";
import { sharedSync } from "./invocationCache";
import { certRequest, generateKey, selfSignedCert, signRequest } from "./openssl";

/** The tools stack as Pulumi.dev.yaml and Pulumi.prod.yaml name it (homelab:vault.fromStack). */
export const TOOLS_STACK = "organization/homelab/tools";

/** The tools stack's outputs as another stack reads them: the contract program.ts exports. */
/** A stand-in for the CA of the tools stack's Vault (never parsed: written to a file and base64-encoded). */
export const TOOLS_VAULT_CA = "-----BEGIN CERTIFICATE-----\nMIIBtoolsVaultCAstandin\n-----END CERTIFICATE-----\n";

export const TOOLS_STACK_OUTPUTS = {
    vault: { address: "https://vault.home.arpa:8200", mount: "homelab", caCertPem: TOOLS_VAULT_CA },
    vaultTokens: { dev: "hvs.dev-scoped-token-from-tools", prod: "hvs.prod-scoped-token-from-tools" },
    observability: {
        cluster: "observability",
        endpoints: {
            prometheusRemoteWrite: "https://prometheus.observability.homelab.example.com/api/v1/write",
            lokiPush: "https://loki.observability.homelab.example.com/loki/api/v1/push",
            otlpHttp: "https://otlp.observability.homelab.example.com",
            grafana: "https://grafana.observability.homelab.example.com",
        },
    },
};

/**
 * What the `tls` stand-in issued, by resource name and inputs, for the runs of one Jest invocation
 * (tests/invocationCache.ts): a run repeated with the same config (the committed stacks, and the
 * small configs many test files share) gets the keys and certificates the first one got, as the
 * real provider keeps them in state, instead of paying for RSA key generation and an openssl
 * process per certificate again. A certificate's inputs include its key, so a new key still means
 * a new one.
 */
const issued = new Map<string, Record<string, unknown>>();
function once(key: string, issue: () => Record<string, unknown>): Record<string, unknown> {
    if (!issued.has(key)) {
        issued.set(key, sharedSync("tls", key, issue));
    }
    return issued.get(key)!;
}

/**
 * Provider stand-ins for runs with preview=false: Proxmox ids shaped like the provider's, and a
 * `tls` provider that issues real keys and certificates with openssl, so kubeconfigs, join hashes
 * and chains can be checked for real. Any invoke throws.
 */
export const realisticMocks: pulumi.runtime.Mocks = {
    newResource(args) {
        const inputs = revealed(args.inputs) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- provider inputs
        switch (args.type) {
            case "tls:index/privateKey:PrivateKey": {
                const algorithm = inputs.algorithm === "RSA" ? "RSA" : "ECDSA";
                const key = once(`${args.type}::${args.name}::${algorithm}`, () => ({ ...generateKey(algorithm) }));
                return { id: `${args.name}-id`, state: { ...inputs, privateKeyPem: key.privateKeyPem, publicKeyPem: key.publicKeyPem } };
            }
            case "tls:index/selfSignedCert:SelfSignedCert":
                return { id: `${args.name}-id`, state: { ...inputs, ...issuedFor(args, inputs, () => ({ certPem: selfSignedCert(inputs as Parameters<typeof selfSignedCert>[0]) })) } };
            case "tls:index/certRequest:CertRequest":
                return { id: `${args.name}-id`, state: { ...inputs, ...issuedFor(args, inputs, () => ({ certRequestPem: certRequest(inputs as Parameters<typeof certRequest>[0]) })) } };
            case "tls:index/locallySignedCert:LocallySignedCert":
                return { id: `${args.name}-id`, state: { ...inputs, ...issuedFor(args, inputs, () => ({ certPem: signRequest(inputs as Parameters<typeof signRequest>[0]) })) } };
            case "random:index/randomPassword:RandomPassword": {
                // The provider's bcrypt_hash too (terraform-provider-random hashes the result once, at creation);
                // cost 4 instead of its 10, for speed: the format is the same.
                const made = providerLikeMocks.newResource({ ...args, inputs }) as { id: string; state: Record<string, unknown> };
                return { ...made, state: { ...made.state, bcryptHash: bcrypt.hashSync(String(made.state.result), 4) } };
            }
            case "pulumi:pulumi:StackReference":
                return inputs.name === TOOLS_STACK
                    ? { id: inputs.name, state: { name: inputs.name, outputs: TOOLS_STACK_OUTPUTS, secretOutputNames: ["vaultTokens"] } }
                    : providerLikeMocks.newResource({ ...args, inputs });
            default:
                return providerLikeMocks.newResource({ ...args, inputs });
        }
    },
    call: providerLikeMocks.call,
};

/** A certificate (or request) for exactly these inputs, issued once. */
function issuedFor(args: pulumi.runtime.MockResourceArgs, inputs: Record<string, unknown>, issue: () => Record<string, unknown>): Record<string, unknown> {
    return once(`${args.type}::${args.name}::${JSON.stringify(inputs)}`, issue);
}
