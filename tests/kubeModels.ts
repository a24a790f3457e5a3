import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { Certificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import { ClusterIssuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer";
import { Issuer } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer";
import { Gateway } from "@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway";
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";

/**
 * Validates a Kubernetes object the program declares against its API schema: `kubernetes-models`
 * and its `@kubernetes-models/*` CRD packages where they exist; for MetalLB, Velero and external-secrets
 * (whose npm models for external-secrets.io/v1 are ESM only), the CRD's own openAPIV3Schema at the pinned version (tests/fixtures/crds, source in
 * each file), with unknown fields rejected as the API server's pruning would silently drop them.
 */

type Model = new (data: Record<string, unknown>) => { validate(): void };

const MODELS: Record<string, Model> = {
    "v1/Namespace": Namespace as unknown as Model,
    "v1/Secret": Secret as unknown as Model,
    "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy as unknown as Model,
    "v1/ServiceAccount": ServiceAccount as unknown as Model,
    "v1/ConfigMap": ConfigMap as unknown as Model,
    "rbac.authorization.k8s.io/v1/Role": Role as unknown as Model,
    "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole as unknown as Model,
    "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding as unknown as Model,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding as unknown as Model,
    "apps/v1/Deployment": Deployment as unknown as Model,
    "storage.k8s.io/v1/StorageClass": StorageClass as unknown as Model,
    "cert-manager.io/v1/Certificate": Certificate as unknown as Model,
    "cert-manager.io/v1/ClusterIssuer": ClusterIssuer as unknown as Model,
    "cert-manager.io/v1/Issuer": Issuer as unknown as Model,
    // Istio serves v1 and v1beta1 from one schema (networking.istio.io CRDs list both versions with the
    // same openAPIV3Schema); the models package has v1beta1 only.
    "networking.istio.io/v1/Gateway": Gateway as unknown as Model,
    // 2.7.2, the last release loadable from CommonJS (4.x is ESM only, which this Jest cannot load).
    "argoproj.io/v1alpha1/Application": Application as unknown as Model,
    "networking.istio.io/v1/VirtualService": VirtualService as unknown as Model,
    "batch/v1/CronJob": CronJob as unknown as Model,
};

const CRD_FIXTURES = path.join(__dirname, "fixtures", "crds");

/** additionalProperties: false wherever a CRD lists its properties and does not keep unknown fields. */
function closed(schema: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(schema)) {
        if (k === "properties" && typeof v === "object" && v) {
            out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, closed(s as Record<string, unknown>)]));
        } else if ((k === "items" || k === "additionalProperties") && typeof v === "object" && v) {
            out[k] = closed(v as Record<string, unknown>);
        } else {
            out[k] = v;
        }
    }
    if (out.properties && out.additionalProperties === undefined && !out["x-kubernetes-preserve-unknown-fields"]) {
        out.additionalProperties = false;
    }
    return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// RFC 3339, as the API server checks `format: date-time` (external-secrets' status times).
ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i);
const crdValidators = new Map<string, ReturnType<Ajv["compile"]>>();

function crdValidator(apiVersion: string, kind: string): ReturnType<Ajv["compile"]> | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!crdValidators.has(key)) {
        const file = path.join(CRD_FIXTURES, `${apiVersion.replace("/", "_")}_${kind}.json`);
        if (!fs.existsSync(file)) {
            return undefined;
        }
        const fixture = JSON.parse(fs.readFileSync(file, "utf8")) as { openAPIV3Schema: Record<string, unknown> };
        const schema = closed(fixture.openAPIV3Schema);
        // metadata is the API server's to check; the CRD schema leaves it open.
        (schema.properties as Record<string, unknown>).metadata = { type: "object" };
        crdValidators.set(key, ajv.compile(schema));
    }
    return crdValidators.get(key);
}

/** Throws with the schema's complaints when `object` does not conform; returns the kind checked. */
export function validateObject(object: Record<string, unknown>): string {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const key = `${apiVersion}/${kind}`;
    const Model = MODELS[key];
    if (Model) {
        const { apiVersion: _a, kind: _k, ...rest } = object; // eslint-disable-line @typescript-eslint/no-unused-vars
        new Model(rest).validate();
        return key;
    }
    const validate = crdValidator(apiVersion, kind);
    if (!validate) {
        throw new Error(`no schema for ${key}: add its kubernetes-models class or its CRD fixture`);
    }
    if (!validate(object)) {
        throw new Error(`${key} ${JSON.stringify((object.metadata as { name?: string })?.name)}: ${ajv.errorsText(validate.errors, { separator: "; " })}`);
    }
    return key;
}
