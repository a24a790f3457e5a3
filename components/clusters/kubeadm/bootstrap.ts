import { createHash, X509Certificate } from "crypto";
import * as yaml from "js-yaml";
import { CloudInitFile, KeyPairPem, keyPairFiles, NodeBootstrapContent } from "../../hosts/cloudInit";
import { versions } from "../../../versions";

/**
 * kubeadm HA bootstrap (config API kubeadm.k8s.io/v1beta4), as cloud-init files and commands.
 * Pure: rendered once with the real PKI and token, once with placeholders for the offline render.
 */

export const PKI_DIR = "/etc/kubernetes/pki";
/** The pre-placed material lives here and is copied into PKI_DIR before each attempt: `kubeadm reset` empties PKI_DIR. */
export const PKI_SEED_DIR = "/etc/kubernetes/pki-seed";
export const INIT_CONFIG = "/etc/kubernetes/kubeadm-init.yaml";
export const JOIN_CONFIG = "/etc/kubernetes/kubeadm-join.yaml";
export const PREPARE_SCRIPT = "/usr/local/sbin/kubeadm-prepare";
export const BOOTSTRAP_SCRIPT = "/usr/local/sbin/kubeadm-bootstrap";
const CRI_SOCKET = "unix:///var/run/containerd/containerd.sock";
export const BOOTSTRAP_TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

/**
 * The `--discovery-token-ca-cert-hash`: `sha256:` and the hex SHA-256 of the CA's DER
 * SubjectPublicKeyInfo, as `kubeadm token create --print-join-command` prints it.
 */
export function discoveryTokenCaCertHash(caCertPem: string): string {
    const spki = new X509Certificate(caCertPem).publicKey.export({ type: "spki", format: "der" });
    return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/** CAs and the service-account key every control plane holds before kubeadm runs; kubeadm derives the rest. */
export interface KubeadmPki {
    readonly ca: KeyPairPem;
    readonly frontProxyCa: KeyPairPem;
    readonly etcdCa: KeyPairPem;
    readonly saKeyPem: string;
    readonly saPubPem: string;
}

export interface KubeadmNodeSpec {
    /** `init`: the first control plane; `control-plane`: joins as one; `worker`: joins as a worker. */
    readonly role: "init" | "control-plane" | "worker";
    readonly clusterName: string;
    readonly kubernetesVersion: string;
    readonly nodeName: string;
    readonly nodeIp: string;
    /** `<load balancer>:6443` */
    readonly controlPlaneEndpoint: string;
    readonly certSans: readonly string[];
    readonly podSubnet: string;
    readonly serviceSubnet: string;
    /** `[a-z0-9]{6}.[a-z0-9]{16}` */
    readonly bootstrapToken: string;
    /** From discoveryTokenCaCertHash; joins only. */
    readonly caCertHash?: string;
    /** Control planes only. */
    readonly pki?: KubeadmPki;
}

const kubeletArgs = (spec: KubeadmNodeSpec) => [{ name: "node-ip", value: spec.nodeIp }];

function nodeRegistration(spec: KubeadmNodeSpec) {
    return { name: spec.nodeName, criSocket: CRI_SOCKET, kubeletExtraArgs: kubeletArgs(spec) };
}

export function initConfiguration(spec: KubeadmNodeSpec): string {
    const docs = [
        {
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "InitConfiguration",
            // Non-expiring, so `pulumi up` can join nodes added later; it sits beside the CA keys in the snippet store anyway.
            bootstrapTokens: [{ token: spec.bootstrapToken, ttl: "0s", usages: ["signing", "authentication"], groups: ["system:bootstrappers:kubeadm:default-node-token"] }],
            localAPIEndpoint: { advertiseAddress: spec.nodeIp, bindPort: 6443 },
            nodeRegistration: nodeRegistration(spec),
        },
        {
            apiVersion: "kubeadm.k8s.io/v1beta4",
            kind: "ClusterConfiguration",
            clusterName: spec.clusterName,
            kubernetesVersion: spec.kubernetesVersion,
            controlPlaneEndpoint: spec.controlPlaneEndpoint,
            apiServer: { certSANs: [...spec.certSans] },
            networking: { podSubnet: spec.podSubnet, serviceSubnet: spec.serviceSubnet, dnsDomain: "cluster.local" },
        },
        { apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration", cgroupDriver: "systemd" },
    ];
    return docs.map((d) => yaml.dump(d, { lineWidth: -1 })).join("---\n");
}

export function joinConfiguration(spec: KubeadmNodeSpec): string {
    if (!spec.caCertHash) {
        throw new Error(`kubeadm node ${spec.nodeName}: a join needs the CA certificate hash`);
    }
    const doc: Record<string, unknown> = {
        apiVersion: "kubeadm.k8s.io/v1beta4",
        kind: "JoinConfiguration",
        discovery: { bootstrapToken: { apiServerEndpoint: spec.controlPlaneEndpoint, token: spec.bootstrapToken, caCertHashes: [spec.caCertHash] } },
        nodeRegistration: nodeRegistration(spec),
    };
    if (spec.role === "control-plane") {
        doc.controlPlane = { localAPIEndpoint: { advertiseAddress: spec.nodeIp, bindPort: 6443 } };
    }
    return yaml.dump(doc, { lineWidth: -1 });
}

/** Kubernetes minor (`1.34`) of a version like `v1.34.1`. */
export function kubernetesMinor(kubernetesVersion: string): string {
    // Stryker disable next-line Regex: a Kubernetes version (v?MAJOR.MINOR.PATCH[-pre][+build]) has no "v" but a leading one before the MINOR it keeps, so stripping the first "v" anywhere is stripping the leading one.
    return kubernetesVersion.replace(/^v/, "").split(".").slice(0, 2).join(".");
}

/** The sandbox image kubeadm expects for this version (versions.ts); undefined when none is pinned. */
export function pauseImageFor(kubernetesVersion: string): string | undefined {
    return versions.kubeadmPauseImage[kubernetesMinor(kubernetesVersion)];
}

/** How long `apt-get` waits for the dpkg lock before failing (and being retried). */
export const APT_LOCK_TIMEOUT_SECONDS = 600;

/**
 * containerd and the pinned kubelet/kubeadm/kubectl from pkgs.k8s.io, with the kernel settings
 * kubeadm's preflight checks (https://kubernetes.io/docs/setup/production-environment/container-runtimes/).
 *
 * First boot races apt-daily and unattended-upgrades for the dpkg lock: every apt call waits for
 * it (`DPkg::Lock::Timeout`, apt >= 1.9.11) and, should it still fail (the lists lock `apt-get
 * update` takes, a mirror hiccup), is retried. APT_ATTEMPTS and APT_RETRY_DELAY override the
 * retries (for tests); cloud-init runs the script without them.
 *
 * containerd's CRI sandbox image is set to the pause image kubeadm expects: Ubuntu's containerd 1.7
 * writes `sandbox_image = "registry.k8s.io/pause:3.8"` in its default config and kubeadm's preflight
 * warns about the mismatch. The script checks both edits landed, so a containerd whose default
 * config reads differently fails here, loudly, rather than later in kubeadm.
 */
export function prepareScript(kubernetesVersion: string): string {
    const minor = kubernetesMinor(kubernetesVersion);
    const pause = pauseImageFor(kubernetesVersion);
    if (!pause) {
        throw new Error(`kubeadm ${kubernetesVersion}: no pause image is pinned for Kubernetes ${minor} in versions.ts`);
    }
    const pkg = kubernetesVersion.slice(1);
    return `#!/bin/sh
# Prepares a node for kubeadm: kernel modules, sysctls, containerd, and the pinned Kubernetes packages.
set -eu
export DEBIAN_FRONTEND=noninteractive
retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "\${APT_ATTEMPTS:-20}" ]; then
      echo "$* failed after $attempt attempts" >&2
      return 1
    fi
    echo "$* failed (attempt $attempt); retrying" >&2
    attempt=$((attempt + 1))
    sleep "\${APT_RETRY_DELAY:-15}"
  done
}
apt_get() {
  retry apt-get -o DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_SECONDS} "$@"
}
printf 'overlay\nbr_netfilter\n' > /etc/modules-load.d/kubernetes.conf
modprobe overlay
modprobe br_netfilter
printf 'net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n' > /etc/sysctl.d/99-kubernetes.conf
sysctl --system
swapoff -a
apt_get update
apt_get install -y containerd apt-transport-https ca-certificates curl gpg
mkdir -p /etc/containerd
containerd config default | sed -e 's/SystemdCgroup = false/SystemdCgroup = true/' -e 's#sandbox_image = ".*"#sandbox_image = "${pause}"#' > /etc/containerd/config.toml
for setting in 'SystemdCgroup = true' 'sandbox_image = "${pause}"'; do
  if ! grep -qF "$setting" /etc/containerd/config.toml; then
    echo "containerd's default config has no line to set $setting; /etc/containerd/config.toml needs it" >&2
    exit 1
  fi
done
systemctl restart containerd
install -m 0755 -d /etc/apt/keyrings
curl -fsSL --retry 5 -o /etc/apt/keyrings/kubernetes-apt-keyring.asc "https://pkgs.k8s.io/core:/stable:/v${minor}/deb/Release.key"
gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg /etc/apt/keyrings/kubernetes-apt-keyring.asc
echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v${minor}/deb/ /" > /etc/apt/sources.list.d/kubernetes.list
apt_get update
apt_get install -y "kubelet=${pkg}-1.1" "kubeadm=${pkg}-1.1" "kubectl=${pkg}-1.1"
retry apt-mark hold kubelet kubeadm kubectl
systemctl enable kubelet
`;
}

/**
 * Runs kubeadm once the node is prepared: `init` on the first control plane, `join` everywhere
 * else. Both go through the control-plane endpoint (the load balancer): `init` uploads its config
 * and marks the node through it, joins discover the cluster through it. So both retry while it does
 * not answer, with `kubeadm reset` between attempts and the CAs seeded again, because reset empties
 * the PKI directory. KUBEADM_ATTEMPTS and KUBEADM_RETRY_DELAY override the retries (for tests).
 */
export const BOOTSTRAP_SCRIPT_CONTENT = `#!/bin/sh
# Bootstraps this node with kubeadm: init on the first control plane, join everywhere else.
set -eu
mode="$1"
case "$mode" in
  init) config=${INIT_CONFIG} ;;
  join) config=${JOIN_CONFIG} ;;
  *) echo "usage: $0 init|join" >&2; exit 2 ;;
esac
seed() {
  if [ -d ${PKI_SEED_DIR} ]; then
    mkdir -p ${PKI_DIR}
    cp -a ${PKI_SEED_DIR}/. ${PKI_DIR}/
  fi
}
${PREPARE_SCRIPT}
seed
attempt=1
until kubeadm "$mode" --config "$config"; do
  if [ "$attempt" -ge "\${KUBEADM_ATTEMPTS:-90}" ]; then
    echo "kubeadm $mode failed after $attempt attempts" >&2
    exit 1
  fi
  echo "kubeadm $mode failed (attempt $attempt); retrying while the control-plane endpoint comes up" >&2
  kubeadm reset --force
  seed
  attempt=$((attempt + 1))
  sleep "\${KUBEADM_RETRY_DELAY:-20}"
done
`;

export function kubeadmNodeBootstrap(spec: KubeadmNodeSpec): NodeBootstrapContent {
    // The render's redacted copy passes a "<redacted: …>" placeholder instead of a token.
    if (!BOOTSTRAP_TOKEN.test(spec.bootstrapToken) && !spec.bootstrapToken.startsWith("<")) {
        throw new Error(`kubeadm node ${spec.nodeName}: bootstrap token must match [a-z0-9]{6}.[a-z0-9]{16}`);
    }
    if ((spec.role !== "worker") !== (spec.pki !== undefined)) {
        throw new Error(`kubeadm node ${spec.nodeName}: the CAs go on every control plane, and only there`);
    }
    const files: CloudInitFile[] = [
        { path: PREPARE_SCRIPT, content: prepareScript(spec.kubernetesVersion), permissions: "0755", owner: "root:root" },
        { path: BOOTSTRAP_SCRIPT, content: BOOTSTRAP_SCRIPT_CONTENT, permissions: "0755", owner: "root:root" },
        spec.role === "init"
            ? { path: INIT_CONFIG, content: initConfiguration(spec), permissions: "0600", owner: "root:root" }
            : { path: JOIN_CONFIG, content: joinConfiguration(spec), permissions: "0600", owner: "root:root" },
    ];
    if (spec.pki) {
        const pair = (name: string, p: KeyPairPem) => keyPairFiles(PKI_SEED_DIR, name, p);
        files.push(
            ...pair("ca", spec.pki.ca),
            ...pair("front-proxy-ca", spec.pki.frontProxyCa),
            ...pair("etcd/ca", spec.pki.etcdCa),
            { path: `${PKI_SEED_DIR}/sa.key`, content: spec.pki.saKeyPem, permissions: "0600", owner: "root:root" },
            { path: `${PKI_SEED_DIR}/sa.pub`, content: spec.pki.saPubPem, permissions: "0644", owner: "root:root" },
        );
    }
    return { files, runcmd: [[BOOTSTRAP_SCRIPT, spec.role === "init" ? "init" : "join"]] };
}
