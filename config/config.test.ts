import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_KEYS } from "./config";
import { z } from "../components/core/schema";
import { readStackConfig } from "../render/stackConfig";
import { PROJECT_DIR } from "../tests/helpers";

type Declaration = { type?: string; secret?: boolean; description?: string; default?: unknown; items?: unknown };

const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
    name: string;
    runtime: { name: string; options: Record<string, unknown> };
    main: string;
    config: Record<string, Declaration>;
};

describe("Pulumi.yaml", () => {
    it("runs the TypeScript program through the project's esbuild loader, not ts-node", () => {
        expect(project.name).toBe("homelab");
        // typescript: false keeps @pulumi/pulumi/cmd/run from registering ts-node (PULUMI_NODEJS_TYPESCRIPT unset).
        expect(project.runtime).toEqual({ name: "nodejs", options: { typescript: false, nodeargs: "--require ./loader/register.js" } });
        expect(project.main).toBe("index.ts");
        expect(fs.existsSync(path.join(PROJECT_DIR, "loader", "register.js"))).toBe(true);
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
        // The loader runs under `pulumi up`, so esbuild is a runtime dependency.
        expect(pkg.dependencies.esbuild).toMatch(/^\d+\.\d+\.\d+$/);
        // ts-node stays only for the CrossGuard pack: Pulumi runs policy packs with its own ts-node
        // registration and passes `nodeargs` after its runner script, so a loader cannot be preloaded there.
        expect(Object.entries(pkg.scripts).filter(([, script]) => String(script).includes("ts-node"))).toEqual([]);
    });

    it("declares exactly the keys config.ts reads", () => {
        expect(Object.keys(project.config).filter((k) => !k.includes(":")).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    });

    it.each(Object.entries(CONFIG_KEYS))("declares %s as config.ts does", (key, declared) => {
        const d = project.config[key];
        expect(d.description).toBe(declared.description);
        expect(d.secret ?? false).toBe(declared.secret);
        // Pulumi treats a declared key without a default as required, so optional keys need one;
        // required keys may carry a project-wide default (the homelab's hosts and network).
        if (!declared.required) {
            expect(d.default).toEqual((declared as { default?: unknown }).default);
        }
        // Pulumi's schema has only string, integer, boolean and array.
        const schema: z.ZodType = declared.schema;
        const kind = schema instanceof z.ZodString ? "string" : schema instanceof z.ZodBoolean ? "boolean" : undefined;
        if (kind) {
            expect(d.type).toBe(declared.secret && !declared.required ? undefined : kind);
        } else if (schema instanceof z.ZodArray && schema.element instanceof z.ZodString) {
            expect(d).toMatchObject({ type: "array", items: { type: "string" } });
        } else {
            expect(d.type).toBeUndefined();
        }
    });
});

describe("the stack files", () => {
    const secretKeys = Object.entries(CONFIG_KEYS).filter(([, d]) => d.secret).map(([k]) => `homelab:${k}`);

    it.each(["dev", "prod", "tools"])("Pulumi.%s.yaml commits no secret, encrypted or not", (stack) => {
        const text = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
        const keys = Object.keys((yaml.load(text) as { config: Record<string, unknown> }).config);
        expect(keys.filter((k) => secretKeys.includes(k))).toEqual([]);
        expect(text).not.toMatch(/secure:/);
    });
});

describe("offline stack config", () => {
    function project(stackFile: string): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-config-"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.x.yaml"), stackFile);
        return dir;
    }

    it("merges Pulumi.yaml defaults with the stack file, objects as JSON", () => {
        const { config, secretKeys } = readStackConfig(project("config:\n  homelab:protectVms: true\n"), "x");
        expect(config["homelab:protectVms"]).toBe("true");
        expect(config["homelab:vmsDir"]).toBe("vms");
        expect(JSON.parse(config["homelab:networks"]).vmbr0.cidr).toBe("192.168.1.0/24");
        expect(config["homelab:proxmoxApiToken"]).toBe("render@pve!offline=00000000-0000-0000-0000-000000000000");
        // Required secrets and the platform's optional ones (Pulumi.yaml gives those an empty default) get placeholders.
        expect(secretKeys).toEqual([
            "homelab:cloudflareApiToken",
            "homelab:githubAppId",
            "homelab:githubAppInstallationId",
            "homelab:githubAppPrivateKey",
            "homelab:lokiAccessKeyId",
            "homelab:lokiSecretAccessKey",
            "homelab:piholePassword",
            "homelab:proxmoxApiToken",
            "homelab:stateBackupAccessKeyId",
            "homelab:stateBackupSecretAccessKey",
            "homelab:veleroAccessKeyId",
            "homelab:veleroSecretAccessKey",
        ]);
    });

    it("turns `secure:` values, which cannot be decrypted offline, into secret placeholders", () => {
        const { config, secretKeys } = readStackConfig(
            project("config:\n  homelab:proxmoxApiToken:\n    secure: v1:abc\n  homelab:proxmoxSshPrivateKey:\n    secure: v1:def\n"),
            "x",
        );
        expect(config["homelab:proxmoxApiToken"]).toBe("render@pve!offline=00000000-0000-0000-0000-000000000000");
        expect(config["homelab:proxmoxSshPrivateKey"]).toBe("<offline-render-secret>");
        expect(secretKeys).toEqual([
            "homelab:cloudflareApiToken",
            "homelab:githubAppId",
            "homelab:githubAppInstallationId",
            "homelab:githubAppPrivateKey",
            "homelab:lokiAccessKeyId",
            "homelab:lokiSecretAccessKey",
            "homelab:piholePassword",
            "homelab:proxmoxApiToken",
            "homelab:proxmoxSshPrivateKey",
            "homelab:stateBackupAccessKeyId",
            "homelab:stateBackupSecretAccessKey",
            "homelab:veleroAccessKeyId",
            "homelab:veleroSecretAccessKey",
        ]);
    });

    it("names the stack file it cannot find", () => {
        expect(() => readStackConfig(project(""), "staging")).toThrow(/^no stack file Pulumi\.staging\.yaml in /);
    });
});
