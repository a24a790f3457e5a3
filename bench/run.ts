import * as pulumi from "@pulumi/pulumi";
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { apiReadinessProvider } from "../components/clusters/access/apiReadiness";
import { preparePlatform } from "../program";
import { ProgramRun, RecordedResource, runProgram } from "../render/harness";
import { readStackConfig } from "../render/stackConfig";
import { syntheticFleet } from "./fleet";
import { longestChain } from "./chain";

/**
 * `npm run bench`: renders each stack and synthetic fleets of 10, 100 and 1,000 VMs under the mock
 * monitor, next to a floor: a bare program registering the same resources under the same monitor.
 * The ratio is what the platform's own logic (loading, validation, rendering, components) costs.
 */

// Run from the project folder; `npm run bench` runs the precompiled copy under bin/.
const projectDir = process.cwd();
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

interface Case {
    readonly label: string;
    readonly vms: number;
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly secretKeys: string[];
    readonly projectDir: string;
}

/** The readiness resource, replayed with the same provider object (so the floor pays its serialization too). */
class FloorReadiness extends pulumi.dynamic.Resource {
    constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
        super(apiReadinessProvider, name, Object.fromEntries(Object.entries(args).filter(([k]) => k !== "__provider")), opts, "cluster", "ApiReadiness");
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
    "command:local:Command": command.local.Command,
    "pulumi-nodejs:dynamic/cluster:ApiReadiness": FloorReadiness,
};

class FloorComponent extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

/**
 * The floor: the same resources (same SDK classes, same recorded inputs, same parent tree) registered
 * by a bare program with no validation, no rendering and no components' logic.
 */
function floorProgram(shape: readonly RecordedResource[]): () => Promise<Record<string, unknown>> {
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

async function once(run: () => Promise<ProgramRun>): Promise<{ ms: number; result: ProgramRun }> {
    // A collection before each run, so one run does not pay for the garbage of the one before.
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    const result = await run();
    if (result.error) {
        throw result.error;
    }
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

async function main(): Promise<void> {
    const cases: Case[] = ["tools", "dev", "prod"].map((stack) => ({ label: `stack ${stack}`, vms: 0, stack, projectDir, ...readStackConfig(projectDir, stack) }));
    for (const vms of [10, 100, 1000]) {
        cases.push({ label: `fleet ${vms} VMs`, vms, stack: "bench", ...syntheticFleet(vms) });
    }
    // Warm up module loading and the JIT so the first case is not charged for them.
    await runProgram({ stack: cases[0].stack, config: cases[0].config, secretKeys: cases[0].secretKeys, preview: true, prepare: () => preparePlatform(projectDir) });

    const rows: string[][] = [["case", "resources", "longest chain", "program ms", "floor ms", "ratio", "ms per VM"]];
    for (const c of cases) {
        const runProgramCase = () => runProgram({ stack: c.stack, config: c.config, secretKeys: c.secretKeys, preview: true, prepare: () => preparePlatform(c.projectDir) });
        const shape = (await once(runProgramCase)).result.resources;
        const runFloor = () => runProgram({ stack: c.stack, config: {}, secretKeys: [], preview: true, prepare: () => floorProgram(shape) });
        // Interleaved, best of REPEATS each: heap state and the machine's load then weigh on both alike.
        let programMs = Infinity;
        let floorMs = Infinity;
        for (let i = 0; i < REPEATS; i++) {
            programMs = Math.min(programMs, (await once(runProgramCase)).ms);
            const floor = await once(runFloor);
            if (floor.result.resources.length !== shape.length) {
                throw new Error(`floor registered ${floor.result.resources.length} resources, the program ${shape.length}`);
            }
            floorMs = Math.min(floorMs, floor.ms);
        }
        rows.push([
            c.label,
            String(shape.length),
            String(longestChain(shape).length),
            programMs.toFixed(0),
            floorMs.toFixed(0),
            (programMs / floorMs).toFixed(2),
            c.vms ? (programMs / c.vms).toFixed(2) : "",
        ]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const row of rows) {
        process.stdout.write(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ") + "\n");
    }
    process.stdout.write(`\nbest of ${REPEATS} interleaved runs each (BENCH_REPEATS), garbage collected before each, preview mode, in-process mock monitor, precompiled JavaScript; node ${process.version}\n`);
    process.stdout.write("floor: the same resources (same SDK classes, inputs and parents) registered by a bare program; ratio = program / floor\n");
    process.stdout.write("longest chain: custom resources on the longest path of the dependency graph, which deploy time follows (independent resources deploy in parallel)\n");
}

main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
});
