import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { REDACTED } from "../../core/artefacts";
import { cloudImage } from "../../hosts/images";
import { K3sNodeSpec, k3sNodeBootstrap, K3sPki } from "./bootstrap";
import type { VmDefinition } from "../../hosts/vmDefinition";
import { versions } from "../../../versions";
import type { ProxmoxVm } from "../../hosts/proxmoxVm";
import { CertificateAuthority, ClientCertificate, serviceAccountKey } from "../../pki/certificateAuthority";
import { clusterAccess } from "../access/clusterAccess";
import type { ClientCa, ClusterAccess, ClusterArgs } from "../contract";
import { CLUSTER_IDENTITY, createNode, nodeNames, nodeRoles, placeholderPair, requireValid, staticAddressErrors, staticIp } from "../nodes";

/**
 * A K3s cluster: the first server starts with `cluster-init` and CAs the program generated,
 * further servers and agents join it with the shared token. Nothing is read back from a node.
 */
export class K3sCluster extends pulumi.ComponentResource implements ClusterAccess {
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly endpoint: string;
    public readonly caCertPem: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly ready: pulumi.Resource;
    public readonly nodes: Readonly<Record<string, ProxmoxVm>>;
    /** client-ca: the API server's --client-ca-file. */
    public readonly clientCa: ClientCa;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:cluster:K3sCluster", name, {}, opts);
        const { cluster } = args;
        requireValid("K3sCluster", name, [
            ...(cluster.distribution !== "k3s" ? [{ propertyPath: "cluster.distribution", reason: `is ${cluster.distribution}, not k3s` }] : []),
            ...(args.controlPlanes.length === 0 ? [{ propertyPath: "controlPlanes", reason: "needs at least one server" }] : []),
            ...(args.loadBalancer ? [{ propertyPath: "loadBalancer", reason: "K3s serves its API from the servers; no load balancer VM" }] : []),
            ...staticAddressErrors(args),
        ]);

        const ca = (suffix: string, commonName: string) => new CertificateAuthority(`${name}-${suffix}`, { commonName }, { parent: this });
        const cas = {
            serverCa: ca("server-ca", `${cluster.name}-k3s-server-ca`),
            clientCa: ca("client-ca", `${cluster.name}-k3s-client-ca`),
            requestHeaderCa: ca("request-header-ca", `${cluster.name}-k3s-request-header-ca`),
            etcdPeerCa: ca("etcd-peer-ca", `${cluster.name}-etcd-peer-ca`),
            etcdServerCa: ca("etcd-server-ca", `${cluster.name}-etcd-server-ca`),
        };
        const serviceKey = serviceAccountKey(`${name}-service-account-key`, this);
        // The token the servers share: a new one would not match what the running servers hold. Protected like the CAs.
        const token = new random.RandomPassword(`${name}-token`, { length: 48, special: false }, { parent: this, ...CLUSTER_IDENTITY });
        const admin = new ClientCertificate(`${name}-admin`, { ca: cas.clientCa, commonName: `${cluster.name}-admin`, organization: "system:masters" }, { parent: this });

        const first = args.controlPlanes[0];
        const firstIp = staticIp(first);
        const image = cloudImage(args.config.cloudImage);
        const spec = (vm: VmDefinition, role: K3sNodeSpec["role"]): Omit<K3sNodeSpec, "token" | "pki"> => ({
            role,
            version: cluster.version,
            installScriptUrl: versions.k3sInstallScript(cluster.version),
            nodeName: vm.name,
            nodeIp: staticIp(vm),
            serverUrl: role === "init" ? undefined : `https://${firstIp}:6443`,
            tlsSans: nodeNames(args, vm),
            podCidr: cluster.podCidr,
            serviceCidr: cluster.serviceCidr,
        });

        const realPki: pulumi.Output<K3sPki> = pulumi
            .all([
                cas.serverCa.certPem, cas.serverCa.keyPem, cas.clientCa.certPem, cas.clientCa.keyPem, cas.requestHeaderCa.certPem, cas.requestHeaderCa.keyPem,
                cas.etcdPeerCa.certPem, cas.etcdPeerCa.keyPem, cas.etcdServerCa.certPem, cas.etcdServerCa.keyPem, pulumi.secret(serviceKey.privateKeyPem),
            ])
            .apply(([sc, sk, cc, ck, rc, rk, pc, pk, ec, ek, svc]) => ({
                serverCa: { certPem: sc, keyPem: sk }, clientCa: { certPem: cc, keyPem: ck }, requestHeaderCa: { certPem: rc, keyPem: rk },
                etcdPeerCa: { certPem: pc, keyPem: pk }, etcdServerCa: { certPem: ec, keyPem: ek }, serviceKeyPem: svc,
            }));
        const placeholderPki: K3sPki = {
            serverCa: placeholderPair("server-ca"), clientCa: placeholderPair("client-ca"), requestHeaderCa: placeholderPair("request-header-ca"),
            etcdPeerCa: placeholderPair("etcd-peer-ca"), etcdServerCa: placeholderPair("etcd-server-ca"), serviceKeyPem: `${REDACTED}\n`,
        };

        const nodes: Record<string, ProxmoxVm> = {};
        for (const [vm, role] of nodeRoles<K3sNodeSpec["role"]>(args, { first: "init", controlPlane: "server", worker: "agent" })) {
            const base = spec(vm, role);
            const content = pulumi
                .all([pulumi.secret(token.result), role === "init" ? realPki : undefined])
                .apply(([t, pki]) => k3sNodeBootstrap({ ...base, token: t, pki: pki as K3sPki | undefined }));
            // Built only if the render collects the artefacts.
            const redacted = () => k3sNodeBootstrap({ ...base, token: REDACTED, pki: role === "init" ? placeholderPki : undefined });
            nodes[vm.name] = createNode(this, args, vm, {
                role: role === "agent" ? "worker" : "control-plane",
                image,
                bootstrap: { content, redacted },
            });
        }
        this.nodes = nodes;

        // The kubeconfig trusts server-ca and authenticates with a client-ca certificate in system:masters.
        const access = clusterAccess(this, name, args, { address: firstIp, caCertPem: cas.serverCa.certPem, admin, nodes: Object.values(nodes) });
        this.kubeconfig = access.kubeconfig;
        this.endpoint = access.endpoint;
        this.caCertPem = access.caCertPem;
        this.provider = access.provider;
        this.ready = access.ready;
        this.clientCa = cas.clientCa;
        this.registerOutputs({ kubeconfig: this.kubeconfig, endpoint: this.endpoint });
    }
}
