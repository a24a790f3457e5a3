import { buildArgoCdSettings, checkArgoCd } from "./argocd";
import { recorder } from "./testing/recorder";

/** homelab:argocd's cross-key checks and settings (config/argocd.ts), on values as the reader hands them over. */

type Raw = Record<string, unknown>;

const REPO = "https://github.com/me/homelab-apps.git";
const SERVER = { mount: "homelab", skipTlsVerify: false, server: { address: "https://192.168.1.209:8200", clientStacks: { dev: ["dev"], prod: ["prod", "edge"] } } };
const TOOLS = { name: "tools", role: "tools", distribution: "k3s" };
const argocd = (fields: Raw = {}): Raw => ({ revision: "HEAD", path: ".", destinations: [], ...fields });
const values = (fields: Raw, extra: Raw = {}): Raw => ({ argocd: argocd(fields), clusters: [TOOLS], vault: SERVER, ...extra });

function check(input: Raw, reported: readonly string[] = []): string[] {
    const { report, lines } = recorder();
    checkArgoCd(input, report, "tools", (path) => reported.includes(path));
    return lines;
}

describe("checkArgoCd", () => {
    it("says nothing when homelab:argocd is unset or only its defaults", () => {
        const bare = { clusters: [], vault: { mount: "homelab", skipTlsVerify: false } };
        expect(check({ ...bare, argocd: undefined })).toEqual([]);
        expect(check({ ...bare, argocd: argocd() })).toEqual([]);
        expect(check({ ...bare, argocd: {} })).toEqual([]);
    });

    it("accepts Argo CD on the one tools cluster, with the Vault this stack runs and destinations it lists", () => {
        expect(check(values({ repoUrl: REPO, revision: "main", path: "apps", destinations: [{ stack: "dev", cluster: "dev" }, { stack: "prod", cluster: "edge" }] }, { clusters: [TOOLS, undefined, { name: "w", role: "workload" }] }))).toEqual([]);
    });

    it("needs repoUrl once anything else is set", () => {
        const message = "homelab:argocd.repoUrl: is required: the git repository the root Application syncs";
        expect(check(values({ revision: "main" }))).toEqual([message]);
        expect(check(values({ path: "apps" }))).toEqual([message]);
        expect(check(values({ destinations: [{ stack: "dev", cluster: "dev" }] }))).toEqual([message]);
        expect(check(values({ revision: undefined, path: "apps" }))).toEqual([message]);
        expect(check(values({ revision: "main", path: undefined }))).toEqual([message]);
    });

    it("needs exactly one tools cluster, unless homelab:clusters is already reported", () => {
        expect(check(values({ repoUrl: REPO }, { clusters: [{ name: "w", role: "workload" }] }))).toEqual(["homelab:argocd: needs a cluster with role tools in homelab:clusters: Argo CD runs there"]);
        expect(check(values({ repoUrl: REPO }, { clusters: undefined }))).toEqual(["homelab:argocd: needs a cluster with role tools in homelab:clusters: Argo CD runs there"]);
        expect(check(values({ repoUrl: REPO }, { clusters: [TOOLS, { ...TOOLS, name: "tools2" }] }))).toEqual(["homelab:argocd: needs exactly one cluster with role tools to run on, found tools, tools2"]);
        expect(check(values({ repoUrl: REPO }, { clusters: [] }), ["homelab:clusters"])).toEqual([]);
    });

    it("needs the Vault this stack runs, and then checks no destination against it", () => {
        const message = "homelab:argocd: needs homelab:vault.server: the admin password and the destinations' connections are kept in the Vault this stack runs";
        const destinations = [{ stack: "dev", cluster: "dev" }, { stack: "qa", cluster: "qa" }];
        expect(check(values({ repoUrl: REPO, destinations }, { vault: { mount: "homelab", skipTlsVerify: false, address: "https://vault.home.arpa:8200" } }))).toEqual([message]);
        expect(check(values({ repoUrl: REPO, destinations }, { vault: undefined }))).toEqual([message]);
    });

    it("refuses this stack's own cluster, clusters the Vault does not list, and a cluster named twice", () => {
        const destinations = [
            { stack: "tools", cluster: "tools" },
            { stack: "dev", cluster: "other" },
            { stack: "qa", cluster: "qa" },
            { stack: "prod", cluster: "prod" },
            { stack: "prod", cluster: "prod" },
            { stack: "dev", cluster: "dev" },
            { stack: "prod", cluster: "prod" },
        ];
        expect(check(values({ repoUrl: REPO, destinations }))).toEqual([
            "homelab:argocd.destinations[0].stack: is this stack: Argo CD reaches its own cluster in-cluster; list only the workload stacks' clusters",
            "homelab:argocd.destinations[1]: dev/other is not listed under homelab:vault.server.clientStacks.dev: that stack needs its scoped token to write the connection",
            "homelab:argocd.destinations[2]: qa/qa is not listed under homelab:vault.server.clientStacks.qa: that stack needs its scoped token to write the connection",
            'homelab:argocd.destinations[4].cluster: "prod" is already destinations[3]: Argo CD names each cluster once',
            'homelab:argocd.destinations[6].cluster: "prod" is already destinations[3]: Argo CD names each cluster once',
        ]);
    });

    it("checks destinations against a Vault server without client stacks", () => {
        const vault = { mount: "homelab", skipTlsVerify: false, server: { address: "https://192.168.1.209:8200" } };
        expect(check(values({ repoUrl: REPO, destinations: [{ stack: "dev", cluster: "dev" }] }, { vault }))).toEqual([
            "homelab:argocd.destinations[0]: dev/dev is not listed under homelab:vault.server.clientStacks.dev: that stack needs its scoped token to write the connection",
        ]);
    });

});

describe("buildArgoCdSettings", () => {
    it("is undefined without a repository", () => {
        expect(buildArgoCdSettings(undefined)).toBeUndefined();
        expect(buildArgoCdSettings(argocd({ revision: "main" }))).toBeUndefined();
        expect(buildArgoCdSettings({ repoUrl: "" })).toBeUndefined();
    });

    it("carries the root Application and its destinations, defaults applied", () => {
        expect(buildArgoCdSettings({ repoUrl: REPO })).toStrictEqual({ repoUrl: REPO, revision: "HEAD", path: ".", destinations: [] });
        expect(buildArgoCdSettings({ repoUrl: REPO, revision: "v1", path: "apps", destinations: [{ stack: "dev", cluster: "dev", extra: true }] })).toStrictEqual({
            repoUrl: REPO,
            revision: "v1",
            path: "apps",
            destinations: [{ stack: "dev", cluster: "dev" }],
        });
    });
});
