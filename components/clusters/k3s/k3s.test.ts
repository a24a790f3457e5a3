import { X509Certificate, createPrivateKey } from "crypto";
import * as yaml from "js-yaml";
import { k3sInstallerScript, k3sNodeBootstrap } from "./bootstrap";
import { preparePlatform } from "../../../program";
import { ProgramRun, runProgram } from "../../../render/harness";
import { baseConfig, byName, CloudConfig, cloudConfigOf, isVaultLayer, makeProject, PLATFORM_SECRETS, platformFields, vmYaml, withoutPlatform, writtenFile } from "../../../tests/helpers";
import { realisticMocks } from "../../../tests/mocks";
import { stackRun } from "../../../tests/stackRuns";
import { cloudInitSchema, requireTool, run as runTool } from "../../../tests/validators";

const userData = cloudConfigOf;
function file(data: CloudConfig, path: string): string {
    const found = writtenFile(data, path);
    if (found === undefined) {
        throw new Error(`no ${path} in user-data`);
    }
    return found;
}

describe("the tools stack's K3s clusters", () => {
    let run: ProgramRun;

    beforeAll(async () => {
        run = (await stackRun("tools")).run;
        expect(run.error).toBeUndefined();
    });

    it("registers the PKI, token, admin certificate, node and provider of each cluster", () => {
        const children = (cluster: string) =>
            withoutPlatform(run.resources).filter((r) => r.urn.includes(`::${cluster}-`) || r.name === cluster || r.name === `k8s-${cluster}` || r.name.startsWith(`k8s-${cluster}-`)).map((r) => `${r.type}::${r.name}`).sort();
        const ca = (n: string) => [`homelab:pki:CertificateAuthority::tools-${n}`, `tls:index/privateKey:PrivateKey::tools-${n}-key`, `tls:index/selfSignedCert:SelfSignedCert::tools-${n}-cert`];
        expect(children("tools")).toEqual(
            [
                "homelab:cluster:K3sCluster::tools",
                ...["server-ca", "client-ca", "request-header-ca", "etcd-peer-ca", "etcd-server-ca"].flatMap(ca),
                "tls:index/privateKey:PrivateKey::tools-service-account-key",
                "random:index/randomPassword:RandomPassword::tools-token",
                "homelab:pki:ClientCertificate::tools-admin",
                "tls:index/privateKey:PrivateKey::tools-admin-key",
                "tls:index/certRequest:CertRequest::tools-admin-csr",
                "tls:index/locallySignedCert:LocallySignedCert::tools-admin-cert",
                "pulumi:providers:kubernetes::tools-k8s",
                "pulumi-nodejs:dynamic/cluster:ApiReadiness::tools-ready",
                "homelab:hosts:ProxmoxVm::k8s-tools",
                "proxmoxve:index/fileLegacy:FileLegacy::k8s-tools-user-data",
                "proxmoxve:index/vmLegacy:VmLegacy::k8s-tools-vm",
            ].sort(),
        );
        // The platform and Vault layers are counted in tests/platform.test.ts and tests/vault.test.ts.
        expect(withoutPlatform(run.resources).filter((r) => !isVaultLayer(r))).toHaveLength(59);
    });

    it("generates ECDSA P-256 CAs and an RSA service-account key, protected with the token", () => {
        const protectedNames = run.resources.filter((r) => r.protect && r.name.startsWith("tools-")).map((r) => r.name).sort();
        expect(protectedNames).toEqual(
            ["server-ca", "client-ca", "request-header-ca", "etcd-peer-ca", "etcd-server-ca"]
                .flatMap((n) => [`tools-${n}-cert`, `tools-${n}-key`])
                // The CA of Vault's certificate (components/platform/services/vault/vaultServer.ts).
                .concat("tools-service-account-key", "tools-token", "tools-vault-ca", "tools-vault-ca-key")
                .sort(),
        );
        expect(byName(run, "tools-server-ca-key").rawInputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
        expect(byName(run, "tools-service-account-key").rawInputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
        expect(byName(run, "tools-server-ca-cert").rawInputs).toMatchObject({ isCaCertificate: true, validityPeriodHours: 87600, subject: { commonName: "tools-k3s-server-ca" } });
        expect(byName(run, "tools-token").rawInputs).toEqual({ length: 48, special: false });
    });

    it("places the CAs and service key on the first server before K3s starts", () => {
        const data = userData(run, "k8s-tools");
        expect(data.write_files.map((f) => [f.path, f.permissions])).toEqual([
            ["/etc/rancher/k3s/config.yaml", "0600"],
            ["/usr/local/sbin/k3s-install", "0755"],
            ...["server-ca", "client-ca", "request-header-ca", "etcd/peer-ca", "etcd/server-ca"].flatMap((n) => [
                [`/var/lib/rancher/k3s/server/tls/${n}.crt`, "0644"],
                [`/var/lib/rancher/k3s/server/tls/${n}.key`, "0600"],
            ]),
            ["/var/lib/rancher/k3s/server/tls/service.key", "0600"],
        ]);
        const serverCa = new X509Certificate(file(data, "/var/lib/rancher/k3s/server/tls/server-ca.crt"));
        expect(serverCa.ca).toBe(true);
        expect(serverCa.subject).toBe("CN=tools-k3s-server-ca");
        expect(createPrivateKey(file(data, "/var/lib/rancher/k3s/server/tls/server-ca.key")).asymmetricKeyType).toBe("ec");
        expect(file(data, "/var/lib/rancher/k3s/server/tls/server-ca.key")).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
        expect(createPrivateKey(file(data, "/var/lib/rancher/k3s/server/tls/service.key")).asymmetricKeyType).toBe("rsa");
        expect(data.runcmd).toEqual([["systemctl", "enable", "--now", "qemu-guest-agent"], ["/usr/local/sbin/k3s-install", "server"]]);
    });

    it("configures the first server with cluster-init, its SANs, the shared token and the pinned version", () => {
        const data = userData(run, "k8s-tools");
        const token = byName(run, "tools-token");
        expect(yaml.load(file(data, "/etc/rancher/k3s/config.yaml"))).toEqual({
            token: expect.stringMatching(/^[A-Za-z0-9]{48}$/),
            "node-name": "k8s-tools",
            "node-ip": "192.168.1.15",
            "cluster-init": true,
            "tls-san": ["192.168.1.15", "k8s-tools", "k8s-tools.home.arpa"],
            disable: ["traefik", "servicelb"],
            "cluster-cidr": "10.42.0.0/16",
            "service-cidr": "10.43.0.0/16",
            "write-kubeconfig-mode": "0600",
        });
        expect(token.type).toBe("random:index/randomPassword:RandomPassword");
        expect(file(data, "/usr/local/sbin/k3s-install")).toContain('INSTALL_K3S_VERSION="v1.34.1+k3s1" INSTALL_K3S_EXEC="$role" sh "$script"');
        expect(file(data, "/usr/local/sbin/k3s-install")).toContain("https://raw.githubusercontent.com/k3s-io/k3s/v1.34.1%2Bk3s1/install.sh");
    });

    it("keeps the node's user-data secret, and passes cloud-init schema with the real PKI in it", () => {
        const snippet = byName(run, "k8s-tools-user-data");
        expect(snippet.secretPaths).toEqual(["sourceRaw.data"]);
        const result = cloudInitSchema((snippet.rawInputs.sourceRaw as { data: string }).data);
        expect(result.output).toContain("Valid cloud-config");
        expect(result.status).toBe(0);
    });

    it("computes an admin kubeconfig that trusts server-ca and authenticates as system:masters via client-ca", () => {
        const kubeconfig = (run.rawOutputs.clusters as Record<string, { kubeconfig: string; endpoint: string }>).tools;
        expect(kubeconfig.endpoint).toBe("https://192.168.1.15:6443");
        const doc = yaml.load(kubeconfig.kubeconfig) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed kubeconfig
        expect(doc["current-context"]).toBe("tools");
        expect(doc.contexts).toEqual([{ name: "tools", context: { cluster: "tools", user: "tools-admin" } }]);
        expect(doc.clusters[0].name).toBe("tools");
        expect(doc.clusters[0].cluster.server).toBe("https://192.168.1.15:6443");
        const data = userData(run, "k8s-tools");
        const ca = Buffer.from(doc.clusters[0].cluster["certificate-authority-data"], "base64").toString();
        expect(ca).toBe(file(data, "/var/lib/rancher/k3s/server/tls/server-ca.crt"));
        const client = new X509Certificate(Buffer.from(doc.users[0].user["client-certificate-data"], "base64"));
        const clientCa = new X509Certificate(file(data, "/var/lib/rancher/k3s/server/tls/client-ca.crt"));
        expect(client.subject).toBe("O=system:masters\nCN=tools-admin");
        expect(client.verify(clientCa.publicKey)).toBe(true);
        expect(client.checkPrivateKey(createPrivateKey(Buffer.from(doc.users[0].user["client-key-data"], "base64").toString()))).toBe(true);
    });

    it("keeps every kubeconfig secret in the stack outputs", () => {
        expect(run.outputSecretPaths.sort()).toEqual(["clusters.observability.kubeconfig", "clusters.tools.kubeconfig", "vaultTokens.dev", "vaultTokens.prod"]);
        // The one PEM in the outputs is public: the certificate of Vault's CA, for the stacks that trust it.
        const { vault, ...rest } = run.outputs as { vault: { caCertPem: string } };
        expect(JSON.stringify(rest)).not.toContain("BEGIN");
        expect(vault.caCertPem).toMatch(/^-----BEGIN CERTIFICATE-----\n[^-]+\n-----END CERTIFICATE-----\n?$/);
    });

    it("checks each API's readiness with the admin certificate, and the provider waits for that check", () => {
        const ready = run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/cluster:ApiReadiness");
        expect(ready.map((r) => [r.name, r.rawInputs.clusterName, r.rawInputs.endpoint]).sort()).toEqual([
            ["observability-ready", "observability", "https://192.168.1.20:6443"],
            ["tools-ready", "tools", "https://192.168.1.15:6443"],
        ]);
        const kubeconfig = (run.rawOutputs.clusters as Record<string, { kubeconfig: string }>).tools.kubeconfig;
        const tools = byName(run, "tools-ready");
        expect(kubeconfig).toContain(Buffer.from(tools.rawInputs.clientCertPem as string).toString("base64"));
        expect(kubeconfig).toContain(Buffer.from(tools.rawInputs.caCertPem as string).toString("base64"));
        expect(tools.secretPaths).toEqual(["clientKeyPem"]);
        // The VM's id as the mock provider gives it (its file sets no vmid); tests/lifecycle.test.ts uses distinct ids.
        expect(tools.rawInputs.nodeIds).toEqual(["0"]);
        const pki = [
            "urn:pulumi:tools::homelab::homelab:pki:CertificateAuthority$tls:index/selfSignedCert:SelfSignedCert::tools-server-ca-cert",
            "urn:pulumi:tools::homelab::homelab:pki:ClientCertificate$tls:index/locallySignedCert:LocallySignedCert::tools-admin-cert",
            "urn:pulumi:tools::homelab::homelab:pki:ClientCertificate$tls:index/privateKey:PrivateKey::tools-admin-key",
        ];
        expect(tools.dependencies).toEqual(["urn:pulumi:tools::homelab::homelab:hosts:ProxmoxVm$proxmoxve:index/vmLegacy:VmLegacy::k8s-tools-vm", ...pki]);
        // The provider's inputs come from the PKI alone; it waits for the readiness resource, not for the VMs.
        const provider = byName(run, "tools-k8s");
        expect(provider.secretPaths).toEqual(["kubeconfig"]);
        expect(provider.dependencies).toEqual([tools.urn, ...pki].sort());
    });

    it("ships an installer script that passes shellcheck", () => {
        requireTool("shellcheck", "shellcheck");
        const result = runTool("shellcheck", ["-s", "sh", "-"], k3sInstallerScript("https://example.invalid/install.sh", "v1.34.1+k3s1"));
        expect(result.output).toBe("");
        expect(result.status).toBe(0);
    });
});

describe("the K3s node files", () => {
    const base = { version: "v1.34.1+k3s1", installScriptUrl: "https://x/install.sh", nodeName: "n", nodeIp: "10.0.0.5", token: "t", tlsSans: [], podCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" };
    const pair = { certPem: "c", keyPem: "k" };
    const pki = { serverCa: pair, clientCa: pair, requestHeaderCa: pair, etcdPeerCa: pair, etcdServerCa: pair, serviceKeyPem: "s" };
    it("put the CAs on the first server only", () => {
        expect(() => k3sNodeBootstrap({ ...base, role: "server", serverUrl: "https://10.0.0.4:6443", pki })).toThrow("k3s node n: the CAs go on the first server, and only there");
        expect(() => k3sNodeBootstrap({ ...base, role: "init" })).toThrow("k3s node n: the CAs go on the first server, and only there");
    });
    it("need the first server's URL to join", () => {
        expect(() => k3sNodeBootstrap({ ...base, role: "agent" })).toThrow("k3s node n: a joining node needs the first server's URL");
    });
});

describe("a K3s cluster with several servers and an agent", () => {
    it("joins the other servers and the agent to the first with the token, without the CAs", async () => {
        const files = {
            "s1.yaml": vmYaml("s1", { ipconfig0: '"ip=192.168.1.61/24,gw=192.168.1.1"' }),
            "s2.yaml": vmYaml("s2", { ipconfig0: '"ip=192.168.1.62/24,gw=192.168.1.1"' }),
            "s3.yaml": vmYaml("s3", { ipconfig0: '"ip=192.168.1.63/24,gw=192.168.1.1"' }),
            "a1.yaml": vmYaml("a1", { ipconfig0: '"ip=192.168.1.64/24,gw=192.168.1.1"' }),
        };
        const config = { ...baseConfig(), clusters: [{ name: "lab", role: "workload", distribution: "k3s", controlPlanes: ["s1", "s2", "s3"], workers: ["a1"], ...platformFields(0) }] };
        const cfg: Record<string, string> = {};
        for (const [k, v] of Object.entries(config)) {
            cfg[`homelab:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
        }
        const run = await runProgram({
            stack: "test",
            config: cfg,
            secretKeys: ["homelab:proxmoxApiToken", ...PLATFORM_SECRETS],
            preview: false,
            mocks: realisticMocks,
            prepare: () => preparePlatform(makeProject(files)),
        });
        expect(run.error).toBeUndefined();
        const s1 = userData(run, "s1");
        const token = (yaml.load(file(s1, "/etc/rancher/k3s/config.yaml")) as { token: string }).token;
        const s2 = userData(run, "s2");
        expect(yaml.load(file(s2, "/etc/rancher/k3s/config.yaml"))).toEqual({
            token,
            "node-name": "s2",
            "node-ip": "192.168.1.62",
            server: "https://192.168.1.61:6443",
            "tls-san": ["192.168.1.62", "s2", "s2.home.arpa"],
            disable: ["traefik", "servicelb"],
            "cluster-cidr": "10.244.0.0/16",
            "service-cidr": "10.96.0.0/12",
            "write-kubeconfig-mode": "0600",
        });
        expect(s2.write_files.map((f) => f.path)).toEqual(["/etc/rancher/k3s/config.yaml", "/usr/local/sbin/k3s-install"]);
        const a1 = userData(run, "a1");
        expect(yaml.load(file(a1, "/etc/rancher/k3s/config.yaml"))).toEqual({ token, "node-name": "a1", "node-ip": "192.168.1.64", server: "https://192.168.1.61:6443" });
        expect(a1.runcmd[1]).toEqual(["/usr/local/sbin/k3s-install", "agent"]);
        expect(byName(run, "a1-vm").rawInputs.tags).toEqual(["homelab", "lab", "test", "worker"]);
    });
});
