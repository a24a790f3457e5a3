import * as yaml from "js-yaml";
import { renderUserData, userDataDocument } from "./cloudInit";
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
