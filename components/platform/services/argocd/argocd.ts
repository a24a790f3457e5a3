import type { KubeObject } from "../../objects";
import type { NamespaceSpec } from "../../namespace";
import { CLUSTER_SECRET_STORE } from "../externalSecrets/externalSecrets";

/**
 * Argo CD on the tools cluster: its chart values, the app-of-apps root Application, and the
 * ExternalSecrets that turn each workload cluster's connection (written to Vault by that cluster's
 * stack) into an Argo CD cluster Secret. Pure builders; the components are argocdServer.ts (tools
 * cluster) and destination.ts (workload clusters).
 * Chart: https://github.com/argoproj/argo-helm/tree/argo-cd-10.1.1/charts/argo-cd (Argo CD v3.4.4).
 */

export const ARGOCD_NAMESPACE_NAME = "argocd";
export const ARGOCD_RELEASE = "argocd";

/** The ClusterSecretStore the secrets layer creates on every cluster: Argo CD's cluster Secrets come through it. */
export { CLUSTER_SECRET_STORE };

/**
 * The group a workload cluster binds to cluster-admin for Argo CD (ClusterRoleBinding
 * ARGOCD_MANAGER_BINDING): Argo CD's client certificate carries it as its Organization. A group of our
 * own, not `system:masters`: deleting the binding revokes the certificate's rights, which no RBAC
 * change can do for `system:masters`.
 */
export const ARGOCD_MANAGER_GROUP = "homelab:argocd-managers";
export const ARGOCD_MANAGER_USER = "argocd-manager";
export const ARGOCD_MANAGER_BINDING = "homelab-argocd-manager";

/**
 * When the admin password was last set: Argo CD rejects sessions issued before it
 * (`admin.passwordMtime`). It also keys the RandomPassword (argocdServer.ts), so changing it here
 * rotates the password and logs every admin session out in the same `pulumi up`. Left to the chart,
 * the default is "now" at every Helm upgrade (templates/argocd-configs/argocd-secret.yaml), which
 * logs everyone out on any values change.
 */
export const ADMIN_PASSWORD_SET_AT = "2026-11-30T00:00:00Z";

/**
 * Argo CD's controller, server and repo-server run as non-root with read-only root filesystems, no
 * capabilities and the runtime's seccomp profile (the chart's `containerSecurityContext` defaults),
 * and Redis as user 999: the `restricted` level fits.
 */
export const ARGOCD_NAMESPACE: NamespaceSpec = {
    name: ARGOCD_NAMESPACE_NAME,
    podSecurity: "restricted",
    // The application controller and the server watch and apply resources on this cluster.
    apiServer: true,
    // The repo-server clones the app repositories (https or ssh); the controller reaches the
    // destination clusters' API servers, whose addresses the tools stack does not know (it never
    // reads the workload stacks), so any address on those ports.
    extraEgress: [{ name: "git-and-destinations", cidrs: ["0.0.0.0/0"], ports: [443, 22, 6443] }],
};

/**
 * Argo CD's documented health check for Application resources, removed from Argo CD's built-ins in
 * 1.8 (https://github.com/argoproj/argo-cd/issues/3781). Without it an app-of-apps parent sees its
 * child Applications as healthy as soon as they exist, so sync waves of child Applications do not wait
 * for the previous wave to become healthy.
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

export interface ArgoCdValuesArgs {
    /** The cluster's DNS zone: Argo CD's URL is `argocd.<domain>`. */
    readonly domain?: string;
    /**
     * The admin password's bcrypt hash (a secret Output at run time). Argo CD keeps only the hash in
     * `argocd-secret`; the chart takes it as `configs.secret.argocdServerAdminPassword`.
     */
    readonly adminPasswordHash: unknown;
}

export function argocdValues(args: ArgoCdValuesArgs): Record<string, unknown> {
    return {
        ...(args.domain ? { global: { domain: `argocd.${args.domain}` } } : {}),
        configs: {
            cm: {
                "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA,
            },
            secret: {
                argocdServerAdminPassword: args.adminPasswordHash,
                argocdServerAdminPasswordMtime: ADMIN_PASSWORD_SET_AT,
            },
        },
        // No SSO is configured: the local admin is the login, so Dex would run for nothing.
        dex: { enabled: false },
    };
}

export interface RootApplicationArgs {
    readonly repoUrl: string;
    readonly revision: string;
    readonly path: string;
}

/**
 * The app-of-apps root: it syncs the Applications (and anything else) in `path` into Argo CD's own
 * namespace, pruning what leaves git and undoing drift. Child Applications must live in the `argocd`
 * namespace; they run in waves by their `argocd.argoproj.io/sync-wave` annotation, each wave waiting
 * for the previous one to be healthy (APPLICATION_HEALTH_LUA). No resources finalizer: deleting the
 * root from Pulumi leaves the child Applications and what they deployed in place.
 */
export function rootApplication(args: RootApplicationArgs): KubeObject {
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "root", namespace: ARGOCD_NAMESPACE_NAME },
        spec: {
            project: "default",
            source: { repoURL: args.repoUrl, targetRevision: args.revision, path: args.path },
            destination: { server: "https://kubernetes.default.svc", namespace: ARGOCD_NAMESPACE_NAME },
            syncPolicy: {
                automated: { prune: true, selfHeal: true },
                syncOptions: ["CreateNamespace=true"],
            },
        },
    };
}

/** What a workload stack writes to `<mount>/<stack>/<cluster>/argocd`: the fields the ExternalSecret template reads. */
export interface ArgoCdConnection {
    readonly name: string;
    /** `https://<address>:6443` */
    readonly server: string;
    /** Base64 of the PEMs, as Argo CD's `tlsClientConfig` takes them (like a kubeconfig's `*-data`). */
    readonly caData: string;
    readonly certData: string;
    readonly keyData: string;
}

// Buffer.from encodes a string as UTF-8 unless told otherwise.
const b64 = (pem: string) => Buffer.from(pem).toString("base64");

export function argocdConnection(cluster: string, server: string, pems: { readonly caCertPem: string; readonly certPem: string; readonly keyPem: string }): ArgoCdConnection {
    return { name: cluster, server, caData: b64(pems.caCertPem), certData: b64(pems.certPem), keyData: b64(pems.keyPem) };
}

/**
 * The Argo CD cluster Secret of one destination, as external-secrets renders it from the Vault entry:
 * label `argocd.argoproj.io/secret-type: cluster`, keys `name`, `server` and `config` (JSON with
 * `tlsClientConfig`). https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters
 * Template engine v2 is Go's text/template with the entry's properties as fields:
 * https://external-secrets.io/latest/guides/templating/
 */
export function destinationExternalSecret(destination: { readonly stack: string; readonly cluster: string }, vaultKey: string): KubeObject {
    const name = `cluster-${destination.cluster}`;
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ExternalSecret",
        metadata: { name, namespace: ARGOCD_NAMESPACE_NAME },
        spec: {
            // A renewed client certificate (yearly, by the workload stack's `pulumi up`) reaches Argo CD within the hour.
            refreshInterval: "1h",
            secretStoreRef: { kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE },
            target: {
                name,
                creationPolicy: "Owner",
                template: {
                    engineVersion: "v2",
                    type: "Opaque",
                    metadata: { labels: { "argocd.argoproj.io/secret-type": "cluster" } },
                    data: {
                        name: destination.cluster,
                        server: "{{ .server }}",
                        config: '{"tlsClientConfig":{"caData":"{{ .caData }}","certData":"{{ .certData }}","keyData":"{{ .keyData }}"}}',
                    },
                },
            },
            // KV v2 path under the store's mount.
            dataFrom: [{ extract: { key: vaultKey } }],
        },
    };
}

/** On a workload cluster: Argo CD's group gets cluster-admin. */
export function argocdManagerBinding(): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: ARGOCD_MANAGER_BINDING, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: ARGOCD_MANAGER_GROUP }],
    };
}
