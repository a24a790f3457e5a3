import * as pulumi from "@pulumi/pulumi";

/**
 * Initialises and unseals a Vault server through its HTTP API, so no operator runs
 * `vault operator init` / `unseal` by hand:
 *
 * - `GET /v1/sys/seal-status`: https://developer.hashicorp.com/vault/api-docs/system/seal-status
 * - `PUT /v1/sys/init` with `secret_shares`, `secret_threshold`: answers `keys`, `keys_base64`,
 *   `root_token` (https://developer.hashicorp.com/vault/api-docs/system/init)
 * - `PUT /v1/sys/unseal` with one `key` (or `reset`): answers the seal status, `progress` counting
 *   the shares given so far (https://developer.hashicorp.com/vault/api-docs/system/unseal)
 *
 * Vault answers errors as `{"errors": [...]}`. A wrong share is only detected once `t` shares are in:
 * Vault then answers 400 "unable to retrieve stored keys: invalid key: ..." and forgets the shares
 * given so far (hashicorp/vault http/sys_seal.go, vault/core.go `getUnsealKey`; before 1.13 it
 * answered 500 for the same thing, hashicorp/vault#17792).
 *
 * The provider runs inside the Pulumi engine's dynamic-provider host, which receives it serialised
 * (`pulumi.dynamic.Resource` captures the provider object and everything it references). So this
 * module's provider code uses only Node built-ins, loaded with `require` inside the functions: a
 * module object imported at the top would be captured by value.
 */

/** What the provider is given. Plain values: a dynamic provider sees resolved inputs. */
export interface VaultInitInputs {
    /** Where to reach Vault's API, e.g. `https://192.168.1.240:8200`. */
    readonly address: string;
    /** PEM certificate(s) to trust for an https address; empty means the system's CAs. */
    readonly caPem: string;
    readonly secretShares: number;
    readonly secretThreshold: number;
}

/** What the provider keeps in state. `unsealKeys` and `rootToken` are secret outputs. */
export interface VaultInitOutputs extends VaultInitInputs {
    /** `keys_base64` from `sys/init`: all shares, so the program can always unseal. */
    readonly unsealKeys: string[];
    readonly rootToken: string;
    /** Always false after a successful create, update or read. */
    readonly sealed: boolean;
}

/** The fields of `sys/seal-status` (and of `sys/unseal`'s answer) this provider reads. */
export interface SealStatus {
    readonly type: string;
    readonly initialized: boolean;
    readonly sealed: boolean;
    readonly t: number;
    readonly n: number;
    readonly progress: number;
    readonly version: string;
    readonly cluster_id?: string;
}

interface Connection {
    readonly address: string;
    readonly caPem: string;
}

interface Answer {
    readonly status: number;
    readonly body: Record<string, unknown>;
}

/** One JSON request to Vault's API. Network failures become errors naming the address. */
export function vaultRequest(conn: Connection, method: "GET" | "PUT", path: string, payload?: unknown): Promise<Answer> {
    // Loaded here, not imported at the top: see the module comment on serialisation.
    const { URL } = require("url") as typeof import("url"); // eslint-disable-line @typescript-eslint/no-require-imports
    const url = new URL(path, conn.address);
    const transport = url.protocol === "https:" ? (require("https") as typeof import("https")) : (require("http") as typeof import("http")); // eslint-disable-line @typescript-eslint/no-require-imports
    const body = payload === undefined ? undefined : JSON.stringify(payload);
    return new Promise<Answer>((resolve, reject) => {
        const req = transport.request(
            url,
            {
                method,
                headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } : {}) },
                timeout: 15_000,
                ...(url.protocol === "https:" && conn.caPem ? { ca: conn.caPem } : {}),
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let parsed: Record<string, unknown> = {};
                    try {
                        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
                    } catch {
                        parsed = { errors: [`non-JSON answer: ${text.slice(0, 200)}`] };
                    }
                    resolve({ status: res.statusCode ?? 0, body: parsed });
                });
                res.on("error", reject);
            },
        );
        req.on("timeout", () => req.destroy(Object.assign(new Error("no answer within 15 s"), { code: "ETIMEDOUT" })));
        req.on("error", (err: NodeJS.ErrnoException) => {
            const hint =
                err.code === "ECONNREFUSED"
                    ? "connection refused: is Vault running and listening there?"
                    : err.code === "ENOTFOUND"
                      ? "the host name does not resolve"
                      : err.code === "ETIMEDOUT"
                        ? "no answer within 15 s"
                        : /CERT|SIGNATURE|VERIFY/.test(err.code ?? "")
                          ? `its certificate is not trusted (${err.code}: ${err.message}); give the PEM of the CA that issued it`
                          : `${err.code ?? "error"}: ${err.message}`;
            reject(new Error(`Vault at ${conn.address} cannot be reached (${method} ${path}): ${hint}`));
        });
        req.end(body);
    });
}

function errorsOf(answer: Answer): string {
    const errors = answer.body.errors;
    return Array.isArray(errors) && errors.length > 0 ? errors.join("; ") : JSON.stringify(answer.body);
}

export async function sealStatus(conn: Connection): Promise<SealStatus> {
    const answer = await vaultRequest(conn, "GET", "/v1/sys/seal-status");
    if (answer.status !== 200) {
        throw new Error(`Vault at ${conn.address}: GET /v1/sys/seal-status answered ${answer.status}: ${errorsOf(answer)}`);
    }
    return answer.body as unknown as SealStatus;
}

export async function initialize(conn: Connection, secretShares: number, secretThreshold: number): Promise<{ unsealKeys: string[]; rootToken: string }> {
    const answer = await vaultRequest(conn, "PUT", "/v1/sys/init", { secret_shares: secretShares, secret_threshold: secretThreshold });
    if (answer.status !== 200) {
        throw new Error(`Vault at ${conn.address}: PUT /v1/sys/init answered ${answer.status}: ${errorsOf(answer)}`);
    }
    const keys = answer.body.keys_base64;
    const rootToken = answer.body.root_token;
    if (!Array.isArray(keys) || keys.length !== secretShares || typeof rootToken !== "string") {
        throw new Error(`Vault at ${conn.address}: PUT /v1/sys/init answered without ${secretShares} keys_base64 and a root_token`);
    }
    return { unsealKeys: keys as string[], rootToken };
}

/**
 * Gives Vault shares until it is unsealed. A partial attempt someone else left behind is reset
 * first, or its shares would be combined with ours.
 */
export async function unseal(conn: Connection, keys: readonly string[]): Promise<SealStatus> {
    let status = await sealStatus(conn);
    if (!status.initialized) {
        throw new Error(`Vault at ${conn.address} is not initialised: it cannot be unsealed with the keys this stack holds (was its storage wiped?)`);
    }
    if (!status.sealed) {
        return status;
    }
    if (keys.length < status.t) {
        throw new Error(`Vault at ${conn.address} needs ${status.t} unseal keys; this stack holds ${keys.length}`);
    }
    if (status.progress > 0) {
        const reset = await vaultRequest(conn, "PUT", "/v1/sys/unseal", { reset: true });
        if (reset.status !== 200) {
            throw new Error(`Vault at ${conn.address}: resetting an unseal in progress answered ${reset.status}: ${errorsOf(reset)}`);
        }
    }
    for (let i = 0; i < status.t; i++) {
        const answer = await vaultRequest(conn, "PUT", "/v1/sys/unseal", { key: keys[i] });
        if (answer.status !== 200) {
            throw new Error(
                `Vault at ${conn.address} refused unseal key ${i + 1} of ${status.t} (HTTP ${answer.status}: ${errorsOf(answer)}): ` +
                    "the keys this stack holds do not unseal this Vault; was it initialised by someone else?",
            );
        }
        status = answer.body as unknown as SealStatus;
        if (!status.sealed) {
            return status;
        }
    }
    throw new Error(`Vault at ${conn.address} is still sealed after ${status.t} keys (progress ${status.progress}/${status.t})`);
}

function connectionOf(inputs: VaultInitInputs): Connection {
    return { address: inputs.address, caPem: inputs.caPem };
}

/** The provider's checks, also run by the component before anything is registered. */
export function inputProblems(inputs: Partial<VaultInitInputs>): { property: string; reason: string }[] {
    const problems: { property: string; reason: string }[] = [];
    if (typeof inputs.address !== "string" || !/^https?:\/\/[^/\s]+\/?$/.test(inputs.address)) {
        problems.push({ property: "address", reason: `must be an http(s) URL of a Vault server like https://vault.home.arpa:8200, got ${JSON.stringify(inputs.address)}` });
    }
    const shares = inputs.secretShares;
    const threshold = inputs.secretThreshold;
    if (!Number.isInteger(shares) || shares! < 1 || shares! > 255) {
        problems.push({ property: "secretShares", reason: `must be an integer from 1 to 255, got ${JSON.stringify(shares)}` });
    }
    if (!Number.isInteger(threshold) || threshold! < 1 || (Number.isInteger(shares) && threshold! > shares!)) {
        problems.push({ property: "secretThreshold", reason: `must be an integer from 1 to secretShares (${JSON.stringify(shares)}), got ${JSON.stringify(threshold)}` });
    }
    if (Number.isInteger(shares) && Number.isInteger(threshold) && shares! > 1 && threshold === 1) {
        // Vault's own rule (vault/seal.go SealConfig.Validate): "threshold must be greater than one for multiple shares".
        problems.push({ property: "secretThreshold", reason: "must be at least 2 when secretShares is above 1 (Vault refuses a threshold of 1 for multiple shares)" });
    }
    return problems;
}

/** The dynamic provider. Exported for the tests that drive it against a local server. */
export const vaultInitProvider: pulumi.dynamic.ResourceProvider<VaultInitInputs, VaultInitOutputs> = {
    async check(_olds, news) {
        return { inputs: news, failures: inputProblems(news) };
    },

    async create(inputs) {
        const conn = connectionOf(inputs);
        const status = await sealStatus(conn);
        if (status.initialized) {
            throw new Error(
                `Vault at ${inputs.address} is already initialised, and this stack holds none of its unseal keys: ` +
                    "the program initialises only a fresh Vault (empty storage); unseal and configure this one by hand, or wipe its storage",
            );
        }
        const { unsealKeys, rootToken } = await initialize(conn, inputs.secretShares, inputs.secretThreshold);
        const unsealed = await unseal(conn, unsealKeys);
        return { id: unsealed.cluster_id ?? inputs.address, outs: { ...inputs, unsealKeys, rootToken, sealed: false } };
    },

    /**
     * Looks, without changing anything (a preview runs it too): a sealed Vault (after a pod restart)
     * is a change that `update` carries out; a Vault that is no longer initialised (its storage was
     * wiped) is a new Vault, so the resource is replaced and `create` initialises it again.
     */
    async diff(_id, olds, news) {
        if (olds.secretShares !== news.secretShares || olds.secretThreshold !== news.secretThreshold) {
            throw new Error(
                `Vault at ${news.address}: secretShares and secretThreshold apply at initialisation only (held: ${olds.secretShares}/${olds.secretThreshold}); ` +
                    "set them back, or rekey with `vault operator rekey` and then change them here",
            );
        }
        const status = await sealStatus(connectionOf(news));
        if (!status.initialized) {
            return { changes: true, replaces: ["unsealKeys", "rootToken"], deleteBeforeReplace: false };
        }
        const moved = olds.address !== news.address || olds.caPem !== news.caPem;
        return { changes: moved || status.sealed };
    },

    async update(_id, olds, news) {
        await unseal(connectionOf(news), olds.unsealKeys);
        return { outs: { ...news, unsealKeys: olds.unsealKeys, rootToken: olds.rootToken, sealed: false } };
    },

    /** `pulumi refresh` unseals too: a restarted pod is back in service without an `up`. */
    async read(id, props) {
        if (!props) {
            throw new Error(`Vault ${id}: nothing to read without the state that holds its keys`);
        }
        await unseal(connectionOf(props), props.unsealKeys);
        return { id, props: { ...props, sealed: false } };
    },

    /**
     * Vault keeps running; only the keys in this stack's state are forgotten, which is why the
     * component protects this resource.
     */
    async delete() {
        return;
    },
};

export interface VaultInitArgs {
    readonly address: pulumi.Input<string>;
    /** PEM of the CA that issued Vault's certificate; default: the system's CAs. */
    readonly caPem?: pulumi.Input<string>;
    /** Default 5 (as `vault operator init`). */
    readonly secretShares?: number;
    /** Default 3 (as `vault operator init`). */
    readonly secretThreshold?: number;
}

/**
 * Initialised, unsealed Vault. Type `pulumi-nodejs:dynamic/vault:VaultInit` (dynamic resources
 * cannot take a `homelab:` type). Protected by default: deleting it forgets the unseal keys.
 */
export class VaultInit extends pulumi.dynamic.Resource {
    public declare readonly unsealKeys: pulumi.Output<string[]>;
    public declare readonly rootToken: pulumi.Output<string>;
    public declare readonly sealed: pulumi.Output<boolean>;

    constructor(name: string, args: VaultInitArgs, opts?: pulumi.CustomResourceOptions) {
        const secretShares = args.secretShares ?? 5;
        const secretThreshold = args.secretThreshold ?? 3;
        const problems = inputProblems({ address: typeof args.address === "string" ? args.address : "https://unknown", secretShares, secretThreshold });
        if (problems.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `VaultInit ${name}: invalid arguments`, errors: problems.map((p) => ({ propertyPath: p.property, reason: p.reason })) });
        }
        super(
            vaultInitProvider,
            name,
            { address: args.address, caPem: args.caPem ?? "", secretShares, secretThreshold, unsealKeys: undefined, rootToken: undefined, sealed: undefined },
            pulumi.mergeOptions({ protect: true, additionalSecretOutputs: ["unsealKeys", "rootToken"] }, opts),
            "vault",
            "VaultInit",
        );
        // The engine keeps them secret (additionalSecretOutputs); marking them here as well keeps them
        // secret in this program's own outputs and inputs before the engine has seen them.
        this.unsealKeys = pulumi.secret(this.unsealKeys);
        this.rootToken = pulumi.secret(this.rootToken);
    }
}
