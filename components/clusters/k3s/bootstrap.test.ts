import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { K3S_CONFIG, K3S_INSTALLER, K3S_TLS_DIR, k3sConfig, k3sInstallerScript, K3sNodeSpec, k3sNodeBootstrap, K3sPki } from "./bootstrap";
import { requireTool, run as runTool } from "../../../tests/validators";

/**
 * The K3s node bootstrap, asserted whole: the config file K3s reads
 * (https://docs.k3s.io/installation/configuration#configuration-file), the files cloud-init writes,
 * the command it runs, and the installer script run for real under /bin/sh with stand-ins for
 * `curl` and `sleep` on PATH.
 */

const INSTALL_URL = "https://raw.githubusercontent.com/k3s-io/k3s/v1.33.4%2Bk3s1/install.sh";
const pair = (name: string) => ({ certPem: `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`, keyPem: `-----BEGIN PRIVATE KEY-----\n${name}\n-----END PRIVATE KEY-----\n` });
const PKI: K3sPki = {
    serverCa: pair("server-ca"),
    clientCa: pair("client-ca"),
    requestHeaderCa: pair("request-header-ca"),
    etcdPeerCa: pair("etcd-peer-ca"),
    etcdServerCa: pair("etcd-server-ca"),
    serviceKeyPem: "-----BEGIN RSA PRIVATE KEY-----\nservice\n-----END RSA PRIVATE KEY-----\n",
};

const base = {
    version: "v1.33.4+k3s1",
    installScriptUrl: INSTALL_URL,
    token: "QWERTYUIOPASDFGHJKLZXCVBNM0123456789qwertyuiopas",
    tlsSans: ["k3s-1", "k3s-1.lab.example", "192.168.1.21"],
    podCidr: "10.42.0.0/16",
    serviceCidr: "10.43.0.0/16",
};
const init: K3sNodeSpec = { ...base, role: "init", nodeName: "k3s-1", nodeIp: "192.168.1.21", pki: PKI };
const server: K3sNodeSpec = { ...base, role: "server", nodeName: "k3s-2", nodeIp: "192.168.1.22", serverUrl: "https://192.168.1.21:6443" };
const agent: K3sNodeSpec = { ...base, role: "agent", nodeName: "k3s-3", nodeIp: "192.168.1.23", serverUrl: "https://192.168.1.21:6443" };

const INSTALLER = `#!/bin/sh
# Installs the pinned K3s; it starts with /etc/rancher/k3s/config.yaml.
set -eu
role="$1"
script="$(mktemp)"
trap 'rm -f "$script"' EXIT
until curl -sfL --retry 5 --retry-delay 5 -o "$script" "${INSTALL_URL}"; do
  sleep 10
done
INSTALL_K3S_VERSION="v1.33.4+k3s1" INSTALL_K3S_EXEC="$role" sh "$script"
`;

describe("k3sConfig", () => {
    it("starts the first server with cluster-init, the SANs, the cluster's CIDRs, and Traefik and ServiceLB off", () => {
        expect(k3sConfig(init)).toStrictEqual({
            token: base.token,
            "node-name": "k3s-1",
            "node-ip": "192.168.1.21",
            "cluster-init": true,
            "tls-san": ["k3s-1", "k3s-1.lab.example", "192.168.1.21"],
            disable: ["traefik", "servicelb"],
            "cluster-cidr": "10.42.0.0/16",
            "service-cidr": "10.43.0.0/16",
            "write-kubeconfig-mode": "0600",
        });
    });

    it("joins a further server to the first one, with the server settings but no cluster-init", () => {
        expect(k3sConfig(server)).toStrictEqual({
            token: base.token,
            "node-name": "k3s-2",
            "node-ip": "192.168.1.22",
            server: "https://192.168.1.21:6443",
            "tls-san": ["k3s-1", "k3s-1.lab.example", "192.168.1.21"],
            disable: ["traefik", "servicelb"],
            "cluster-cidr": "10.42.0.0/16",
            "service-cidr": "10.43.0.0/16",
            "write-kubeconfig-mode": "0600",
        });
    });

    it("gives an agent only the token, its name and address, and the server to join", () => {
        expect(k3sConfig(agent)).toStrictEqual({ token: base.token, "node-name": "k3s-3", "node-ip": "192.168.1.23", server: "https://192.168.1.21:6443" });
    });

    it("copies the SAN list instead of sharing the caller's array", () => {
        const sans = ["k3s-1"];
        const config = k3sConfig({ ...init, tlsSans: sans });
        sans.push("later");
        expect(config["tls-san"]).toStrictEqual(["k3s-1"]);
    });
});

describe("k3sNodeBootstrap", () => {
    const tlsFile = (name: string, content: string, permissions: string) => ({ path: `${K3S_TLS_DIR}/${name}`, content, permissions, owner: "root:root" });

    it("writes the first server's config, the installer and the CAs where K3s reads them, then runs the installer as a server", () => {
        expect(k3sNodeBootstrap(init)).toStrictEqual({
            files: [
                {
                    path: "/etc/rancher/k3s/config.yaml",
                    content: `token: ${base.token}
node-name: k3s-1
node-ip: 192.168.1.21
cluster-init: true
tls-san:
  - k3s-1
  - k3s-1.lab.example
  - 192.168.1.21
disable:
  - traefik
  - servicelb
cluster-cidr: 10.42.0.0/16
service-cidr: 10.43.0.0/16
write-kubeconfig-mode: '0600'
`,
                    permissions: "0600",
                    owner: "root:root",
                },
                { path: "/usr/local/sbin/k3s-install", content: INSTALLER, permissions: "0755", owner: "root:root" },
                tlsFile("server-ca.crt", PKI.serverCa.certPem, "0644"),
                tlsFile("server-ca.key", PKI.serverCa.keyPem, "0600"),
                tlsFile("client-ca.crt", PKI.clientCa.certPem, "0644"),
                tlsFile("client-ca.key", PKI.clientCa.keyPem, "0600"),
                tlsFile("request-header-ca.crt", PKI.requestHeaderCa.certPem, "0644"),
                tlsFile("request-header-ca.key", PKI.requestHeaderCa.keyPem, "0600"),
                tlsFile("etcd/peer-ca.crt", PKI.etcdPeerCa.certPem, "0644"),
                tlsFile("etcd/peer-ca.key", PKI.etcdPeerCa.keyPem, "0600"),
                tlsFile("etcd/server-ca.crt", PKI.etcdServerCa.certPem, "0644"),
                tlsFile("etcd/server-ca.key", PKI.etcdServerCa.keyPem, "0600"),
                tlsFile("service.key", PKI.serviceKeyPem, "0600"),
            ],
            runcmd: [["/usr/local/sbin/k3s-install", "server"]],
        });
        expect([K3S_TLS_DIR, K3S_CONFIG, K3S_INSTALLER]).toEqual(["/var/lib/rancher/k3s/server/tls", "/etc/rancher/k3s/config.yaml", "/usr/local/sbin/k3s-install"]);
    });

    it("gives a joining server its config and the installer, no CAs, and installs it as a server", () => {
        const content = k3sNodeBootstrap(server);
        expect(content).toStrictEqual({
            files: [
                { path: K3S_CONFIG, content: yaml.dump(k3sConfig(server), { lineWidth: -1 }), permissions: "0600", owner: "root:root" },
                { path: K3S_INSTALLER, content: INSTALLER, permissions: "0755", owner: "root:root" },
            ],
            runcmd: [[K3S_INSTALLER, "server"]],
        });
        expect(content.files[0].content).toContain("server: https://192.168.1.21:6443\n");
    });

    it("installs an agent as an agent", () => {
        expect(k3sNodeBootstrap(agent)).toStrictEqual({
            files: [
                {
                    path: K3S_CONFIG,
                    content: `token: ${base.token}\nnode-name: k3s-3\nnode-ip: 192.168.1.23\nserver: https://192.168.1.21:6443\n`,
                    permissions: "0600",
                    owner: "root:root",
                },
                { path: K3S_INSTALLER, content: INSTALLER, permissions: "0755", owner: "root:root" },
            ],
            runcmd: [[K3S_INSTALLER, "agent"]],
        });
    });

    it("keeps every config value on one line, however long", () => {
        const token = "a long token with spaces ".repeat(6).trim();
        expect(k3sNodeBootstrap({ ...agent, token }).files[0].content.split("\n")[0]).toBe(`token: ${token}`);
    });

    it("refuses CAs anywhere but on the first server, and a first server without them", () => {
        const message = (name: string) => `k3s node ${name}: the CAs go on the first server, and only there`;
        expect(() => k3sNodeBootstrap({ ...init, pki: undefined })).toThrow(message("k3s-1"));
        expect(() => k3sNodeBootstrap({ ...server, pki: PKI })).toThrow(message("k3s-2"));
        expect(() => k3sNodeBootstrap({ ...agent, pki: PKI })).toThrow(message("k3s-3"));
    });

    it("refuses a joining node without the first server's URL, and needs none on the first server", () => {
        expect(() => k3sNodeBootstrap({ ...server, serverUrl: undefined })).toThrow("k3s node k3s-2: a joining node needs the first server's URL");
        expect(() => k3sNodeBootstrap({ ...agent, serverUrl: "" })).toThrow("k3s node k3s-3: a joining node needs the first server's URL");
        expect(k3sNodeBootstrap({ ...init, serverUrl: undefined }).runcmd).toStrictEqual([[K3S_INSTALLER, "server"]]);
    });
});

describe("the K3s installer script", () => {
    /**
     * Runs the installer with stand-ins: `curl` fails as often as asked, then writes an install.sh
     * that records its environment and arguments; `sleep` records its argument and returns at once.
     * mktemp is the real one, under a scratch TMPDIR, so the test sees whether the download is removed.
     */
    function runInstaller(role: string[], curlFailures: number) {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-k3s-"));
        const bin = path.join(root, "bin");
        const tmp = path.join(root, "tmp");
        fs.mkdirSync(bin);
        fs.mkdirSync(tmp);
        const calls = path.join(root, "calls");
        fs.writeFileSync(calls, "");
        fs.writeFileSync(path.join(root, "curl-failures"), String(curlFailures));
        fs.writeFileSync(
            path.join(bin, "curl"),
            `#!/bin/sh
echo "curl $*" | sed "s#${tmp}/[^ ]*#<tmp>#g" >> "${calls}"
left="$(cat "${root}/curl-failures")"
if [ "$left" -gt 0 ]; then
  echo $((left - 1)) > "${root}/curl-failures"
  exit 7
fi
while [ "$#" -gt 1 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
printf '%s\\n' 'echo "install.sh $* version=$INSTALL_K3S_VERSION exec=$INSTALL_K3S_EXEC" >> "${calls}"' > "$out"
`,
            { mode: 0o755 },
        );
        fs.writeFileSync(path.join(bin, "sleep"), `#!/bin/sh\necho "sleep $*" >> "${calls}"\n`, { mode: 0o755 });
        const result = spawnSync("/bin/sh", ["-c", k3sInstallerScript(INSTALL_URL, "v1.33.4+k3s1"), "k3s-install", ...role], {
            encoding: "utf8",
            env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: tmp },
        });
        return { status: result.status, stderr: result.stderr, calls: fs.readFileSync(calls, "utf8").split("\n").filter(Boolean), left: fs.readdirSync(tmp) };
    }

    const CURL = `curl -sfL --retry 5 --retry-delay 5 -o <tmp> ${INSTALL_URL}`;

    it("is the pinned version's install.sh run with the node's role", () => {
        expect(k3sInstallerScript(INSTALL_URL, "v1.33.4+k3s1")).toBe(INSTALLER);
        const r = runInstaller(["server"], 0);
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(r.calls).toEqual([CURL, "install.sh  version=v1.33.4+k3s1 exec=server"]);
        expect(r.left).toEqual([]);
    });

    it("retries the download every 10 s while the network comes up, and removes it after the install", () => {
        const r = runInstaller(["agent"], 2);
        expect([r.status, r.stderr]).toEqual([0, ""]);
        expect(r.calls).toEqual([CURL, "sleep 10", CURL, "sleep 10", CURL, "install.sh  version=v1.33.4+k3s1 exec=agent"]);
        expect(r.left).toEqual([]);
    });

    it("refuses to run without a role", () => {
        const r = runInstaller([], 0);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/1: parameter not set|unbound variable/);
        expect(r.calls).toEqual([]);
    });

    it("passes shellcheck", () => {
        requireTool("shellcheck", "shellcheck");
        const result = runTool("shellcheck", ["-s", "sh", "-"], INSTALLER);
        expect([result.status, result.output]).toEqual([0, ""]);
    });
});
