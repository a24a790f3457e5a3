import * as https from "https";
import * as net from "net";
import * as tls from "tls";
import { AddressInfo } from "net";
import { API_NOT_READY, apiNotReadyError, ReadinessTarget, waitForApiReady } from "./readiness";
import { issueCa, issueLeaf } from "../../../tests/openssl";

/**
 * The readiness wait against a real HTTPS server on 127.0.0.1, with certificates issued in the test:
 * like K3s and Talos, the server rejects clients without a certificate from its client CA.
 */
describe("waiting for a cluster API", () => {
    const serverCa = issueCa("server-ca");
    const clientCa = issueCa("client-ca");
    const serverCert = issueLeaf(serverCa, { commonName: "kube-apiserver", uses: ["server_auth"], ipAddresses: ["127.0.0.1"] });
    const admin = issueLeaf(clientCa, { commonName: "admin", organization: "system:masters", uses: ["client_auth"] });
    const servers: https.Server[] = [];

    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    });

    /** An API that answers /readyz with the status `answer` gives for each request. */
    function startApi(answer: (requestNumber: number) => number, port = 0): Promise<{ url: string; requests: () => number; clientNames: string[] }> {
        let count = 0;
        const clientNames: string[] = [];
        const server = https.createServer(
            { cert: serverCert.certPem, key: serverCert.keyPem, ca: clientCa.certPem, requestCert: true, rejectUnauthorized: false },
            (req, res) => {
                const peer = (req.socket as import("tls").TLSSocket).getPeerCertificate();
                if (!(req.socket as import("tls").TLSSocket).authorized) {
                    res.writeHead(401).end("Unauthorized");
                    return;
                }
                clientNames.push(`${peer.subject.O}/${peer.subject.CN}`);
                count++;
                res.writeHead(req.url === "/readyz" ? answer(count) : 404).end();
            },
        );
        servers.push(server);
        return new Promise((resolve) =>
            server.listen(port, "127.0.0.1", () => resolve({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count, clientNames })),
        );
    }

    function target(endpoint: string, overrides: Partial<ReadinessTarget> = {}): ReadinessTarget {
        return { clusterName: "tools", endpoint, caCertPem: serverCa.certPem, clientCertPem: admin.certPem, clientKeyPem: admin.keyPem, ...overrides };
    }

    it("returns once /readyz answers 200, presenting the admin certificate", async () => {
        const api = await startApi(() => 200);
        await expect(waitForApiReady(target(api.url), { timeoutMs: 5000, intervalMs: 50 })).resolves.toBeUndefined();
        expect(api.clientNames).toEqual(["system:masters/admin"]);
    });

    it("keeps polling through a slow start until the API is ready", async () => {
        const api = await startApi((n) => (n < 4 ? 503 : 200));
        await waitForApiReady(target(api.url), { timeoutMs: 5000, intervalMs: 50 });
        expect(api.requests()).toBe(4);
    });

    it("waits for a server that is not listening yet", async () => {
        const probe = await startApi(() => 200);
        const port = Number(new URL(probe.url).port);
        await new Promise((resolve) => servers.pop()!.close(resolve));
        const waiting = waitForApiReady(target(`https://127.0.0.1:${port}`), { timeoutMs: 5000, intervalMs: 50 });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const api = await startApi(() => 200, port);
        await expect(waiting).resolves.toBeUndefined();
        expect(api.requests()).toBe(1);
    });

    it("accepts an endpoint written with a trailing slash", async () => {
        const api = await startApi(() => 200);
        await expect(waitForApiReady(target(`${api.url}/`), { timeoutMs: 5000, intervalMs: 50 })).resolves.toBeUndefined();
        expect(api.requests()).toBe(1);
    });

    it("leaves no timer behind once ready, so a long per-request timeout does not hold the process", async () => {
        const api = await startApi(() => 200);
        const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
        const before = timers();
        await waitForApiReady(target(api.url), { timeoutMs: 60000, intervalMs: 50, requestTimeoutMs: 60000 });
        await new Promise((resolve) => setImmediate(resolve));
        expect(timers()).toBe(before);
    });

    it("does not count a 200 whose body is cut off as ready, and names the broken answer", async () => {
        const server = https.createServer({ cert: serverCert.certPem, key: serverCert.keyPem, ca: clientCa.certPem, requestCert: true }, (_req, res) => {
            res.writeHead(200, { "content-length": "100" });
            res.write("ok");
            setTimeout(() => res.socket?.destroy(), 20);
        });
        servers.push(server);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
        await expect(waitForApiReady(target(url), { timeoutMs: 400, intervalMs: 50 })).rejects.toThrow(
            apiNotReadyError(`cluster tools: API ${url}/readyz not ready after 0.4s (last answer: ECONNRESET: aborted)`),
        );
    });

    it("throws a timeout naming the cluster, the endpoint and the last answer when never ready", async () => {
        const api = await startApi(() => 503);
        const started = Date.now();
        await expect(waitForApiReady(target(api.url), { timeoutMs: 2000, intervalMs: 100 })).rejects.toThrow(
            apiNotReadyError(`cluster tools: API ${api.url}/readyz not ready after 2s (last answer: HTTP 503)`),
        );
        // It gives up at the deadline, not long after it (a request in flight may finish first).
        expect(Date.now() - started).toBeLessThan(6000);
        // It kept polling: at most 20 polls fit in 2 s at a 100 ms interval; at least 3 do even on a
        // loaded 2-core machine, where a TLS round trip can take a few hundred milliseconds.
        expect(api.requests()).toBeGreaterThanOrEqual(3);
        expect(api.requests()).toBeLessThanOrEqual(21);
    });

    it("fails at once, clearly, when the server's certificate is not from the cluster CA", async () => {
        const api = await startApi(() => 200);
        const otherCa = issueCa("some-other-ca");
        const started = Date.now();
        const error = await waitForApiReady(target(api.url, { caCertPem: otherCa.certPem }), { timeoutMs: 30000, intervalMs: 50 }).catch((e: Error) => e);
        expect((error as Error).name).toBe(API_NOT_READY);
        expect((error as Error).message).toMatch(
            new RegExp(`^cluster tools: API ${api.url.replace(/\./g, "\\.")} presented a certificate the cluster CA does not verify \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .+\\); the node was not built from this cluster's PKI$`),
        );
        expect(Date.now() - started).toBeLessThan(2000);
        expect(api.requests()).toBe(0);
    });

    it("is refused by the server without the client certificate, as K3s and Talos refuse anonymous /readyz", async () => {
        const api = await startApi(() => 200);
        const stranger = issueLeaf(issueCa("stranger-ca"), { commonName: "x", uses: ["client_auth"] });
        await expect(
            waitForApiReady(target(api.url, { clientCertPem: stranger.certPem, clientKeyPem: stranger.keyPem }), { timeoutMs: 300, intervalMs: 50 }),
        ).rejects.toThrow(`cluster tools: API ${api.url}/readyz not ready after 0.3s (last answer: HTTP 401)`);
    });

    describe("against a peer that accepts the connection and never answers", () => {
        const hanging: { server: net.Server; sockets: net.Socket[] }[] = [];
        afterEach(async () => {
            for (const { server, sockets } of hanging.splice(0)) {
                sockets.forEach((s) => s.destroy());
                await new Promise((resolve) => server.close(resolve));
            }
        });

        /**
         * `tls: false`: a TCP listener that accepts and says nothing, not even the TLS handshake (a VM
         * whose port is open but whose API server is wedged). `tls: true`: it completes the handshake,
         * with the cluster's certificate and a client certificate required, reads the request and never
         * answers it (an API server stuck before its handler).
         */
        function startHanging(withTls: boolean): Promise<{ url: string; connections: () => number; handshakes: () => number }> {
            const sockets: net.Socket[] = [];
            let handshakes = 0;
            const server = withTls
                ? tls.createServer({ cert: serverCert.certPem, key: serverCert.keyPem, ca: clientCa.certPem, requestCert: true, rejectUnauthorized: true }, () => {
                      handshakes++;
                  })
                : net.createServer();
            server.on("connection", (socket: net.Socket) => sockets.push(socket));
            hanging.push({ server, sockets });
            return new Promise((resolve) =>
                server.listen(0, "127.0.0.1", () =>
                    resolve({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => sockets.length, handshakes: () => handshakes }),
                ),
            );
        }

        it("caps the per-request timeout by the overall timeout: one 10 s request does not outlast a 1.5 s wait", async () => {
            const peer = await startHanging(false);
            const started = Date.now();
            await expect(waitForApiReady(target(peer.url), { timeoutMs: 1500, intervalMs: 50, requestTimeoutMs: 10000 })).rejects.toThrow(
                apiNotReadyError(`cluster tools: API ${peer.url}/readyz not ready after 1.5s (last answer: ETIMEDOUT: no answer within 1500 ms)`),
            );
            const elapsed = Date.now() - started;
            // One request, cut at 1.5 s: not the 10 s the request alone would allow, nor the ~3 s https'
            // own idle `timeout` took against a peer that never completes the handshake.
            expect(elapsed).toBeGreaterThanOrEqual(1450);
            expect(elapsed).toBeLessThan(2800);
            expect(peer.connections()).toBe(1);
        });

        it("gives up on each silent request after the per-request timeout and polls again until the deadline", async () => {
            const peer = await startHanging(true);
            const started = Date.now();
            await expect(waitForApiReady(target(peer.url), { timeoutMs: 2000, intervalMs: 50, requestTimeoutMs: 300 })).rejects.toThrow(
                apiNotReadyError(`cluster tools: API ${peer.url}/readyz not ready after 2s (last answer: ETIMEDOUT: no answer within 300 ms)`),
            );
            const elapsed = Date.now() - started;
            // It stops at the deadline (the last poll starts before it), not a request timeout later or more.
            expect(elapsed).toBeGreaterThanOrEqual(1950);
            expect(elapsed).toBeLessThan(2000 + 300 + 3000);
            // Each attempt was a fresh connection that completed the handshake with the admin certificate:
            // at most 2000 / (300 + 50) + 1 of them, and several even on a loaded machine.
            expect(peer.handshakes()).toBe(peer.connections());
            expect(peer.connections()).toBeGreaterThanOrEqual(2);
            expect(peer.connections()).toBeLessThanOrEqual(6);
        });
    });
});
