import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/**
 * The pack as the Pulumi CLI starts it: index.ts run in policy/ (whose package.json gives the
 * version), serving CrossGuard's gRPC analyzer on 127.0.0.1 and printing its port. The test talks
 * to it as the engine does: GetAnalyzerInfo, Analyze, Remediate.
 */

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

let pack: ChildProcess;
let client: analyzerGrpc.AnalyzerClient;

function call<Res>(invoke: (cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => invoke((err, res) => (err ? reject(err) : resolve(res))));
}

function request(type: string, name: string, properties: Record<string, unknown>): analyzerPb.AnalyzeRequest {
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(type);
    req.setName(name);
    req.setUrn(`urn:pulumi:dev::homelab::${type}::${name}`);
    req.setProperties(Struct.fromJavaScript(properties as never));
    req.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return req;
}

beforeAll(async () => {
    pack = spawn(process.execPath, ["--require", require.resolve("ts-node/register/transpile-only"), "index.ts"], { cwd: __dirname, stdio: ["ignore", "pipe", "pipe"] });
    const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        pack.stdout!.on("data", (d) => {
            out += d;
            if (out.includes("\n")) {
                resolve(out.trim());
            }
        });
        pack.stderr!.on("data", (d) => (err += d));
        pack.on("exit", (code) => reject(new Error(`the pack exited ${code}: ${err}`)));
    });
    expect(port).toMatch(/^\d+$/);
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
    client?.close();
    pack?.kill();
});

describe("the policy pack served over gRPC", () => {
    it("describes itself: name, version from package.json, five policies and their levels", async () => {
        const info = await call<analyzerPb.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
        expect(info.getName()).toBe("homelab");
        expect(info.getVersion()).toBe("0.1.0");
        expect(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()])).toEqual([
            ["no-plaintext-secrets", analyzerPb.EnforcementLevel.REMEDIATE],
            ["helm-releases-pinned", analyzerPb.EnforcementLevel.MANDATORY],
            ["namespaces-pod-security", analyzerPb.EnforcementLevel.MANDATORY],
            ["explicit-providers", analyzerPb.EnforcementLevel.MANDATORY],
            ["protected-vms-and-cas", analyzerPb.EnforcementLevel.MANDATORY],
        ]);
    });

    it("reports a Namespace without PodSecurity labels, and a default provider, as mandatory violations", async () => {
        const res = await call<analyzerPb.AnalyzeResponse>((cb) => client.analyze(request("kubernetes:core/v1:Namespace", "apps", { metadata: { name: "apps" } }), cb));
        expect(res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getMessage(), d.getEnforcementlevel()])).toEqual([
            ["namespaces-pod-security", expect.stringContaining("apps: Namespace has no pod-security.kubernetes.io/enforce label"), analyzerPb.EnforcementLevel.MANDATORY],
            ["explicit-providers", expect.stringContaining("apps: kubernetes:core/v1:Namespace uses the default kubernetes provider"), analyzerPb.EnforcementLevel.MANDATORY],
        ]);
    });

    it("remediates a plaintext API token into a secret, and leaves a marked one alone", async () => {
        const token = "root@pam!ci=11111111-2222-3333-4444-555555555555";
        const plain = await call<analyzerPb.RemediateResponse>((cb) => client.remediate(request("pulumi:providers:proxmoxve", "pve", { endpoint: "https://pve:8006/", apiToken: token }), cb));
        expect(plain.getRemediationsList().map((r) => [r.getPolicyname(), r.getProperties()?.toJavaScript()])).toEqual([
            ["no-plaintext-secrets", { endpoint: "https://pve:8006/", apiToken: { [SIG]: SECRET_SIG, value: token } }],
        ]);
        const marked = await call<analyzerPb.RemediateResponse>((cb) =>
            client.remediate(request("pulumi:providers:proxmoxve", "pve", { endpoint: "https://pve:8006/", apiToken: { [SIG]: SECRET_SIG, value: token } }), cb),
        );
        expect(marked.getRemediationsList()).toEqual([]);
    });
});
