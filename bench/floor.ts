import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import * as vault from "@pulumi/vault";
import { apiReadinessProvider } from "../components/clusters/access/apiReadiness";
import { vaultInitProvider } from "../components/vault/vaultInit";
import { RecordedResource, runProgram } from "../render/harness";
import { cpuMs } from "./cpu";

/**
 * The floor: the same resources (same SDK classes, same recorded inputs, same parent tree) registered
 * by a bare program with no validation, no rendering and no components' logic. The bench runs it
 * in-process, and as a whole process (`node bin/bench/floor.js <shape.json> <stack>`) for the startup
 * comparison: it loads the same provider SDKs the program loads, and nothing else.
 */

/** What the floor needs of a recorded resource. */
export type Shape = Pick<RecordedResource, "urn" | "type" | "name" | "custom" | "parent" | "rawInputs">[];

/** The readiness resource, replayed with the same provider object (so the floor pays its serialization too). */
class FloorReadiness extends pulumi.dynamic.Resource {
    constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
        super(apiReadinessProvider, name, Object.fromEntries(Object.entries(args).filter(([k]) => k !== "__provider")), opts, "cluster", "ApiReadiness");
    }
}

/** The Vault init resource, replayed the same way. */
class FloorVaultInit extends pulumi.dynamic.Resource {
    constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
        super(vaultInitProvider, name, Object.fromEntries(Object.entries(args).filter(([k]) => k !== "__provider")), opts, "vault", "VaultInit");
    }
}

/** The SDK classes behind the types the program registers, so the floor pays the same per-class cost. */
const CLASSES: Record<string, new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.Resource> = { // eslint-disable-line @typescript-eslint/no-explicit-any -- replayed recorded inputs
    "proxmoxve:index/vmLegacy:VmLegacy": proxmoxve.VmLegacy,
    "proxmoxve:index/fileLegacy:FileLegacy": proxmoxve.FileLegacy,
    "proxmoxve:download/file:File": proxmoxve.download.File,
    "pulumi:providers:proxmoxve": proxmoxve.Provider,
    "tls:index/privateKey:PrivateKey": tls.PrivateKey,
    "tls:index/selfSignedCert:SelfSignedCert": tls.SelfSignedCert,
    "tls:index/certRequest:CertRequest": tls.CertRequest,
    "tls:index/locallySignedCert:LocallySignedCert": tls.LocallySignedCert,
    "random:index/randomPassword:RandomPassword": random.RandomPassword,
    "random:index/randomString:RandomString": random.RandomString,
    "random:index/randomBytes:RandomBytes": random.RandomBytes,
    "pulumi:providers:kubernetes": k8s.Provider,
    "kubernetes:helm.sh/v3:Release": k8s.helm.v3.Release,
    "command:local:Command": command.local.Command,
    "pulumi:providers:vault": vault.Provider,
    "vault:kv/secretV2:SecretV2": vault.kv.SecretV2,
    "pulumi:pulumi:StackReference": pulumi.StackReference,
    "pulumi-nodejs:dynamic/cluster:ApiReadiness": FloorReadiness,
    "pulumi-nodejs:dynamic/vault:VaultInit": FloorVaultInit,
    "vault:index/mount:Mount": vault.Mount,
    "vault:index/authBackend:AuthBackend": vault.AuthBackend,
    "vault:index/policy:Policy": vault.Policy,
    "vault:index/token:Token": vault.Token,
    "vault:kubernetes/authBackendConfig:AuthBackendConfig": vault.kubernetes.AuthBackendConfig,
    "vault:kubernetes/authBackendRole:AuthBackendRole": vault.kubernetes.AuthBackendRole,
    "kubernetes:core/v1:Namespace": k8s.core.v1.Namespace,
    "kubernetes:core/v1:Secret": k8s.core.v1.Secret,
    "kubernetes:core/v1:ServiceAccount": k8s.core.v1.ServiceAccount,
    "kubernetes:core/v1:ConfigMap": k8s.core.v1.ConfigMap,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": k8s.rbac.v1.Role,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": k8s.rbac.v1.ClusterRole,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": k8s.rbac.v1.RoleBinding,
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "kubernetes:apps/v1:Deployment": k8s.apps.v1.Deployment,
    "kubernetes:storage.k8s.io/v1:StorageClass": k8s.storage.v1.StorageClass,
};

class FloorComponent extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

export function floorProgram(shape: Shape): () => Promise<Record<string, unknown>> {
    return async () => {
        const byUrn = new Map<string, pulumi.Resource>();
        const ordered = shape.filter((r) => r.type !== "pulumi:pulumi:Stack").sort((a, b) => a.urn.split("$").length - b.urn.split("$").length);
        for (const r of ordered) {
            const opts = { parent: r.parent ? byUrn.get(r.parent) : undefined };
            const Class = CLASSES[r.type];
            let resource: pulumi.Resource;
            if (Class) {
                resource = new Class(r.name, r.rawInputs, opts);
            } else if (r.custom && r.type.startsWith("kubernetes:") && r.rawInputs.apiVersion) {
                // Custom resources (issuers, pools, gateways, schedules): the SDK class for any kind.
                resource = new k8s.apiextensions.CustomResource(r.name, r.rawInputs as k8s.apiextensions.CustomResourceArgs, opts);
            } else if (r.custom) {
                throw new Error(`the floor has no SDK class for ${r.type}; add it to CLASSES`);
            } else {
                resource = new FloorComponent(r.type, r.name, opts);
            }
            byUrn.set(r.urn, resource);
        }
        return {};
    };
}

if (require.main === module) {
    const [shapeFile, stack] = process.argv.slice(2);
    const shape = JSON.parse(fs.readFileSync(shapeFile, "utf8")) as Shape;
    runProgram({ stack, config: {}, secretKeys: [], preview: true, prepare: () => floorProgram(shape) }).then(
        (run) => {
            if (run.error) {
                throw run.error;
            }
            process.stdout.write(`${JSON.stringify({ resources: run.resources.length, cpuMs: cpuMs() })}\n`);
        },
        (err: unknown) => {
            process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
            process.exit(1);
        },
    );
}
