import * as yaml from "js-yaml";

export interface KubeconfigSpec {
    /** Names the cluster, the user (`<cluster>-admin`) and the context. */
    readonly clusterName: string;
    /** `https://<address>:6443` */
    readonly server: string;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
}

const b64 = (pem: string) => Buffer.from(pem, "utf8").toString("base64");

/** An admin kubeconfig computed in the program from the cluster's PKI: nothing is scraped from a node. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
    const user = `${spec.clusterName}-admin`;
    return yaml.dump(
        {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: spec.clusterName, cluster: { server: spec.server, "certificate-authority-data": b64(spec.caCertPem) } }],
            users: [{ name: user, user: { "client-certificate-data": b64(spec.clientCertPem), "client-key-data": b64(spec.clientKeyPem) } }],
            contexts: [{ name: spec.clusterName, context: { cluster: spec.clusterName, user } }],
            "current-context": spec.clusterName,
            preferences: {},
        },
        { lineWidth: -1, noRefs: true },
    );
}

export function apiServerUrl(address: string): string {
    return `https://${address}:6443`;
}
