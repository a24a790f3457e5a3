import { createHash } from "crypto";

/**
 * SHA-512 crypt (`$6$`), the format cloud-init's `hashed_passwd` and /etc/shadow expect,
 * per Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" specification
 * (https://www.akkadia.org/drepper/SHA-crypt.txt).
 * Node has no built-in for it; `openssl passwd -6` is the reference it is tested against.
 *
 * Written here rather than taken from npm because none of the packages that implement it
 * passes that cross-check (shaCrypt.test.ts holds the failing cases):
 * - unixcrypt (1.2.0 to 3.0.4, the maintained one): a password whose UTF-8 length is a multiple
 *   of 64 bytes (`openssl rand -hex 32` makes one) hashes wrongly, so that password never logs in:
 *   steps 9/10 and 16 loop while `offset + 64 < length` and add nothing for a whole last block.
 *   Its 2.x/3.x releases are also ES modules only, which Jest's CommonJS runtime cannot load.
 * - sha512crypt-node 1.0.2 and sha512-crypt-ts 0.1.27 (their latest): any non-ASCII password
 *   hashes wrongly (lengths counted in characters, not bytes); the former ships mocha as a runtime
 *   dependency, the latter refuses salts shorter than 8 characters, which crypt(3) accepts.
 */

const ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ROUNDS_DEFAULT = 5000;

function sha512(...parts: Buffer[]): Buffer {
    const hash = createHash("sha512");
    for (const part of parts) {
        hash.update(part);
    }
    return hash.digest();
}

/** `length` bytes of `digest` repeated, as steps 9/10 and 16/20 of the spec build them. */
function repeatTo(digest: Buffer, length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += digest.length) {
        digest.copy(out, i, 0, Math.min(digest.length, length - i));
    }
    return out;
}

function encode24(b2: number, b1: number, b0: number, chars: number): string {
    let w = (b2 << 16) | (b1 << 8) | b0;
    let out = "";
    for (let i = 0; i < chars; i++) {
        out += ALPHABET[w & 0x3f];
        w >>>= 6;
    }
    return out;
}

// The byte permutation of step 22 for SHA-512.
const ORDER: readonly [number, number, number][] = [
    [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
    [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
    [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];

export function sha512Crypt(password: string, salt: string): string {
    if (!/^[./0-9A-Za-z]{1,16}$/.test(salt)) {
        throw new Error(`salt must be 1-16 characters of [./0-9A-Za-z], got ${JSON.stringify(salt)}`);
    }
    const key = Buffer.from(password, "utf8");
    const s = Buffer.from(salt, "ascii");

    const b = sha512(key, s, key);
    const aParts: Buffer[] = [key, s, repeatTo(b, key.length)];
    for (let n = key.length; n > 0; n >>= 1) {
        aParts.push(n & 1 ? b : key);
    }
    let c = sha512(...aParts);

    const p = repeatTo(sha512(...Array<Buffer>(key.length).fill(key)), key.length);
    const sBytes = repeatTo(sha512(...Array<Buffer>(16 + c[0]).fill(s)), s.length);

    for (let round = 0; round < ROUNDS_DEFAULT; round++) {
        const parts: Buffer[] = [round & 1 ? p : c];
        if (round % 3) {
            parts.push(sBytes);
        }
        if (round % 7) {
            parts.push(p);
        }
        parts.push(round & 1 ? c : p);
        c = sha512(...parts);
    }

    const encoded = ORDER.map(([i, j, k]) => encode24(c[i], c[j], c[k], 4)).join("") + encode24(0, 0, c[63], 2);
    return `$6$${salt}$${encoded}`;
}

/**
 * A salt derived from stable inputs, so the hash (and the snippet holding it) does not change
 * on every run: a changed snippet would be re-uploaded for nothing, as cloud-init runs only once.
 */
export function stableSalt(...inputs: string[]): string {
    const digest = createHash("sha256").update(inputs.join("\0")).digest();
    return Array.from(digest.subarray(0, 16), (byte) => ALPHABET[byte & 0x3f]).join("");
}
