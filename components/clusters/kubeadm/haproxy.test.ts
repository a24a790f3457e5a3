import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { haproxyConfig } from "./haproxy";
import { issueCa, issueLeaf } from "../../../tests/openssl";
import { requireTool, run as runTool, writeTemp } from "../../../tests/validators";

const PROD_BACKENDS = [
    { name: "k8s-prod-cp-1", address: "192.168.1.31" },
    { name: "k8s-prod-cp-2", address: "192.168.1.32" },
];

describe("the HAProxy config", () => {
    it("is exactly the TCP pass-through with an HTTPS /readyz check, long idle timeouts and dropped root", () => {
        expect(haproxyConfig(PROD_BACKENDS)).toBe(`global
    log /dev/log local0
    log /dev/log local1 notice
    chroot /var/lib/haproxy
    user haproxy
    group haproxy
    daemon

defaults
    mode                    tcp
    log                     global
    option                  tcplog
    option                  dontlognull
    option                  redispatch
    option                  clitcpka
    option                  srvtcpka
    retries                 3
    timeout connect         5s
    timeout client          1h
    timeout server          1h
    timeout tunnel          24h
    timeout client-fin      30s
    timeout server-fin      30s
    timeout check           5s

frontend apiserver
    bind *:6443
    default_backend apiserverbackend

backend apiserverbackend
    balance roundrobin
    option httpchk
    http-check connect ssl
    http-check send meth GET uri /readyz
    http-check expect status 200
    server k8s-prod-cp-1 192.168.1.31:6443 check verify none
    server k8s-prod-cp-2 192.168.1.32:6443 check verify none
`);
    });

    it("never lets a TLS hello stand in for the HTTP check", () => {
        // Any `option …chk` after `option httpchk` replaces the whole check (HAProxy configuration manual, "option ssl-hello-chk").
        const options = haproxyConfig(PROD_BACKENDS).split("\n").filter((l) => /^\s*option\s+\S*chk\b/.test(l));
        expect(options).toEqual(["    option httpchk"]);
    });

    it("passes haproxy -c", () => {
        requireTool("haproxy", "haproxy");
        const checked = runTool("haproxy", ["-c", "-f", writeTemp("haproxy.cfg", haproxyConfig(PROD_BACKENDS))]);
        expect([checked.status, checked.output]).toEqual([0, "Configuration file is valid\n"]);
    });

    it("refuses to balance nothing", () => {
        expect(() => haproxyConfig([])).toThrow("HAProxy needs at least one control plane to balance");
    });
});

/**
 * The generated config run by the real haproxy against two API stand-ins on 127.0.0.1 (HTTPS, with
 * certificates issued in the test): one answers /readyz with 200, the other with 503. Only the ports
 * change (the servers cannot all listen on 6443 here) and a stats socket is added to read the verdict.
 */
describe("HAProxy running the generated config", () => {
    const ca = issueCa("kubernetes");
    const serving = issueLeaf(ca, { commonName: "kube-apiserver", uses: ["server_auth"], ipAddresses: ["127.0.0.1"] });
    const servers: https.Server[] = [];
    let haproxy: ChildProcess | undefined;
    let haproxyLog = "";

    afterAll(async () => {
        if (haproxy?.pid && haproxy.exitCode === null) {
            process.kill(haproxy.pid, "SIGTERM");
            await new Promise((resolve) => haproxy!.once("exit", resolve));
        }
        await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    });

    /** An API stand-in: `/readyz` answers `status`; anything else says which server answered. */
    function startApi(name: string, status: number): Promise<{ port: number; requests: string[] }> {
        const requests: string[] = [];
        const server = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
            requests.push(`${req.method} ${req.url}`);
            res.writeHead(req.url === "/readyz" ? status : 200, { "x-served-by": name }).end(req.url === "/readyz" ? "" : name);
        });
        servers.push(server);
        return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ port: (server.address() as net.AddressInfo).port, requests })));
    }

    function freePort(): Promise<number> {
        const probe = net.createServer();
        return new Promise((resolve) =>
            probe.listen(0, "127.0.0.1", () => {
                const { port } = probe.address() as net.AddressInfo;
                probe.close(() => resolve(port));
            }),
        );
    }

    function showStat(socket: string): Promise<Record<string, Record<string, string>>> {
        return new Promise((resolve, reject) => {
            let text = "";
            const conn = net.connect(socket, () => conn.end("show stat\n"));
            conn.on("data", (chunk) => (text += chunk.toString()));
            conn.on("error", reject);
            conn.on("end", () => {
                const [header, ...rows] = text.trim().split("\n");
                const columns = header.replace(/^# /, "").split(",");
                const table: Record<string, Record<string, string>> = {};
                for (const row of rows) {
                    const cells = row.split(",");
                    const record = Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
                    table[`${record.pxname}/${record.svname}`] = record;
                }
                resolve(table);
            });
        });
    }

    function viaLoadBalancer(port: number): Promise<string> {
        return new Promise((resolve, reject) => {
            https
                .get({ host: "127.0.0.1", port, path: "/version", ca: ca.certPem, agent: false }, (res) => {
                    res.resume();
                    res.on("end", () => resolve(String(res.headers["x-served-by"])));
                })
                .on("error", reject);
        });
    }

    it("takes the control plane answering 503 out of rotation and keeps the one answering 200", async () => {
        requireTool("haproxy", "haproxy");
        const ready = await startApi("cp-ready", 200);
        const failing = await startApi("cp-failing", 503);
        const frontendPort = await freePort();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-haproxy-"));
        const socket = path.join(dir, "admin.sock");

        let config = haproxyConfig([
            { name: "cp-ready", address: "127.0.0.1" },
            { name: "cp-failing", address: "127.0.0.1" },
        ])
            .replace("bind *:6443", `bind 127.0.0.1:${frontendPort}`)
            .replace("server cp-ready 127.0.0.1:6443", `server cp-ready 127.0.0.1:${ready.port}`)
            .replace("server cp-failing 127.0.0.1:6443", `server cp-failing 127.0.0.1:${failing.port}`)
            .replace("global\n", `global\n    stats socket ${socket} mode 600 level admin\n`);
        if (process.getuid?.() !== 0) {
            // Only root can chroot and switch users; as anyone else the test runs the rest unchanged.
            config = config.replace(/^ {4}(chroot|user|group) .*\n/gm, "");
        }
        const file = path.join(dir, "haproxy.cfg");
        fs.writeFileSync(file, config);

        haproxy = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", "pipe", "pipe"] });
        haproxy.stdout!.on("data", (d) => (haproxyLog += d));
        haproxy.stderr!.on("data", (d) => (haproxyLog += d));

        // HAProxy starts servers UP and marks one DOWN after `fall` (3) failed checks `inter` (2 s) apart.
        let stats: Record<string, Record<string, string>> = {};
        const deadline = Date.now() + 20_000;
        while (Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 500));
            if (haproxy.exitCode !== null) {
                throw new Error(`haproxy exited with ${haproxy.exitCode}: ${haproxyLog}`);
            }
            stats = await showStat(socket).catch(() => ({}));
            if (stats["apiserverbackend/cp-failing"]?.status === "DOWN" && stats["apiserverbackend/cp-ready"]?.check_status === "L7OK") {
                break;
            }
        }
        const row = (server: string) => {
            const r = stats[`apiserverbackend/${server}`] ?? {};
            return { status: r.status, check_status: r.check_status, check_code: r.check_code };
        };
        // L7OK / L7STS: the verdict came from the HTTP answer, not from a TCP connect or a TLS hello (L4OK, L6OK).
        expect(row("cp-failing")).toEqual({ status: "DOWN", check_status: "L7STS", check_code: "503" });
        expect(row("cp-ready")).toEqual({ status: "UP", check_status: "L7OK", check_code: "200" });
        expect(new Set(ready.requests)).toEqual(new Set(["GET /readyz"]));
        expect(new Set(failing.requests)).toEqual(new Set(["GET /readyz"]));

        // Clients now reach only the ready control plane, with TLS passed through end to end.
        const answeredBy = [];
        for (let i = 0; i < 4; i++) {
            answeredBy.push(await viaLoadBalancer(frontendPort));
        }
        expect(answeredBy).toEqual(["cp-ready", "cp-ready", "cp-ready", "cp-ready"]);
        expect(failing.requests).not.toContain("GET /version");
    }, 40_000);
});
