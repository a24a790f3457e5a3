import fc from "fast-check";
import { sha512Crypt, stableSalt } from "./shaCrypt";
import { requireTool, run } from "../../tests/validators";

describe("SHA-512 crypt", () => {
    beforeAll(() => requireTool("openssl", "openssl"));

    it.each([
        ["change-me", "saltsalt12345678"],
        ["x", "a"],
        ["correct horse battery staple", "./09AZaz"],
        ["a password longer than sixty-four bytes, so the byte sequences wrap around twice", "wrap"],
        ["ünïcödé", "utf8"],
        // Byte lengths that are multiples of SHA-512's 64-byte block: the case unixcrypt 1.2.0-3.0.4 gets wrong.
        ["x".repeat(64), "block"],
        ["x".repeat(128), "twoblocks"],
        // 32 characters, 64 bytes of UTF-8: the case sha512crypt-node and sha512-crypt-ts get wrong (they count characters).
        ["é".repeat(32), "bytesnotchars"],
    ])("matches openssl passwd -6 for %j with salt %j", (password, salt) => {
        const reference = run("openssl", ["passwd", "-6", "-salt", salt, "-stdin"], password);
        expect(reference.status).toBe(0);
        expect(sha512Crypt(password, salt)).toBe(reference.output.trim());
    });

    it("matches openssl passwd -6 for any password and salt (property)", () => {
        // openssl reads one line from stdin: no line breaks or NULs in the password.
        const password = fc
            .oneof(
                fc.string({ unit: "grapheme", minLength: 1, maxLength: 140 }),
                fc.integer({ min: 1, max: 3 }).chain((blocks) => fc.string({ unit: "grapheme-ascii", minLength: 64 * blocks, maxLength: 64 * blocks })),
            )
            .filter((p) => !/[\r\n\0]/.test(p));
        const salt = fc.stringMatching(/^[./0-9A-Za-z]{1,16}$/);
        fc.assert(
            fc.property(password, salt, (p, s) => {
                expect(sha512Crypt(p, s)).toBe(run("openssl", ["passwd", "-6", "-salt", s, "-stdin"], p).output.trim());
            }),
            { numRuns: 60 },
        );
    });

    it("rejects salts crypt(3) cannot carry", () => {
        expect(() => sha512Crypt("x", "bad$salt")).toThrow('salt must be 1-16 characters of [./0-9A-Za-z], got "bad$salt"');
        expect(() => sha512Crypt("x", "")).toThrow("salt must be 1-16 characters");
    });

    it("derives a stable, valid salt", () => {
        expect(stableSalt("homelab", "k8s-tools")).toBe(stableSalt("homelab", "k8s-tools"));
        expect(stableSalt("homelab", "k8s-tools")).not.toBe(stableSalt("homelab", "k8s-dev"));
        expect(stableSalt("homelab", "k8s-tools")).toMatch(/^[./0-9A-Za-z]{16}$/);
    });
});
