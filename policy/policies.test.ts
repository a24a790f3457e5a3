import { Secret } from "@pulumi/policy";
import { RecordedResource } from "../render/harness";
import { stackRun } from "../tests/stackRuns";
import { explicitProviders, helmReleasesPinned, namespacesPodSecurity, noPlaintextSecrets, policies, protectedResources } from "./policies";
import { remediations, serializeProperties, violations } from "./replay";
import { findPlaintextSecrets } from "./secrets";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const validations = [helmReleasesPinned, namespacesPodSecurity, explicitProviders, protectedResources];
const K8S_PROVIDER = "urn:pulumi:dev::homelab::pulumi:pulumi:Stack$pulumi:providers:kubernetes::dev-k8s::dev-k8s-id";
const PVE_PROVIDER = "urn:pulumi:prod::homelab::pulumi:pulumi:Stack$pulumi:providers:proxmoxve::proxmox::proxmox-id";

interface Craft {
    type: string;
    name: string;
    inputs?: Record<string, unknown>;
    secretPaths?: string[];
    stack?: string;
    protect?: boolean;
    parent?: string;
    provider?: string;
}

/** A resource as render/harness records it. */
function craft(c: Craft): RecordedResource {
    const stack = c.stack ?? "dev";
    return {
        urn: `urn:pulumi:${stack}::homelab::${c.type}::${c.name}`,
        type: c.type,
        name: c.name,
        custom: true,
        parent: c.parent ?? `urn:pulumi:${stack}::homelab::pulumi:pulumi:Stack::homelab-${stack}`,
        dependencies: [],
        provider: c.provider,
        protect: c.protect ?? false,
        ignoreChanges: [],
        deleteBeforeReplace: false,
        additionalSecretOutputs: [],
        read: false,
        inputs: c.inputs ?? {},
        rawInputs: c.inputs ?? {},
        secretPaths: c.secretPaths ?? [],
    };
}

describe("the policy pack against the real stacks", () => {
    const stacks: Record<string, RecordedResource[]> = {};
    beforeAll(async () => {
        for (const stack of ["tools", "dev", "prod"]) {
            stacks[stack] = (await stackRun(stack)).run.resources;
        }
        // Three whole stacks, one after the other: beyond the default 30 s when every core is busy.
    }, 120_000);

    it.each(["tools", "dev", "prod"])("finds no violation in %s", async (stack) => {
        expect(stacks[stack].length).toBeGreaterThan(40);
        expect(await violations(validations, stacks[stack])).toEqual([]);
    });

    it.each(["tools", "dev", "prod"])("has nothing to remediate in %s: every secret input is already marked", async (stack) => {
        expect(await remediations(noPlaintextSecrets, stacks[stack])).toEqual({});
    });

    it("would block prod with its VMs unprotected, naming each", async () => {
        const unprotected = stacks.prod.map((r) => (r.type === "proxmoxve:index/vmLegacy:VmLegacy" ? { ...r, protect: false } : r));
        expect(await violations([protectedResources], unprotected)).toEqual(
            ["haproxy", "k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3", "k8s-prod-worker-1", "k8s-prod-worker-2"].map(
                (vm) => `protected-vms-and-cas: ${vm}-vm: VMs of stack prod must be protected (homelab:protectVms: true)`,
            ),
        );
    });

    it("would block a CA left unprotected, key and certificate, but not a client certificate", async () => {
        const edited = stacks.tools.map((r) => (r.name.startsWith("tools-server-ca") || r.name.startsWith("tools-admin") ? { ...r, protect: false } : r));
        expect(await violations([protectedResources], edited)).toEqual([
            "protected-vms-and-cas: tools-server-ca-key: a CA's private key must be protected: a new CA is a new cluster",
            "protected-vms-and-cas: tools-server-ca-cert: a CA certificate must be protected: a new CA is a new cluster",
        ]);
    });

    it("would find the snippets' CA keys and the provider's API token if the program forgot to mark them", async () => {
        const forgotten = stacks.tools.map((r) => ({ ...r, secretPaths: [] }));
        const changed = await remediations(noPlaintextSecrets, forgotten);
        expect(Object.keys(changed).sort()).toEqual(
            [
                "k8s-observability-user-data",
                "k8s-tools-user-data",
                "observability-k8s",
                "proxmox",
                "tools-k8s",
                // The readiness resources hold the admin client key.
                "observability-ready",
                "tools-ready",
                // The kubeconfigs written to Vault, and the Vault provider's root token.
                "kubeconfigs-observability",
                "kubeconfigs-tools",
                "vault",
                ...["observability", "tools"].flatMap((c) => [`${c}-admin-cert`, `${c}-admin-csr`]),
                ...["observability", "tools"].flatMap((c) => ["client-ca", "etcd-peer-ca", "etcd-server-ca", "request-header-ca", "server-ca"].map((ca) => `${c}-${ca}-cert`)),
                // The platform's Secrets: Cloudflare token, Pi-hole password, Velero's S3 credentials.
                ...["observability", "tools"].flatMap((c) => ["cert-manager-cloudflare-token", "external-dns-cloudflare-token", "external-dns-pihole-password", "velero-credentials"].map((s) => `${c}-${s}`)),
                // The CA of Vault's certificate (its key as input), and the Secret that hands it to cert-manager.
                "tools-vault-ca",
                "tools-vault-ca-secret",
                // Argo CD's admin login in Vault, and its bcrypt hash in the release's values.
                "tools-argocd-admin-login",
                "tools-argocd-release",
                // The observability hub's Secrets (Grafana's generated admin password, Loki's S3 credentials) and the password's Vault copy.
                "observability-hub-grafana-admin",
                "observability-hub-grafana-admin-vault",
                "observability-hub-loki-s3",
                // The tools services' Secrets (GitHub App, Harbor, the object store and its copy) and their Vault entries.
                ...["arc-github-app", "harbor-admin", "harbor-secret-key", "object-storage-s3-config", "object-storage-state-backup", "harbor-admin-vault", "object-storage-admin-vault"].map((s) => `tools-${s}`),
            ].sort(),
        );
        // The offline render's placeholder token (render/stackConfig.ts), shaped like a real one.
        expect((changed.proxmox.apiToken as Secret).value).toBe("render@pve!offline=00000000-0000-0000-0000-000000000000");
        expect(changed["k8s-tools-user-data"].sourceRaw).toEqual({ data: expect.any(Secret), fileName: "k8s-tools-user-data.yaml" });
    });
});

describe("no-plaintext-secrets", () => {
    it("marks what a rule finds, keeps marked secrets, and the engine receives them signed as secrets", async () => {
        const pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
        const resources = [
            craft({ type: "pulumi:providers:proxmoxve", name: "pve", inputs: { endpoint: "https://pve:8006/", apiToken: "root@pam!ci=11111111-2222-3333-4444-555555555555", ssh: { username: "root", privateKey: pem } }, secretPaths: ["ssh.privateKey"] }),
            craft({ type: "kubernetes:core/v1:Secret", name: "creds", inputs: { metadata: { name: "creds" }, stringData: { user: "admin", pass: "x" } }, provider: K8S_PROVIDER }),
            craft({ type: "kubernetes:helm.sh/v3:Release", name: "app", inputs: { chart: "app", version: "1.0.0", values: { auth: { existingSecret: "app-auth", adminPassword: "hunter2", secretName: "tls" }, env: [{ name: "GH", value: "ghp_" + "a".repeat(36) }] } }, provider: K8S_PROVIDER }),
            craft({ type: "proxmoxve:index/fileLegacy:FileLegacy", name: "snippet", inputs: { sourceRaw: { data: `#cloud-config\nwrite_files:\n- content: |\n    ${pem}`, fileName: "s.yaml" } }, provider: PVE_PROVIDER }),
            craft({ type: "vault:kv/secretV2:SecretV2", name: "kv", inputs: { mount: "homelab", name: "dev/kubeconfig", dataJson: '{"kubeconfig":"..."}' }, secretPaths: ["dataJson"] }),
            craft({ type: "command:local:Command", name: "bootstrap", inputs: { create: "talosctl bootstrap", environment: { NODE: "192.168.1.12", BOOTSTRAP: "abcdef.0123456789abcdef" } } }),
        ];
        const changed = await remediations(noPlaintextSecrets, resources);
        expect(Object.keys(changed).sort()).toEqual(["app", "bootstrap", "creds", "pve", "snippet"]);

        // Only the found values are wrapped; what was already secret stays so; everything else is as sent.
        const pve = changed.pve as { endpoint: string; apiToken: Secret; ssh: { username: string; privateKey: Secret } };
        expect(pve.endpoint).toBe("https://pve:8006/");
        expect(pve.apiToken).toEqual(new Secret("root@pam!ci=11111111-2222-3333-4444-555555555555"));
        expect(pve.ssh).toEqual({ username: "root", privateKey: new Secret(pem) });
        expect(changed.creds.stringData).toEqual({ user: new Secret("admin"), pass: new Secret("x") });
        expect(changed.app.values).toEqual({
            auth: { existingSecret: "app-auth", adminPassword: new Secret("hunter2"), secretName: "tls" },
            env: [{ name: "GH", value: new Secret("ghp_" + "a".repeat(36)) }],
        });
        expect(changed.bootstrap.environment).toEqual({ NODE: "192.168.1.12", BOOTSTRAP: new Secret("abcdef.0123456789abcdef") });

        // As the server serializes a remediation for the engine.
        const wire = await serializeProperties(changed.pve);
        expect(wire.apiToken).toEqual({ [SIG]: SECRET_SIG, value: "root@pam!ci=11111111-2222-3333-4444-555555555555" });
        expect(wire.endpoint).toBe("https://pve:8006/");
    });

    it("says why each value is a secret", () => {
        expect(findPlaintextSecrets("pulumi:providers:kubernetes", { kubeconfig: "apiVersion: v1", context: "dev" })).toEqual([{ path: "kubeconfig", why: "pulumi:providers:kubernetes kubeconfig holds a secret" }]);
        expect(findPlaintextSecrets("x:y:Z", { spec: { vaultToken: "t", tokenTtl: "1h", passwordFile: "/run/p" } })).toEqual([{ path: "spec.vaultToken", why: 'an input named "vaultToken" holds a secret' }]);
        expect(findPlaintextSecrets("x:y:Z", { note: "key: -----BEGIN PRIVATE KEY-----" })).toEqual([{ path: "note", why: "it contains a PEM private key" }]);
        expect(findPlaintextSecrets("x:y:Z", { note: "hvs.CAESIJ0123456789abcdefghijklmn" })).toEqual([{ path: "note", why: "it contains a Vault token" }]);
        expect(findPlaintextSecrets("x:y:Z", { note: "node03.home.arpa", cert: "-----BEGIN CERTIFICATE-----" })).toEqual([]);
        // ARC's githubConfigSecret names a Secret when it is a string; as a map it holds credentials, checked by the other rules.
        const release = "kubernetes:helm.sh/v3:Release";
        expect(findPlaintextSecrets(release, { values: { githubConfigSecret: "github-app" } })).toEqual([]);
        expect(findPlaintextSecrets(release, { values: { githubConfigSecret: { github_token: "ghp_" + "a".repeat(36) } } })).toEqual([{ path: "values.githubConfigSecret.github_token", why: 'an input named "github_token" holds a secret' }]);
        expect(findPlaintextSecrets("x:y:Z", { values: { githubConfigSecret: "github-app" } })).toEqual([{ path: "values.githubConfigSecret", why: 'an input named "githubConfigSecret" holds a secret' }]);
    });
});

describe("helm-releases-pinned", () => {
    it("requires an exact version on releases and v4 charts, and rejects v3 charts", async () => {
        const release = (name: string, inputs: Record<string, unknown>, type = "kubernetes:helm.sh/v3:Release") => craft({ type, name, inputs, provider: K8S_PROVIDER });
        expect(
            await violations([helmReleasesPinned], [
                release("ok", { chart: "cert-manager", version: "v1.21.1" }),
                release("prerelease", { chart: "x", version: "1.0.0-rc.1" }),
                release("local", { chart: "./charts/own" }),
                release("none", { chart: "metallb" }),
                release("range", { chart: "metallb", version: "^0.16.0" }),
                release("latest", { chart: "oci://ghcr.io/x/y", version: "latest" }),
                release("v4", { chart: "cilium", version: "1.20" }, "kubernetes:helm.sh/v4:Chart"),
                release("v4ok", { chart: "cilium", version: "1.20.0" }, "kubernetes:helm.sh/v4:Chart"),
                release("v3chart", {}, "kubernetes:helm.sh/v3:Chart"),
            ]),
        ).toEqual([
            'helm-releases-pinned: none: chart "metallb" has no version; pin the exact version from versions.ts',
            'helm-releases-pinned: range: chart "metallb" version "^0.16.0" is not an exact version; pin one like 1.20.0',
            'helm-releases-pinned: latest: chart "oci://ghcr.io/x/y" version "latest" is not an exact version; pin one like 1.20.0',
            'helm-releases-pinned: v4: chart "cilium" version "1.20" is not an exact version; pin one like 1.20.0',
            "helm-releases-pinned: v3chart: helm.v3.Chart hides its chart version from policy checks; use helm.v3.Release (or helm.v4.Chart) with an exact version",
        ]);
    });
});

describe("namespaces-pod-security", () => {
    it("requires a valid enforce label", async () => {
        const ns = (name: string, labels?: Record<string, string>) => craft({ type: "kubernetes:core/v1:Namespace", name, inputs: { metadata: { name, ...(labels ? { labels } : {}) } }, provider: K8S_PROVIDER });
        expect(
            await violations([namespacesPodSecurity], [
                ns("bare"),
                ns("warn-only", { "pod-security.kubernetes.io/warn": "restricted" }),
                ns("typo", { "pod-security.kubernetes.io/enforce": "strict" }),
                ns("ok", { "pod-security.kubernetes.io/enforce": "restricted" }),
                ns("storage", { "pod-security.kubernetes.io/enforce": "privileged" }),
            ]),
        ).toEqual([
            "namespaces-pod-security: bare: Namespace has no pod-security.kubernetes.io/enforce label; set restricted unless a workload needs more",
            "namespaces-pod-security: warn-only: Namespace has no pod-security.kubernetes.io/enforce label; set restricted unless a workload needs more",
            'namespaces-pod-security: typo: pod-security.kubernetes.io/enforce is "strict"; use one of privileged, baseline, restricted',
        ]);
    });
});

describe("explicit-providers", () => {
    it("rejects default providers for Kubernetes, Proxmox and Vault only", async () => {
        const versioned = "urn:pulumi:dev::homelab::pulumi:providers:vault::default_7_8_0::abc";
        expect(
            await violations([explicitProviders], [
                craft({ type: "kubernetes:core/v1:ConfigMap", name: "cm", inputs: {} }),
                craft({ type: "kubernetes:core/v1:ConfigMap", name: "cm-ok", inputs: {}, provider: K8S_PROVIDER }),
                craft({ type: "proxmoxve:index/vmLegacy:VmLegacy", name: "vm", inputs: {} }),
                craft({ type: "vault:kv/secretV2:SecretV2", name: "kv", inputs: {}, provider: versioned }),
                craft({ type: "kubernetes:helm.sh/v3:Chart", name: "local-component", inputs: {} }),
                craft({ type: "tls:index/privateKey:PrivateKey", name: "key", inputs: {} }),
            ]),
        ).toEqual([
            "explicit-providers: cm: kubernetes:core/v1:ConfigMap uses the default kubernetes provider; pass the stack's explicit provider",
            "explicit-providers: vm: proxmoxve:index/vmLegacy:VmLegacy uses the default proxmoxve provider; pass the stack's explicit provider",
            "explicit-providers: kv: vault:kv/secretV2:SecretV2 uses the default vault provider; pass the stack's explicit provider",
        ]);
    });
});

describe("protected-vms-and-cas", () => {
    it("protects VMs of the configured stacks only", async () => {
        const vm = (stack: string) => craft({ type: "proxmoxve:index/vmLegacy:VmLegacy", name: `${stack}-vm`, stack, provider: PVE_PROVIDER });
        expect(await violations([protectedResources], [vm("dev"), vm("prod")])).toEqual(["protected-vms-and-cas: prod-vm: VMs of stack prod must be protected (homelab:protectVms: true)"]);
        expect(await violations([protectedResources], [vm("dev"), vm("prod")], { config: { "protected-vms-and-cas": { protectedStacks: ["dev", "prod"] } } })).toEqual([
            "protected-vms-and-cas: dev-vm: VMs of stack dev must be protected (homelab:protectVms: true)",
            "protected-vms-and-cas: prod-vm: VMs of stack prod must be protected (homelab:protectVms: true)",
        ]);
    });
});

describe("the pack", () => {
    it("serves the five policies, the secret one as a remediation", () => {
        expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
            ["no-plaintext-secrets", "remediate"],
            ["helm-releases-pinned", "mandatory"],
            ["namespaces-pod-security", "mandatory"],
            ["explicit-providers", "mandatory"],
            ["protected-vms-and-cas", "mandatory"],
        ]);
    });
});
