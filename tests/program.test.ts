import * as fs from "fs";
import * as path from "path";
import { REDACTED } from "../components/core/artefacts";
import { sha512Crypt, stableSalt } from "../components/hosts/shaCrypt";
import { ProgramRun, SECRET_MASK } from "../render/harness";
import { stackRun } from "./stackRuns";
import { cloudInitSchema } from "./validators";
import { baseConfig, byName, snippetOf, FIXTURE_NODES, FIXTURES, isVaultLayer, makeProject, registeredExceptStack, reportLines, runStack, withoutPlatform } from "./helpers";

const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const SNIPPET = "proxmoxve:index/fileLegacy:FileLegacy";
const IMAGE = "proxmoxve:download/file:File";
/** The pinned cloud image as a stack downloads it: under a file name prefixed with the stack. */
const imageId = (stack: string) => `local:import/${stack}-noble-server-cloudimg-amd64-20250805.qcow2`;
const SECRET_CONTENT = "<redacted: secret>";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzZZXBb5ydVICjj6GbT1nSntMJ4Ga72rGU6BuNAY1Or operator@homelab";

async function renderStack(stack: string): Promise<ProgramRun> {
    return (await stackRun(stack)).run;
}

function typesAndNames(run: ProgramRun): string[] {
    return run.resources.map((r) => `${r.type}::${r.name}`).sort();
}

function hostResources(vm: string): string[] {
    return [`homelab:hosts:ProxmoxVm::${vm}`, `${SNIPPET}::${vm}-user-data`, `${VM}::${vm}-vm`];
}

describe("the tools stack", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await renderStack("tools");
    });

    it("registers the provider, one image, no standalone host and both clusters' nodes", () => {
        expect(run.error).toBeUndefined();
        // The platform layer on top is tests/platform.test.ts's; the Vault layer is checked in tests/vault.test.ts.
        const hostLevel = typesAndNames({ ...run, resources: withoutPlatform(run.resources) }).filter((t) => !/^(tls|random|homelab:pki|pulumi:providers:kubernetes|homelab:vault|vault:|pulumi:providers:vault|pulumi-nodejs:dynamic)/.test(t));
        expect(hostLevel).toEqual([
            `${IMAGE}::image-cloud-node03`,
            "homelab:cluster:K3sCluster::observability",
            "homelab:cluster:K3sCluster::tools",
            "homelab:hosts:HostFleet::hosts",
            "homelab:hosts:ImageLibrary::images",
            ...hostResources("k8s-observability"),
            ...hostResources("k8s-tools"),
            "pulumi:providers:proxmoxve::proxmox",
            "pulumi:pulumi:Stack::homelab-tools",
        ].sort());
    });

    it("gives k8s-tools exactly the VM arguments its file describes", () => {
        const vm = byName(run, "k8s-tools-vm");
        expect(vm.rawInputs).toEqual({
            name: "k8s-tools",
            nodeName: "node03",
            description: "Managed by Pulumi from vms/k8s-tools.yaml",
            tags: ["control-plane", "homelab", "tools"],
            cpu: { cores: 8, sockets: 2, type: "host" },
            memory: { dedicated: 32768 },
            onBoot: true,
            started: true,
            scsiHardware: "virtio-scsi-single",
            agent: { enabled: true, trim: true, waitForIp: { ipv4: true } },
            operatingSystem: { type: "l26" },
            bootOrders: ["scsi0"],
            disks: [{ interface: "scsi0", datastoreId: "local-lvm", size: 230, fileFormat: "raw", importFrom: imageId("tools") }],
            networkDevices: [{ bridge: "vmbr0", model: "virtio", firewall: false }],
            initialization: {
                datastoreId: "local-lvm",
                interface: "ide1",
                ipConfigs: [{ ipv4: { address: "192.168.1.15/24", gateway: "192.168.1.1" }, ipv6: { address: "dhcp" } }],
                dns: { servers: ["192.168.1.3"], domain: "home.arpa" },
                userDataFileId: "local:snippets/k8s-tools-user-data.yaml",
            },
            serialDevices: [{ device: "socket" }],
            stopOnDestroy: true,
            migrate: true,
        });
        expect(vm.ignoreChanges).toEqual(["cdrom", "bootOrders", "networkDevices[0].macAddress", "disks[0].importFrom"]);
        expect(vm.protect).toBe(false);
        expect(vm.dependencies).toEqual([
            "urn:pulumi:tools::homelab::homelab:hosts:ImageLibrary$proxmoxve:download/file:File::image-cloud-node03",
            "urn:pulumi:tools::homelab::homelab:hosts:ProxmoxVm$proxmoxve:index/fileLegacy:FileLegacy::k8s-tools-user-data",
        ]);
    });

    it("clones k8s-observability from the template by id, with no image import", () => {
        const vm = byName(run, "k8s-observability-vm").rawInputs as Record<string, unknown>;
        expect(vm.clone).toEqual({ vmId: 9000, full: true });
        expect(vm.disks).toEqual([{ interface: "scsi0", datastoreId: "data2", size: 30, fileFormat: "raw" }]);
        expect(byName(run, "k8s-observability-vm").ignoreChanges).toEqual(["cdrom", "bootOrders", "networkDevices[0].macAddress"]);
    });

    it("uploads each user-data snippet to the VM's node, secret, with a redacted copy for review", () => {
        const snippet = byName(run, "k8s-tools-user-data");
        expect(snippet.inputs).toEqual({ contentType: "snippets", datastoreId: "local", nodeName: "node03", sourceRaw: { data: SECRET_MASK, fileName: "k8s-tools-user-data.yaml" } });
        expect((snippet.rawInputs.sourceRaw as { data: string }).data).toContain(`ssh_authorized_keys:\n      - ${KEY}\n`);
        const artefact = run.artefacts.find((a) => a.path === "cloud-init/k8s-tools.user-data.yaml")!.content;
        expect(artefact).toContain(`ssh_authorized_keys:\n      - ${KEY}\n`);
        expect(artefact).toContain(`token: '${SECRET_CONTENT}'`);
        expect(artefact).not.toContain("BEGIN");
    });

    it("imports the pinned cloud image once on the node that needs it, under a name only this stack uses", () => {
        expect(byName(run, "image-cloud-node03").rawInputs).toEqual({
            contentType: "import",
            datastoreId: "local",
            nodeName: "node03",
            url: "https://cloud-images.ubuntu.com/noble/20250805/noble-server-cloudimg-amd64.img",
            fileName: "tools-noble-server-cloudimg-amd64-20250805.qcow2",
        });
    });

    it("configures the provider with the API token as a secret and SSH for every node", () => {
        const provider = byName(run, "proxmox");
        expect(provider.secretPaths).toEqual(["apiToken"]);
        expect(provider.inputs.apiToken).toBe(SECRET_MASK);
        expect(provider.inputs.endpoint).toBe("https://192.168.1.5:8006/");
        expect(JSON.parse(provider.rawInputs.ssh as string)).toEqual({
            username: "root",
            agent: true,
            nodes: [
                { name: "node01", address: "192.168.1.5" },
                { name: "node02", address: "192.168.1.6" },
                { name: "node03", address: "192.168.1.7" },
            ],
        });
    });

    it("sends every Proxmox resource through that provider", () => {
        const proxmoxResources = run.resources.filter((r) => r.type.startsWith("proxmoxve:"));
        expect(proxmoxResources).toHaveLength(5);
        for (const r of proxmoxResources) {
            expect(r.provider?.startsWith("urn:pulumi:tools::homelab::pulumi:pulumi:Stack$pulumi:providers:proxmoxve::proxmox::")).toBe(true);
        }
    });

    it("exports a summary of its hosts", () => {
        expect(run.rawOutputs.hosts).toEqual({
                "k8s-observability": { vmId: 0, node: "node03", ipv4: "192.168.1.20", cluster: "observability", role: "control-plane" },
                "k8s-tools": { vmId: 0, node: "node03", ipv4: "192.168.1.15", cluster: "tools", role: "control-plane" },
        });
        expect(Object.keys(run.rawOutputs.clusters as object).sort()).toEqual(["observability", "tools"]);
    });
});

describe("the prod stack", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await renderStack("prod");
    });

    it("creates three control planes, two workers and the HAProxy VM, with images on each node", () => {
        expect(registeredExceptStack(run).filter((r) => r.startsWith(VM)).sort()).toEqual(
            ["haproxy", "k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3", "k8s-prod-worker-1", "k8s-prod-worker-2"].map((n) => `${VM}::${n}-vm`),
        );
        expect(registeredExceptStack(run).filter((r) => r.startsWith(IMAGE)).sort()).toEqual(["node01", "node02", "node03"].map((n) => `${IMAGE}::image-cloud-${n}`));
        // 45, and the key, request and certificate of Argo CD's client certificate (their URNs name
        // only their parent ClientCertificate, not the platform component above it).
        expect(withoutPlatform(run.resources).filter((r) => !isVaultLayer(r))).toHaveLength(48);
    });

    it("protects the VMs, CAs, service-account key and bootstrap token, and nothing else", () => {
        const protectedTypes = [...new Set(run.resources.filter((r) => r.protect).map((r) => r.type))].sort();
        expect(protectedTypes).toEqual([VM, "random:index/randomString:RandomString", "tls:index/privateKey:PrivateKey", "tls:index/selfSignedCert:SelfSignedCert"].sort());
        expect(run.resources.filter((r) => r.protect && r.type === VM)).toHaveLength(6);
    });

    it("tags each VM with its stack, cluster and role, sorted", () => {
        expect(byName(run, "haproxy-vm").rawInputs.tags).toEqual(["homelab", "load-balancer", "prod"]);
        expect(byName(run, "k8s-prod-worker-2-vm").rawInputs.tags).toEqual(["homelab", "prod", "worker"]);
    });
});

describe("the dev stack", () => {
    it("creates the Talos control plane and worker VMs", async () => {
        const run = await renderStack("dev");
        expect(registeredExceptStack(run).filter((r) => r.startsWith(VM)).sort()).toEqual([`${VM}::k8s-dev-vm`, `${VM}::k8s-dev-worker-1-vm`]);
        expect(run.outputs.hosts).toEqual({
            "k8s-dev": { vmId: 0, node: "node03", ipv4: "192.168.1.12", cluster: "dev", role: "control-plane" },
            "k8s-dev-worker-1": { vmId: 0, node: "node03", ipv4: "192.168.1.23", cluster: "dev", role: "worker" },
        });
        expect(run.outputs.clusters).toEqual({ dev: { endpoint: "https://192.168.1.12:6443", kubeconfig: SECRET_MASK, vaultPath: "homelab/dev/dev/kubeconfig", talosconfig: SECRET_MASK } });
    });
});

function snippetData(run: ProgramRun): [string, string][] {
    return run.resources.filter((r) => r.type === SNIPPET).map((r) => [r.name, snippetOf(run, r.name.replace(/-user-data$/, ""))]);
}

describe("generated user-data", () => {
    it("of the dev stack is Talos machine config, not cloud-config", async () => {
        const snippets = snippetData(await renderStack("dev"));
        expect(snippets.map(([name, data]) => [name, data.startsWith("#cloud-config")])).toEqual([["k8s-dev-user-data", false], ["k8s-dev-worker-1-user-data", false]]);
    });

    it.each(["tools", "prod"])("of the %s stack passes cloud-init schema, snippet by snippet", async (stack) => {
        const run = await renderStack(stack);
        const snippets = snippetData(run);
        expect(snippets.length).toBeGreaterThanOrEqual(2);
        for (const [name, data] of snippets) {
            const result = cloudInitSchema(data);
            expect(`${name}: ${result.output.trim()}`).toBe(`${name}: Valid cloud-config: ${result.output.trim().split(": ").pop()}`);
            expect(result.status).toBe(0);
        }
    });
});

describe("the fixture fleet (the replaced homelab's eleven VM files)", () => {
    const files = Object.fromEntries(fs.readdirSync(FIXTURES).map((f) => [f, fs.readFileSync(path.join(FIXTURES, f), "utf8")]));
    const allVms = Object.keys(files).map((f) => f.replace(".yaml", "")).sort();

    it("finds that k8s-home asks node02 for 18 MiB more than its 32 GiB", async () => {
        const run = await runStack({ config: { ...baseConfig(), standaloneVms: allVms }, projectDir: makeProject(files) });
        expect(reportLines(run)).toEqual([
            "Pulumi.test.yaml: homelab:proxmox.nodes.node02.memoryMiB: VMs on node02 need 32786 MiB, 18 MiB more than its 32768 MiB (k8s-home: 32786)",
        ]);
        expect(run.resources).toEqual([]);
    });

    describe("with node02's budget raised", () => {
        let run: ProgramRun;
        beforeAll(async () => {
            const config = baseConfig();
            (config.proxmox as { nodes: typeof FIXTURE_NODES }).nodes.node02.memoryMiB = 40960;
            run = await runStack({ config: { ...config, standaloneVms: allVms }, projectDir: makeProject(files) });
        });

        it("creates all eleven VMs, with images on the three nodes that import one", () => {
            expect(run.error).toBeUndefined();
            expect(run.resources.filter((r) => r.type === VM)).toHaveLength(11);
            expect(run.resources.filter((r) => r.type === SNIPPET)).toHaveLength(11);
            expect(run.resources.filter((r) => r.type === IMAGE).map((r) => r.name)).toEqual(["image-cloud-node01", "image-cloud-node02", "image-cloud-node03"]);
            expect(run.resources).toHaveLength(11 * 3 + 3 + 4);
        });

        it("passes k8s-home's USB disk through by its host path", () => {
            expect(byName(run, "k8s-home-vm").rawInputs.disks).toEqual([
                { interface: "scsi0", datastoreId: "local-lvm", size: 100, fileFormat: "raw", importFrom: imageId("test") },
                { interface: "scsi1", datastoreId: "", pathInDatastore: "/dev/disk/by-id/usb-SanDisk_Extreme_55DD_24399K401631-0:0", fileFormat: "raw", replicate: true },
            ]);
        });

        it("disables the agent where the file does, so nothing waits for an IP", () => {
            expect(byName(run, "dns-vm").rawInputs.agent).toEqual({ enabled: false });
            expect(byName(run, "dns-user-data").rawInputs.sourceRaw).toEqual({
                data: "#cloud-config\nhostname: dns\nfqdn: dns.home.arpa\nmanage_etc_hosts: true\n",
                fileName: "dns-user-data.yaml",
            });
        });

        it("puts a cloud-init drive on haproxy, which names none, beside its boot disk", () => {
            const init = byName(run, "haproxy-vm").rawInputs.initialization as Record<string, unknown>;
            expect([init.datastoreId, init.interface]).toEqual(["local-lvm", "ide2"]);
            expect(byName(run, "haproxy-vm").rawInputs.cpu).toEqual({ cores: 1, sockets: 1, type: "x86-64-v2-AES" });
        });

        it("keeps boot-server stopped and off at boot", () => {
            const vm = byName(run, "boot-server-vm").rawInputs;
            expect([vm.started, vm.onBoot]).toEqual([false, false]);
        });

        it("keeps cipassword secret: hashed in the snippet, masked in inputs and artefacts", () => {
            const snippet = byName(run, "k8s-tools-user-data");
            expect(snippet.secretPaths).toEqual(["sourceRaw.data"]);
            expect((snippet.inputs.sourceRaw as { data: string }).data).toBe(SECRET_MASK);
            const data = (snippet.rawInputs.sourceRaw as { data: string }).data;
            expect(data).toContain(`hashed_passwd: ${sha512Crypt("change-me", stableSalt("homelab", "k8s-tools"))}\n`);
            expect(data).not.toContain("change-me");
            const artefact = run.artefacts.find((a) => a.path === "cloud-init/k8s-tools.user-data.yaml")!.content;
            expect(artefact).toContain(`hashed_passwd: '${REDACTED}'\n`);
            expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toContain("$6$");
        });

        it.each(["k8s-tools-user-data", "dns-user-data"])("%s, with a password hash or no user at all, passes cloud-init schema", (name) => {
            const data = snippetData(run).find(([n]) => n === name)![1];
            const result = cloudInitSchema(data);
            expect(result.output).toContain("Valid cloud-config");
            expect(result.status).toBe(0);
        });
    });
});
