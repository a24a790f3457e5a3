import * as https from "https";

/**
 * Waits until a cluster's API answers `GET /readyz` with 200, presenting the admin client
 * certificate and trusting only the cluster CA (K3s and Talos reject anonymous /readyz).
 * Connection failures and non-200 answers are retried until the deadline: the VMs are still
 * booting. A certificate that does not chain to the cluster CA is not retried: it will not fix
 * itself, and waiting out the timeout would only hide it.
 */
export interface ReadinessTarget {
    readonly clusterName: string;
    /** `https://<address>:6443` */
    readonly endpoint: string;
    readonly caCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
}

export interface ReadinessOptions {
    readonly timeoutMs: number;
    readonly intervalMs: number;
    /** Per request. */
    readonly requestTimeoutMs?: number;
}

export const DEFAULT_READINESS: ReadinessOptions = { timeoutMs: 20 * 60 * 1000, intervalMs: 5000, requestTimeoutMs: 10000 };

export type WaitForApi = (target: ReadinessTarget, options?: ReadinessOptions) => Promise<void>;

// An array, not a Set: the readiness provider is serialized with its closure (apiReadiness.ts), which
// copies a Set's methods but not its contents.
const CERTIFICATE_ERRORS: readonly string[] = [
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "UNABLE_TO_GET_ISSUER_CERT",
    "CERT_SIGNATURE_FAILURE",
    "CERT_UNTRUSTED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
];

/**
 * The wait's failure: an Error named `ApiNotReadyError`. A factory, not a subclass of Error: Pulumi's
 * closure serialization (apiReadiness.ts) turns `super(message)` into `Error.call(this, message)`,
 * which sets no message, so a subclass would fail `pulumi up` with an empty error.
 */
export const API_NOT_READY = "ApiNotReadyError";

export function apiNotReadyError(message: string): Error {
    const error = new Error(message);
    error.name = API_NOT_READY;
    return error;
}

function probe(target: ReadinessTarget, requestTimeoutMs: number): Promise<{ status?: number; error?: NodeJS.ErrnoException }> {
    return new Promise((resolve) => {
        // A wall-clock limit on the whole request, not https' `timeout` option: that one is a socket idle
        // timeout, and against a peer that accepts the connection but never completes the TLS handshake
        // it fired only after about twice its value (measured on Node 20: 500 ms -> 1.1 s, 1.5 s -> 3.1 s),
        // so a wait could overrun its deadline by two request timeouts (readiness.test.ts, "never answers").
        const request = https.request(
            `${target.endpoint.replace(/\/$/, "")}/readyz`,
            {
                // Stryker disable next-line StringLiteral: Node's client sends GET for an empty method too; kept to say what is sent.
                method: "GET",
                ca: target.caCertPem,
                cert: target.clientCertPem,
                key: target.clientKeyPem,
                agent: false,
            },
            (response) => {
                response.resume();
                response.on("end", () => resolve({ status: response.statusCode }));
                response.on("error", (error) => resolve({ error }));
            },
        );
        const timer = setTimeout(() => request.destroy(Object.assign(new Error(`no answer within ${requestTimeoutMs} ms`), { code: "ETIMEDOUT" })), requestTimeoutMs);
        request.on("close", () => clearTimeout(timer));
        request.on("error", (error: NodeJS.ErrnoException) => resolve({ error }));
        request.end();
    });
}

export const waitForApiReady: WaitForApi = async (target, options = DEFAULT_READINESS) => {
    const deadline = Date.now() + options.timeoutMs;
    const requestTimeoutMs = Math.min(options.requestTimeoutMs ?? 10000, options.timeoutMs);
    for (;;) {
        const { status, error } = await probe(target, requestTimeoutMs);
        if (status === 200) {
            return;
        }
        if (error?.code && CERTIFICATE_ERRORS.includes(error.code)) {
            throw apiNotReadyError(
                `cluster ${target.clusterName}: API ${target.endpoint} presented a certificate the cluster CA does not verify (${error.code}: ${error.message}); the node was not built from this cluster's PKI`,
            );
        }
        // Stryker disable next-line StringLiteral: every error Node's https client emits carries a code; the fallback is defensive.
        const last = error ? `${error.code ?? "error"}: ${error.message}` : `HTTP ${status}`;
        // Stryker disable next-line EqualityOperator: > and >= differ by one millisecond of wall-clock time, which no test can pin.
        if (Date.now() + options.intervalMs > deadline) {
            throw apiNotReadyError(`cluster ${target.clusterName}: API ${target.endpoint}/readyz not ready after ${options.timeoutMs / 1000}s (last answer: ${last})`);
        }
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
};
