import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ClusterConfig } from "../../config/config";
import type { PlatformSettings } from "../../config/platform";
import { versions } from "../../versions";
import { enabledServices, ServiceName } from "./catalog";
import { HelmService } from "./helmService";
import { ClusterNetwork, PlatformNamespace } from "./namespace";
import { declareObject, declareSecret } from "./objects";
import { requireValid } from "../clusters/nodes";
import { CERT_MANAGER_NAMESPACE, certManagerValues, CLOUDFLARE_SECRET, clusterIssuers, WILDCARD_SECRET, wildcardCertificate } from "./services/certManager/certManager";
import { cloudflareValues, EXTERNAL_DNS_NAMESPACE, piholeValues, PIHOLE_SECRET } from "./services/externalDns/externalDns";
import { gatewayNamespace, GATEWAY_RELEASE, gatewayValues, istioBaseValues, istiodValues, ISTIO_SYSTEM_NAMESPACE, tlsGateway } from "./services/istio/istio";
import { METALLB_NAMESPACE, metallbObjects, metallbValues } from "./services/metallb/metallb";
import { CSR_APPROVER_NAMESPACE, csrApproverValues, metricsServerNamespace, metricsServerValues } from "./services/metricsServer/metricsServer";
import { LOCAL_PATH_NAMESPACE, localPathDirectory, localPathObjects } from "./services/localPath/localPath";
import { LONGHORN_NAMESPACE, longhornValues } from "./services/longhorn/longhorn";
import { credentialsFile, CREDENTIALS_SECRET, dailySchedule, veleroNamespace, veleroValues } from "./services/velero/velero";

/** What every layer on a cluster (the base, the tools layer, the hub) is given. */
export interface ClusterLayerArgs {
    readonly stack: string;
    readonly cluster: ClusterConfig;
    readonly settings: PlatformSettings;
    /** The cluster's provider; it exists only once the API answers /readyz. */
    readonly provider: k8s.Provider;
    /** The cluster's readiness resource(s): every namespace and release waits for them. */
    readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** The nodes' network (CIDR). */
    readonly nodeCidr: string;
}

export interface PlatformArgs extends ClusterLayerArgs {
    /** The cluster's node names (for kubelet serving-certificate approval). */
    readonly nodeNames: readonly string[];
}

/**
 * The base every cluster runs (components/platform/catalog.ts), on the cluster's provider after its
 * readiness. Releases that do not need each other are not chained: each waits only for readiness;
 * custom resources wait for the release that brings their CRDs.
 */
export class Platform extends pulumi.ComponentResource {
    /** Releases by service, as installed on this cluster. */
    public readonly releases: Readonly<Record<string, k8s.helm.v3.Release>>;
    public readonly services: readonly ServiceName[];
    /** MetalLB's IPAddressPool and L2Advertisement: a LoadBalancer Service gets an address only once they exist. */
    public readonly addressPool: readonly pulumi.Resource[];

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("homelab:platform:Platform", name, {}, opts);
        const { cluster, settings } = args;
        const on = new Set(enabledServices(cluster.services));
        const needsDomain = ["certManager", "istio", "externalDns"].some((s) => on.has(s as ServiceName));
        requireValid("Platform", name, [
            ...(needsDomain && !cluster.domain ? [{ propertyPath: "cluster.domain", reason: "is required by cert-manager, Istio and external-dns" }] : []),
            ...(on.has("metallb") && cluster.loadBalancerPool.length === 0 ? [{ propertyPath: "cluster.loadBalancerPool", reason: "is required by MetalLB" }] : []),
            ...((on.has("certManager") || on.has("externalDns")) && !settings.cloudflareApiToken ? [{ propertyPath: "settings.cloudflareApiToken", reason: "is required by cert-manager and external-dns" }] : []),
            ...(on.has("velero") && !settings.velero ? [{ propertyPath: "settings.velero", reason: "is required by Velero" }] : []),
        ]);
        const network: ClusterNetwork = { nodeCidr: args.nodeCidr };
        const base = { cluster: cluster.name, provider: args.provider, network, dependsOn: args.dependsOn };
        const child = { parent: this };
        const onCluster = { parent: this, provider: args.provider };
        const domain = cluster.domain!;
        const releases: Record<string, k8s.helm.v3.Release> = {};
        const service = (key: string, releaseName: string, rest: Omit<ConstructorParameters<typeof HelmService>[1], "cluster" | "provider" | "network" | "releaseName">) => {
            const svc = new HelmService(`${name}-${key}`, { ...base, releaseName, ...rest, dependsOn: [...(args.dependsOn ?? []), ...(rest.dependsOn ?? [])] }, child);
            releases[key] = svc.release;
            return svc;
        };

        let pool: pulumi.Resource[] = [];
        if (on.has("metallb")) {
            const metallb = service("metallb", "metallb", { chart: versions.charts.metallb, namespace: METALLB_NAMESPACE, values: metallbValues() });
            pool = metallbObjects(cluster.name, cluster.loadBalancerPool).map((object) =>
                declareObject(cluster.name, `${name}-${object.kind.toLowerCase()}`, object, { ...onCluster, dependsOn: [metallb.release] }),
            );
        }

        let certManager: HelmService | undefined;
        if (on.has("certManager")) {
            certManager = service("cert-manager", "cert-manager", { chart: versions.charts.certManager, namespace: CERT_MANAGER_NAMESPACE, values: certManagerValues() });
            const token = declareSecret(cluster.name, `${name}-cert-manager-cloudflare-token`, { name: CLOUDFLARE_SECRET.name, namespace: CERT_MANAGER_NAMESPACE.name, stringData: { [CLOUDFLARE_SECRET.key]: settings.cloudflareApiToken! } }, { ...onCluster, dependsOn: [certManager.namespace] });
            clusterIssuers(domain, settings.acmeEmail).forEach((issuer) =>
                declareObject(cluster.name, `${name}-${issuer.metadata.name}`, issuer, { ...onCluster, dependsOn: [certManager!.release, token] }),
            );
        }

        if (on.has("istio")) {
            const istioBase = service("istio-base", "istio-base", { chart: versions.charts.istioBase, namespace: ISTIO_SYSTEM_NAMESPACE, values: istioBaseValues() });
            // istiod shares istio-system with base, and needs base's CRDs; the gateway needs istiod's injector.
            const istiod = service("istiod", "istiod", { chart: versions.charts.istiod, namespace: istioBase.namespace, values: istiodValues(), dependsOn: [istioBase.release] });
            // Helm's wait holds a LoadBalancer Service until it has an address: the pool must exist first.
            const gatewayDeps = [istiod.release, ...pool];
            const gateway = service("istio-gateway", GATEWAY_RELEASE, { chart: versions.charts.istioGateway, namespace: gatewayNamespace(cluster.podCidr), values: gatewayValues(`${cluster.name}-pool`), dependsOn: gatewayDeps });
            const gatewayDependsOn: pulumi.Resource[] = [istioBase.release, gateway.release];
            if (certManager) {
                // The certificate's Secret must sit where the gateway's proxy reads it (credentialName).
                gatewayDependsOn.push(
                    declareObject(cluster.name, `${name}-wildcard-certificate`, wildcardCertificate(domain, gateway.namespaceName), { ...onCluster, dependsOn: [certManager.release, gateway.namespace] }),
                );
            }
            declareObject(cluster.name, `${name}-wildcard-gateway`, tlsGateway(domain, WILDCARD_SECRET), { ...onCluster, dependsOn: gatewayDependsOn });
        } else if (certManager) {
            declareObject(cluster.name, `${name}-wildcard-certificate`, wildcardCertificate(domain, CERT_MANAGER_NAMESPACE.name), { ...onCluster, dependsOn: [certManager.release] });
        }

        if (on.has("externalDns")) {
            const ns = new PlatformNamespace(`${name}-external-dns-ns`, { ...base, spec: EXTERNAL_DNS_NAMESPACE }, child);
            const dnsArgs = { domain, ownerId: `${args.stack}-${cluster.name}`, istio: on.has("istio") };
            // With Istio sources, external-dns lists Gateways and VirtualServices: their CRDs come with istio-base.
            const after = releases["istio-base"] ? [releases["istio-base"]] : [];
            const cfToken = declareSecret(cluster.name, `${name}-external-dns-cloudflare-token`, { name: CLOUDFLARE_SECRET.name, namespace: ns.name, stringData: { [CLOUDFLARE_SECRET.key]: settings.cloudflareApiToken! } }, { ...onCluster, dependsOn: [ns] });
            service("external-dns-cloudflare", "external-dns-cloudflare", { chart: versions.charts.externalDns, namespace: ns, values: cloudflareValues(dnsArgs), dependsOn: [...after, cfToken] });
            if (settings.pihole) {
                const password = declareSecret(cluster.name, `${name}-external-dns-pihole-password`, { name: PIHOLE_SECRET.name, namespace: ns.name, stringData: { [PIHOLE_SECRET.key]: settings.pihole.password } }, { ...onCluster, dependsOn: [ns] });
                service("external-dns-pihole", "external-dns-pihole", { chart: versions.charts.externalDns, namespace: ns, values: piholeValues(dnsArgs, settings.pihole.url), dependsOn: [...after, password] });
            }
        }

        if (on.has("metricsServer")) {
            const talos = cluster.distribution === "talos";
            if (talos) {
                service("kubelet-csr-approver", "kubelet-csr-approver", { chart: versions.charts.kubeletCsrApprover, namespace: CSR_APPROVER_NAMESPACE, values: csrApproverValues(args.nodeNames, args.nodeCidr) });
            }
            service("metrics-server", "metrics-server", { chart: versions.charts.metricsServer, namespace: metricsServerNamespace(args.nodeCidr), values: metricsServerValues(talos) });
        }

        if (on.has("localPathProvisioner")) {
            // No Helm chart: the manifest's objects, after their namespace and its policies.
            const ns = new PlatformNamespace(`${name}-local-path-ns`, { ...base, spec: LOCAL_PATH_NAMESPACE }, child);
            for (const object of localPathObjects(localPathDirectory(cluster.distribution))) {
                declareObject(cluster.name, `${name}-local-path-${object.kind.toLowerCase()}`, object, { ...onCluster, dependsOn: [ns] });
            }
        }

        if (on.has("longhorn")) {
            // Workers carry the volumes; control planes are tainted (kubeadm, Talos) unless there are no workers.
            const storageNodes = cluster.workers.length > 0 ? cluster.workers.length : cluster.controlPlanes.length;
            service("longhorn", "longhorn", { chart: versions.charts.longhorn, namespace: LONGHORN_NAMESPACE, values: longhornValues(storageNodes) });
        }

        if (on.has("velero")) {
            const v = settings.velero!;
            const ns = new PlatformNamespace(`${name}-velero-ns`, { ...base, spec: veleroNamespace(v.s3Url) }, child);
            const cloud = pulumi.all([v.accessKeyId, v.secretAccessKey]).apply(([id, key]) => credentialsFile(id, key));
            const credentials = declareSecret(cluster.name, `${name}-velero-credentials`, { name: CREDENTIALS_SECRET.name, namespace: ns.name, stringData: { [CREDENTIALS_SECRET.key]: cloud } }, { ...onCluster, dependsOn: [ns] });
            const velero = service("velero", "velero", {
                chart: versions.charts.velero,
                namespace: ns,
                values: veleroValues({ bucket: v.bucket, s3Url: v.s3Url, region: v.region, prefix: `${args.stack}/${cluster.name}` }),
                dependsOn: [credentials],
            });
            declareObject(cluster.name, `${name}-velero-daily`, dailySchedule(), { ...onCluster, dependsOn: [velero.release] });
        }

        this.releases = releases;
        this.addressPool = pool;
        this.services = [...on];
        this.registerOutputs({ services: this.services });
    }
}
