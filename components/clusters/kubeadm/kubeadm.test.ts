import { X509Certificate, createPrivateKey, createPublicKey } from "crypto";
import * as yaml from "js-yaml";
import { haproxyConfig } from "./haproxy";
import { BOOTSTRAP_SCRIPT_CONTENT, prepareScript } from "./bootstrap";
import { ProgramRun } from "../../../render/harness";
import { byName, cloudConfigOf, withoutPlatform, writtenFile } from "../../../tests/helpers";
import { stackRun } from "../../../tests/stackRuns";
import { requireTool, run as runTool, writeTemp } from "../../../tests/validators";

const userData = cloudConfigOf;
const file = writtenFile;

function opensslDiscoveryHash(caPem: string): string {
    const ca = writeTemp("ca.crt", caPem);
    const pub = runTool("openssl", ["x509", "-pubkey", "-noout", "-in", ca]).output;
    const der = runTool("sh", ["-c", `openssl pkey -pubin -outform der -in ${writeTemp("pub.pem", pub)} | openssl dgst -sha256 -hex`]).output;
    return `sha256:${der.trim().split("= ").pop()}`;
}

describe("the prod stack's kubeadm HA cluster", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = (await stackRun("prod")).run;
        expect(run.error).toBeUndefined();
    });

    it("registers the PKI, token, admin certificate, the six VMs, the provider and the CNI", () => {
        const ca = (n: string) => [`homelab:pki:CertificateAuthority::prod-${n}`, `tls:index/privateKey:PrivateKey::prod-${n}-key`, `tls:index/selfSignedCert:SelfSignedCert::prod-${n}-cert`];
        const vm = (n: string) => [`homelab:hosts:ProxmoxVm::${n}`, `proxmoxve:index/fileLegacy:FileLegacy::${n}-user-data`, `proxmoxve:index/vmLegacy:VmLegacy::${n}-vm`];
        const prod = withoutPlatform(run.resources).filter((r) => r.urn.includes("homelab:cluster:KubeadmCluster") || r.name === "prod").map((r) => `${r.type}::${r.name}`);
        const nested = withoutPlatform(run.resources).filter((r) => /::(prod-|k8s-prod|haproxy)/.test(r.urn)).map((r) => `${r.type}::${r.name}`);
        expect([...new Set([...prod, ...nested])].sort()).toEqual(
            [
                "homelab:cluster:KubeadmCluster::prod",
                ...["ca", "front-proxy-ca", "etcd-ca"].flatMap(ca),
                "tls:index/privateKey:PrivateKey::prod-service-account-key",
                "random:index/randomString:RandomString::prod-token-id",
                "random:index/randomString:RandomString::prod-token-secret",
                "homelab:pki:ClientCertificate::prod-admin",
                "tls:index/privateKey:PrivateKey::prod-admin-key",
                "tls:index/certRequest:CertRequest::prod-admin-csr",
                "tls:index/locallySignedCert:LocallySignedCert::prod-admin-cert",
                "pulumi:providers:kubernetes::prod-k8s",
                "pulumi-nodejs:dynamic/cluster:ApiReadiness::prod-ready",
                "kubernetes:helm.sh/v3:Release::prod-cilium",
                ...["haproxy", "k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3", "k8s-prod-worker-1", "k8s-prod-worker-2"].flatMap(vm),
            ].sort(),
        );
        expect(byName(run, "prod-token-id").rawInputs).toEqual({ length: 6, upper: false, special: false });
        expect(byName(run, "prod-token-secret").rawInputs).toEqual({ length: 16, upper: false, special: false });
    });

    it("puts HAProxy in front of the three control planes, with a config haproxy -c accepts", () => {
        requireTool("haproxy", "haproxy");
        const data = userData(run, "haproxy");
        expect(data.packages).toEqual(["qemu-guest-agent", "haproxy"]);
        expect(data.write_files.map((f) => [f.path, f.defer])).toEqual([["/etc/haproxy/haproxy.cfg", true]]);
        const config = file(data, "/etc/haproxy/haproxy.cfg")!;
        expect(config.split("\n").filter((l) => l.trim().startsWith("server "))).toEqual([
            "    server k8s-prod-cp-1 192.168.1.31:6443 check verify none",
            "    server k8s-prod-cp-2 192.168.1.32:6443 check verify none",
            "    server k8s-prod-cp-3 192.168.1.33:6443 check verify none",
        ]);
        // The whole file is haproxy.test.ts's exact artefact, with this cluster's control planes.
        expect(config).toBe(haproxyConfig([31, 32, 33].map((n, i) => ({ name: `k8s-prod-cp-${i + 1}`, address: `192.168.1.${n}` }))));
        const checked = runTool("haproxy", ["-c", "-f", writeTemp("haproxy.cfg", config)]);
        expect(checked.output).toBe("Configuration file is valid\n");
        expect(checked.status).toBe(0);
        expect(data.runcmd.slice(1)).toEqual([["systemctl", "enable", "haproxy"], ["systemctl", "restart", "haproxy"]]);
    });

    it("boots the control planes only once the load balancer VM exists; workers and the load balancer wait for nothing", () => {
        const lbVm = "urn:pulumi:prod::homelab::homelab:hosts:ProxmoxVm$proxmoxve:index/vmLegacy:VmLegacy::haproxy-vm";
        const waitsForLb = (vm: string) => byName(run, `${vm}-vm`).dependencies.includes(lbVm);
        expect(["k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3", "k8s-prod-worker-1", "k8s-prod-worker-2"].map((vm) => [vm, waitsForLb(vm)])).toEqual([
            ["k8s-prod-cp-1", true],
            ["k8s-prod-cp-2", true],
            ["k8s-prod-cp-3", true],
            ["k8s-prod-worker-1", false],
            ["k8s-prod-worker-2", false],
        ]);
        expect(byName(run, "haproxy-vm").dependencies.filter((d) => d.includes("vmLegacy"))).toEqual([]);
    });

    it("gives every node the prepare script for its version and the retrying bootstrap script", () => {
        for (const vm of ["k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-worker-1"]) {
            const data = userData(run, vm);
            expect(file(data, "/usr/local/sbin/kubeadm-prepare")).toBe(prepareScript("v1.34.1"));
            expect(file(data, "/usr/local/sbin/kubeadm-bootstrap")).toBe(BOOTSTRAP_SCRIPT_CONTENT);
        }
        expect(prepareScript("v1.34.1")).toContain(`-e 's#sandbox_image = ".*"#sandbox_image = "registry.k8s.io/pause:3.10.1"#'`);
    });

    it("initialises the first control plane with v1beta4 configs pointing at the load balancer", () => {
        const data = userData(run, "k8s-prod-cp-1");
        const [init, clusterConfig, kubelet] = yaml.loadAll(file(data, "/etc/kubernetes/kubeadm-init.yaml")!) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed kubeadm docs
        expect(init).toEqual({
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "InitConfiguration",
            bootstrapTokens: [{ token: expect.stringMatching(/^[a-z0-9]{6}\.[a-z0-9]{16}$/), ttl: "0s", usages: ["signing", "authentication"], groups: ["system:bootstrappers:kubeadm:default-node-token"] }],
            localAPIEndpoint: { advertiseAddress: "192.168.1.31", bindPort: 6443 },
            nodeRegistration: { name: "k8s-prod-cp-1", criSocket: "unix:///var/run/containerd/containerd.sock", kubeletExtraArgs: [{ name: "node-ip", value: "192.168.1.31" }] },
        });
        expect(clusterConfig).toEqual({
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "ClusterConfiguration",
            clusterName: "prod",
            kubernetesVersion: "v1.34.1",
            controlPlaneEndpoint: "192.168.1.4:6443",
            apiServer: {
                certSANs: [
                    "192.168.1.4", "haproxy", "haproxy.home.arpa",
                    "192.168.1.31", "k8s-prod-cp-1", "k8s-prod-cp-1.home.arpa",
                    "192.168.1.32", "k8s-prod-cp-2", "k8s-prod-cp-2.home.arpa",
                    "192.168.1.33", "k8s-prod-cp-3", "k8s-prod-cp-3.home.arpa",
                ],
            },
            networking: { podSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/12", dnsDomain: "cluster.local" },
        });
        expect(kubelet).toEqual({ apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver: "systemd" });
        expect(data.runcmd.slice(1)).toEqual([["/usr/local/sbin/kubeadm-bootstrap", "init"]]);
    });

    it("pre-places the same CAs and service-account key on every control plane, and none on workers", () => {
        const seed = (vm: string) => userData(run, vm).write_files.filter((f) => f.path.startsWith("/etc/kubernetes/pki-seed/"));
        const paths = ["ca.crt", "ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "etcd/ca.crt", "etcd/ca.key", "sa.key", "sa.pub"].map((p) => `/etc/kubernetes/pki-seed/${p}`);
        for (const vm of ["k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3"]) {
            expect(seed(vm).map((f) => f.path)).toEqual(paths);
            expect(seed(vm)).toEqual(seed("k8s-prod-cp-1"));
        }
        expect(seed("k8s-prod-worker-1")).toEqual([]);
        const files = Object.fromEntries(seed("k8s-prod-cp-1").map((f) => [f.path.replace("/etc/kubernetes/pki-seed/", ""), f]));
        expect(new X509Certificate(files["ca.crt"].content).subject).toBe("CN=kubernetes");
        expect(files["ca.key"].permissions).toBe("0600");
        const saPub = createPublicKey(createPrivateKey(files["sa.key"].content)).export({ type: "spki", format: "pem" });
        expect(saPub).toBe(files["sa.pub"].content);
    });

    it("joins control planes and workers with the token and the CA hash openssl computes", () => {
        const caPem = file(userData(run, "k8s-prod-cp-1"), "/etc/kubernetes/pki-seed/ca.crt")!;
        const initToken = (yaml.loadAll(file(userData(run, "k8s-prod-cp-1"), "/etc/kubernetes/kubeadm-init.yaml")!)[0] as { bootstrapTokens: { token: string }[] }).bootstrapTokens[0].token;
        const discovery = { bootstrapToken: { apiServerEndpoint: "192.168.1.4:6443", token: initToken, caCertHashes: [opensslDiscoveryHash(caPem)] } };
        expect(yaml.load(file(userData(run, "k8s-prod-cp-2"), "/etc/kubernetes/kubeadm-join.yaml")!)).toEqual({
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "JoinConfiguration",
            discovery,
            nodeRegistration: { name: "k8s-prod-cp-2", criSocket: "unix:///var/run/containerd/containerd.sock", kubeletExtraArgs: [{ name: "node-ip", value: "192.168.1.32" }] },
            controlPlane: { localAPIEndpoint: { advertiseAddress: "192.168.1.32", bindPort: 6443 } },
        });
        expect(yaml.load(file(userData(run, "k8s-prod-worker-2"), "/etc/kubernetes/kubeadm-join.yaml")!)).toEqual({
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "JoinConfiguration",
            discovery,
            nodeRegistration: { name: "k8s-prod-worker-2", criSocket: "unix:///var/run/containerd/containerd.sock", kubeletExtraArgs: [{ name: "node-ip", value: "192.168.1.35" }] },
        });
        expect(userData(run, "k8s-prod-worker-2").runcmd.slice(1)).toEqual([["/usr/local/sbin/kubeadm-bootstrap", "join"]]);
    });

    it("installs Cilium through the cluster's provider once the API is ready", () => {
        const cni = byName(run, "prod-cilium");
        expect(cni.rawInputs).toMatchObject({
            name: "cilium",
            chart: "cilium",
            version: "1.20.0",
            repositoryOpts: { repo: "https://helm.cilium.io/" },
            namespace: "kube-system",
            values: { ipam: { mode: "kubernetes" } },
            atomic: true,
            timeout: 900,
        });
        expect(cni.deleteBeforeReplace).toBe(true);
        expect(cni.provider?.startsWith("urn:pulumi:prod::homelab::homelab:cluster:KubeadmCluster$pulumi:providers:kubernetes::prod-k8s::")).toBe(true);
        expect(cni.dependencies).toEqual(["urn:pulumi:prod::homelab::homelab:cluster:KubeadmCluster$pulumi-nodejs:dynamic/cluster:ApiReadiness::prod-ready"]);
    });

    it("reaches the API through the load balancer, with a kubeconfig that stays secret", async () => {
        expect(byName(run, "prod-ready").rawInputs.endpoint).toBe("https://192.168.1.4:6443");
        const kc = yaml.load((run.rawOutputs.clusters as Record<string, { kubeconfig: string }>).prod.kubeconfig) as { clusters: { cluster: { server: string } }[] };
        expect(kc.clusters[0].cluster.server).toBe("https://192.168.1.4:6443");
        expect(run.outputSecretPaths).toEqual(["clusters.prod.kubeconfig"]);
    });

    it("protects the CAs, the bootstrap token and every VM in prod", () => {
        expect(run.resources.filter((r) => r.protect).map((r) => r.name).sort()).toEqual(
            [
                ...["ca", "front-proxy-ca", "etcd-ca"].flatMap((n) => [`prod-${n}-cert`, `prod-${n}-key`]),
                "prod-service-account-key",
                "prod-token-id",
                "prod-token-secret",
                ...["haproxy", "k8s-prod-cp-1", "k8s-prod-cp-2", "k8s-prod-cp-3", "k8s-prod-worker-1", "k8s-prod-worker-2"].map((n) => `${n}-vm`),
            ].sort(),
        );
    });
});
