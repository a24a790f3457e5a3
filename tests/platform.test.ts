import * as fs from "fs";
import * as path from "path";
import { ProgramRun, RecordedResource, SECRET_MASK } from "../render/harness";
import { versions } from "../versions";
import { chartKeys, unknownKeys } from "./chartKeys";
import { baseConfig, byName, CLOUDFLARE_TOKEN, makeProject, platformFields, reportLines, runStack, vmYaml } from "./helpers";
import { validateObject } from "./kubeModels";
import { stackRun } from "./stackRuns";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const charts = versions.charts;

function releasesOf(run: ProgramRun, cluster: string): { name: string; namespace: string; chart: string; repo: string; version: string }[] {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    // The base's, the secrets layer's and the tools role's Vault and Argo CD releases; the observability and
    // delivery layers' are tested in observability.test.ts.
    const layers = new Set(["homelab:platform:Platform", "homelab:platform:SecretsLayer", "homelab:platform:VaultServer", "homelab:platform:ArgoCd"]);
    const inBase = (r: RecordedResource) => layers.has(byUrn.get(byUrn.get(r.parent ?? "")?.parent ?? "")?.type ?? "");
    return run.resources
        .filter((r) => r.type === RELEASE && inBase(r) && r.name.startsWith(`${cluster}-`))
        .map((r) => {
            const i = r.rawInputs as { name: string; namespace: string; chart: string; version: string; repositoryOpts: { repo: string } };
            return { name: i.name, namespace: i.namespace, chart: i.chart, repo: i.repositoryOpts.repo, version: i.version };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
}

const release = (name: string, namespace: string, pin: { chart: string; repo: string; version: string }) => ({ name, namespace, chart: pin.chart, repo: pin.repo, version: pin.version });

/** Every cluster's base, by release name, with its namespace. */
const BASE = [
    release("cert-manager", "cert-manager", charts.certManager),
    release("external-dns-cloudflare", "external-dns", charts.externalDns),
    release("external-dns-pihole", "external-dns", charts.externalDns),
    release("istio-base", "istio-system", charts.istioBase),
    release("istio-ingress", "istio-ingress", charts.istioGateway),
    release("istiod", "istio-system", charts.istiod),
    release("metallb", "metallb-system", charts.metallb),
    release("velero", "velero", charts.velero),
    // The secrets layer (components/platform/services/externalSecrets), wherever the stack has Vault.
    release("external-secrets", "external-secrets", charts.externalSecrets),
];
const VAULT = release("vault", "vault", charts.vault);
const METRICS = release("metrics-server", "metrics-server", charts.metricsServer);
const CSR_APPROVER = release("kubelet-csr-approver", "kubelet-csr-approver", charts.kubeletCsrApprover);
const ARGOCD = release("argocd", "argocd", charts.argoCd);
const sorted = (list: typeof BASE) => [...list].sort((a, b) => a.name.localeCompare(b.name));

const values = (run: ProgramRun, name: string) => byName(run, `${name}-release`).rawInputs.values as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values
const urnOf = (run: ProgramRun, name: string) => byName(run, name).urn;
const platformObjects = (run: ProgramRun) =>
    run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== RELEASE && r.urn.includes("homelab:platform:"));

describe("the platform on each stack's clusters", () => {
    const runs: Record<string, ProgramRun> = {};
    beforeAll(async () => {
        for (const stack of ["dev", "prod", "tools"]) {
            runs[stack] = (await stackRun(stack)).run;
            expect(runs[stack].error).toBeUndefined();
        }
        // Three whole-program runs: on a busy machine they outlast the default 30 s.
    }, 300_000);

    it("installs exactly the base on each cluster: chart, repository, version, namespace and release name", () => {
        // Talos: metrics-server with the serving-certificate approver; kubeadm: metrics-server; K3s ships metrics-server.
        expect(releasesOf(runs.dev, "dev")).toEqual(sorted([...BASE, METRICS, CSR_APPROVER]));
        expect(releasesOf(runs.prod, "prod")).toEqual(sorted([...BASE, METRICS]));
        expect(releasesOf(runs.tools, "tools")).toEqual(sorted([...BASE, VAULT, ARGOCD]));
        expect(releasesOf(runs.tools, "observability")).toEqual(sorted(BASE));
    });

    it("gives every release a fixed name, atomic install, a first-pull timeout, delete-before-replace and the cluster's provider", () => {
        for (const [stack, run] of Object.entries(runs)) {
            const providers = run.resources.filter((r) => r.type === "pulumi:providers:kubernetes").map((r) => r.urn);
            for (const r of run.resources.filter((x) => x.type === RELEASE && x.urn.includes("homelab:platform:"))) {
                const cluster = r.name.split("-")[0];
                expect([stack, r.name, r.rawInputs.atomic, r.rawInputs.timeout, r.deleteBeforeReplace]).toEqual([stack, r.name, true, 900, true]);
                expect(r.provider?.startsWith(`urn:pulumi:${stack}::homelab::homelab:cluster:`)).toBe(true);
                expect(r.provider?.split("::").slice(0, -1).join("::")).toBe(providers.find((p) => p.endsWith(`::${cluster}-k8s`)));
            }
        }
    });

    it("sets the key values from stack config", () => {
        const dev = runs.dev;
        expect(values(dev, "dev-external-dns-cloudflare")).toMatchObject({ txtOwnerId: "dev-dev", domainFilters: ["dev.homelab.example.com"], policy: "sync" });
        expect(values(dev, "dev-external-dns-pihole")).toMatchObject({ extraArgs: { "pihole-server": "http://192.168.1.3", "pihole-api-version": "6" }, registry: "noop" });
        expect(values(runs.prod, "prod-external-dns-cloudflare").txtOwnerId).toBe("prod-prod");
        expect(values(runs.tools, "observability-external-dns-cloudflare").txtOwnerId).toBe("tools-observability");
        expect(values(dev, "dev-velero").configuration.backupStorageLocation).toEqual([
            { name: "default", provider: "aws", bucket: "homelab-velero", prefix: "dev/dev", default: true, config: { region: "us-east-1", s3ForcePathStyle: "true", s3Url: "https://s3.home.arpa:9000" } },
        ]);
        expect(values(dev, "dev-istio-gateway").service.annotations).toEqual({ "metallb.io/address-pool": "dev-pool" });
        expect(values(dev, "dev-kubelet-csr-approver")).toEqual({ providerRegex: "^(k8s-dev|k8s-dev-worker-1)$", providerIpPrefixes: ["192.168.1.0/24"], bypassDnsResolution: true });
        expect(values(dev, "dev-metrics-server").args).toEqual(["--kubelet-preferred-address-types=InternalIP"]);
        expect(values(runs.prod, "prod-metrics-server").args).toEqual(["--kubelet-preferred-address-types=InternalIP", "--kubelet-insecure-tls"]);
        expect(byName(runs.prod, "prod-ipaddresspool").rawInputs.spec).toEqual({ addresses: ["192.168.1.230-192.168.1.239"], autoAssign: true, avoidBuggyIPs: true });
        expect((byName(runs.prod, "prod-wildcard-certificate").rawInputs.spec as { dnsNames: string[] }).dnsNames).toEqual(["*.homelab.example.com", "homelab.example.com"]);
        expect((byName(dev, "dev-wildcard-certificate").rawInputs.spec as { dnsNames: string[] }).dnsNames).toEqual(["*.dev.homelab.example.com", "dev.homelab.example.com"]);
    });

    it("turns on Talos's kubelet serving certificates, which the approver signs off, and mounts the local-path directory", () => {
        const config = runs.dev.artefacts.find((a) => a.path === "talos/k8s-dev.machine-config.yaml")!.content;
        expect(config).toContain("    extraArgs:\n      rotate-server-certificates: 'true'\n");
        // local-path-provisioner's directory, bind-mounted into the kubelet.
        expect(config).toContain("    extraMounts:\n      - destination: /var/local-path-provisioner\n        type: bind\n        source: /var/local-path-provisioner\n        options:\n          - bind\n          - rshared\n          - rw\n");
    });

    it("makes custom resources wait for the release that brings their CRDs", () => {
        const dev = runs.dev;
        const deps = (name: string) => byName(dev, name).dependencies;
        const release = (name: string) => urnOf(dev, `${name}-release`);
        expect(deps("dev-ipaddresspool")).toContain(release("dev-metallb"));
        expect(deps("dev-l2advertisement")).toContain(release("dev-metallb"));
        expect(deps("dev-letsencrypt-production")).toEqual([release("dev-cert-manager"), urnOf(dev, "dev-cert-manager-cloudflare-token")].sort());
        expect(deps("dev-letsencrypt-staging")).toEqual([release("dev-cert-manager"), urnOf(dev, "dev-cert-manager-cloudflare-token")].sort());
        expect(deps("dev-wildcard-certificate")).toContain(release("dev-cert-manager"));
        expect(deps("dev-wildcard-gateway")).toEqual([release("dev-istio-base"), release("dev-istio-gateway"), urnOf(dev, "dev-wildcard-certificate")].sort());
        expect(deps("dev-velero-daily")).toEqual([release("dev-velero")]);
    });

    it("chains only what needs the other: Istio base -> istiod -> gateway (after the pool), external-dns after Istio's CRDs", () => {
        const dev = runs.dev;
        const releases = dev.resources.filter((r) => r.type === RELEASE && r.name.startsWith("dev-") && r.urn.includes("homelab:platform:"));
        const releaseUrns = new Set(releases.map((r) => r.urn));
        const onReleases = Object.fromEntries(releases.map((r) => [r.name.replace(/^dev-|-release$/g, ""), r.dependencies.filter((d) => releaseUrns.has(d)).map((d) => d.split("::").pop()!.replace(/^dev-|-release$/g, ""))]));
        expect(onReleases).toEqual({
            "cert-manager": [],
            // The role layers' releases (observability.test.ts) wait for no other release either.
            "delivery-argo-rollouts": [],
            "edge-fluent-bit": [],
            "edge-otel-collector": [],
            "edge-prometheus-agent": [],
            "external-dns-cloudflare": ["istio-base"],
            "external-dns-pihole": ["istio-base"],
            "istio-base": [],
            istiod: ["istio-base"],
            "istio-gateway": ["istiod"],
            "kubelet-csr-approver": [],
            metallb: [],
            "metrics-server": [],
            "secrets-external-secrets": [],
            velero: [],
        });
        expect(byName(dev, "dev-istio-gateway-release").dependencies).toEqual(expect.arrayContaining([urnOf(dev, "dev-ipaddresspool"), urnOf(dev, "dev-l2advertisement")]));
    });

    it("declares everything on the cluster's provider, after the cluster's readiness resource", async () => {
        const { run } = await stackRun("dev");
        const provider = byName(run, "dev-k8s").urn;
        // Every release waits for the readiness resource itself, not only through its provider.
        const ready = byName(run, "dev-ready").urn;
        const releases = run.resources.filter((r) => r.type === RELEASE && r.urn.includes("homelab:platform:"));
        expect(releases.filter((r) => !r.dependencies.includes(ready)).map((r) => r.name)).toEqual([]);
        const onCluster = [...platformObjects(run), ...run.resources.filter((r) => r.type === RELEASE && r.urn.includes("homelab:platform:"))];
        // The base's and the secrets layer's releases and objects (namespaces, their policies, Secrets, custom
        // resources, local-path-provisioner's objects, the store and cluster-secrets), Argo CD's ClusterRoleBinding,
        // and the role layers' 4 releases and 20 objects (edge collectors, Argo Rollouts: two namespaces and their policies).
        expect(onCluster).toHaveLength(139);
        expect(onCluster.filter((r) => !r.provider?.startsWith(`${provider}::`)).map((r) => r.name)).toEqual([]);
    });

    it("validates every object it declares against its API schema", () => {
        for (const run of Object.values(runs)) {
            const kinds = new Set(platformObjects(run).map((r) => validateObject(r.rawInputs)));
            const argocd = run === runs.tools ? ["argoproj.io/v1alpha1/Application", "external-secrets.io/v1/ExternalSecret"] : [];
            // The tools cluster's tools layer (tests/tools.test.ts) adds the state-copy CronJob (and VirtualServices, as the hub does).
            const tools = run === runs.tools ? ["batch/v1/CronJob"] : [];
            const localPath = run === runs.tools ? [] : ["apps/v1/Deployment", "rbac.authorization.k8s.io/v1/ClusterRole", "rbac.authorization.k8s.io/v1/ClusterRoleBinding", "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding", "storage.k8s.io/v1/StorageClass", "v1/ConfigMap", "v1/ServiceAccount"];
            expect([...kinds].sort()).toEqual([
                ...argocd,
                ...tools,
                ...localPath,
                "cert-manager.io/v1/Certificate",
                "cert-manager.io/v1/ClusterIssuer",
                ...(run === runs.tools ? ["cert-manager.io/v1/Issuer"] : []),
                "external-secrets.io/v1/ClusterExternalSecret",
                "external-secrets.io/v1/ClusterSecretStore",
                "metallb.io/v1beta1/IPAddressPool",
                "metallb.io/v1beta1/L2Advertisement",
                "networking.istio.io/v1/Gateway",
                // The observability hub's routes, and Harbor's and the object store's, on the tools stack.
                ...(run === runs.tools ? ["networking.istio.io/v1/VirtualService"] : []),
                "networking.k8s.io/v1/NetworkPolicy",
                "v1/Namespace",
                "v1/Secret",
                "velero.io/v1/Schedule",
            ].sort());
        }
    });

    it("sets only values keys the pinned charts have", () => {
        for (const run of Object.values(runs)) {
            for (const r of run.resources.filter((x) => x.type === RELEASE && x.urn.includes("homelab:platform:"))) {
                const { chart, version } = r.rawInputs as { chart: string; version: string };
                // An OCI chart is named by its full reference (helmService.ts chartSource); its fixture by the chart's name.
                const keys = chartKeys(chart.split("/").pop()!);
                expect([r.name, keys.version]).toEqual([r.name, version]);
                expect([r.name, unknownKeys(r.rawInputs.values as Record<string, unknown>, keys)]).toEqual([r.name, []]);
            }
        }
    });

    it("keeps the Cloudflare token, the Pi-hole password and the S3 credentials secret, in state and in the render", () => {
        const dev = runs.dev;
        for (const name of ["dev-cert-manager-cloudflare-token", "dev-external-dns-cloudflare-token", "dev-external-dns-pihole-password", "dev-velero-credentials"]) {
            const secret = byName(dev, name);
            expect([name, secret.inputs.stringData]).toEqual([name, SECRET_MASK]);
        }
        const rendered = dev.artefacts.filter((a) => a.path.startsWith("k8s/dev/") && a.path.includes("/secret-")).map((a) => a.path);
        expect(rendered).toEqual(["k8s/dev/cert-manager/secret-cloudflare-api-token.yaml", "k8s/dev/external-dns/secret-cloudflare-api-token.yaml", "k8s/dev/external-dns/secret-pihole-password.yaml", "k8s/dev/velero/secret-velero-s3.yaml"]);
        for (const a of dev.artefacts) {
            expect([a.path, a.content.includes("offline-render")]).toEqual([a.path, false]);
        }
        expect(dev.artefacts.find((a) => a.path === "k8s/dev/velero/secret-velero-s3.yaml")!.content).toContain("cloud: '<redacted: secret>'");
        // The base's 10 releases, external-secrets, and the role layers' 4 (edge collectors, Argo Rollouts).
        expect(dev.artefacts.filter((a) => a.path.startsWith("helm/dev/")).map((a) => a.path)).toHaveLength(15);
    });

    it("labels every namespace for PodSecurity, restricted unless a workload needs more", () => {
        const levels = Object.fromEntries(
            platformObjects(runs.dev)
                .filter((r) => r.type === "kubernetes:core/v1:Namespace")
                .map((r) => {
                    const m = r.rawInputs.metadata as { name: string; labels: Record<string, string> };
                    return [m.name, m.labels["pod-security.kubernetes.io/enforce"]];
                }),
        );
        expect(levels).toEqual({
            "argo-rollouts": "restricted",
            "cert-manager": "restricted",
            "external-secrets": "restricted",
            "external-dns": "restricted",
            "istio-ingress": "restricted",
            "istio-system": "restricted",
            "kubelet-csr-approver": "restricted",
            "local-path-storage": "privileged",
            "metallb-system": "privileged",
            "metrics-server": "restricted",
            // node-exporter's host network, PID and paths, Fluent Bit's /var/log (the reason is an annotation).
            monitoring: "privileged",
            velero: "restricted",
        });
    });
});

describe("platform config", () => {
    const files = { "cp.yaml": vmYaml("cp", { ipconfig0: '"ip=192.168.1.80/24,gw=192.168.1.1"' }), "cp2.yaml": vmYaml("cp2", { ipconfig0: '"ip=192.168.1.81/24,gw=192.168.1.1"' }) };
    const cluster = (extra: Record<string, unknown> = {}) => ({ name: "lab", role: "workload", distribution: "kubeadm", controlPlanes: ["cp"], ...platformFields(0), ...extra });
    const run = (config: Record<string, unknown>, projectFiles: Record<string, string> = files) => runStack({ config: { ...baseConfig(), ...config }, projectDir: makeProject(projectFiles), preview: true });
    const platformTypes = (r: ProgramRun) => r.resources.filter((x: RecordedResource) => x.urn.includes("homelab:platform:")).map((x) => `${x.type}::${x.name}`).sort();

    it("switching a service off removes exactly its resources", async () => {
        const all = platformTypes(await run({ clusters: [cluster()] }));
        const noVelero = platformTypes(await run({ clusters: [cluster({ services: { velero: false } })] }));
        expect(all.filter((t) => !noVelero.includes(t))).toEqual(
            [
                "homelab:platform:HelmService::lab-velero",
                "homelab:platform:PlatformNamespace::lab-velero-ns",
                "kubernetes:core/v1:Namespace::lab-velero-ns-namespace",
                "kubernetes:core/v1:Secret::lab-velero-credentials",
                "kubernetes:helm.sh/v3:Release::lab-velero-release",
                ...["allow-api-server", "allow-dns", "allow-gateway", "allow-monitoring", "allow-object-store", "allow-same-namespace", "default-deny"].map((p) => `kubernetes:networking.k8s.io/v1:NetworkPolicy::lab-velero-ns-${p}`),
                "kubernetes:velero.io/v1:Schedule::lab-velero-daily",
            ].sort(),
        );
        expect(noVelero.filter((t) => !all.includes(t))).toEqual([]);
        const noIstio = platformTypes(await run({ clusters: [cluster({ services: { istio: false } })] }));
        const removed = all.filter((t) => !noIstio.includes(t));
        expect(removed.filter((t) => !/::lab-istio(d|-base|-gateway)/.test(t))).toEqual(["kubernetes:networking.istio.io/v1:Gateway::lab-wildcard-gateway"]);
        // Without Istio the wildcard certificate stays, in cert-manager's namespace.
        expect(noIstio).toContain("kubernetes:cert-manager.io/v1:Certificate::lab-wildcard-certificate");
    });

    it("switching Longhorn on installs it and prepares the nodes' first boot for iSCSI", async () => {
        const off = await run({ clusters: [cluster()] });
        const on = await run({ clusters: [cluster({ services: { longhorn: true } })] });
        const added = platformTypes(on).filter((t) => !platformTypes(off).includes(t));
        expect(added).toEqual(
            [
                "homelab:platform:HelmService::lab-longhorn",
                "homelab:platform:PlatformNamespace::lab-longhorn-ns",
                "kubernetes:core/v1:Namespace::lab-longhorn-ns-namespace",
                "kubernetes:helm.sh/v3:Release::lab-longhorn-release",
                ...["allow-api-server", "allow-dns", "allow-gateway", "allow-monitoring", "allow-same-namespace", "allow-api-server-webhooks", "default-deny"].map((p) => `kubernetes:networking.k8s.io/v1:NetworkPolicy::lab-longhorn-ns-${p}`),
            ].sort(),
        );
        expect(platformTypes(off).filter((t) => !platformTypes(on).includes(t))).toEqual([]);
        const longhorn = byName(on, "lab-longhorn-release");
        expect(longhorn.rawInputs).toMatchObject({ name: "longhorn", namespace: "longhorn-system", chart: "longhorn", version: "1.12.1", repositoryOpts: { repo: "https://charts.longhorn.io" }, atomic: true, timeout: 900 });
        // On replace: delete first (one release name per namespace), on the cluster's own provider, after its readiness.
        expect([longhorn.deleteBeforeReplace, longhorn.protect, longhorn.provider?.split("::")[3]]).toEqual([true, false, "lab-k8s"]);
        expect(longhorn.dependencies).toContain(byName(on, "lab-ready").urn);
        // One control plane, no workers: one replica.
        expect(longhorn.rawInputs.values).toEqual({ persistence: { defaultClass: false, defaultClassReplicaCount: 1 }, defaultSettings: { upgradeChecker: false } });
        expect(byName(on, "lab-longhorn-ns-namespace").rawInputs.metadata).toMatchObject({ labels: { "pod-security.kubernetes.io/enforce": "privileged" } });
        const userData = (r: ProgramRun) => (byName(r, "cp-user-data").rawInputs.sourceRaw as { data: string }).data;
        expect(userData(on)).toContain("packages:\n  - qemu-guest-agent\n  - open-iscsi\n  - nfs-common\n");
        expect(userData(on)).toContain("runcmd:\n  - - systemctl\n    - enable\n    - --now\n    - qemu-guest-agent\n  - - systemctl\n    - enable\n    - --now\n    - iscsid\n");
        expect(userData(off)).not.toContain("open-iscsi");
        expect(userData(off)).not.toContain("iscsid");
    });

    it("runs the Pi-hole instance only with homelab:platform.pihole", async () => {
        const withPihole = await runStack({
            config: { ...baseConfig(), clusters: [cluster()], platform: { velero: { bucket: "b", s3Url: "https://s3.home.arpa" }, pihole: { url: "http://192.168.1.3" } }, piholePassword: "pw" },
            projectDir: makeProject(files),
            preview: true,
        });
        expect(withPihole.error).toBeUndefined();
        expect(byName(withPihole, "lab-external-dns-pihole-release").rawInputs.name).toBe("external-dns-pihole");
        const without = await run({ clusters: [cluster()] });
        expect(without.resources.filter((r) => r.name.includes("pihole"))).toEqual([]);
    });

    it("puts the Cloudflare token into the cluster's Secrets, secret", async () => {
        const r = await runStack({ config: { ...baseConfig(), clusters: [cluster()] }, projectDir: makeProject(files), preview: false });
        const secret = byName(r, "lab-cert-manager-cloudflare-token");
        expect(secret.secretPaths).toEqual(["stringData"]);
        expect(secret.rawInputs.stringData).toEqual({ "api-token": CLOUDFLARE_TOKEN });
    });

    it.each([
        {
            title: "unknown service names and bad toggle values",
            config: { clusters: [cluster({ services: { veleroo: false, istio: "no" } })] },
            expected: [
                'Pulumi.test.yaml: homelab:clusters[0].services.veleroo: unknown field (did you mean "velero"?)',
                'Pulumi.test.yaml: homelab:clusters[0].services.istio: must be true or false, got string "no"',
            ],
        },
        {
            title: "a missing domain and pool",
            config: { clusters: [{ name: "lab", role: "workload", distribution: "kubeadm", controlPlanes: ["cp"] }] },
            expected: [
                "Pulumi.test.yaml: homelab:clusters[0].domain: is required: certManager, istio and externalDns need it (or switch them off under services)",
                "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool: is required: metallb needs addresses to hand out (or switch it off under services)",
            ],
        },
        {
            title: "Istio without MetalLB, and local-path asked for on K3s",
            config: { clusters: [cluster({ distribution: "k3s", services: { metallb: false, localPathProvisioner: true } })] },
            expected: [
                "Pulumi.test.yaml: homelab:clusters[0].services.localPathProvisioner: k3s ships it built in; remove this toggle",
                "Pulumi.test.yaml: homelab:clusters[0].services.istio: the ingress gateway is a LoadBalancer Service: it needs metallb on this cluster",
            ],
        },
        {
            title: "missing secrets and bucket for the services that need them",
            config: { clusters: [cluster()], cloudflareApiToken: "", veleroAccessKeyId: "", veleroSecretAccessKey: "", platform: {} },
            expected: [
                "Pulumi.test.yaml: homelab:cloudflareApiToken: is required: cert-manager's DNS-01 and external-dns use it on lab; set it with `pulumi config set --secret homelab:cloudflareApiToken <value>`",
                "Pulumi.test.yaml: homelab:platform.velero: is required: Velero runs on lab and needs a bucket and s3Url (or switch it off under services)",
                "Pulumi.test.yaml: homelab:veleroAccessKeyId: is required: Velero runs on lab; set it with `pulumi config set --secret homelab:veleroAccessKeyId <value>`",
                "Pulumi.test.yaml: homelab:veleroSecretAccessKey: is required: Velero runs on lab; set it with `pulumi config set --secret homelab:veleroSecretAccessKey <value>`",
            ],
        },
        {
            title: "a malformed pool entry and domain",
            config: { clusters: [cluster({ loadBalancerPool: ["192.168.1.200", "192.168.1.20-192.168.1.10"], domain: "Not A Domain" })] },
            expected: [
                'Pulumi.test.yaml: homelab:clusters[0].domain: "Not A Domain" is not a DNS name like dev.example.com',
                'Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: "192.168.1.200" is not a CIDR or a range like 192.168.1.200-192.168.1.209',
            ],
        },
    ])("reports $title before anything is registered", async ({ config, expected }) => {
        const r = await run(config);
        expect(reportLines(r)).toEqual(expected);
        expect(r.resources).toEqual([]);
    });

    it.each([
        { pool: ["10.0.0.10-10.0.0.20"], expected: ["10.0.0.10-10.0.0.20 is not inside the cluster's network 192.168.1.0/24"] },
        { pool: ["192.168.1.250-192.168.1.255"], expected: ["192.168.1.250-192.168.1.255 contains the network or broadcast address of 192.168.1.0/24"] },
        { pool: ["192.168.1.0/30"], expected: ["192.168.1.0/30 contains the gateway 192.168.1.1", "192.168.1.0/30 contains the network or broadcast address of 192.168.1.0/24"] },
        { pool: ["192.168.1.75-192.168.1.85"], expected: ["192.168.1.75-192.168.1.85 contains 192.168.1.80, the address of vms/cp.yaml", "192.168.1.75-192.168.1.85 contains 192.168.1.81, the address of vms/cp2.yaml"] },
        { pool: ["192.168.1.20-192.168.1.10"], expected: ["192.168.1.20-192.168.1.10 ends before it starts"] },
    ])("checks the pool $pool against the fleet", async ({ pool, expected }) => {
        const r = await run({ clusters: [cluster({ loadBalancerPool: pool })] });
        expect(reportLines(r)).toEqual(expected.map((m) => `Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[0]: ${m}`));
    });

    it("refuses pools that overlap another cluster's, in this stack or in another stack file", async () => {
        const projectFiles = { ...files };
        const dir = makeProject(projectFiles);
        fs.writeFileSync(path.join(dir, "Pulumi.other.yaml"), "config:\n  homelab:clusters:\n    - name: far\n      loadBalancerPool: [192.168.1.150/28]\n");
        const r = await runStack({
            config: {
                ...baseConfig(),
                clusters: [
                    cluster({ loadBalancerPool: ["192.168.1.200-192.168.1.209", "192.168.1.140-192.168.1.150"] }),
                    { name: "lab2", role: "tools", distribution: "kubeadm", controlPlanes: ["cp2"], domain: "lab2.example.com", loadBalancerPool: ["192.168.1.205/32"] },
                ],
            },
            projectDir: dir,
            preview: true,
        });
        expect(reportLines(r)).toEqual([
            "Pulumi.test.yaml: homelab:clusters[0].loadBalancerPool[1]: 192.168.1.140-192.168.1.150 overlaps the pool of cluster far in Pulumi.other.yaml (192.168.1.150/28)",
            "Pulumi.test.yaml: homelab:clusters[1].loadBalancerPool[0]: 192.168.1.205/32 overlaps homelab:clusters[0].loadBalancerPool[0] (192.168.1.200-192.168.1.209)",
        ]);
    });
});
