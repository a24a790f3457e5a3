import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    APT_LOCK_TIMEOUT_SECONDS,
    BOOTSTRAP_SCRIPT,
    BOOTSTRAP_SCRIPT_CONTENT,
    BOOTSTRAP_TOKEN,
    discoveryTokenCaCertHash,
    INIT_CONFIG,
    initConfiguration,
    JOIN_CONFIG,
    joinConfiguration,
    KubeadmNodeSpec,
    kubeadmNodeBootstrap,
    KubeadmPki,
    kubernetesMinor,
    PKI_DIR,
    PKI_SEED_DIR,
    PREPARE_SCRIPT,
    pauseImageFor,
    prepareScript,
} from "./bootstrap";
import { issueCa } from "../../../tests/openssl";
import { requireTool, run as runTool, writeTemp } from "../../../tests/validators";

/**
 * The node scripts run for real under /bin/sh, with stand-ins on PATH for the commands that would
 * change the machine (apt-get, kubeadm, systemctl, …). Each stand-in records its call and answers
 * from a queue of outcomes, so a test can make apt-get meet a held dpkg lock or kubeadm an
 * unreachable endpoint. Absolute paths in the scripts are moved under a scratch root; nothing else
 * in them changes.
 */

/** The relevant lines of `containerd config default` as Ubuntu 24.04's containerd 1.7 prints them. */
const CONTAINERD_17_DEFAULT = `version = 2
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.8"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            SystemdCgroup = false
`;

const LOCK_HELD = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 812 (unattended-upgr)";
const ENDPOINT_DOWN = "error execution phase upload-config/kubeadm: dial tcp 192.168.1.4:6443: connect: connection refused";
const STAND_INS = ["apt-get", "apt-mark", "modprobe", "sysctl", "swapoff", "systemctl", "containerd", "curl", "gpg", "kubeadm", "kubeadm-prepare"];

interface Sandbox {
    readonly root: string;
    readonly bin: string;
    /** Queue of outcomes for a stand-in: "ok" or an error message it prints before exiting 1. */
    outcomes(command: string, queue: string[]): void;
    run(script: string, args: string[], env?: Record<string, string>): { status: number | null; stderr: string; calls: string[] };
    read(file: string): string;
}

function sandbox(): Sandbox {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-kubeadm-"));
    const bin = path.join(root, "bin");
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(root, "etc", "modules-load.d"), { recursive: true });
    fs.mkdirSync(path.join(root, "etc", "sysctl.d"), { recursive: true });
    fs.mkdirSync(path.join(root, "etc", "apt", "sources.list.d"), { recursive: true });
    fs.writeFileSync(path.join(root, "calls"), "");
    fs.writeFileSync(path.join(root, "stdout-containerd"), CONTAINERD_17_DEFAULT);
    for (const name of STAND_INS) {
        // kubeadm init/join note whether the seeded CA is in place; reset empties the PKI directory, as the real one does.
        const kubeadmExtra =
            name === "kubeadm"
                ? `case "$1" in
  init|join) if [ -f "${root}${PKI_DIR}/ca.crt" ]; then echo "  pki: seeded" >> "${root}/calls"; else echo "  pki: missing" >> "${root}/calls"; fi ;;
  reset) rm -rf "${root}${PKI_DIR}" ;;
esac
`
                : "";
        fs.writeFileSync(
            path.join(bin, name),
            `#!/bin/sh
echo "${name} $*" | sed "s#${root}##g" >> "${root}/calls"
${kubeadmExtra}queue="${root}/outcomes-${name}"
outcome=ok
if [ -s "$queue" ]; then
  outcome="$(head -n 1 "$queue")"
  sed -i 1d "$queue"
fi
if [ "$outcome" != ok ]; then
  echo "$outcome" >&2
  exit 1
fi
if [ -f "${root}/stdout-${name}" ]; then cat "${root}/stdout-${name}"; fi
exit 0
`,
            { mode: 0o755 },
        );
    }
    return {
        root,
        bin,
        outcomes: (command, queue) => fs.writeFileSync(path.join(root, `outcomes-${command}`), queue.join("\n") + "\n"),
        run(script, args, env = {}) {
            const relocated = script.replace(/(?<![\w.:])\/(etc|usr\/local\/sbin)\//g, `${root}/$1/`).replace(`${root}${PREPARE_SCRIPT}`, path.join(bin, "kubeadm-prepare"));
            const result = spawnSync("/bin/sh", ["-c", relocated, "script", ...args], {
                encoding: "utf8",
                env: { PATH: `${bin}:/usr/bin:/bin`, APT_RETRY_DELAY: "0", KUBEADM_RETRY_DELAY: "0", ...env },
            });
            const calls = fs.readFileSync(path.join(root, "calls"), "utf8").split("\n").filter(Boolean);
            return { status: result.status, stderr: result.stderr.split(root).join(""), calls };
        },
        read: (file) => fs.readFileSync(path.join(root, file), "utf8"),
    };
}

const apt = (args: string) => `apt-get -o DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_SECONDS} ${args}`;
const PREPARE_CALLS = [
    "modprobe overlay",
    "modprobe br_netfilter",
    "sysctl --system",
    "swapoff -a",
    apt("update"),
    apt("install -y containerd apt-transport-https ca-certificates curl gpg"),
    "containerd config default",
    "systemctl restart containerd",
    "curl -fsSL --retry 5 -o /etc/apt/keyrings/kubernetes-apt-keyring.asc https://pkgs.k8s.io/core:/stable:/v1.34/deb/Release.key",
    "gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg /etc/apt/keyrings/kubernetes-apt-keyring.asc",
    apt("update"),
    apt("install -y kubelet=1.34.1-1.1 kubeadm=1.34.1-1.1 kubectl=1.34.1-1.1"),
    "apt-mark hold kubelet kubeadm kubectl",
    "systemctl enable kubelet",
];

describe("the kubeadm prepare script", () => {
    it("pins kubeadm v1.34's pause image and refuses a version without one", () => {
        expect(pauseImageFor("v1.34.1")).toBe("registry.k8s.io/pause:3.10.1");
        expect(pauseImageFor("v1.33.5")).toBe("registry.k8s.io/pause:3.10");
        expect(() => prepareScript("v1.29.0")).toThrow("kubeadm v1.29.0: no pause image is pinned for Kubernetes 1.29 in versions.ts");
    });

    it("installs containerd and the pinned packages, in order, with containerd on systemd cgroups and kubeadm's pause image", () => {
        const box = sandbox();
        const r = box.run(prepareScript("v1.34.1"), []);
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(r.calls).toEqual(PREPARE_CALLS);
        const config = box.read("etc/containerd/config.toml");
        expect(config).toBe(CONTAINERD_17_DEFAULT.replace('sandbox_image = "registry.k8s.io/pause:3.8"', 'sandbox_image = "registry.k8s.io/pause:3.10.1"').replace("SystemdCgroup = false", "SystemdCgroup = true"));
        expect(box.read("etc/modules-load.d/kubernetes.conf")).toBe("overlay\nbr_netfilter\n");
        expect(box.read("etc/sysctl.d/99-kubernetes.conf")).toBe("net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n");
        expect(box.read("etc/apt/sources.list.d/kubernetes.list")).toBe(
            `deb [signed-by=${box.root}/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.34/deb/ /\n`,
        );
    });

    it("retries apt-get while apt-daily holds the dpkg lock, then carries on", () => {
        const box = sandbox();
        box.outcomes("apt-get", [LOCK_HELD, LOCK_HELD, "ok", LOCK_HELD, "ok"]);
        const r = box.run(prepareScript("v1.34.1"), []);
        expect(r.status).toBe(0);
        expect(r.calls).toEqual([
            ...PREPARE_CALLS.slice(0, 4),
            apt("update"),
            apt("update"),
            apt("update"),
            apt("install -y containerd apt-transport-https ca-certificates curl gpg"),
            apt("install -y containerd apt-transport-https ca-certificates curl gpg"),
            ...PREPARE_CALLS.slice(6),
        ]);
        expect(r.stderr).toBe(
            [
                LOCK_HELD,
                `apt-get -o DPkg::Lock::Timeout=600 update failed (attempt 1); retrying`,
                LOCK_HELD,
                `apt-get -o DPkg::Lock::Timeout=600 update failed (attempt 2); retrying`,
                LOCK_HELD,
                `apt-get -o DPkg::Lock::Timeout=600 install -y containerd apt-transport-https ca-certificates curl gpg failed (attempt 1); retrying`,
                "",
            ].join("\n"),
        );
    });

    it("gives up after its attempts and stops before touching containerd", () => {
        const box = sandbox();
        box.outcomes("apt-get", [LOCK_HELD, LOCK_HELD, LOCK_HELD]);
        const r = box.run(prepareScript("v1.34.1"), [], { APT_ATTEMPTS: "3" });
        expect(r.status).toBe(1);
        expect(r.calls).toEqual([...PREPARE_CALLS.slice(0, 4), apt("update"), apt("update"), apt("update")]);
        expect(r.stderr.split("\n").slice(-2)).toEqual(["apt-get -o DPkg::Lock::Timeout=600 update failed after 3 attempts", ""]);
    });

    it("fails loudly when containerd's default config has no sandbox_image to set", () => {
        const box = sandbox();
        fs.writeFileSync(path.join(box.root, "stdout-containerd"), CONTAINERD_17_DEFAULT.replace(/^ *sandbox_image.*\n/m, ""));
        const r = box.run(prepareScript("v1.34.1"), []);
        expect(r.status).toBe(1);
        expect(r.stderr).toBe(`containerd's default config has no line to set sandbox_image = "registry.k8s.io/pause:3.10.1"; /etc/containerd/config.toml needs it\n`);
        expect(r.calls).not.toContain("systemctl restart containerd");
    });

    it("passes shellcheck", () => {
        requireTool("shellcheck", "shellcheck");
        const result = runTool("shellcheck", ["-s", "sh", "-"], prepareScript("v1.34.1"));
        expect([result.status, result.output]).toEqual([0, ""]);
    });
});

describe("the kubeadm bootstrap script", () => {
    function seeded(): Sandbox {
        const box = sandbox();
        fs.mkdirSync(path.join(box.root, PKI_SEED_DIR.slice(1), "etcd"), { recursive: true });
        for (const file of ["ca.crt", "ca.key", "etcd/ca.crt"]) {
            fs.writeFileSync(path.join(box.root, PKI_SEED_DIR.slice(1), file), file);
        }
        return box;
    }

    it("prepares, seeds the CAs and runs kubeadm init once when the endpoint answers", () => {
        const box = seeded();
        const r = box.run(BOOTSTRAP_SCRIPT_CONTENT, ["init"]);
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(r.calls).toEqual(["kubeadm-prepare ", `kubeadm init --config ${INIT_CONFIG}`, "  pki: seeded"]);
        expect(box.read(`${PKI_DIR.slice(1)}/etcd/ca.crt`)).toBe("etcd/ca.crt");
    });

    it("retries kubeadm init while the load balancer is unreachable, resetting and re-seeding between attempts", () => {
        const box = seeded();
        box.outcomes("kubeadm", [ENDPOINT_DOWN, "ok", ENDPOINT_DOWN, "ok", "ok"]);
        const r = box.run(BOOTSTRAP_SCRIPT_CONTENT, ["init"]);
        expect(r.status).toBe(0);
        expect(r.calls).toEqual([
            "kubeadm-prepare ",
            `kubeadm init --config ${INIT_CONFIG}`,
            "  pki: seeded",
            "kubeadm reset --force",
            `kubeadm init --config ${INIT_CONFIG}`,
            "  pki: seeded",
            "kubeadm reset --force",
            `kubeadm init --config ${INIT_CONFIG}`,
            "  pki: seeded",
        ]);
        expect(r.stderr).toBe(
            [ENDPOINT_DOWN, "kubeadm init failed (attempt 1); retrying while the control-plane endpoint comes up", ENDPOINT_DOWN, "kubeadm init failed (attempt 2); retrying while the control-plane endpoint comes up", ""].join("\n"),
        );
    });

    it("joins with the same retries, and gives up after its attempts", () => {
        const box = seeded();
        box.outcomes("kubeadm", [ENDPOINT_DOWN, "ok", ENDPOINT_DOWN]);
        const r = box.run(BOOTSTRAP_SCRIPT_CONTENT, ["join"], { KUBEADM_ATTEMPTS: "2" });
        expect(r.status).toBe(1);
        expect(r.calls).toEqual([
            "kubeadm-prepare ",
            `kubeadm join --config ${JOIN_CONFIG}`,
            "  pki: seeded",
            "kubeadm reset --force",
            `kubeadm join --config ${JOIN_CONFIG}`,
            "  pki: seeded",
        ]);
        expect(r.stderr.split("\n").slice(-2)).toEqual(["kubeadm join failed after 2 attempts", ""]);
    });

    it("joins a worker, which has no seeded PKI, after a failed attempt: reset between attempts, no CA put in place", () => {
        const box = sandbox();
        box.outcomes("kubeadm", [ENDPOINT_DOWN, "ok", "ok"]);
        const r = box.run(BOOTSTRAP_SCRIPT_CONTENT, ["join"]);
        expect([r.status, r.stderr]).toEqual([0, `${ENDPOINT_DOWN}\nkubeadm join failed (attempt 1); retrying while the control-plane endpoint comes up\n`]);
        expect(r.calls).toEqual([
            "kubeadm-prepare ",
            `kubeadm join --config ${JOIN_CONFIG}`,
            "  pki: missing",
            "kubeadm reset --force",
            `kubeadm join --config ${JOIN_CONFIG}`,
            "  pki: missing",
        ]);
        expect(fs.existsSync(path.join(box.root, PKI_DIR.slice(1)))).toBe(false);
    });

    it("runs no kubeadm when preparing the node fails", () => {
        const box = seeded();
        box.outcomes("kubeadm-prepare", ["apt-get install failed after 20 attempts"]);
        const r = box.run(BOOTSTRAP_SCRIPT_CONTENT, ["init"]);
        expect([r.status, r.calls]).toEqual([1, ["kubeadm-prepare "]]);
    });

    it("refuses an unknown mode", () => {
        const r = seeded().run(BOOTSTRAP_SCRIPT_CONTENT, ["upgrade"]);
        expect([r.status, r.calls]).toEqual([2, []]);
        expect(r.stderr).toBe("usage: script init|join\n");
    });

    it("passes shellcheck", () => {
        requireTool("shellcheck", "shellcheck");
        const result = runTool("shellcheck", ["-s", "sh", "-"], BOOTSTRAP_SCRIPT_CONTENT);
        expect([result.status, result.output]).toEqual([0, ""]);
    });
});

function opensslDiscoveryHash(caPem: string): string {
    const ca = writeTemp("ca.crt", caPem);
    const pub = runTool("openssl", ["x509", "-pubkey", "-noout", "-in", ca]).output;
    const der = runTool("sh", ["-c", `openssl pkey -pubin -outform der -in ${writeTemp("pub.pem", pub)} | openssl dgst -sha256 -hex`]).output;
    return `sha256:${der.trim().split("= ").pop()}`;
}

describe("the kubeadm discovery hash", () => {
    it.each(["ECDSA CA", "another CA"])("equals openssl's for the same %s", (cn) => {
        requireTool("openssl", "openssl");
        const ca = issueCa(cn).certPem;
        expect(discoveryTokenCaCertHash(ca)).toBe(opensslDiscoveryHash(ca));
        expect(discoveryTokenCaCertHash(ca)).toMatch(/^sha256:[0-9a-f]{64}$/);
    });
});

describe("kubernetesMinor", () => {
    it.each([
        ["v1.34.1", "1.34"],
        ["1.33.5", "1.33"],
        ["v1.34", "1.34"],
    ])("of %s is %s", (version, minor) => {
        expect(kubernetesMinor(version)).toBe(minor);
    });
});

const PKI: KubeadmPki = {
    ca: { certPem: "ca cert\n", keyPem: "ca key\n" },
    frontProxyCa: { certPem: "front-proxy cert\n", keyPem: "front-proxy key\n" },
    etcdCa: { certPem: "etcd cert\n", keyPem: "etcd key\n" },
    saKeyPem: "sa key\n",
    saPubPem: "sa pub\n",
};
const TOKEN = "abcdef.0123456789abcdef";
const nodeBase = {
    clusterName: "prod",
    kubernetesVersion: "v1.34.1",
    controlPlaneEndpoint: "192.168.1.30:6443",
    certSans: ["192.168.1.30", "prod.lab"],
    podSubnet: "10.244.0.0/16",
    serviceSubnet: "10.96.0.0/12",
    bootstrapToken: TOKEN,
};
const initSpec: KubeadmNodeSpec = { ...nodeBase, role: "init", nodeName: "cp-1", nodeIp: "192.168.1.31", pki: PKI };
const controlPlaneSpec: KubeadmNodeSpec = { ...nodeBase, role: "control-plane", nodeName: "cp-2", nodeIp: "192.168.1.32", caCertHash: "sha256:00ff", pki: PKI };
const workerSpec: KubeadmNodeSpec = { ...nodeBase, role: "worker", nodeName: "worker-1", nodeIp: "192.168.1.41", caCertHash: "sha256:00ff" };

const INIT_YAML = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
  - token: abcdef.0123456789abcdef
    ttl: 0s
    usages:
      - signing
      - authentication
    groups:
      - system:bootstrappers:kubeadm:default-node-token
localAPIEndpoint:
  advertiseAddress: 192.168.1.31
  bindPort: 6443
nodeRegistration:
  name: cp-1
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: 192.168.1.31
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
clusterName: prod
kubernetesVersion: v1.34.1
controlPlaneEndpoint: 192.168.1.30:6443
apiServer:
  certSANs:
    - 192.168.1.30
    - prod.lab
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
  dnsDomain: cluster.local
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
`;

const joinYaml = (name: string, ip: string, controlPlane: boolean) => `apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 192.168.1.30:6443
    token: abcdef.0123456789abcdef
    caCertHashes:
      - sha256:00ff
nodeRegistration:
  name: ${name}
  criSocket: unix:///var/run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: ${ip}
${controlPlane ? `controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: ${ip}\n    bindPort: 6443\n` : ""}`;

describe("the kubeadm configuration files (kubeadm.k8s.io/v1beta4)", () => {
    it("initialises the first control plane: a non-expiring bootstrap token, its address, the cluster's endpoint, SANs and subnets, systemd cgroups", () => {
        expect(initConfiguration(initSpec)).toBe(INIT_YAML);
    });

    it("joins a control plane through the endpoint with the CA hash, and advertises its own address", () => {
        expect(joinConfiguration(controlPlaneSpec)).toBe(joinYaml("cp-2", "192.168.1.32", true));
    });

    it("joins a worker without a control-plane section", () => {
        expect(joinConfiguration(workerSpec)).toBe(joinYaml("worker-1", "192.168.1.41", false));
    });

    it("refuses a join without the CA hash", () => {
        expect(() => joinConfiguration({ ...workerSpec, caCertHash: undefined })).toThrow("kubeadm node worker-1: a join needs the CA certificate hash");
        expect(() => joinConfiguration({ ...controlPlaneSpec, caCertHash: "" })).toThrow("kubeadm node cp-2: a join needs the CA certificate hash");
    });

    it("keeps a long value on one line", () => {
        const sans = ["a name with spaces that is longer than eighty characters, so that js-yaml would fold it"];
        expect(initConfiguration({ ...initSpec, certSans: sans })).toContain(`  certSANs:\n    - ${sans[0]}\n`);
        const hash = `sha256:${"0123456789abcdef ".repeat(6)}end`;
        expect(joinConfiguration({ ...workerSpec, caCertHash: hash })).toContain(`      - ${hash}\n`);
    });
});

describe("the kubeadm node files", () => {
    const seed = (name: string, content: string, permissions: string) => ({ path: `/etc/kubernetes/pki-seed/${name}`, content, permissions, owner: "root:root" });
    const scripts = [
        { path: "/usr/local/sbin/kubeadm-prepare", content: prepareScript("v1.34.1"), permissions: "0755", owner: "root:root" },
        { path: "/usr/local/sbin/kubeadm-bootstrap", content: BOOTSTRAP_SCRIPT_CONTENT, permissions: "0755", owner: "root:root" },
    ];
    const seeded = [
        seed("ca.crt", "ca cert\n", "0644"),
        seed("ca.key", "ca key\n", "0600"),
        seed("front-proxy-ca.crt", "front-proxy cert\n", "0644"),
        seed("front-proxy-ca.key", "front-proxy key\n", "0600"),
        seed("etcd/ca.crt", "etcd cert\n", "0644"),
        seed("etcd/ca.key", "etcd key\n", "0600"),
        seed("sa.key", "sa key\n", "0600"),
        seed("sa.pub", "sa pub\n", "0644"),
    ];

    it("give the first control plane the scripts, the init config and the seeded CAs, and run init", () => {
        expect(kubeadmNodeBootstrap(initSpec)).toStrictEqual({
            files: [...scripts, { path: "/etc/kubernetes/kubeadm-init.yaml", content: INIT_YAML, permissions: "0600", owner: "root:root" }, ...seeded],
            runcmd: [["/usr/local/sbin/kubeadm-bootstrap", "init"]],
        });
        expect([PREPARE_SCRIPT, BOOTSTRAP_SCRIPT, INIT_CONFIG, JOIN_CONFIG, PKI_DIR, PKI_SEED_DIR]).toEqual([
            "/usr/local/sbin/kubeadm-prepare",
            "/usr/local/sbin/kubeadm-bootstrap",
            "/etc/kubernetes/kubeadm-init.yaml",
            "/etc/kubernetes/kubeadm-join.yaml",
            "/etc/kubernetes/pki",
            "/etc/kubernetes/pki-seed",
        ]);
    });

    it("give a further control plane the join config and the same seeded CAs, and run join", () => {
        expect(kubeadmNodeBootstrap(controlPlaneSpec)).toStrictEqual({
            files: [...scripts, { path: "/etc/kubernetes/kubeadm-join.yaml", content: joinYaml("cp-2", "192.168.1.32", true), permissions: "0600", owner: "root:root" }, ...seeded],
            runcmd: [["/usr/local/sbin/kubeadm-bootstrap", "join"]],
        });
    });

    it("give a worker the join config and no CA, and run join", () => {
        expect(kubeadmNodeBootstrap(workerSpec)).toStrictEqual({
            files: [...scripts, { path: "/etc/kubernetes/kubeadm-join.yaml", content: joinYaml("worker-1", "192.168.1.41", false), permissions: "0600", owner: "root:root" }],
            runcmd: [["/usr/local/sbin/kubeadm-bootstrap", "join"]],
        });
    });

    it("refuse a malformed bootstrap token, whole-string matched", () => {
        for (const token of ["ABCDEF.0123456789abcdef", "abcdef-0123456789abcdef", "xabcdef.0123456789abcdef", "abcdef.0123456789abcdefx", "abcde.0123456789abcdef", ""]) {
            expect(() => kubeadmNodeBootstrap({ ...workerSpec, bootstrapToken: token })).toThrow("kubeadm node worker-1: bootstrap token must match [a-z0-9]{6}.[a-z0-9]{16}");
        }
        expect(BOOTSTRAP_TOKEN.test(TOKEN)).toBe(true);
    });

    it("accept the offline render's redacted placeholder in place of the token", () => {
        const placeholder = "<redacted: bootstrap token>";
        const files = kubeadmNodeBootstrap({ ...workerSpec, bootstrapToken: placeholder }).files;
        expect(files[2].content).toContain(`    token: '${placeholder}'\n`);
    });

    it("refuse CA material on a worker, and a control plane without it", () => {
        const message = (name: string) => `kubeadm node ${name}: the CAs go on every control plane, and only there`;
        expect(() => kubeadmNodeBootstrap({ ...workerSpec, pki: PKI })).toThrow(message("worker-1"));
        expect(() => kubeadmNodeBootstrap({ ...controlPlaneSpec, pki: undefined })).toThrow(message("cp-2"));
        expect(() => kubeadmNodeBootstrap({ ...initSpec, pki: undefined })).toThrow(message("cp-1"));
    });

    it("refuse a version without a pinned pause image before writing anything", () => {
        expect(() => kubeadmNodeBootstrap({ ...workerSpec, kubernetesVersion: "v1.29.0" })).toThrow("kubeadm v1.29.0: no pause image is pinned for Kubernetes 1.29 in versions.ts");
    });
});
