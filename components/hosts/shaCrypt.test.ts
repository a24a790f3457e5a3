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
    ])("matches openssl passwd -6 for %j with salt %j", (password, salt) => {
        const reference = run("openssl", ["passwd", "-6", "-salt", salt, "-stdin"], password);
        expect(reference.status).toBe(0);
        expect(sha512Crypt(password, salt)).toBe(reference.output.trim());
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
