import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { REDACTED } from "../../core/artefacts";
import { talosImage, talosInstallerImage } from "./image";
import { localPathDirectory } from "../../platform/services/localPath/localPath";
import { LONGHORN_DATA_PATH } from "../../platform/services/longhorn/longhorn";
import { renderTalosconfig, TALOS_BOOTSTRAP_SCRIPT, talosMachineConfig, TalosNodeSpec, TalosSecrets } from "./machineConfig";
import type { VmDefinition } from "../../hosts/vmDefinition";
import { bootDiskDevice } from "../../hosts/guestDisk";
import type { ProxmoxVm } from "../../hosts/proxmoxVm";
import { CertificateAuthority, ClientCertificate, serviceAccountKey } from "../../pki/certificateAuthority";
import { clusterAccess } from "../access/clusterAccess";
import type { ClientCa, ClusterAccess, ClusterArgs } from "../contract";
import { CLUSTER_IDENTITY, CLUSTER_SECRET_OPTIONS, createNode, nodeNames, nodeRoles, placeholderPair, requireValid, staticAddressErrors, staticIp } from "../nodes";

/**
 * Talos on the nocloud image from the Image Factory: machine configs generated in the program and
 * served as nocloud user-data, then the one MachineService/Bootstrap call via `talosctl bootstrap`.
 */
export class TalosCluster extends pulumi.ComponentResource implements ClusterAccess {
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly endpoint: string;
    public readonly caCertPem: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly ready: pulumi.Resource;
    public readonly nodes: Readonly<Record<string, ProxmoxVm>>;
    /** The Kubernetes CA: Talos's API server trusts it for client certificates. */
    public readonly clientCa: ClientCa;
    /** talosctl client configuration (O=os:admin), a secret. */
    public readonly talosconfig: pulumi.Output<string>;
    public readonly bootstrap: command.local.Command;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:cluster:TalosCluster", name, {}, opts);
        const { cluster } = args;
        requireValid("TalosCluster", name, [
            ...(cluster.distribution !== "talos" ? [{ propertyPath: "cluster.distribution", reason: `is ${cluster.distribution}, not talos` }] : []),
            ...(args.controlPlanes.length === 0 ? [{ propertyPath: "controlPlanes", reason: "needs at least one control plane" }] : []),
            ...(args.loadBalancer ? [{ propertyPath: "loadBalancer", reason: "Talos serves its API from the control planes; no load balancer VM" }] : []),
            ...[...args.controlPlanes, ...args.workers]
                .filter((vm) => vm.user || vm.clone)
                .map((vm) => ({ propertyPath: "controlPlanes", reason: `${vm.file} sets a cloud-init user or a template, which Talos cannot use` })),
            ...staticAddressErrors(args),
            ...(args.controlPlanes.length > 1 && !cluster.vip ? [{ propertyPath: "cluster.vip", reason: "is required with several control planes" }] : []),
            ...[...args.controlPlanes, ...args.workers]
                .map((vm) => [vm, bootDiskDevice(vm)] as const)
                .flatMap(([vm, d]) => ("problem" in d ? [{ propertyPath: "controlPlanes", reason: `${vm.file}: ${d.problem}` }] : [])),
        ]);

        const ca = (suffix: string, commonName: string) => new CertificateAuthority(`${name}-${suffix}`, { commonName }, { parent: this });
        const osCa = ca("os-ca", "talos");
        const kubernetesCa = ca("kubernetes-ca", "kubernetes");
        const aggregatorCa = ca("aggregator-ca", "aggregator");
        const etcdCa = ca("etcd-ca", "etcd");
        const saKey = serviceAccountKey(`${name}-service-account-key`, this);
        // The cluster's identity: tokens, cluster id and secret, and the secretbox key that encrypts Secrets in
        // etcd. A new one splits the cluster or leaves existing Secrets unreadable, so all are protected like
        // the CAs; the RandomStrings' results are also marked secret, which RandomString alone does not do.
        const part = (suffix: string, length: number) =>
            new random.RandomString(`${name}-${suffix}`, { length, upper: false, special: false }, { parent: this, ...CLUSTER_SECRET_OPTIONS }).result;
        const bytes = (suffix: string) => new random.RandomBytes(`${name}-${suffix}`, { length: 32 }, { parent: this, ...CLUSTER_IDENTITY }).base64;
        const machineToken = pulumi.interpolate`${part("machine-token-id", 6)}.${part("machine-token-secret", 16)}`;
        const clusterToken = pulumi.interpolate`${part("cluster-token-id", 6)}.${part("cluster-token-secret", 16)}`;
        const kubeAdmin = new ClientCertificate(`${name}-admin`, { ca: kubernetesCa, commonName: `${cluster.name}-admin`, organization: "system:masters" }, { parent: this });
        const osAdmin = new ClientCertificate(`${name}-os-admin`, { ca: osCa, commonName: `${cluster.name}-os-admin`, organization: "os:admin" }, { parent: this });

        const secrets: pulumi.Output<TalosSecrets> = pulumi
            .all([
                osCa.certPem, osCa.keyPem, kubernetesCa.certPem, kubernetesCa.keyPem, aggregatorCa.certPem, aggregatorCa.keyPem, etcdCa.certPem, etcdCa.keyPem,
                pulumi.secret(saKey.privateKeyPem), machineToken, clusterToken, bytes("cluster-id"), bytes("cluster-secret"), bytes("secretbox-secret"),
            ])
            .apply(([oc, ok, kc, kk, ac, ak, ec, ek, sa, mt, ct, id, secret, secretbox]) => ({
                osCa: { certPem: oc, keyPem: ok }, kubernetesCa: { certPem: kc, keyPem: kk }, aggregatorCa: { certPem: ac, keyPem: ak }, etcdCa: { certPem: ec, keyPem: ek },
                serviceAccountKeyPem: sa, machineToken: mt, clusterToken: ct, clusterId: id, clusterSecret: secret, secretboxEncryptionSecret: secretbox,
            }));
        const placeholders: TalosSecrets = {
            osCa: placeholderPair("os-ca"), kubernetesCa: placeholderPair("kubernetes-ca"), aggregatorCa: placeholderPair("aggregator-ca"), etcdCa: placeholderPair("etcd-ca"),
            serviceAccountKeyPem: REDACTED, machineToken: REDACTED, clusterToken: REDACTED, clusterId: REDACTED, clusterSecret: REDACTED, secretboxEncryptionSecret: REDACTED,
        };

        const first = args.controlPlanes[0];
        const firstIp = staticIp(first);
        // Several control planes share a VIP as the API endpoint; the talosconfig keeps the nodes' own addresses,
        // because the VIP follows etcd and is gone exactly when the Talos API is needed to repair it.
        const apiAddress = cluster.vip ?? firstIp;
        const network = args.config.networks[first.network.bridge];
        const image = talosImage(cluster.version);
        const spec = (vm: VmDefinition, type: TalosNodeSpec["type"]): TalosNodeSpec => ({
            type,
            clusterName: cluster.name,
            talosVersion: cluster.version,
            installerImage: talosInstallerImage(cluster.version),
            hostname: vm.name,
            nodeIp: staticIp(vm),
            controlPlaneEndpoint: `https://${apiAddress}:6443`,
            certSans: nodeNames(args, vm),
            podSubnet: cluster.podCidr,
            serviceSubnet: cluster.serviceCidr,
            nodeSubnet: network.cidr,
            installDisk: (bootDiskDevice(vm) as { device: string }).device,
            vip: type === "controlplane" ? cluster.vip : undefined,
            // Serving certificates signed by the cluster CA, approved by the platform's kubelet-csr-approver.
            rotateServerCertificates: cluster.services.metricsServer,
            localPathDirectory: cluster.services.localPathProvisioner ? localPathDirectory("talos") : undefined,
            longhornDataPath: cluster.services.longhorn ? LONGHORN_DATA_PATH : undefined,
        });

        const nodes: Record<string, ProxmoxVm> = {};
        for (const [vm, type] of nodeRoles<TalosNodeSpec["type"]>(args, { first: "controlplane", controlPlane: "controlplane", worker: "worker" })) {
            const node = spec(vm, type);
            nodes[vm.name] = createNode(this, args, vm, {
                role: type === "controlplane" ? "control-plane" : "worker",
                image,
                cloudInitType: "nocloud",
                rawUserData: { content: pulumi.secret(secrets.apply((s) => talosMachineConfig(node, s))), redacted: () => talosMachineConfig(node, placeholders, { redacted: true }), artefactPath: `talos/${vm.name}.machine-config.yaml` },
            });
        }
        this.nodes = nodes;

        this.talosconfig = pulumi.secret(
            pulumi.all([osCa.certPem, osAdmin.certPem, osAdmin.keyPem]).apply(([caCertPem, clientCertPem, clientKeyPem]) =>
                renderTalosconfig({ context: cluster.name, endpoints: args.controlPlanes.map(staticIp), nodes: [firstIp], caCertPem, clientCertPem, clientKeyPem }),
            ),
        );
        this.bootstrap = new command.local.Command(
            `${name}-bootstrap`,
            {
                create: TALOS_BOOTSTRAP_SCRIPT,
                interpreter: ["/bin/sh", "-c"],
                environment: { TALOSCONFIG_DATA: this.talosconfig, NODE: firstIp, ATTEMPTS: "90", DELAY: "10" },
                // With one control plane, a replaced first node is a new, empty cluster: its VM id changes, which
                // replaces this command and so bootstraps it (a bootstrapped node answers AlreadyExists, which the
                // script counts as success). With several, a replaced node rejoins the surviving etcd members;
                // bootstrapping it would found a second etcd cluster (Talos refuses only once its etcd data
                // directory is non-empty: internal/app/machined/internal/server/v1alpha1/v1alpha1_server.go).
                triggers: args.controlPlanes.length === 1 ? [nodes[first.name].vm.id] : [],
            },
            { parent: this, dependsOn: [nodes[first.name].vm] },
        );

        const access = clusterAccess(this, name, args, { address: apiAddress, caCertPem: kubernetesCa.certPem, admin: kubeAdmin, nodes: Object.values(nodes), after: [this.bootstrap] });
        this.kubeconfig = access.kubeconfig;
        this.endpoint = access.endpoint;
        this.caCertPem = access.caCertPem;
        this.provider = access.provider;
        this.ready = access.ready;
        this.clientCa = kubernetesCa;
        this.registerOutputs({ kubeconfig: this.kubeconfig, endpoint: this.endpoint, talosconfig: this.talosconfig });
    }
}
