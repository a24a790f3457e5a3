import * as pulumi from "@pulumi/pulumi";
import { IssueCollector } from "../components/core/issues";
import { PlatformConfig, readPlatformConfig } from "./config";
import { versions } from "../versions";

/**
 * The stack config's documented defaults and fallbacks, each with a Pulumi.<stack>.yaml that omits the
 * field, asserting the exact value the program then uses (the engine's config is set as `pulumi up`
 * delivers it: strings, structured values as JSON, secret keys listed).
 */

const SECRET_KEYS = ["homelab:proxmoxApiToken", "homelab:proxmoxSshPrivateKey", "homelab:cloudflareApiToken", "homelab:veleroAccessKeyId", "homelab:veleroSecretAccessKey", "homelab:vaultToken"];

/** The least a stack can say: a node, a network, one Talos cluster of one VM, and what the base services need. */
function minimal(): Record<string, unknown> {
    return {
        proxmox: { endpoint: "https://pve.home.arpa:8006/", nodes: { node01: { address: "192.168.1.5", cores: 8, memoryMiB: 16384 } } },
        networks: { vmbr0: { cidr: "192.168.1.0/24", gateway: "192.168.1.1" } },
        proxmoxApiToken: "root@pam!pulumi=00000000-0000-0000-0000-000000000000",
        clusters: [{ name: "lab", role: "workload", distribution: "talos", controlPlanes: ["cp"], domain: "lab.example.com", loadBalancerPool: ["192.168.1.200-192.168.1.209"] }],
        platform: { velero: { bucket: "velero", s3Url: "https://s3.home.arpa:9000" } },
        cloudflareApiToken: "cf-test-token",
        veleroAccessKeyId: "key-id",
        veleroSecretAccessKey: "secret-key",
    };
}

async function read(values: Record<string, unknown>): Promise<{ config?: PlatformConfig; problems: string[] }> {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: "x", state: {} }), call: () => ({}) }, "homelab", "dev", true);
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
        SECRET_KEYS.filter((k) => k.slice("homelab:".length) in values),
    );
    const issues = new IssueCollector();
    const config = readPlatformConfig(issues);
    return { config, problems: issues.issues.map((i) => `${i.file}: ${i.path}: ${i.message}`) };
}

const unwrap = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

describe("stack config defaults", () => {
    it("applies every documented default to a stack that omits the field", async () => {
        const { config, problems } = await read(minimal());
        expect(problems).toEqual([]);
        const c = config!;
        expect({ ...c.proxmox, apiToken: undefined }).toEqual({
            endpoint: "https://pve.home.arpa:8006/",
            // TLS verified; SSH as root through the local agent; snippets and images on `local`; no templates.
            insecure: false,
            apiToken: undefined,
            ssh: { username: "root", agent: true, privateKey: undefined },
            nodes: { node01: { name: "node01", address: "192.168.1.5", cores: 8, memoryMiB: 16384 } },
            templates: {},
            snippetDatastore: "local",
            imageDatastore: "local",
        });
        // No DNS servers of its own, no domain.
        expect(c.networks).toEqual({ vmbr0: { bridge: "vmbr0", cidr: "192.168.1.0/24", gateway: "192.168.1.1", dnsServers: [], domain: undefined } });
        expect(c.clusters.map((cluster) => cluster.name)).toEqual(["lab"]);
        expect(c.clusters[0]).toMatchObject({
            index: 0,
            name: "lab",
            // The pinned version of its distribution, no workers, no load balancer or VIP, the usual CIDRs.
            version: versions.distributions.talos,
            controlPlanes: ["cp"],
            workers: [],
            loadBalancer: undefined,
            vip: undefined,
            podCidr: "10.244.0.0/16",
            serviceCidr: "10.96.0.0/12",
        });
        // The pinned Ubuntu cloud image, no Vault, no standalone VMs.
        expect(c.cloudImage).toEqual(versions.ubuntuCloudImage);
        expect(c.vault).toBeUndefined();
        expect(c.standaloneVms).toEqual([]);
        expect(await unwrap(c.proxmox.apiToken)).toBe("root@pam!pulumi=00000000-0000-0000-0000-000000000000");
    });

    it("drops the SSH agent when a private key is set, and keeps a given user", async () => {
        const values = { ...minimal(), proxmox: { ...(minimal().proxmox as object), ssh: { username: "pulumi" } }, proxmoxSshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n" };
        const { config, problems } = await read(values);
        expect(problems).toEqual([]);
        expect([config!.proxmox.ssh.username, config!.proxmox.ssh.agent]).toEqual(["pulumi", false]);
        expect(await unwrap(config!.proxmox.ssh.privateKey!)).toBe(values.proxmoxSshPrivateKey);
    });

    it("reaches Vault at the address given, with the KV mount `homelab`, verifying TLS", async () => {
        const { config, problems } = await read({ ...minimal(), vault: { address: "https://vault.home.arpa:8200" }, vaultToken: "hvs.test" });
        expect(problems).toEqual([]);
        expect({ ...config!.vault, token: undefined }).toEqual({
            address: "https://vault.home.arpa:8200",
            fromStack: undefined,
            server: undefined,
            mount: "homelab",
            skipTlsVerify: false,
            caCertFile: undefined,
            token: undefined,
        });
        expect(await unwrap(config!.vault!.token!)).toBe("hvs.test");
    });

    it("runs a Vault server with 5 shares, 3 to unseal, initialised at its own address unless initAddress is given", async () => {
        // Vault runs on the stack's tools cluster, at a MetalLB address of its pool (config/vaultServer.ts).
        const withTools = { ...minimal(), clusters: [{ ...(minimal().clusters as Record<string, unknown>[])[0], role: "tools", distribution: "k3s" }] };
        const { config, problems } = await read({ ...withTools, vault: { server: { address: "https://192.168.1.209:8200" } } });
        expect(problems).toEqual([]);
        expect(config!.vault!.server).toEqual({ address: "https://192.168.1.209:8200", initAddress: "https://192.168.1.209:8200", secretShares: 5, secretThreshold: 3, clientStacks: {} });
        expect(config!.vault!.token).toBeUndefined();
        const own = await read({ ...withTools, vault: { server: { address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.208:8200" } } });
        expect(own.problems).toEqual([]);
        expect(own.config!.vault!.server!.initAddress).toBe("https://192.168.1.208:8200");
    });
});
