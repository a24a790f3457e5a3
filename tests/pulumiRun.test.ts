import { spawn } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import * as yaml from "js-yaml";
import { readStackConfig } from "../render/stackConfig";
import { PROJECT_DIR } from "./helpers";
import { stackRun } from "./stackRuns";

/**
 * The program as `pulumi up` starts it, minus the CLI: Pulumi's own program runner
 * (@pulumi/pulumi/cmd/run) in a node started with Pulumi.yaml's `nodeargs`, without
 * PULUMI_NODEJS_TYPESCRIPT (that is what `typescript: false` does in the language host:
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go), talking gRPC to a stand-in engine and resource
 * monitor on 127.0.0.1. Pulumi's real monitor is not here; the stand-in answers a preview.
 */

// The SDK's own copies of gRPC and its generated protobuf code, so the wire format is the SDK's.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi"));
/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf/gRPC code without types here */
const grpc = sdkRequire("@grpc/grpc-js") as any;
const resproto = sdkRequire("./proto/resource_pb") as any;
const resrpc = sdkRequire("./proto/resource_grpc_pb") as any;
const engproto = sdkRequire("./proto/engine_pb") as any;
const engrpc = sdkRequire("./proto/engine_grpc_pb") as any;
const emptyproto = sdkRequire("google-protobuf/google/protobuf/empty_pb") as any;

interface Registration {
    type: string;
    name: string;
    sourceUri: string | undefined;
}

async function standInEngine(stack: string) {
    const registrations: Registration[] = [];
    const logs: { severity: number; message: string }[] = [];
    let root = "";
    const server = new grpc.Server();
    const ok = (cb: (err: unknown, resp: unknown) => void, resp: unknown) => cb(null, resp);
    server.addService(resrpc.ResourceMonitorService, {
        supportsFeature: (_call: any, cb: any) => ok(cb, new resproto.SupportsFeatureResponse().setHassupport(true)),
        registerResource: (call: any, cb: any) => {
            const req = call.request;
            const parent: string = req.getParent();
            const parentType = parent ? parent.split("::")[2] : "";
            const qualified = parentType && !parentType.startsWith("pulumi:pulumi:Stack") ? `${parentType}$${req.getType()}` : req.getType();
            const urn = `urn:pulumi:${stack}::homelab::${qualified}::${req.getName()}`;
            registrations.push({ type: req.getType(), name: req.getName(), sourceUri: req.getSourceposition()?.getUri() });
            // A preview: no ids, the inputs as the outputs.
            ok(cb, new resproto.RegisterResourceResponse().setUrn(urn).setObject(req.getObject()));
        },
        registerResourceOutputs: (_call: any, cb: any) => ok(cb, new emptyproto.Empty()),
        signalAndWaitForShutdown: (_call: any, cb: any) => ok(cb, new emptyproto.Empty()),
    });
    server.addService(engrpc.EngineService, {
        log: (call: any, cb: any) => {
            logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
            ok(cb, new emptyproto.Empty());
        },
        getRootResource: (_call: any, cb: any) => ok(cb, new engproto.GetRootResourceResponse().setUrn(root)),
        setRootResource: (call: any, cb: any) => {
            root = call.request.getUrn();
            ok(cb, new engproto.SetRootResourceResponse());
        },
    });
    const port: number = await new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, p: number) => (err ? reject(err) : resolve(p))),
    );
    return { address: `127.0.0.1:${port}`, registrations, logs, stop: () => server.forceShutdown() };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe("the program under Pulumi's own runner, as `pulumi up` starts it", () => {
    it("loads index.ts through the loader in Pulumi.yaml's nodeargs and registers what the render registers", async () => {
        // tools: the stack that reads no other stack (the stand-in monitor serves registrations only, not reads).
        const stack = "tools";
        const project = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { options: { typescript: boolean; nodeargs: string } } };
        expect(project.runtime.options.typescript).toBe(false);
        const engine = await standInEngine(stack);
        try {
            const { config, secretKeys } = readStackConfig(PROJECT_DIR, stack);
            const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys) };
            delete env.PULUMI_NODEJS_TYPESCRIPT;
            const args = [
                ...project.runtime.options.nodeargs.split(/\s+/),
                path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "run"),
                `--monitor=${engine.address}`, `--engine=${engine.address}`, "--project=homelab", `--stack=${stack}`,
                `--pwd=${PROJECT_DIR}`, "--dry-run", project.main,
            ];
            // The language host starts node in the project folder, where `--require ./loader/register.js` resolves.
            const child = spawn(process.execPath, args, { cwd: PROJECT_DIR, env });
            let stderr = "";
            child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
            child.stdout.resume();
            const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
            expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
            expect(engine.logs.filter((l) => l.severity >= 3)).toEqual([]);

            const rendered = (await stackRun(stack)).run.resources;
            expect(engine.registrations.map((r) => `${r.type}::${r.name}`).sort()).toEqual(rendered.map((r) => `${r.type}::${r.name}`).sort());
            // Pulumi records where each resource was declared from the stack trace: the loader's
            // source maps make that the TypeScript file, not its compiled form.
            const vm = engine.registrations.find((r) => r.type === "proxmoxve:index/vmLegacy:VmLegacy");
            expect(vm?.sourceUri).toMatch(/^file:\/\/.*\/components\/hosts\/proxmoxVm\.ts$/);
        } finally {
            engine.stop();
        }
    }, 180_000);
});
