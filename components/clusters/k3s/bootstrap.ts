import * as yaml from "js-yaml";
import { CloudInitFile, KeyPairPem, keyPairFiles, NodeBootstrapContent } from "../../hosts/cloudInit";

/**
 * K3s node bootstrap, as cloud-init files and commands. Pure: the cluster component calls it once
 * with the real PKI and token, and once with placeholders for the offline render.
 */

export const K3S_TLS_DIR = "/var/lib/rancher/k3s/server/tls";
export const K3S_CONFIG = "/etc/rancher/k3s/config.yaml";
export const K3S_INSTALLER = "/usr/local/sbin/k3s-install";

/** The CA material K3s reads from its tls folder before the first server's first start. */
export interface K3sPki {
    readonly serverCa: KeyPairPem;
    readonly clientCa: KeyPairPem;
    readonly requestHeaderCa: KeyPairPem;
    readonly etcdPeerCa: KeyPairPem;
    readonly etcdServerCa: KeyPairPem;
    /** RSA key that signs service-account tokens. */
    readonly serviceKeyPem: string;
}

export interface K3sNodeSpec {
    /** `init`: the first server (`cluster-init`, holds the CAs); `server`: joins as a server; `agent`: a worker. */
    readonly role: "init" | "server" | "agent";
    readonly version: string;
    readonly installScriptUrl: string;
    readonly nodeName: string;
    readonly nodeIp: string;
    /** The password-only token form: servers and agents share it. */
    readonly token: string;
    /** `https://<first server>:6443`, for every node but the first. */
    readonly serverUrl?: string;
    readonly tlsSans: readonly string[];
    readonly podCidr: string;
    readonly serviceCidr: string;
    /** Only on the first server. */
    readonly pki?: K3sPki;
}

/** The installer every node runs: fetches the pinned version's own install.sh, retrying while the network comes up. */
export function k3sInstallerScript(installScriptUrl: string, version: string): string {
    return `#!/bin/sh
# Installs the pinned K3s; it starts with ${K3S_CONFIG}.
set -eu
role="$1"
script="$(mktemp)"
trap 'rm -f "$script"' EXIT
until curl -sfL --retry 5 --retry-delay 5 -o "$script" "${installScriptUrl}"; do
  sleep 10
done
INSTALL_K3S_VERSION="${version}" INSTALL_K3S_EXEC="$role" sh "$script"
`;
}

export function k3sConfig(spec: K3sNodeSpec): Record<string, unknown> {
    const config: Record<string, unknown> = { token: spec.token, "node-name": spec.nodeName, "node-ip": spec.nodeIp };
    if (spec.role !== "init") {
        config.server = spec.serverUrl;
    }
    if (spec.role !== "agent") {
        if (spec.role === "init") {
            config["cluster-init"] = true;
        }
        config["tls-san"] = [...spec.tlsSans];
        config.disable = ["traefik", "servicelb"];
        config["cluster-cidr"] = spec.podCidr;
        config["service-cidr"] = spec.serviceCidr;
        config["write-kubeconfig-mode"] = "0600";
    }
    return config;
}

export function k3sNodeBootstrap(spec: K3sNodeSpec): NodeBootstrapContent {
    if ((spec.role === "init") !== (spec.pki !== undefined)) {
        throw new Error(`k3s node ${spec.nodeName}: the CAs go on the first server, and only there`);
    }
    if (spec.role !== "init" && !spec.serverUrl) {
        throw new Error(`k3s node ${spec.nodeName}: a joining node needs the first server's URL`);
    }
    const files: CloudInitFile[] = [
        { path: K3S_CONFIG, content: yaml.dump(k3sConfig(spec), { lineWidth: -1 }), permissions: "0600", owner: "root:root" },
        { path: K3S_INSTALLER, content: k3sInstallerScript(spec.installScriptUrl, spec.version), permissions: "0755", owner: "root:root" },
    ];
    if (spec.pki) {
        const pair = (name: string, p: KeyPairPem) => keyPairFiles(K3S_TLS_DIR, name, p);
        files.push(
            ...pair("server-ca", spec.pki.serverCa),
            ...pair("client-ca", spec.pki.clientCa),
            ...pair("request-header-ca", spec.pki.requestHeaderCa),
            ...pair("etcd/peer-ca", spec.pki.etcdPeerCa),
            ...pair("etcd/server-ca", spec.pki.etcdServerCa),
            { path: `${K3S_TLS_DIR}/service.key`, content: spec.pki.serviceKeyPem, permissions: "0600", owner: "root:root" },
        );
    }
    return { files, runcmd: [[K3S_INSTALLER, spec.role === "agent" ? "agent" : "server"]] };
}
