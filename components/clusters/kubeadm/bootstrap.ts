import { createHash, X509Certificate } from "crypto";
import * as yaml from "js-yaml";
import { CloudInitFile, KeyPairPem, keyPairFiles, NodeBootstrapContent } from "../../hosts/cloudInit";

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

/** containerd and the pinned kubelet/kubeadm/kubectl from pkgs.k8s.io, with the kernel settings kubeadm's preflight checks. */
export function prepareScript(kubernetesVersion: string): string {
    const minor = kubernetesVersion.split(".").slice(0, 2).join(".");
    return `#!/bin/sh
# Prepares a node for kubeadm: kernel modules, sysctls, containerd, and the pinned Kubernetes packages.
set -eu
export DEBIAN_FRONTEND=noninteractive
printf 'overlay\\nbr_netfilter\\n' > /etc/modules-load.d/kubernetes.conf
modprobe overlay
modprobe br_netfilter
printf 'net.bridge.bridge-nf-call-iptables = 1\\nnet.bridge.bridge-nf-call-ip6tables = 1\\nnet.ipv4.ip_forward = 1\\n' > /etc/sysctl.d/99-kubernetes.conf
sysctl --system
swapoff -a
apt-get update
apt-get install -y containerd apt-transport-https ca-certificates curl gpg
mkdir -p /etc/containerd
containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml
systemctl restart containerd
install -m 0755 -d /etc/apt/keyrings
curl -fsSL "https://pkgs.k8s.io/core:/stable:/${minor}/deb/Release.key" | gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg
echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/${minor}/deb/ /" > /etc/apt/sources.list.d/kubernetes.list
apt-get update
apt-get install -y "kubelet=${kubernetesVersion.slice(1)}-1.1" "kubeadm=${kubernetesVersion.slice(1)}-1.1" "kubectl=${kubernetesVersion.slice(1)}-1.1"
apt-mark hold kubelet kubeadm kubectl
systemctl enable kubelet
`;
}

/** Runs kubeadm once the node is prepared. Joins retry: the load balancer answers only after the first control plane is up. */
export const BOOTSTRAP_SCRIPT_CONTENT = `#!/bin/sh
# Bootstraps this node with kubeadm: init on the first control plane, join everywhere else.
set -eu
mode="$1"
seed() {
  if [ -d ${PKI_SEED_DIR} ]; then
    mkdir -p ${PKI_DIR}
    cp -a ${PKI_SEED_DIR}/. ${PKI_DIR}/
  fi
}
${PREPARE_SCRIPT}
seed
if [ "$mode" = init ]; then
  kubeadm init --config ${INIT_CONFIG}
  exit 0
fi
attempt=1
until kubeadm join --config ${JOIN_CONFIG}; do
  echo "kubeadm join failed (attempt $attempt); retrying while the control plane comes up" >&2
  kubeadm reset --force
  seed
  attempt=$((attempt + 1))
  sleep 20
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
