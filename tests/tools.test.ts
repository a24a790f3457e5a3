import { ProgramRun, RecordedResource, SECRET_MASK } from "../render/harness";
import { versions } from "../versions";
import { chartKeys, unknownKeys } from "./chartKeys";
import { baseConfig, byName, makeProject, platformFields, reportLines, runStack, SECRET_KEYS, vmYaml } from "./helpers";
import { validateObject } from "./kubeModels";
import { realisticMocks } from "./mocks";
import { stackRun } from "./stackRuns";

/**
 * The tools role's own services (components/platform/tools.ts) on the committed tools stack, and
 * their config checks.
 */
const RELEASE = "kubernetes:helm.sh/v3:Release";
const charts = versions.charts;
/** The layer's resources: everything with the ToolsLayer among its ancestors. */
function toolsResources(run: ProgramRun): RecordedResource[] {
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const under = (r: RecordedResource | undefined): boolean => r !== undefined && (r.type === "homelab:platform:ToolsLayer" || (r.parent !== undefined && under(byUrn.get(r.parent))));
    return run.resources.filter((r) => r.type !== "homelab:platform:ToolsLayer" && under(r));
}

function releasesOf(run: ProgramRun) {
    return toolsResources(run)
        .filter((r) => r.type === RELEASE)
        .map((r) => {
            const i = r.rawInputs as { name: string; namespace: string; chart: string; version: string; repositoryOpts?: { repo: string } };
            return { resource: r.name, name: i.name, namespace: i.namespace, chart: i.chart, repositoryOpts: i.repositoryOpts ?? null, version: i.version };
        })
        .sort((a, b) => a.resource.localeCompare(b.resource));
}

describe("the tools stack's tools services", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = (await stackRun("tools")).run;
        expect(run.error).toBeUndefined();
    });
    const urn = (name: string) => byName(run, name).urn;
    const values = (name: string) => byName(run, `${name}-release`).rawInputs.values as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- chart values

    it("installs exactly these releases on the tools cluster: chart, repository (OCI for ARC), version, namespace and name", () => {
        const oci = "oci://ghcr.io/actions/actions-runner-controller-charts";
        expect(releasesOf(run)).toEqual([
            { resource: "tools-arc-controller-release", name: "arc-controller", namespace: "arc-systems", chart: `${oci}/gha-runner-scale-set-controller`, repositoryOpts: null, version: "0.14.2" },
            { resource: "tools-arc-runners-release", name: "homelab", namespace: "arc-runners", chart: `${oci}/gha-runner-scale-set`, repositoryOpts: null, version: "0.14.2" },
            { resource: "tools-cloudnative-pg-release", name: "cnpg", namespace: "cnpg-system", chart: "cloudnative-pg", repositoryOpts: { repo: "https://cloudnative-pg.github.io/charts" }, version: "0.29.0" },
            { resource: "tools-harbor-release", name: "harbor", namespace: "harbor", chart: "harbor", repositoryOpts: { repo: "https://helm.goharbor.io" }, version: "1.19.1" },
            { resource: "tools-object-storage-release", name: "seaweedfs", namespace: "object-storage", chart: "seaweedfs", repositoryOpts: { repo: "https://seaweedfs.github.io/seaweedfs/helm" }, version: "4.44.0" },
        ]);
        expect([charts.arcController.repo, charts.arcScaleSet.repo]).toEqual([oci, oci]);
        // Only the tools cluster: the observability cluster has no tools layer.
        expect(run.resources.filter((r) => r.type === "homelab:platform:ToolsLayer").map((r) => r.name)).toEqual(["tools"]);
    });

    it("installs each release atomically on the tools cluster's provider, after its readiness", () => {
        const provider = byName(run, "tools-k8s").urn;
        const ready = urn("tools-ready");
        for (const r of toolsResources(run).filter((x) => x.type === RELEASE)) {
            expect([r.name, r.rawInputs.atomic, r.rawInputs.timeout, r.deleteBeforeReplace, r.provider?.startsWith(`${provider}::`), r.dependencies.includes(ready)]).toEqual([r.name, true, 900, true, true, true]);
        }
    });

    it("sets the key values from stack config", () => {
        expect(values("tools-arc-runners")).toEqual({
            githubConfigUrl: "https://github.com/homelab-example",
            githubConfigSecret: "github-app",
            runnerScaleSetName: "homelab",
            minRunners: 0,
            maxRunners: 3,
            containerMode: { type: "dind" },
            controllerServiceAccount: { namespace: "arc-systems", name: "arc-controller" },
        });
        expect(values("tools-arc-controller").serviceAccount).toEqual({ create: true, name: "arc-controller" });
        expect(values("tools-harbor")).toMatchObject({ externalURL: "https://harbor.tools.homelab.example.com", existingSecretAdminPassword: "harbor-admin", existingSecretAdminPasswordKey: "HARBOR_ADMIN_PASSWORD" });
        expect(values("tools-object-storage").allInOne.s3.createBuckets.map((b: { name: string }) => b.name)).toEqual(["pulumi-state", "velero", "loki"]);
        const job = byName(run, "tools-object-storage-state-backup-cronjob").rawInputs as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a manifest
        const env = job.spec.jobTemplate.spec.template.spec.containers[0].env as { name: string; value?: string }[];
        expect(env.filter((e) => e.value !== undefined && e.name !== "HOME").map((e) => `${e.name}=${e.value}`)).toEqual([
            "SOURCE_ENDPOINT=http://seaweedfs-all-in-one:8333",
            "SOURCE_BUCKET=pulumi-state",
            "TARGET_ENDPOINT=https://s3.backup.example.com",
            "TARGET_BUCKET=homelab-state-backup",
            "TARGET_REGION=us-east-1",
        ]);
        expect(job.spec.schedule).toBe("30 2 * * *");
    });

    it("sets only values keys the pinned charts have", () => {
        for (const r of toolsResources(run).filter((x) => x.type === RELEASE)) {
            const { chart, version } = r.rawInputs as { chart: string; version: string };
            const keys = chartKeys(chart.split("/").pop()!);
            expect([r.name, keys.version, unknownKeys(r.rawInputs.values as Record<string, unknown>, keys)]).toEqual([r.name, version, []]);
        }
    });

    it("orders what needs the other: the scale set after the controller (its CRDs) and the App Secret, custom resources after their CRDs", () => {
        const release = (name: string) => urn(`${name}-release`);
        expect(byName(run, "tools-arc-runners-release").dependencies).toEqual(expect.arrayContaining([release("tools-arc-controller"), urn("tools-arc-github-app")]));
        expect(byName(run, "tools-harbor-release").dependencies).toEqual(expect.arrayContaining([urn("tools-harbor-admin"), run.resources.find((r) => r.name === "tools-harbor-secret-key" && r.type === "kubernetes:core/v1:Secret")!.urn]));
        expect(byName(run, "tools-object-storage-release").dependencies).toEqual(expect.arrayContaining([urn("tools-object-storage-s3-config")]));
        for (const vs of ["tools-harbor-virtualservice", "tools-object-storage-virtualservice"]) {
            expect(byName(run, vs).dependencies).toContain(release("tools-istio-base"));
        }
        expect(byName(run, "tools-object-storage-state-backup-cronjob").dependencies).toEqual([release("tools-object-storage"), urn("tools-object-storage-state-backup")].sort());
        // Independent services share only the readiness resource.
        const toolReleases = new Set(toolsResources(run).filter((r) => r.type === RELEASE).map((r) => r.urn));
        const onReleases = run.resources.filter((r) => toolReleases.has(r.urn)).map((r) => [r.name, r.dependencies.filter((d) => toolReleases.has(d)).length]);
        expect(Object.fromEntries(onReleases)).toEqual({ "tools-arc-controller-release": 0, "tools-arc-runners-release": 1, "tools-cloudnative-pg-release": 0, "tools-harbor-release": 0, "tools-object-storage-release": 0 });
    });

    it("generates Harbor's admin password and the store's keys, secret in state, and writes them to Vault KV v2 on the stack's Vault", () => {
        const passwords = toolsResources(run).filter((r) => r.type === "random:index/randomPassword:RandomPassword");
        expect(passwords.map((r) => [r.name, r.inputs])).toEqual([
            ["tools-harbor-admin-password", { length: 32, special: false, minUpper: 1, minLower: 1, minNumeric: 1 }],
            ["tools-harbor-secret-key-value", { length: 16, special: false }],
            ["tools-object-storage-access-key-id", { length: 20, special: false, lower: false }],
            ["tools-object-storage-secret-access-key", { length: 40, special: false }],
        ]);
        const vaultProvider = run.resources.find((r) => r.type === "pulumi:providers:vault" && r.name === "vault")!;
        const writes = toolsResources(run).filter((r) => r.type === "vault:kv/secretV2:SecretV2");
        expect(writes.map((r) => [r.name, r.inputs])).toEqual([
            ["tools-harbor-admin-vault", { mount: "homelab", name: "tools/tools/harbor/admin", dataJson: SECRET_MASK, deleteAllVersions: true }],
            ["tools-object-storage-admin-vault", { mount: "homelab", name: "tools/tools/object-storage/admin", dataJson: SECRET_MASK, deleteAllVersions: true }],
        ]);
        for (const w of writes) {
            expect(w.provider).toBe(`${vaultProvider.urn}::vault-id`);
            expect(w.dependencies).toContain(urn("vault-kv"));
        }
        const harbor = JSON.parse(byName(run, "tools-harbor-admin-vault").rawInputs.dataJson as string);
        expect(Object.keys(harbor)).toEqual(["username", "password", "url"]);
        expect(harbor.password).toMatch(/^[A-Za-z0-9]{32}$/);
        // The password Harbor reads is the one in Vault.
        expect((byName(run, "tools-harbor-admin").rawInputs.stringData as Record<string, string>).HARBOR_ADMIN_PASSWORD).toBe(harbor.password);
        const store = JSON.parse(byName(run, "tools-object-storage-admin-vault").rawInputs.dataJson as string);
        expect(JSON.parse((byName(run, "tools-object-storage-s3-config").rawInputs.stringData as Record<string, string>).seaweedfs_s3_config).identities[0].credentials).toEqual([{ accessKey: store.accessKeyId, secretKey: store.secretAccessKey }]);
        expect(run.outputs.clusters).toMatchObject({
            tools: {
                tools: {
                    endpoints: { actionsRunners: "https://github.com/homelab-example (runs-on: homelab)", harbor: "https://harbor.tools.homelab.example.com", objectStorage: "https://s3.tools.homelab.example.com" },
                    vaultPaths: { "harbor-admin": "homelab/tools/tools/harbor/admin", "object-storage-admin": "homelab/tools/tools/object-storage/admin" },
                },
            },
        });
    });

    it("keeps the runner credentials, the generated credentials and the backup keys secret: Secrets masked in state and in the render", () => {
        const secrets = toolsResources(run).filter((r) => r.type === "kubernetes:core/v1:Secret");
        expect(secrets.map((r) => [r.name, (r.rawInputs.metadata as { name: string }).name, r.inputs.stringData]).sort()).toEqual([
            ["tools-arc-github-app", "github-app", SECRET_MASK],
            ["tools-harbor-admin", "harbor-admin", SECRET_MASK],
            ["tools-harbor-secret-key", "harbor-secret-key", SECRET_MASK],
            ["tools-object-storage-s3-config", "seaweedfs-s3-config", SECRET_MASK],
            ["tools-object-storage-state-backup", "state-backup", SECRET_MASK],
        ]);
        // The offline render's placeholders reached the Secret, and nowhere else.
        expect(byName(run, "tools-arc-github-app").rawInputs.stringData).toEqual({
            github_app_id: "offline-render-github-app-id",
            github_app_installation_id: "offline-render-github-app-installation-id",
            github_app_private_key: "offline-render-github-app-private-key",
        });
        for (const a of run.artefacts) {
            expect([a.path, a.content.includes("offline-render")]).toEqual([a.path, false]);
        }
        expect(run.artefacts.find((a) => a.path === "k8s/tools/arc-runners/secret-github-app.yaml")!.content).toContain("github_app_private_key: '<redacted: secret>'");
    });

    it("validates every object the layer declares against its API schema", () => {
        const kinds = new Set(toolsResources(run).filter((r) => r.type.startsWith("kubernetes:") && r.type !== RELEASE).map((r) => validateObject(r.rawInputs)));
        expect([...kinds].sort()).toEqual(["batch/v1/CronJob", "networking.istio.io/v1/VirtualService", "networking.k8s.io/v1/NetworkPolicy", "v1/Namespace", "v1/Secret"]);
    });

    it("labels the tools namespaces for PodSecurity, with the reason where looser than restricted", () => {
        const levels = Object.fromEntries(
            toolsResources(run)
                .filter((r) => r.type === "kubernetes:core/v1:Namespace")
                .map((r) => {
                    const m = r.rawInputs.metadata as { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
                    return [m.name, [m.labels["pod-security.kubernetes.io/enforce"], m.annotations?.["homelab/pod-security-reason"] !== undefined]];
                }),
        );
        expect(levels).toEqual({
            "arc-runners": ["privileged", true],
            "arc-systems": ["baseline", true],
            "cnpg-system": ["restricted", false],
            harbor: ["restricted", false],
            "object-storage": ["baseline", true],
        });
    });
});

describe("the tools services with real secrets", () => {
    const files = { "tools.yaml": vmYaml("tools-cp", { ipconfig0: '"ip=192.168.1.80/24,gw=192.168.1.1"' }) };
    const server = { address: "https://vault.home.arpa:8200", initAddress: "https://192.168.1.209:8200", clientStacks: {} };
    const TOOLS_SECRETS = ["homelab:githubAppId", "homelab:githubAppInstallationId", "homelab:githubAppPrivateKey", "homelab:stateBackupAccessKeyId", "homelab:stateBackupSecretAccessKey"];
    const secretValues = { githubAppId: "424242", githubAppInstallationId: "8675309", githubAppPrivateKey: "-----BEGIN RSA PRIVATE KEY-----\nTESTKEYMATERIAL\n-----END RSA PRIVATE KEY-----\n", stateBackupAccessKeyId: "BACKUPKEYID", stateBackupSecretAccessKey: "backup-secret-value" };
    const platform = {
        velero: { bucket: "velero", s3Url: "https://s3.home.arpa:9000" },
        actionsRunners: { githubConfigUrl: "https://github.com/my-org/my-repo", maxRunners: 2 },
        objectStorage: { backup: { s3Url: "http://nas.home.arpa:9000", bucket: "copy" } },
    };
    const cluster = (services: Record<string, boolean>, extra: Record<string, unknown> = {}) => ({ name: "tools", role: "tools", distribution: "k3s", controlPlanes: ["tools-cp"], ...platformFields(0), services, ...extra });
    const all = { actionsRunners: true, harbor: true, objectStorage: true, cloudnativePg: true };

    it("never shows a GitHub App credential, a backup key or a generated credential in plaintext: outputs, inputs or render", async () => {
        const generated: string[] = [];
        const run = await runStack({
            config: { ...baseConfig(), clusters: [cluster(all)], vault: { server }, platform, ...secretValues },
            secretKeys: [...SECRET_KEYS, ...TOOLS_SECRETS],
            projectDir: makeProject(files),
            mocks: {
                newResource: (args) => {
                    const result = realisticMocks.newResource(args) as { id: string; state: Record<string, unknown> };
                    if (args.type === "random:index/randomPassword:RandomPassword" && /^tools-(harbor|object-storage)-/.test(args.name)) {
                        generated.push(String(result.state.result));
                    }
                    return result;
                },
                call: realisticMocks.call,
            },
        });
        expect(run.error).toBeUndefined();
        expect(generated.map((g) => g.length).sort((a, b) => a - b)).toEqual([16, 20, 32, 40]);
        const visible = JSON.stringify([run.outputs, run.resources.map((r) => r.inputs), run.artefacts]);
        for (const secret of [...Object.values(secretValues), "TESTKEYMATERIAL", ...generated]) {
            expect([secret, visible.includes(secret)]).toEqual([secret, false]);
        }
        // They do reach the resources that need them, as secrets.
        expect(byName(run, "tools-arc-github-app").secretPaths).toEqual(["stringData"]);
        expect(byName(run, "tools-arc-github-app").rawInputs.stringData).toEqual({ github_app_id: "424242", github_app_installation_id: "8675309", github_app_private_key: secretValues.githubAppPrivateKey });
        expect(byName(run, "tools-object-storage-state-backup").rawInputs.stringData).toMatchObject({ "target-access-key-id": "BACKUPKEYID", "target-secret-access-key": "backup-secret-value" });
        expect((byName(run, "tools-arc-runners-release").rawInputs.values as { githubConfigUrl: string; maxRunners: number; minRunners: number }).githubConfigUrl).toBe("https://github.com/my-org/my-repo");
    });

    it.each([
        {
            title: "a GitHub App key in plaintext",
            config: { clusters: [cluster(all)], vault: { server }, platform, ...secretValues },
            secretKeys: [...SECRET_KEYS, ...TOOLS_SECRETS.filter((k) => k !== "homelab:githubAppPrivateKey")],
            expected: ["Pulumi.test.yaml: homelab:githubAppPrivateKey: is a secret but is stored in plaintext; remove it and run `pulumi config set --secret homelab:githubAppPrivateKey <value>`"],
        },
        {
            title: "missing settings and secrets",
            config: { clusters: [cluster(all)], vault: { server } },
            secretKeys: SECRET_KEYS,
            expected: [
                "Pulumi.test.yaml: homelab:platform.actionsRunners: is required: actionsRunners runs on tools and needs githubConfigUrl (or switch it off under services)",
                "Pulumi.test.yaml: homelab:githubAppId: is required: actionsRunners runs on tools; set it with `pulumi config set --secret homelab:githubAppId <value>`",
                "Pulumi.test.yaml: homelab:githubAppInstallationId: is required: actionsRunners runs on tools; set it with `pulumi config set --secret homelab:githubAppInstallationId <value>`",
                "Pulumi.test.yaml: homelab:githubAppPrivateKey: is required: actionsRunners runs on tools; set it with `pulumi config set --secret homelab:githubAppPrivateKey <value>`",
                "Pulumi.test.yaml: homelab:platform.objectStorage: is required: objectStorage runs on tools and needs a backup location for its state bucket (or switch it off under services)",
                "Pulumi.test.yaml: homelab:stateBackupAccessKeyId: is required: objectStorage copies its state bucket on tools; set it with `pulumi config set --secret homelab:stateBackupAccessKeyId <value>`",
                "Pulumi.test.yaml: homelab:stateBackupSecretAccessKey: is required: objectStorage copies its state bucket on tools; set it with `pulumi config set --secret homelab:stateBackupSecretAccessKey <value>`",
            ],
        },
        {
            title: "bad runner and storage settings, and no Vault for the generated credentials",
            config: {
                clusters: [cluster(all)],
                platform: {
                    velero: platform.velero,
                    actionsRunners: { githubConfigUrl: "github.com/my-org", runnerScaleSetName: "Homelab", minRunners: 5, maxRunners: 3, containerMode: "docker" },
                    objectStorage: { buckets: ["pulumi-state", "Loki"], backup: { s3Url: "s3.example.com", bucket: "copy", schedule: "daily" } },
                },
                ...secretValues,
            },
            secretKeys: [...SECRET_KEYS, ...TOOLS_SECRETS],
            expected: [
                'Pulumi.test.yaml: homelab:platform.actionsRunners.githubConfigUrl: "github.com/my-org" is not a URL like https://github.com/my-org or https://github.com/my-org/my-repo',
                'Pulumi.test.yaml: homelab:platform.actionsRunners.runnerScaleSetName: "Homelab" is not a DNS label of at most 45 characters',
                'Pulumi.test.yaml: homelab:platform.actionsRunners.containerMode: must be one of dind, kubernetes, got "docker"',
                'Pulumi.test.yaml: homelab:platform.objectStorage.buckets[1]: "Loki" is not 3-63 lowercase letters, digits, dots and hyphens',
                'Pulumi.test.yaml: homelab:platform.objectStorage.backup.s3Url: "s3.example.com" is not a URL like https://s3.example.com',
                'Pulumi.test.yaml: homelab:platform.objectStorage.backup.schedule: "daily" is not five cron fields like 30 2 * * *',
                "Pulumi.test.yaml: homelab:vault.server: is required: harbor and objectStorage keep their generated credentials in the Vault this stack runs (tools)",
            ],
        },
        {
            title: "a misspelt toggle, and nothing else: the cluster it sits in reads as unset, not as missing",
            config: {
                clusters: [cluster({ actionsRunners: true, harbour: true, objectStorage: true })],
                vault: { server },
                platform: { ...platform, objectStorge: {} },
                argocd: { repoUrl: "https://github.com/example/apps.git" },
                ...secretValues,
            },
            secretKeys: [...SECRET_KEYS, ...TOOLS_SECRETS],
            expected: [
                'Pulumi.test.yaml: homelab:clusters[0].services.harbour: unknown field (did you mean "harbor"?)',
                'Pulumi.test.yaml: homelab:platform.objectStorge: unknown field (did you mean "objectStorage"?)',
            ],
        },
        {
            title: "runner bounds, a state bucket that is not created, and no Vault",
            config: {
                clusters: [cluster(all)],
                platform: { velero: platform.velero, actionsRunners: { githubConfigUrl: "https://github.com/my-org", minRunners: 5, maxRunners: 3 }, objectStorage: { buckets: ["velero"], backup: platform.objectStorage.backup } },
                ...secretValues,
            },
            secretKeys: [...SECRET_KEYS, ...TOOLS_SECRETS],
            expected: [
                "Pulumi.test.yaml: homelab:platform.actionsRunners.minRunners: 5 is above maxRunners (3)",
                "Pulumi.test.yaml: homelab:platform.objectStorage.stateBucket: pulumi-state is not one of buckets (velero)",
                "Pulumi.test.yaml: homelab:vault.server: is required: harbor and objectStorage keep their generated credentials in the Vault this stack runs (tools)",
            ],
        },
        {
            title: "Harbor without the gateway it serves through",
            config: { clusters: [cluster({ harbor: true, istio: false })], vault: { server } },
            secretKeys: SECRET_KEYS,
            expected: ["Pulumi.test.yaml: homelab:clusters[0].services.istio: is required: harbor needs it to serve through the cluster's gateway"],
        },
        {
            title: "a tools service on a cluster of another role",
            config: { clusters: [{ ...cluster({ harbor: true, cloudnativePg: true }), role: "workload" }] },
            secretKeys: SECRET_KEYS,
            expected: ["Pulumi.test.yaml: homelab:clusters[0].services.harbor: belongs to the tools role; tools has role workload", "Pulumi.test.yaml: homelab:clusters[0].services.cloudnativePg: belongs to the tools role; tools has role workload"],
        },
    ])("reports $title before anything is registered", async ({ config, secretKeys, expected }) => {
        const r = await runStack({ config: { ...baseConfig(), ...config }, secretKeys, projectDir: makeProject(files), preview: true });
        expect(reportLines(r)).toEqual(expected);
        expect(r.resources).toEqual([]);
    });
});
