import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { clusterIdentifier } from "../components/clusters/access/clusterAccess";
import { K3sCluster } from "../components/clusters/k3s/k3sCluster";
import { talosImage } from "../components/clusters/talos/image";
import { IssueCollector } from "../components/core/issues";
import { ImageLibrary } from "../components/hosts/imageLibrary";
import { parseVmFile, VmDefinition } from "../components/hosts/vmDefinition";
import type { ClusterConfig, PlatformConfig } from "../config/config";
import { ProgramRun, RecordedResource, runProgram, UNKNOWN } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import { baseConfig, byName, makeProject, PLATFORM_SECRETS, platformFields, PROJECT_DIR, reportLines, runStack, vmYaml } from "./helpers";
import { realisticMocks } from "./mocks";
import { stackRun } from "./stackRuns";

/**
 * What a real `pulumi up`, `preview` and `destroy` do to a running homelab depends on resource
 * options and a few inputs; these tests read them off the recorded registrations.
 */

const STACKS = ["tools", "dev", "prod"] as const;
const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const SNIPPET = "proxmoxve:index/fileLegacy:FileLegacy";
const READY = "pulumi-nodejs:dynamic/cluster:ApiReadiness";

/** One after the other: the mock runtime is process-wide, so two runs at once would mix their registrations. */
async function allStacks(): Promise<[string, ProgramRun][]> {
    const runs: [string, ProgramRun][] = [];
    for (const stack of STACKS) {
        runs.push([stack, (await stackRun(stack)).run]);
    }
    return runs;
}

const ofType = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);

describe("replacing and moving VMs", () => {
    it("replaces user-data snippets delete-first, so the fixed path is never deleted after the new upload", async () => {
        for (const [stack, run] of await allStacks()) {
            const snippets = ofType(run, SNIPPET);
            expect(snippets.length).toBeGreaterThan(0);
            expect(snippets.filter((r) => !r.deleteBeforeReplace).map((r) => `${stack}: ${r.name}`)).toEqual([]);
        }
        // The first test here runs the three committed stacks: on a busy machine that outlasts 30 s.
    }, 300_000);

    it("migrates a VM whose target_node changes, and replaces one delete-first, so one IP is never on the LAN twice", async () => {
        for (const [stack, run] of await allStacks()) {
            const vms = ofType(run, VM);
            expect(vms.map((r) => [stack, r.name, r.rawInputs.migrate, r.deleteBeforeReplace]).filter(([, , migrate, dbr]) => migrate !== true || dbr !== true)).toEqual([]);
            expect(vms.length).toBeGreaterThan(0);
        }
    });
});

describe("editing a VM's user-data", () => {
    it("replaces only the snippet: the VM names the snippet's volume id, known while the snippet is being replaced", async () => {
        const files = { "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.70/24,gw=192.168.1.1"' }) };
        const run = await runStack({
            config: { ...baseConfig(), standaloneVms: ["cp"] },
            projectDir: makeProject(files),
            preview: true,
            mocks: { newResource: (a) => (a.type === SNIPPET ? { id: undefined, state: {} } : realisticMocks.newResource(a)), call: realisticMocks.call },
        });
        const vm = byName(run, "cp-vm");
        expect((vm.inputs.initialization as { userDataFileId: string }).userDataFileId).toBe("local:snippets/cp-user-data.yaml");
        expect(vm.dependencies).toContain(byName(run, "cp-user-data").urn);
    });
});

describe("image downloads", () => {
    it("name every downloaded file after the stack, so two stacks never own one file on a node", async () => {
        const files: string[] = [];
        for (const [stack, run] of await allStacks()) {
            for (const r of ofType(run, "proxmoxve:download/file:File")) {
                expect(r.rawInputs.fileName).toMatch(new RegExp(`^${stack}-`));
                // A replacement creates the new file (another name) before deleting the old one: no delete-first needed.
                expect(r.deleteBeforeReplace).toBe(false);
                files.push(`${r.rawInputs.nodeName}/${r.rawInputs.datastoreId}/${r.rawInputs.fileName}`);
            }
        }
        // tools and prod both boot the Ubuntu image on node03; each now has its own file there.
        expect(files.filter((f) => f.startsWith("node03/local/") && f.endsWith("noble-server-cloudimg-amd64-20250805.qcow2")).sort()).toEqual([
            "node03/local/prod-noble-server-cloudimg-amd64-20250805.qcow2",
            "node03/local/tools-noble-server-cloudimg-amd64-20250805.qcow2",
        ]);
        expect(new Set(files).size).toBe(files.length);
    });

    const talosVm = (name: string, ip: string) => vmYaml(name, { ipconfig0: `"ip=${ip}/24,gw=192.168.1.1"`, ciuser: "", sshkeys: "" });
    const talos = (name: string, vm: string, version?: string, index = 0) => ({ name, role: "workload", distribution: "talos", controlPlanes: [vm], ...platformFields(index), ...(version ? { version } : {}) });

    it("refuses two Talos versions on one node: the library keeps one image of a kind per node", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [talos("a", "ta"), talos("b", "tb", "v1.11.3", 1)] },
            projectDir: makeProject({ "ta.yaml": talosVm("ta", "192.168.1.71"), "tb.yaml": talosVm("tb", "192.168.1.72") }),
        });
        expect(reportLines(run)).toEqual([
            `Pulumi.test.yaml: homelab:clusters[1].version: tb on node03 needs ${talosImage("v1.11.3").fileName}, but homelab:clusters[0].version already puts ${talosImage("v1.11.5").fileName} there, and a node holds one talos image per stack: use one version`,
        ]);
        expect(run.resources).toEqual([]);
    });

    it("refuses two images under one file name on one node", async () => {
        const talosFile = talosImage("v1.11.5").fileName;
        const run = await runStack({
            config: { ...baseConfig(), clusters: [talos("a", "ta")], standaloneVms: ["host"], cloudImage: { url: "https://images.example/host.qcow2", fileName: talosFile } },
            projectDir: makeProject({ "ta.yaml": talosVm("ta", "192.168.1.71"), "host.yaml": vmYaml("host", { ipconfig0: '"ip=192.168.1.73/24,gw=192.168.1.1"' }) }),
        });
        expect(reportLines(run)).toEqual([
            `Pulumi.test.yaml: homelab:cloudImage.fileName: local:import/test-${talosFile} on node03 would hold both https://images.example/host.qcow2 and ${talosImage("v1.11.5").url} (homelab:clusters[0].version): give the images different file names`,
        ]);
        expect(run.resources).toEqual([]);
    });
});

describe("cluster identity", () => {
    it("keeps every random value secret in state: RandomString results are listed as additional secret outputs", async () => {
        for (const [, run] of await allStacks()) {
            for (const r of run.resources.filter((x) => x.type.startsWith("random:"))) {
                // The RandomPassword and RandomBytes SDKs list their results themselves; RandomString does not.
                const expected = { "random:index/randomString:RandomString": ["result"], "random:index/randomPassword:RandomPassword": ["bcryptHash", "result"], "random:index/randomBytes:RandomBytes": ["base64", "hex"] }[r.type];
                expect([r.name, [...r.additionalSecretOutputs].sort()]).toEqual([r.name, expected]);
            }
        }
        const { run } = await stackRun("dev");
        expect(ofType(run, "random:index/randomString:RandomString").map((r) => r.name).sort()).toEqual(
            ["dev-cluster-token-id", "dev-cluster-token-secret", "dev-machine-token-id", "dev-machine-token-secret"],
        );
    });

    it("protects the Talos cluster's tokens, id, secret and secretbox key with its CAs", async () => {
        const { run } = await stackRun("dev");
        const protectedNames = run.resources.filter((r) => r.protect).map((r) => r.name).sort();
        expect(protectedNames).toEqual(
            [
                ...["os-ca", "kubernetes-ca", "aggregator-ca", "etcd-ca"].flatMap((n) => [`dev-${n}-cert`, `dev-${n}-key`]),
                "dev-service-account-key",
                ...["machine-token-id", "machine-token-secret", "cluster-token-id", "cluster-token-secret", "cluster-id", "cluster-secret", "secretbox-secret"].map((n) => `dev-${n}`),
            ].sort(),
        );
    });

    it("protects K3s's and kubeadm's shared tokens", async () => {
        expect(byName((await stackRun("tools")).run, "tools-token").protect).toBe(true);
        const prod = (await stackRun("prod")).run;
        expect([byName(prod, "prod-token-id").protect, byName(prod, "prod-token-secret").protect]).toEqual([true, true]);
    });
});

describe("Talos bootstrap", () => {
    const node = (name: string, ip: string, vmid: number) => vmYaml(name, { ipconfig0: `"ip=${ip}/24,gw=192.168.1.1"`, ciuser: "", sshkeys: "", vmid: String(vmid) });

    it("is re-run when the single control plane is replaced: its VM id is the command's trigger", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [{ name: "lab", role: "workload", distribution: "talos", controlPlanes: ["t1"], workers: ["t2"], ...platformFields(0) }] },
            projectDir: makeProject({ "t1.yaml": node("t1", "192.168.1.71", 301), "t2.yaml": node("t2", "192.168.1.72", 302) }),
        });
        expect(run.error).toBeUndefined();
        expect(byName(run, "lab-bootstrap").rawInputs.triggers).toEqual(["301"]);
    });

    it("is not re-run for a replaced node of several control planes, which rejoins etcd instead", async () => {
        const run = await runStack({
            config: { ...baseConfig(), clusters: [{ name: "lab", role: "workload", distribution: "talos", controlPlanes: ["t1", "t2", "t3"], vip: "192.168.1.79", ...platformFields(0) }] },
            projectDir: makeProject({ "t1.yaml": node("t1", "192.168.1.71", 301), "t2.yaml": node("t2", "192.168.1.72", 302), "t3.yaml": node("t3", "192.168.1.73", 303) }),
        });
        expect(run.error).toBeUndefined();
        expect(byName(run, "lab-bootstrap").rawInputs.triggers).toEqual([]);
    });
});

describe("readiness and the cluster's provider", () => {
    const files = {
        "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.70/24,gw=192.168.1.1"', vmid: "201" }),
        "wk.yaml": vmYaml("wk", { ipconfig0: '"ip=192.168.1.71/24,gw=192.168.1.1"', vmid: "202" }),
    };
    const config = { ...baseConfig(), clusters: [{ name: "lab", role: "workload", distribution: "k3s", controlPlanes: ["cp"], workers: ["wk"], ...platformFields(0) }] };

    /** A preview in which `unknown` resources are being replaced: the provider has not computed their outputs. */
    function previewReplacing(unknown: (args: pulumi.runtime.MockResourceArgs) => boolean): pulumi.runtime.Mocks {
        return {
            newResource: (args) => (unknown(args) ? { id: undefined, state: {} } : realisticMocks.newResource(args)),
            call: realisticMocks.call,
        };
    }

    it("is a resource that waits on the nodes' VM ids, with the admin key secret", async () => {
        const run = await runStack({ config, projectDir: makeProject(files) });
        const ready = byName(run, "lab-ready");
        expect(ready.type).toBe(READY);
        expect(ready.rawInputs).toMatchObject({ clusterName: "lab", endpoint: "https://192.168.1.70:6443", nodeIds: ["201", "202"], timeoutMs: 1200000, intervalMs: 5000, requestTimeoutMs: 10000 });
        expect(ready.secretPaths).toEqual(["clientKeyPem"]);
        expect(ready.dependencies.filter((d) => d.includes(VM))).toEqual([
            `urn:pulumi:test::homelab::homelab:hosts:ProxmoxVm$${VM}::cp-vm`,
            `urn:pulumi:test::homelab::homelab:hosts:ProxmoxVm$${VM}::wk-vm`,
        ]);
        const provider = byName(run, "lab-k8s");
        expect(provider.dependencies).toContain(ready.urn);
        expect(provider.dependencies.filter((d) => d.includes(VM))).toEqual([]);
    });

    it("keeps the provider's kubeconfig and identifier known in a preview that replaces a node", async () => {
        const run = await runStack({ config, projectDir: makeProject(files), preview: true, mocks: previewReplacing((a) => a.type === VM && a.name === "wk-vm") });
        expect(run.error).toBeUndefined();
        expect(byName(run, "lab-ready").inputs.nodeIds).toEqual(["201", UNKNOWN]);
        const provider = byName(run, "lab-k8s");
        const kubeconfig = yaml.load(provider.rawInputs.kubeconfig as string) as { clusters: { cluster: { server: string; "certificate-authority-data": string } }[] };
        expect(kubeconfig.clusters[0].cluster.server).toBe("https://192.168.1.70:6443");
        const caPem = Buffer.from(kubeconfig.clusters[0].cluster["certificate-authority-data"], "base64").toString();
        expect(provider.rawInputs.clusterIdentifier).toBe(clusterIdentifier("test", "lab", caPem));
        expect(provider.rawInputs.clusterIdentifier).toMatch(/^homelab\/test\/lab\/[0-9a-f]{16}$/);
    });

    it("keeps the identifier known while a renewed admin certificate leaves the kubeconfig unknown, so the provider updates, not replaces", async () => {
        const run = await runStack({
            config,
            projectDir: makeProject(files),
            preview: true,
            mocks: previewReplacing((a) => a.type === "tls:index/locallySignedCert:LocallySignedCert" && a.name === "lab-admin-cert"),
        });
        const provider = byName(run, "lab-k8s");
        expect(provider.inputs.kubeconfig).toBe(UNKNOWN);
        expect(provider.rawInputs.clusterIdentifier).toBe(clusterIdentifier("test", "lab", byName(run, "lab-ready").rawInputs.caCertPem as string));
    });
});

describe("explicit providers", () => {
    it("disables the default providers for kubernetes, proxmoxve and vault in Pulumi.yaml", () => {
        expect(JSON.parse(readStackConfig(PROJECT_DIR, "tools").config["pulumi:disable-default-providers"])).toEqual(["kubernetes", "proxmoxve", "vault"]);
    });

    it("gives every Kubernetes, Proxmox and Vault resource its provider explicitly", async () => {
        const vault = await runStack({
            config: { ...baseConfig(), clusters: [{ name: "lab", role: "workload", distribution: "k3s", controlPlanes: ["cp"], ...platformFields(0) }], vault: { address: "https://vault.home.arpa:8200" }, vaultToken: "hvs.test" },
            secretKeys: [...PLATFORM_SECRETS, "homelab:proxmoxApiToken", "homelab:vaultToken"],
            projectDir: makeProject({ "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.70/24,gw=192.168.1.1"' }) }),
        });
        expect(vault.error).toBeUndefined();
        const runs: [string, ProgramRun][] = [...(await allStacks()), ["test", vault]];
        const checked = new Set<string>();
        for (const [stack, run] of runs) {
            for (const r of run.resources.filter((x) => /^(kubernetes|proxmoxve|vault):/.test(x.type))) {
                const pkg = r.type.split(":")[0];
                checked.add(pkg);
                expect([r.name, providerOf(r)]).toEqual([r.name, { stack, pkg }]);
            }
        }
        expect([...checked].sort()).toEqual(["kubernetes", "proxmoxve", "vault"]);
    });

    /** The stack and package of the explicit provider a resource names; default providers are `default_*`. */
    function providerOf(r: RecordedResource): { stack: string; pkg: string } | undefined {
        const match = /^urn:pulumi:([^:]+)::homelab::(?:[^$]*\$)?pulumi:providers:([a-z]+)::(?!default)[^:]+::/.exec(r.provider ?? "");
        return match ? { stack: match[1], pkg: match[2] } : undefined;
    }
});

describe("component checks", () => {
    function vm(file: string, text: string): VmDefinition {
        const issues = new IssueCollector();
        const parsed = parseVmFile(file, text, issues.forFile(file));
        issues.throwIfAny();
        return parsed.vm!;
    }

    it("reports nodes without a static address, by path, before the cluster creates any child", async () => {
        const dhcp = vm("vms/cp.yaml", vmYaml("cp", { ipconfig0: '"ip=dhcp"' }));
        const noAddress = vm("vms/wk.yaml", vmYaml("wk", { ipconfig0: "" }));
        const cluster: ClusterConfig = { index: 0, name: "lab", role: "workload", distribution: "k3s", version: "v1.34.1+k3s1", controlPlanes: ["cp"], workers: ["wk"], podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12", loadBalancerPool: undefined, services: {} } as unknown as ClusterConfig;
        const base = baseConfig() as { proxmox: { nodes: Record<string, { address: string; cores: number; memoryMiB: number }> }; networks: PlatformConfig["networks"] };
        const config = {
            stack: "test",
            proxmox: {
                endpoint: "https://pve.home.arpa:8006/", insecure: false, apiToken: pulumi.output("t"), ssh: { username: "root", agent: true },
                nodes: Object.fromEntries(Object.entries(base.proxmox.nodes).map(([name, n]) => [name, { name, ...n }])), templates: {}, snippetDatastore: "local", imageDatastore: "local",
            },
            networks: { vmbr0: { ...base.networks.vmbr0, bridge: "vmbr0" } },
            cloudImage: { url: "https://images.example/ubuntu.qcow2", fileName: "ubuntu.qcow2" },
            protectVms: false,
        } satisfies Pick<PlatformConfig, "stack" | "proxmox" | "networks" | "cloudImage" | "protectVms">;
        let caught: unknown;
        const run = await runProgram({
            stack: "test",
            config: {},
            secretKeys: [],
            preview: true,
            prepare: () => async () => {
                const images = new ImageLibrary("images", { datastoreId: "local", stack: "test" });
                try {
                    new K3sCluster("lab", { cluster, controlPlanes: [dhcp], workers: [noAddress], config, images });
                } catch (error) {
                    caught = error;
                }
                return {};
            },
        });
        expect(pulumi.InputPropertiesError.isInstance(caught)).toBe(true);
        const error = caught as pulumi.InputPropertiesError;
        expect(error.message).toBe("invalid arguments for K3sCluster lab");
        expect(error.errors).toEqual([
            { propertyPath: "controlPlanes[0]", reason: "vms/cp.yaml: ipconfig0: a cluster node needs a static IPv4 address, not dhcp" },
            { propertyPath: "workers[0]", reason: "vms/wk.yaml: ipconfig0: a cluster node needs a static IPv4 address, not none" },
        ]);
        const component = byName(run, "lab");
        expect(run.resources.filter((r) => r.parent === component.urn)).toEqual([]);
        expect(run.resources.map((r) => r.type).sort()).toEqual(["homelab:cluster:K3sCluster", "homelab:hosts:ImageLibrary", "pulumi:pulumi:Stack"]);
    });
});
