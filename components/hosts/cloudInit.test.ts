import * as yaml from "js-yaml";
import { keyPairFiles, renderUserData, userDataDocument } from "./cloudInit";
import { sha512Crypt } from "./shaCrypt";
import { cloudInitSchema } from "../../tests/validators";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBzZZXBb5ydVICjj6GbT1nSntMJ4Ga72rGU6BuNAY1Or operator@homelab";

describe("cloud-init user-data", () => {
    const full = renderUserData({
        hostname: "k8s-tools",
        domain: "home.arpa",
        user: { name: "suporte", passwordHash: sha512Crypt("change-me", "abcdefgh"), sshKeys: [KEY] },
        packages: ["qemu-guest-agent"],
        writeFiles: [{ path: "/etc/rancher/k3s/config.yaml", content: "token: x\n", permissions: "0600", owner: "root:root" }],
        runcmd: [["systemctl", "enable", "--now", "qemu-guest-agent"]],
    });

    it("starts with #cloud-config and holds exactly what was asked", () => {
        expect(full.split("\n")[0]).toBe("#cloud-config");
        expect(yaml.load(full)).toEqual({
            hostname: "k8s-tools",
            fqdn: "k8s-tools.home.arpa",
            manage_etc_hosts: true,
            users: [{
                name: "suporte", groups: ["sudo"], shell: "/bin/bash", sudo: "ALL=(ALL) NOPASSWD:ALL", lock_passwd: false,
                hashed_passwd: sha512Crypt("change-me", "abcdefgh"), ssh_authorized_keys: [KEY],
            }],
            ssh_pwauth: false,
            package_update: true,
            packages: ["qemu-guest-agent"],
            write_files: [{ path: "/etc/rancher/k3s/config.yaml", content: "token: x\n", permissions: "0600", owner: "root:root" }],
            runcmd: [["systemctl", "enable", "--now", "qemu-guest-agent"]],
        });
    });

    it("passes cloud-init schema", () => {
        const result = cloudInitSchema(full);
        expect(result.output).toContain("Valid cloud-config");
        expect(result.status).toBe(0);
    });

    it("passes cloud-init schema in its smallest form, and locks a password-less user", () => {
        const minimal = renderUserData({ hostname: "haproxy", user: { name: "ops", sshKeys: [] } });
        expect(userDataDocument({ hostname: "haproxy", user: { name: "ops", sshKeys: [] } }).users).toEqual([
            { name: "ops", groups: ["sudo"], shell: "/bin/bash", sudo: "ALL=(ALL) NOPASSWD:ALL", lock_passwd: true },
        ]);
        expect(cloudInitSchema(minimal).status).toBe(0);
    });

    it("is checked by a validator that does reject bad user-data", () => {
        const result = cloudInitSchema("#cloud-config\nruncmd: 5\n");
        expect(result.status).not.toBe(0);
        expect(result.output).toContain("runcmd: 5 is not of type 'array'");
    });
});

describe("the user-data document", () => {
    it("holds only the host's name and /etc/hosts management when nothing else is asked", () => {
        expect(userDataDocument({ hostname: "haproxy" })).toStrictEqual({ hostname: "haproxy", manage_etc_hosts: true });
        // Empty lists add nothing either: no package refresh without packages.
        expect(userDataDocument({ hostname: "haproxy", packages: [], writeFiles: [], runcmd: [] })).toStrictEqual({ hostname: "haproxy", manage_etc_hosts: true });
    });

    it("locks a user without a password, authorises no keys it was not given, and never allows SSH passwords", () => {
        expect(userDataDocument({ hostname: "dns", user: { name: "ops", sshKeys: [] } })).toStrictEqual({
            hostname: "dns",
            manage_etc_hosts: true,
            users: [{ name: "ops", groups: ["sudo"], shell: "/bin/bash", sudo: "ALL=(ALL) NOPASSWD:ALL", lock_passwd: true }],
            ssh_pwauth: false,
        });
    });

    it("sets a user's password hash and unlocks the password, and refreshes the package lists before installing", () => {
        expect(userDataDocument({ hostname: "dns", user: { name: "ops", passwordHash: "$6$salt$hash", sshKeys: [KEY] }, packages: ["qemu-guest-agent", "curl"] })).toStrictEqual({
            hostname: "dns",
            manage_etc_hosts: true,
            users: [{ name: "ops", groups: ["sudo"], shell: "/bin/bash", sudo: "ALL=(ALL) NOPASSWD:ALL", lock_passwd: false, hashed_passwd: "$6$salt$hash", ssh_authorized_keys: [KEY] }],
            ssh_pwauth: false,
            package_update: true,
            packages: ["qemu-guest-agent", "curl"],
        });
    });

    it("writes a file's owner and deferral only when given", () => {
        const doc = userDataDocument({
            hostname: "k8s-dev",
            writeFiles: [
                { path: "/etc/a", content: "a\n", permissions: "0644" },
                { path: "/etc/b", content: "b\n", permissions: "0600", owner: "root:root", defer: true },
                { path: "/etc/c", content: "c\n", permissions: "0600", defer: false },
            ],
        });
        expect(doc.write_files).toStrictEqual([
            { path: "/etc/a", content: "a\n", permissions: "0644" },
            { path: "/etc/b", content: "b\n", permissions: "0600", owner: "root:root", defer: true },
            { path: "/etc/c", content: "c\n", permissions: "0600" },
        ]);
    });

    it("copies its inputs: the caller's lists are not the document's", () => {
        const sshKeys = [KEY];
        const packages = ["qemu-guest-agent"];
        const runcmd = [["true"]];
        const doc = userDataDocument({ hostname: "x", user: { name: "ops", sshKeys }, packages, runcmd });
        sshKeys.push("ssh-ed25519 other");
        packages.push("curl");
        runcmd[0].push("again");
        expect([(doc.users as { ssh_authorized_keys: string[] }[])[0].ssh_authorized_keys, doc.packages, doc.runcmd]).toStrictEqual([[KEY], ["qemu-guest-agent"], [["true"]]]);
    });

    it("renders long lines unfolded", () => {
        const long = `echo ${"x".repeat(200)}`;
        expect(renderUserData({ hostname: "x", runcmd: [["sh", "-c", long]] })).toBe(`#cloud-config\nhostname: x\nmanage_etc_hosts: true\nruncmd:\n  - - sh\n    - -c\n    - echo ${"x".repeat(200)}\n`);
    });
});

describe("keyPairFiles", () => {
    it("writes the certificate world-readable and the key for root only", () => {
        expect(keyPairFiles("/etc/kubernetes/pki", "ca", { certPem: "CERT", keyPem: "KEY" })).toStrictEqual([
            { path: "/etc/kubernetes/pki/ca.crt", content: "CERT", permissions: "0644", owner: "root:root" },
            { path: "/etc/kubernetes/pki/ca.key", content: "KEY", permissions: "0600", owner: "root:root" },
        ]);
    });
});
