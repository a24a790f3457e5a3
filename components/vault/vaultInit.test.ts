import * as net from "net";
import { FakeVault } from "../../tests/fakeVault";
import { issueCa, issueLeaf } from "../../tests/openssl";
import { VaultInitInputs, VaultInitOutputs, vaultInitProvider as provider } from "./vaultInit";

/**
 * The init/unseal provider against a real HTTP(S) server on 127.0.0.1 that answers as Vault's seal
 * endpoints do (tests/fakeVault.ts): uninitialised, sealed, unsealed, a wrong key, the server down,
 * a restart that seals it again.
 */
describe("Vault init and unseal provider", () => {
    const servers: FakeVault[] = [];
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.stop()));
    });

    async function startVault(tls?: { certPem: string; keyPem: string }): Promise<FakeVault> {
        const vault = new FakeVault(tls);
        servers.push(vault);
        await vault.start();
        return vault;
    }

    const inputsFor = (address: string, extra: Partial<VaultInitInputs> = {}): VaultInitInputs => ({ address, caPem: "", secretShares: 5, secretThreshold: 3, ...extra });

    /** Creates against `vault` and checks the answer's shape once, for the tests that start from there. */
    async function created(vault: FakeVault, extra: Partial<VaultInitInputs> = {}): Promise<{ id: string; outs: VaultInitOutputs }> {
        const result = await provider.create(inputsFor(vault.address, extra));
        return { id: result.id, outs: result.outs! };
    }

    it("initialises an uninitialised Vault, keeps every share and the root token, and unseals it with the threshold", async () => {
        const vault = await startVault();
        const { id, outs } = await created(vault);
        expect(vault.requests).toEqual([
            "GET /v1/sys/seal-status",
            "PUT /v1/sys/init",
            "GET /v1/sys/seal-status",
            "PUT /v1/sys/unseal",
            "PUT /v1/sys/unseal",
            "PUT /v1/sys/unseal",
        ]);
        expect(outs.unsealKeys).toEqual(vault.keysBase64);
        expect(outs.unsealKeys).toHaveLength(5);
        expect(outs.rootToken).toMatch(/^hvs\.[A-Za-z0-9_-]{24}$/);
        expect(outs).toMatchObject({ address: vault.address, caPem: "", secretShares: 5, secretThreshold: 3, sealed: false });
        expect(vault.status).toMatchObject({ initialized: true, sealed: false, t: 3, n: 5, progress: 0 });
        expect(id).toBe(vault.status.cluster_id);
    });

    it("initialises with a single share when told to", async () => {
        const vault = await startVault();
        const { outs } = await created(vault, { secretShares: 1, secretThreshold: 1 });
        expect(outs.unsealKeys).toHaveLength(1);
        expect(vault.requests.filter((r) => r === "PUT /v1/sys/unseal")).toHaveLength(1);
        expect(vault.status.sealed).toBe(false);
    });

    it("is idempotent on an unsealed Vault: diff sees no change, read and update send nothing but a status query", async () => {
        const vault = await startVault();
        const { id, outs } = await created(vault);
        vault.requests.length = 0;
        await expect(provider.diff!(id, outs, inputsFor(vault.address))).resolves.toEqual({ changes: false });
        await expect(provider.read!(id, outs)).resolves.toEqual({ id, props: outs });
        await expect(provider.update!(id, outs, inputsFor(vault.address))).resolves.toEqual({ outs });
        expect(vault.requests).toEqual(["GET /v1/sys/seal-status", "GET /v1/sys/seal-status", "GET /v1/sys/seal-status"]);
    });

    it("after a restart seals it again: diff reports the change without touching Vault, update and refresh unseal with the held keys", async () => {
        const vault = await startVault();
        const { id, outs } = await created(vault);
        vault.restart();
        expect(vault.status).toMatchObject({ initialized: true, sealed: true, progress: 0 });

        vault.requests.length = 0;
        await expect(provider.diff!(id, outs, inputsFor(vault.address))).resolves.toEqual({ changes: true });
        expect(vault.requests).toEqual(["GET /v1/sys/seal-status"]);
        expect(vault.status.sealed).toBe(true);

        await expect(provider.update!(id, outs, inputsFor(vault.address))).resolves.toEqual({ outs });
        expect(vault.status.sealed).toBe(false);

        vault.restart();
        await expect(provider.read!(id, outs)).resolves.toEqual({ id, props: outs });
        expect(vault.status.sealed).toBe(false);
    });

    it("resets an unseal someone else left half-done before giving its own shares", async () => {
        const vault = await startVault();
        const { id, outs } = await created(vault);
        vault.restart();
        const stray = await fetch(`${vault.address}/v1/sys/unseal`, { method: "PUT", body: JSON.stringify({ key: Buffer.alloc(33, 7).toString("base64") }) });
        expect(((await stray.json()) as { progress: number }).progress).toBe(1);
        vault.requests.length = 0;
        await provider.update!(id, outs, inputsFor(vault.address));
        expect(vault.requests).toEqual(["GET /v1/sys/seal-status", "PUT /v1/sys/unseal", "PUT /v1/sys/unseal", "PUT /v1/sys/unseal", "PUT /v1/sys/unseal"]);
        expect(vault.status.sealed).toBe(false);
    });

    it("names a wrong key, and leaves Vault sealed with its progress reset", async () => {
        const vault = await startVault();
        const { id, outs } = await created(vault);
        vault.restart();
        const wrong = { ...outs, unsealKeys: [outs.unsealKeys[0], outs.unsealKeys[1], Buffer.alloc(33, 1).toString("base64")] };
        await expect(provider.update!(id, wrong, inputsFor(vault.address))).rejects.toThrow(
            `Vault at ${vault.address} refused unseal key 3 of 3 (HTTP 400: unable to retrieve stored keys: invalid key: failed to decrypt keys from storage: cipher: message authentication failed): ` +
                "the keys this stack holds do not unseal this Vault; was it initialised by someone else?",
        );
        expect(vault.status).toMatchObject({ sealed: true, progress: 0 });
        // The right keys still work afterwards.
        await provider.update!(id, outs, inputsFor(vault.address));
        expect(vault.status.sealed).toBe(false);
    });

    it("refuses a Vault that is already initialised when it holds none of its keys", async () => {
        const vault = await startVault();
        await created(vault);
        vault.requests.length = 0;
        await expect(provider.create(inputsFor(vault.address))).rejects.toThrow(
            `Vault at ${vault.address} is already initialised, and this stack holds none of its unseal keys: ` +
                "the program initialises only a fresh Vault (empty storage); unseal and configure this one by hand, or wipe its storage",
        );
        expect(vault.requests).toEqual(["GET /v1/sys/seal-status"]);
    });

    it("replaces the resource when Vault's storage was wiped, so create initialises it again", async () => {
        const first = await startVault();
        const { id, outs } = await created(first);
        const wiped = await startVault();
        await expect(provider.diff!(id, outs, inputsFor(wiped.address))).resolves.toEqual({ changes: true, replaces: ["unsealKeys", "rootToken"], deleteBeforeReplace: false });
        expect(wiped.status.initialized).toBe(false);
    });

    it("names the address of a server that is down", async () => {
        const port = await freePort();
        const address = `http://127.0.0.1:${port}`;
        const refused = `Vault at ${address} cannot be reached (GET /v1/sys/seal-status): connection refused: is Vault running and listening there?`;
        await expect(provider.create(inputsFor(address))).rejects.toThrow(refused);
        const outs: VaultInitOutputs = { ...inputsFor(address), unsealKeys: ["a"], rootToken: "t", sealed: false };
        await expect(provider.diff!("id", outs, inputsFor(address))).rejects.toThrow(refused);
        await expect(provider.read!("id", outs)).rejects.toThrow(refused);
    });

    it("refuses to change the share count after initialisation", async () => {
        const vault = await startVault();
        const { id, outs } = await created(vault);
        await expect(provider.diff!(id, outs, inputsFor(vault.address, { secretShares: 7 }))).rejects.toThrow(
            `Vault at ${vault.address}: secretShares and secretThreshold apply at initialisation only (held: 5/3); set them back, or rekey with \`vault operator rekey\` and then change them here`,
        );
    });

    it("speaks TLS trusting only the CA it is given", async () => {
        const ca = issueCa("vault-ca");
        const vault = await startVault(issueLeaf(ca, { commonName: "vault", uses: ["server_auth"], ipAddresses: ["127.0.0.1"] }));
        expect(vault.address.startsWith("https://127.0.0.1:")).toBe(true);
        await expect(provider.create(inputsFor(vault.address))).rejects.toThrow(
            `Vault at ${vault.address} cannot be reached (GET /v1/sys/seal-status): its certificate is not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate); give the PEM of the CA that issued it`,
        );
        const other = issueCa("other-ca");
        await expect(provider.create(inputsFor(vault.address, { caPem: other.certPem }))).rejects.toThrow(/cannot be reached \(GET \/v1\/sys\/seal-status\): its certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
        const { outs } = await created(vault, { caPem: ca.certPem });
        expect(outs.unsealKeys).toEqual(vault.keysBase64);
        expect(vault.status.sealed).toBe(false);
    });

    it("checks its inputs as Vault would", async () => {
        await expect(provider.check!(inputsFor("http://x"), inputsFor("ftp://vault", { secretShares: 3, secretThreshold: 4 }))).resolves.toEqual({
            inputs: inputsFor("ftp://vault", { secretShares: 3, secretThreshold: 4 }),
            failures: [
                { property: "address", reason: 'must be an http(s) URL of a Vault server like https://vault.home.arpa:8200, got "ftp://vault"' },
                { property: "secretThreshold", reason: "must be an integer from 1 to secretShares (3), got 4" },
            ],
        });
        await expect(provider.check!(inputsFor("http://x"), inputsFor("http://x", { secretShares: 2, secretThreshold: 1 }))).resolves.toMatchObject({
            failures: [{ property: "secretThreshold", reason: "must be at least 2 when secretShares is above 1 (Vault refuses a threshold of 1 for multiple shares)" }],
        });
    });
});

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}
