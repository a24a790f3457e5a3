import * as fs from "fs";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import * as net from "net";
import { AddressInfo } from "net";
import * as pulumi from "@pulumi/pulumi";
import { ApiReadinessInputs, ApiReadinessOutputs, apiReadinessProvider } from "./apiReadiness";
import { API_NOT_READY, apiNotReadyError } from "./readiness";
import { issueCa, issueLeaf } from "../../../tests/openssl";

/**
 * The readiness provider as the engine runs it: its create/update/diff against a real HTTPS server on
 * 127.0.0.1 with certificates issued in the test, and once more after Pulumi's closure serialization,
 * which is the form `pulumi up` executes (the mock monitor never runs a provider).
 */
describe("the API readiness provider", () => {
    const serverCa = issueCa("server-ca");
    const clientCa = issueCa("client-ca");
    const serverCert = issueLeaf(serverCa, { commonName: "kube-apiserver", uses: ["server_auth"], ipAddresses: ["127.0.0.1"] });
    const admin = issueLeaf(clientCa, { commonName: "admin", organization: "system:masters", uses: ["client_auth"] });
    const servers: https.Server[] = [];

    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    });

    /** An API whose /readyz answers `status(n)` to the n-th request from a client certificate of client-ca. */
    function startApi(status: (n: number) => number): Promise<{ url: string; requests: () => number }> {
        let count = 0;
        const server = https.createServer({ cert: serverCert.certPem, key: serverCert.keyPem, ca: clientCa.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
            count++;
            res.writeHead(req.url === "/readyz" ? status(count) : 404).end();
        });
        servers.push(server);
        return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count })));
    }

    function inputs(endpoint: string, nodeIds: string[] = ["101", "102"]): ApiReadinessInputs {
        return { clusterName: "lab", endpoint, caCertPem: serverCa.certPem, clientCertPem: admin.certPem, clientKeyPem: admin.keyPem, nodeIds, timeoutMs: 3000, intervalMs: 50, requestTimeoutMs: 1000 };
    }

    it("creates once /readyz answers 200, and keeps no key material in its outputs", async () => {
        const api = await startApi((n) => (n < 3 ? 503 : 200));
        const result = await apiReadinessProvider.create(inputs(api.url));
        expect(result).toEqual({ id: "lab-api-ready", outs: { clusterName: "lab", endpoint: api.url, nodeIds: ["101", "102"] } });
        expect(api.requests()).toBe(3);
    });

    it("fails the create with the wait's timeout when the API never becomes ready", async () => {
        const api = await startApi(() => 503);
        await expect(apiReadinessProvider.create({ ...inputs(api.url), timeoutMs: 300 })).rejects.toThrow(
            apiNotReadyError(`cluster lab: API ${api.url}/readyz not ready after 0.3s (last answer: HTTP 503)`),
        );
    });

    it("fails the create at the overall timeout when the API accepts connections and never answers, whatever the per-request timeout", async () => {
        const sockets: net.Socket[] = [];
        const silent = net.createServer((socket) => sockets.push(socket));
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
        try {
            const started = Date.now();
            await expect(apiReadinessProvider.create({ ...inputs(url), timeoutMs: 1000, requestTimeoutMs: 60000 })).rejects.toThrow(
                apiNotReadyError(`cluster lab: API ${url}/readyz not ready after 1s (last answer: ETIMEDOUT: no answer within 1000 ms)`),
            );
            expect(Date.now() - started).toBeGreaterThanOrEqual(950);
            expect(Date.now() - started).toBeLessThan(2500);
            expect(sockets).toHaveLength(1);
        } finally {
            sockets.forEach((s) => s.destroy());
            await new Promise((resolve) => silent.close(resolve));
        }
    });

    it("asks for an update, never a replacement, when a node's id or the endpoint changes, and for nothing otherwise", async () => {
        const olds: ApiReadinessOutputs = { clusterName: "lab", endpoint: "https://192.168.1.15:6443", nodeIds: ["101", "102"] };
        const news = inputs("https://192.168.1.15:6443");
        const diff = apiReadinessProvider.diff!;
        expect(await diff("lab-api-ready", olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        // A renewed admin certificate is not a reason to wait again.
        expect(await diff("lab-api-ready", olds, { ...news, clientCertPem: "renewed", clientKeyPem: "renewed" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(await diff("lab-api-ready", olds, { ...news, nodeIds: ["101", "203"] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        expect(await diff("lab-api-ready", olds, { ...news, endpoint: "https://192.168.1.4:6443" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("waits again on update, returning the new node ids", async () => {
        const api = await startApi(() => 200);
        const olds: ApiReadinessOutputs = { clusterName: "lab", endpoint: api.url, nodeIds: ["101", "102"] };
        await expect(apiReadinessProvider.update!("lab-api-ready", olds, inputs(api.url, ["101", "203"]))).resolves.toEqual({ outs: { clusterName: "lab", endpoint: api.url, nodeIds: ["101", "203"] } });
        expect(api.requests()).toBe(1);
    });

    it("works after Pulumi serializes it with its closure, as the engine runs it", async () => {
        const serialized = await pulumi.runtime.serializeFunction(() => apiReadinessProvider, { allowSecrets: true });
        expect(serialized.text).toContain('require("https")');
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "homelab-dynamic-")), "provider.js");
        fs.writeFileSync(file, serialized.text);
        const provider = ((await import(file)) as Record<string, () => typeof apiReadinessProvider>)[serialized.exportName]();

        const api = await startApi((n) => (n < 2 ? 503 : 200));
        await expect(provider.create(inputs(api.url))).resolves.toEqual({ id: "lab-api-ready", outs: { clusterName: "lab", endpoint: api.url, nodeIds: ["101", "102"] } });
        const slow = await startApi(() => 503);
        await expect(provider.create({ ...inputs(slow.url), timeoutMs: 300 })).rejects.toThrow(`cluster lab: API ${slow.url}/readyz not ready after 0.3s (last answer: HTTP 503)`);
        // The certificate check survives serialization too: a server from another CA fails at once.
        const other = issueCa("other-ca");
        const error = await provider.create({ ...inputs(api.url), caCertPem: other.certPem }).catch((e: Error) => e);
        expect((error as Error).name).toBe(API_NOT_READY);
        expect((error as Error).message).toMatch(/^cluster lab: API https:\/\/127\.0\.0\.1:\d+ presented a certificate the cluster CA does not verify \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .+\); the node was not built from this cluster's PKI$/);
    });
});
