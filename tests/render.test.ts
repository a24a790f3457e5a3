import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { collectArtefacts, registerArtefact, resetArtefacts } from "../components/core/artefacts";
import * as pulumi from "@pulumi/pulumi";
import { renderCli } from "../render/cli";
import { readStackConfig } from "../render/stackConfig";
import { PROJECT_DIR } from "./helpers";
import { run as runTool } from "./validators";

/** The offline render as users run it: `npm run render -- <stack>`, a real child process. */
const RENDER_SCRIPT = "node --require ./loader/register.js render/cli.ts";
function render(...args: string[]) {
    return spawnSync(process.execPath, [...RENDER_SCRIPT.split(" ").slice(1), ...args], {
        cwd: PROJECT_DIR,
        encoding: "utf8",
        env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_ACCESS_TOKEN: undefined },
    });
}

/** The same CLI in-process, for cases that need no real process (it takes seconds to start one). */
async function renderInProcess(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await renderCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
}

describe("npm run render", () => {
    const out = path.join(PROJECT_DIR, "out", "prod");
    let result: ReturnType<typeof render>;
    beforeAll(() => {
        result = render("prod");
    });

    it("is the npm script, run through the project's esbuild loader", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        expect(pkg.scripts.render).toBe(RENDER_SCRIPT);
    });

    it("succeeds with no credentials and prints the tree with every VM", () => {
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        for (const vm of ["haproxy", "k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3", "k8s-prod-worker-1", "k8s-prod-worker-2"]) {
            expect(result.stdout).toContain(`└─ ${vm}-vm (proxmoxve:index/vmLegacy:VmLegacy)  `);
        }
        // 45 for hosts, the cluster and its readiness, 6 for the Vault writes, 112 for the platform services,
        // 15 for the secrets layer (external-secrets, its namespace and policies, the store, cluster-secrets),
        // 7 for prod as an Argo CD destination (its component, client certificate, ClusterRoleBinding, Vault entry),
        // 32 for the edge collectors and Argo Rollouts; 8 files for the hosts and cluster, 94 for the services,
        // 12 for the secrets layer, 1 for the binding, 24 for the edge collectors and Argo Rollouts.
        expect(result.stdout).toContain("217 resources, 139 artefacts");
    });

    it("writes the resource list, outputs, graph, tree and user-data", () => {
        expect(fs.readdirSync(out).sort()).toEqual(["cloud-init", "graph.mmd", "haproxy", "helm", "k8s", "outputs.json", "resources.json", "tree.txt", "vault"]);
        expect(fs.readdirSync(path.join(out, "helm", "prod")).sort()).toEqual(
            [
                "argo-rollouts", "cert-manager", "external-dns-cloudflare", "external-dns-pihole", "external-secrets", "fluent-bit", "istio-base", "istio-ingress", "istiod", "metallb",
                "metrics-server", "otel-collector", "prometheus-agent", "velero",
            ].map((r) => `${r}.values.yaml`),
        );
        expect(fs.readdirSync(path.join(out, "haproxy"))).toEqual(["prod.cfg"]);
        expect(fs.readdirSync(path.join(out, "vault"))).toEqual(["policy-prod.hcl"]);
        const checked = runTool("haproxy", ["-c", "-f", path.join(out, "haproxy", "prod.cfg")]);
        expect([checked.status, checked.output]).toEqual([0, "Configuration file is valid\n"]);
        expect(fs.readdirSync(path.join(out, "cloud-init")).sort()).toEqual(
            ["haproxy", "k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3", "k8s-prod-worker-1", "k8s-prod-worker-2"].map((n) => `${n}.user-data.yaml`),
        );
        const resources = JSON.parse(fs.readFileSync(path.join(out, "resources.json"), "utf8")) as { type: string; name: string; parent: string | null; dependencies: string[]; inputs: Record<string, unknown> }[];
        // 163, the secrets layer (15), prod as an Argo CD destination (its component, client certificate (4), ClusterRoleBinding
        // and Vault entry), and the edge collectors and Argo Rollouts (32).
        expect(resources).toHaveLength(217);
        // The readiness resource's serialized provider code is not the render's business.
        expect(resources.find((r) => r.name === "prod-ready")!.inputs.__provider).toBe("<serialized dynamic provider>");
        // The tools stack's Vault is read at run time: offline, its address, mount and token are unknown.
        expect(resources.find((r) => r.type === "pulumi:providers:vault")!.inputs).toMatchObject({ address: "<computed>", token: "<computed>" });
        expect(resources.find((r) => r.type === "pulumi:pulumi:StackReference")!.inputs).toEqual({ name: "organization/homelab/tools" });
        const vm = resources.find((r) => r.name === "k8s-prod-cp-1-vm")!;
        expect(vm.parent).toBe("urn:pulumi:prod::homelab::homelab:cluster:KubeadmCluster$homelab:hosts:ProxmoxVm::k8s-prod-cp-1");
        // Its image, its user-data snippet, and the load balancer's VM it boots after.
        expect(vm.dependencies).toEqual([
            "urn:pulumi:prod::homelab::homelab:hosts:ImageLibrary$proxmoxve:download/file:File::image-cloud-node01",
            "urn:pulumi:prod::homelab::homelab:hosts:ProxmoxVm$proxmoxve:index/fileLegacy:FileLegacy::k8s-prod-cp-1-user-data",
            "urn:pulumi:prod::homelab::homelab:hosts:ProxmoxVm$proxmoxve:index/vmLegacy:VmLegacy::haproxy-vm",
        ]);
        // The snippet's volume id is known before the upload (see ProxmoxVm), so a user-data edit never previews as a new VM.
        expect((vm.inputs.initialization as { userDataFileId: string }).userDataFileId).toBe("local:snippets/k8s-prod-cp-1-user-data.yaml");
        // Preview: what providers compute is unknown, as in `pulumi preview`.
        expect(resources.find((r) => r.name === "prod-k8s")!.inputs.kubeconfig).toBe("<computed>");
        const graph = fs.readFileSync(path.join(out, "graph.mmd"), "utf8");
        expect(graph.split("\n")[0]).toBe("graph TD");
        // One solid edge per recorded dependency.
        expect(graph.match(/ --> /g)).toHaveLength(resources.reduce((n, r) => n + r.dependencies.length, 0));
    });

    it("masks secrets everywhere it writes", () => {
        const written = ["resources.json", "outputs.json", "tree.txt", "cloud-init/k8s-prod-cp-1.user-data.yaml"].map((f) => fs.readFileSync(path.join(out, f), "utf8")).join("\n");
        expect(written).toContain('"apiToken": "[secret]"');
        expect(written).toContain('"kubeconfig": "<computed>"');
        expect(written).toContain("/etc/kubernetes/pki-seed/ca.key\n    content: |\n      <redacted: secret>\n");
        expect(written).not.toContain("render@pve!offline");
        expect(written).not.toContain("BEGIN");
    });

    it("writes Talos machine configs, redacted, for the dev stack", async () => {
        const dev = await renderInProcess("dev");
        expect([dev.code, dev.err]).toEqual([0, ""]);
        const talos = path.join(PROJECT_DIR, "out", "dev", "talos");
        expect(fs.readdirSync(talos).sort()).toEqual(["k8s-dev-worker-1.machine-config.yaml", "k8s-dev.machine-config.yaml"]);
        const config = fs.readFileSync(path.join(talos, "k8s-dev.machine-config.yaml"), "utf8");
        expect(config).toContain("  token: '<redacted: secret>'\n");
        expect(config).toContain("    endpoint: https://192.168.1.12:6443\n");
        expect(config).not.toContain("BEGIN");
    });

    it("exits non-zero with the validation report on bad input, writing nothing", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-render-"));
        for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml"]) {
            fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
        }
        fs.cpSync(path.join(PROJECT_DIR, "vms"), path.join(dir, "vms"), { recursive: true });
        const worker = path.join(dir, "vms", "k8s-dev-worker-1.yaml");
        fs.writeFileSync(worker, fs.readFileSync(worker, "utf8").replace("192.168.1.23/24", "192.168.2.23/24"));
        const bad = render("dev", "--project-dir", dir);
        expect(bad.stderr).toBe(
            "invalid platform definition: 1 problem found, nothing was created:\n  - vms/k8s-dev-worker-1.yaml: ipconfig0: 192.168.2.23 is not inside 192.168.1.0/24\n",
        );
        expect(bad.status).toBe(1);
        expect(fs.existsSync(path.join(dir, "out"))).toBe(false);
    });

    it("names a stack file it cannot find", async () => {
        const bad = await renderInProcess("nosuchstack");
        expect([bad.code, bad.err]).toEqual([1, `no stack file Pulumi.nosuchstack.yaml in ${PROJECT_DIR}\n`]);
    });

    it("names a stack file that is not YAML", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfile-"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.lab.yaml"), "config:\n  homelab:clusters:\n    - name: lab\n   role: tools\n");
        expect(() => readStackConfig(dir, "lab")).toThrow(/^Pulumi\.lab\.yaml: bad indentation of a mapping entry \(4:4\)/);
    });

    it("says how to call it without a stack", async () => {
        const usage = await renderInProcess();
        expect([usage.code, usage.err]).toEqual([2, "usage: npm run render -- <stack> [--project-dir DIR]   (stacks: dev, prod, tools)\n"]);
    });
});

describe("artefacts", () => {
    it("refuse to carry a secret: components must redact before registering", async () => {
        resetArtefacts();
        registerArtefact("ok.txt", "fine");
        registerArtefact("leak.txt", pulumi.secret("token") as unknown as string);
        await expect(collectArtefacts()).rejects.toThrow("artefacts must be redacted before registering, but these carry secrets: leak.txt");
        resetArtefacts();
        registerArtefact("b.txt", "2");
        registerArtefact("a.txt", "1");
        await expect(collectArtefacts()).resolves.toEqual([{ path: "a.txt", content: "1" }, { path: "b.txt", content: "2" }]);
    });
});
