import { randomBytes, randomUUID } from "crypto";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";

/**
 * A local stand-in for Vault's seal endpoints, answering as Vault does (fields and messages from the
 * API docs and hashicorp/vault `http/sys_seal.go`, `http/sys_init.go`, `vault/core.go`):
 *
 * - `GET /v1/sys/seal-status`
 * - `PUT|POST /v1/sys/init` (`secret_shares`, `secret_threshold`; 400 `Vault is already initialized`)
 * - `PUT|POST /v1/sys/unseal` (`key` in hex or base64, or `reset`): shares accumulate until `t` are in;
 *   a wrong share is detected only then, answered 400 and the progress reset, as Vault does.
 *
 * Real shares are Shamir parts of one key; here a share is valid when it is one of those `init`
 * handed out, which is what Vault's check amounts to from the outside.
 */
export class FakeVault {
    private server: http.Server | https.Server;
    private state: { initialized: boolean; sealed: boolean; n: number; t: number; keys: Buffer[]; parts: Buffer[]; nonce: string; clusterId: string } = {
        initialized: false,
        sealed: true,
        n: 0,
        t: 0,
        keys: [],
        parts: [],
        nonce: "",
        clusterId: randomUUID(),
    };
    /** Every request, as `METHOD path`, for asserting what the client did. */
    public readonly requests: string[] = [];
    public address = "";

    constructor(tls?: { certPem: string; keyPem: string }) {
        const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
        this.server = tls ? https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler) : http.createServer(handler);
    }

    async start(port = 0): Promise<string> {
        await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
        const { port: bound } = this.server.address() as AddressInfo;
        this.address = `${this.server instanceof https.Server ? "https" : "http"}://127.0.0.1:${bound}`;
        return this.address;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections?.();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    /** A pod restart: storage kept, the barrier sealed again, shares given so far forgotten. */
    restart(): void {
        this.state.sealed = true;
        this.state.parts = [];
        this.state.nonce = "";
    }

    /** Shares this server handed out at init, base64 as `keys_base64`. */
    get keysBase64(): string[] {
        return this.state.keys.map((k) => k.toString("base64"));
    }

    get status() {
        return { ...this.sealStatus() };
    }

    private sealStatus(): Record<string, unknown> {
        const s = this.state;
        return {
            type: "shamir",
            initialized: s.initialized,
            sealed: s.sealed,
            t: s.t,
            n: s.n,
            progress: s.parts.length,
            nonce: s.nonce,
            version: "1.20.4",
            build_date: "2025-09-23T13:22:38Z",
            migration: false,
            ...(s.sealed ? {} : { cluster_name: "vault-cluster-3a1f0c2d", cluster_id: s.clusterId }),
            recovery_seal: false,
            storage_type: "raft",
        };
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            this.requests.push(`${req.method} ${req.url}`);
            const reply = (status: number, body: unknown) => {
                res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
                res.end(JSON.stringify(body));
            };
            const fail = (status: number, message: string) => reply(status, { errors: [message] });
            let body: Record<string, unknown> = {};
            try {
                body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
            } catch (err) {
                return fail(400, `failed to parse JSON input: ${(err as Error).message}`);
            }
            const write = req.method === "PUT" || req.method === "POST";
            switch (req.url) {
                case "/v1/sys/seal-status":
                    return req.method === "GET" ? reply(200, this.sealStatus()) : fail(405, "");
                case "/v1/sys/init":
                    return write ? this.init(body, reply, fail) : req.method === "GET" ? reply(200, { initialized: this.state.initialized }) : fail(405, "");
                case "/v1/sys/unseal":
                    return write ? this.unseal(body, reply, fail) : fail(405, "");
                default:
                    return req.url?.startsWith("/v1/") && this.state.sealed ? fail(503, "Vault is sealed") : fail(404, "");
            }
        });
    }

    private init(body: Record<string, unknown>, reply: (s: number, b: unknown) => void, fail: (s: number, m: string) => void): void {
        if (this.state.initialized) {
            return fail(400, "Vault is already initialized");
        }
        const n = Number(body.secret_shares ?? 0);
        const t = Number(body.secret_threshold ?? 0);
        // vault/seal.go SealConfig.Validate, wrapped by Initialize as "invalid seal configuration: ...".
        const invalid =
            n < 1 ? "shares must be at least one" : t < 1 ? "threshold must be at least one" : n > 1 && t === 1 ? "threshold must be greater than one for multiple shares" : t > n ? "threshold cannot be larger than shares" : undefined;
        if (invalid) {
            return fail(400, `invalid seal configuration: ${invalid}`);
        }
        // Shamir parts are the 32-byte key plus one tag byte; one share is the key itself.
        const keys = Array.from({ length: n }, () => randomBytes(n === 1 ? 32 : 33));
        Object.assign(this.state, { initialized: true, sealed: true, n, t, keys, parts: [], nonce: "" });
        reply(200, { keys: keys.map((k) => k.toString("hex")), keys_base64: keys.map((k) => k.toString("base64")), root_token: `hvs.${randomBytes(18).toString("base64url")}` });
    }

    private unseal(body: Record<string, unknown>, reply: (s: number, b: unknown) => void, fail: (s: number, m: string) => void): void {
        const s = this.state;
        if (body.reset === true) {
            if (!s.sealed) {
                return fail(400, "vault is unsealed");
            }
            s.parts = [];
            s.nonce = "";
            return reply(200, this.sealStatus());
        }
        if (typeof body.key !== "string" || body.key === "") {
            return fail(400, "'key' must be specified in request body as JSON, or 'reset' set to true");
        }
        let key = /^[0-9a-f]+$/i.test(body.key) && body.key.length % 2 === 0 ? Buffer.from(body.key, "hex") : undefined;
        if (!key || key.length < 16 || key.length > 33) {
            if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body.key)) {
                return fail(400, "'key' must be a valid hex or base64 string");
            }
            key = Buffer.from(body.key, "base64");
        }
        if (!s.initialized) {
            return fail(400, "Vault is not initialized");
        }
        if (key.length < 16) {
            return fail(400, "invalid key: key is shorter than minimum 16 bytes");
        }
        if (key.length > 33) {
            return fail(400, "invalid key: key is longer than maximum 33 bytes");
        }
        if (!s.sealed) {
            return reply(200, this.sealStatus());
        }
        if (!s.parts.some((p) => p.equals(key))) {
            s.parts.push(key);
            s.nonce ||= randomUUID();
        }
        if (s.parts.length < s.t) {
            return reply(200, this.sealStatus());
        }
        const parts = s.parts;
        s.parts = [];
        s.nonce = "";
        if (!parts.every((p) => s.keys.some((k) => k.equals(p)))) {
            return fail(400, "unable to retrieve stored keys: invalid key: failed to decrypt keys from storage: cipher: message authentication failed");
        }
        s.sealed = false;
        reply(200, this.sealStatus());
    }
}
