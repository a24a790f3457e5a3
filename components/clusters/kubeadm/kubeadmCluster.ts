import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { REDACTED, registerArtefact } from "../../core/artefacts";
import { haproxyConfig } from "./haproxy";
import { cloudImage } from "../../hosts/images";
import { discoveryTokenCaCertHash, KubeadmNodeSpec, kubeadmNodeBootstrap, KubeadmPki } from "./bootstrap";
import type { VmDefinition } from "../../hosts/vmDefinition";
import { versions } from "../../../versions";
import type { ProxmoxVm } from "../../hosts/proxmoxVm";
import { CertificateAuthority, ClientCertificate, serviceAccountKey } from "../../pki/certificateAuthority";
import { clusterAccess } from "../access/clusterAccess";
import type { ClientCa, ClusterAccess, ClusterArgs } from "../contract";
import { CLUSTER_SECRET_OPTIONS, createNode, nodeNames, nodeRoles, placeholderPair, requireValid, staticAddressErrors, staticIp } from "../nodes";

/** How long a Helm release may wait for its objects (`timeout`, seconds): room for a first image pull on every node. */
export const RELEASE_TIMEOUT_SECONDS = 900;

/**
 * kubeadm HA: an HAProxy VM in front of the control planes, CAs pre-placed on every control plane
 * (so no `--upload-certs`), a program-chosen bootstrap token with the computed CA hash for joins,
 * and Cilium as the CNI once the API answers.
 */
export class KubeadmCluster extends pulumi.ComponentResource implements ClusterAccess {
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly endpoint: string;
    public readonly caCertPem: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly ready: pulumi.Resource;
    public readonly nodes: Readonly<Record<string, ProxmoxVm>>;
    /** The cluster CA: kubeadm's API server trusts it for client certificates (--client-ca-file). */
    public readonly clientCa: ClientCa;
    public readonly cni: k8s.helm.v3.Release;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:cluster:KubeadmCluster", name, {}, opts);
        const { cluster } = args;
        const lb = args.loadBalancer;
        requireValid("KubeadmCluster", name, [
            ...(cluster.distribution !== "kubeadm" ? [{ propertyPath: "cluster.distribution", reason: `is ${cluster.distribution}, not kubeadm` }] : []),
            ...(args.controlPlanes.length === 0 ? [{ propertyPath: "controlPlanes", reason: "needs at least one control plane" }] : []),
            ...(args.controlPlanes.length > 1 && !lb ? [{ propertyPath: "loadBalancer", reason: "is required with several control planes" }] : []),
            ...staticAddressErrors(args),
            // The control-plane endpoint goes into every join config, certificate and kubeconfig: it cannot be a DHCP lease.
            ...(lb && lb.ipv4?.kind !== "static" ? [{ propertyPath: "loadBalancer", reason: `${lb.file}: the load balancer is the control-plane endpoint, so it needs a static IPv4 address in ipconfig0` }] : []),
        ]);

        const ca = new CertificateAuthority(`${name}-ca`, { commonName: "kubernetes" }, { parent: this });
        const frontProxyCa = new CertificateAuthority(`${name}-front-proxy-ca`, { commonName: "front-proxy-ca" }, { parent: this });
        const etcdCa = new CertificateAuthority(`${name}-etcd-ca`, { commonName: "etcd-ca" }, { parent: this });
        const saKey = serviceAccountKey(`${name}-service-account-key`, this);
        // RandomString's result is plaintext in state unless asked otherwise (only RandomPassword and RandomBytes
        // mark theirs secret), and the token joins nodes: secret. Protected like the CAs: a new token would not
        // match the one the running control plane knows.
        const tokenPart = (suffix: string, length: number) =>
            new random.RandomString(`${name}-token-${suffix}`, { length, upper: false, special: false }, { parent: this, ...CLUSTER_SECRET_OPTIONS });
        const tokenId = tokenPart("id", 6);
        const tokenSecret = tokenPart("secret", 16);
        const admin = new ClientCertificate(`${name}-admin`, { ca, commonName: `${cluster.name}-admin`, organization: "system:masters" }, { parent: this });

        const first = args.controlPlanes[0];
        const apiAddress = lb ? staticIp(lb) : staticIp(first);
        const image = cloudImage(args.config.cloudImage);
        const certSans = [lb, ...args.controlPlanes].flatMap((vm) => (vm ? nodeNames(args, vm) : []));

        const spec = (vm: VmDefinition, role: KubeadmNodeSpec["role"]): Omit<KubeadmNodeSpec, "bootstrapToken" | "caCertHash" | "pki"> => ({
            role,
            clusterName: cluster.name,
            kubernetesVersion: cluster.version,
            nodeName: vm.name,
            nodeIp: staticIp(vm),
            controlPlaneEndpoint: `${apiAddress}:6443`,
            certSans,
            podSubnet: cluster.podCidr,
            serviceSubnet: cluster.serviceCidr,
        });
        const token = pulumi.secret(pulumi.interpolate`${tokenId.result}.${tokenSecret.result}`);
        const pki: pulumi.Output<KubeadmPki> = pulumi
            .all([ca.certPem, ca.keyPem, frontProxyCa.certPem, frontProxyCa.keyPem, etcdCa.certPem, etcdCa.keyPem, pulumi.secret(saKey.privateKeyPem), saKey.publicKeyPem])
            .apply(([c, k, fc, fk, ec, ek, sa, saPub]) => ({ ca: { certPem: c, keyPem: k }, frontProxyCa: { certPem: fc, keyPem: fk }, etcdCa: { certPem: ec, keyPem: ek }, saKeyPem: sa, saPubPem: saPub }));
        const placeholderPki: KubeadmPki = {
            ca: placeholderPair("ca"), frontProxyCa: placeholderPair("front-proxy-ca"), etcdCa: placeholderPair("etcd-ca"),
            saKeyPem: `${REDACTED}\n`, saPubPem: "<computed: service-account public key>\n",
        };

        const nodes: Record<string, ProxmoxVm> = {};
        if (lb) {
            const config = haproxyConfig(args.controlPlanes.map((vm) => ({ name: vm.name, address: staticIp(vm) })));
            registerArtefact(`haproxy/${cluster.name}.cfg`, config);
            const haproxy = {
                files: [{ path: "/etc/haproxy/haproxy.cfg", content: config, permissions: "0644", owner: "root:root", defer: true }],
                packages: ["haproxy"],
                runcmd: [["systemctl", "enable", "haproxy"], ["systemctl", "restart", "haproxy"]],
            };
            nodes[lb.name] = createNode(this, args, lb, { role: "load-balancer", image, bootstrap: { content: haproxy, redacted: haproxy } });
        }
        for (const [vm, role] of nodeRoles<KubeadmNodeSpec["role"]>(args, { first: "init", controlPlane: "control-plane", worker: "worker" })) {
            const base = spec(vm, role);
            const withPki = role !== "worker";
            const content = pulumi
                .all([token, ca.certPem, withPki ? pki : undefined])
                .apply(([t, caPem, material]) =>
                    kubeadmNodeBootstrap({ ...base, bootstrapToken: t, caCertHash: role === "init" ? undefined : discoveryTokenCaCertHash(caPem), pki: material as KubeadmPki | undefined }),
                );
            // Built only if the render collects the artefacts.
            const redacted = () => kubeadmNodeBootstrap({
                ...base,
                bootstrapToken: REDACTED,
                caCertHash: role === "init" ? undefined : "<computed: sha256 of the CA's public key>",
                pki: withPki ? placeholderPki : undefined,
            });
            // Control planes boot only once the load balancer VM exists: `kubeadm init` and control-plane joins go through it.
            const afterLb = lb && role !== "worker" ? [nodes[lb.name].vm] : undefined;
            nodes[vm.name] = createNode(this, args, vm, { role: role === "worker" ? "worker" : "control-plane", image, bootstrap: { content, redacted }, dependsOn: afterLb });
        }
        this.nodes = nodes;

        // The kubeconfig points at the load balancer, which the API certificate names (certSANs).
        const access = clusterAccess(this, name, args, { address: apiAddress, caCertPem: ca.certPem, admin, nodes: Object.values(nodes) });
        this.kubeconfig = access.kubeconfig;
        this.endpoint = access.endpoint;
        this.caCertPem = access.caCertPem;
        this.provider = access.provider;
        this.ready = access.ready;
        this.clientCa = ca;

        const cilium = versions.charts.cilium;
        this.cni = new k8s.helm.v3.Release(
            `${name}-cilium`,
            {
                // A fixed Helm release name: without one the provider appends a random suffix, which a
                // replacement changes, so the new release would install beside the old one's objects.
                name: "cilium",
                chart: cilium.chart,
                version: cilium.version,
                repositoryOpts: { repo: cilium.repo },
                namespace: "kube-system",
                // kube-controller-manager allocates node pod CIDRs from podSubnet; Cilium uses them.
                values: { ipam: { mode: "kubernetes" } },
                // Roll back a failed install or upgrade instead of leaving a half-installed CNI.
                atomic: true,
                // Seconds per Kubernetes operation. Helm's default 300 s is too short for a first install:
                // every node pulls the agent and operator images over the homelab's uplink.
                timeout: RELEASE_TIMEOUT_SECONDS,
            },
            // Delete first: a second release could not take over the cluster-scoped objects (CRDs, RBAC)
            // the old one still owns.
            { parent: this, provider: this.provider, dependsOn: [this.ready], deleteBeforeReplace: true },
        );
        this.registerOutputs({ kubeconfig: this.kubeconfig, endpoint: this.endpoint });
    }
}
