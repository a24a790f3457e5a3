import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { loadPlatform } from "./load";
import { formatIssue, PlatformValidationError } from "../components/core/issues";
import { vmFields } from "./testing/inputs";

/**
 * loadPlatform on real files in a throwaway project folder, with the engine's config set as
 * `pulumi up` delivers it (stack `dev`): every problem of the stack config and the VM files at once.
 */

const TOKEN = "root@pam!pulumi=00000000-0000-0000-0000-000000000000";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        proxmox: { endpoint: "https://pve.home.arpa:8006/", nodes: { node01: { address: "192.168.1.5", cores: 8, memoryMiB: 16384 } } },
        networks: { vmbr0: { cidr: "192.168.1.0/24", gateway: "192.168.1.1" } },
        proxmoxApiToken: TOKEN,
        standaloneVms: ["a"],
        ...extra,
    };
}

function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-load-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const vmFile = (name: string, overrides: Record<string, unknown> = {}) => yaml.dump(vmFields(name, overrides));

async function load(dir: string, values: Record<string, unknown>) {
    await pulumi.runtime.setMocks({ newResource: () => ({ id: "x", state: {} }), call: () => ({}) }, "homelab", "dev", true);
    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(values).map(([k, v]) => [`homelab:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
        ["homelab:proxmoxApiToken", "homelab:vaultToken"].filter((k) => k.slice("homelab:".length) in values),
    );
    return loadPlatform(dir);
}

/** The report loadPlatform throws, one line per problem. */
async function problems(dir: string, values: Record<string, unknown>): Promise<string[]> {
    const error = await load(dir, values).then(
        () => undefined,
        (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlatformValidationError);
    return (error as PlatformValidationError).issues.map(formatIssue);
}

afterEach(() => jest.restoreAllMocks());

describe("loadPlatform", () => {
    it("reads the VM files of the folder, YAML only, in name order, and builds the fleet", async () => {
        const dir = project({ "vms/b.yml": vmFile("b", { ipconfig0: "ip=192.168.1.51/24" }), "vms/a.yaml": vmFile("a"), "vms/README.md": "# not a VM", "vms/c.yaml.orig": "name: [" });
        const loaded = await load(dir, config());
        expect(loaded.config.stack).toBe("dev");
        expect(loaded.fleet.all.map((vm) => vm.file)).toEqual(["vms/a.yaml", "vms/b.yml"]);
        expect(loaded.fleet.owned.map((o) => o.vm.name)).toEqual(["a"]);
        expect(loaded.vaultCa).toBeUndefined();
    });

    it("reads the folder homelab:vmsDir names", async () => {
        const dir = project({ "machines/a.yaml": vmFile("a"), "vms/x.yaml": "not: [valid" });
        const loaded = await load(dir, config({ vmsDir: "machines" }));
        expect(loaded.fleet.all.map((vm) => vm.file)).toEqual(["machines/a.yaml"]);
    });

    it("reports the VM files' problems in file name order", async () => {
        const names = ["m", "z", "b", "y", "a", "q"];
        const dir = project(Object.fromEntries(names.map((name) => [`vms/${name}.yaml`, vmFile(name, { cores: "many" })])));
        expect(await problems(dir, config({ standaloneVms: [] }))).toEqual([...names].sort().map((name) => `vms/${name}.yaml: cores: must be an integer, got string "many"`));
    });

    it("reports a folder it cannot read", async () => {
        expect(await problems(project({}), config())).toEqual(["vms/: the folder of VM definitions cannot be read", 'Pulumi.dev.yaml: homelab:standaloneVms[0]: VM "a" is not defined in vms/']);
    });

    it("reports the stack config and the VM files together, and no fleet check without valid config", async () => {
        const dir = project({ "vms/a.yaml": vmFile("a", { cores: "many" }), "vms/b.yaml": vmFile("b", { target_node: "node09" }) });
        expect(await problems(dir, config({ protectVms: "yes" }))).toEqual([
            'Pulumi.dev.yaml: homelab:protectVms: must be structured config (boolean), got "yes"',
            'vms/a.yaml: cores: must be an integer, got string "many"',
        ]);
    });

    it("does not report a reference to a VM whose file is already reported", async () => {
        const dir = project({ "vms/a.yaml": vmFile("a", { cores: "many" }), "vms/x.yaml": vmFile("x", { ipconfig0: "ip=192.168.1.52/24" }) });
        expect(await problems(dir, config({ standaloneVms: ["a", "b"] }))).toEqual(['vms/a.yaml: cores: must be an integer, got string "many"', 'Pulumi.dev.yaml: homelab:standaloneVms[1]: VM "b" is not defined in vms/']);
    });

    it("checks the pools against the other stack files of the project", async () => {
        const pool = (name: string, entry: string) => yaml.dump({ config: { "homelab:clusters": [{ name, loadBalancerPool: [entry] }] } });
        const dir = project({ "vms/a.yaml": vmFile("a", { ipconfig0: "ip=192.168.1.50/24" }), "Pulumi.prod.yaml": pool("prod", "192.168.1.205/32"), "Pulumi.dev.yaml": pool("dev", "192.168.1.205/32") });
        const values = config({
            standaloneVms: [],
            clusters: [{ name: "dev", role: "workload", distribution: "k3s", controlPlanes: ["a"], loadBalancerPool: ["192.168.1.200-192.168.1.209"], services: { certManager: false, istio: false, externalDns: false, velero: false } }],
        });
        expect(await problems(dir, values)).toEqual([
            "Pulumi.dev.yaml: homelab:clusters[0].loadBalancerPool[0]: 192.168.1.200-192.168.1.209 overlaps the pool of cluster prod in Pulumi.prod.yaml (192.168.1.205/32)",
        ]);
    });

    describe("homelab:vault.caCertFile", () => {
        const vault = (caCertFile: string) => config({ vault: { address: "https://vault.home.arpa:8200", caCertFile }, vaultToken: "hvs.x" });

        it("reads the CA, relative to the project", async () => {
            const dir = project({ "vms/a.yaml": vmFile("a"), "certs/ca.pem": `# Vault's CA\n${PEM}` });
            expect((await load(dir, vault("certs/ca.pem"))).vaultCa).toStrictEqual({ path: path.join(dir, "certs", "ca.pem"), pem: `# Vault's CA\n${PEM}` });
        });

        it("reports a file it cannot read, and one without a certificate", async () => {
            const dir = project({ "vms/a.yaml": vmFile("a"), "key.pem": "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n", "half.pem": "-----BEGIN CERTIFICATE-----\n" });
            expect(await problems(dir, vault("missing.pem"))).toEqual([`Pulumi.dev.yaml: homelab:vault.caCertFile: cannot read missing.pem (resolved against the project: ${path.join(dir, "missing.pem")})`]);
            expect(await problems(dir, vault("key.pem"))).toEqual(["Pulumi.dev.yaml: homelab:vault.caCertFile: key.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)"]);
            expect(await problems(dir, vault("half.pem"))).toEqual(["Pulumi.dev.yaml: homelab:vault.caCertFile: half.pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)"]);
        });

        it("is not read with config problems, which are reported alone", async () => {
            const dir = project({ "vms/a.yaml": vmFile("a") });
            expect(await problems(dir, { ...vault("missing.pem"), vaultToken: undefined })).toEqual([
                "Pulumi.dev.yaml: homelab:vaultToken: is required with homelab:vault.address; set it with `pulumi config set --secret homelab:vaultToken <token>`",
            ]);
        });
    });

    it("warns about a password in the VM file of a VM this stack creates, and only then", async () => {
        const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
        const dir = project({
            "vms/a.yaml": vmFile("a", { ciuser: "ops", cipassword: "hunter2" }),
            "vms/b.yaml": vmFile("b", { ciuser: "ops", ipconfig0: "ip=192.168.1.51/24" }),
            "vms/c.yaml": vmFile("c", { ciuser: "ops", cipassword: "hunter2", ipconfig0: "ip=192.168.1.52/24" }),
        });
        await load(dir, config({ standaloneVms: ["a", "b"] }));
        expect(warn.mock.calls).toEqual([["vms/a.yaml: cipassword: a password in a VM file is committed in plaintext; it is kept secret in state, but prefer SSH keys (sshkeys) and remove it"]]);
    });
});
