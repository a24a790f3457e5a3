import { Policies, ResourceValidationPolicy } from "@pulumi/policy";
import { findPlaintextSecrets, markSecret, withSecrets } from "./secrets";

/**
 * The homelab's CrossGuard policies. They are plain objects so tests can call them as functions
 * with recorded resources; index.ts serves them as the `homelab` policy pack.
 */

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const CHART_V4 = "kubernetes:helm.sh/v4:Chart";
const CHART_V3 = "kubernetes:helm.sh/v3:Chart";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const TLS_KEY = "tls:index/privateKey:PrivateKey";
const TLS_SELF_SIGNED = "tls:index/selfSignedCert:SelfSignedCert";
const CA_COMPONENT = "homelab:pki:CertificateAuthority";

/** An exact chart version (SemVer 2, optional leading `v` as cert-manager tags it): no range, no `latest`. */
const EXACT_VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"];
const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

/** Packages whose resources must name their provider: default providers are disabled for them. */
const EXPLICIT_PROVIDER_PACKAGES = ["kubernetes", "proxmoxve", "vault"];
/**
 * Components of those packages that run in the program (no provider of their own; their children
 * carry it). Multi-language components such as helm.sh/v4:Chart and yaml/v2 do get a provider.
 */
const LOCAL_COMPONENTS = new Set([
    CHART_V3,
    "kubernetes:helm.sh/v2:Chart",
    "kubernetes:yaml:ConfigFile",
    "kubernetes:yaml:ConfigGroup",
    "kubernetes:kustomize:Directory",
]);

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` */
function urnParts(urn: string): { stack: string; types: string[] } {
    const [, rest] = urn.split("urn:pulumi:", 2);
    const parts = (rest ?? "").split("::");
    return { stack: parts[0] ?? "", types: (parts[2] ?? "").split("$") };
}

/** The type of a resource's parent, read from the parent's URN. */
function parentType(parentUrn: string | undefined): string | undefined {
    return parentUrn ? urnParts(parentUrn).types.pop() : undefined;
}

export const noPlaintextSecrets: ResourceValidationPolicy = {
    name: "no-plaintext-secrets",
    description: "Secret-bearing inputs (known names and paths, PEM private keys, tokens) reach the engine marked secret.",
    // A validation sees secrets already unwrapped (see secrets.ts); only a remediation can tell them
    // apart. It marks what the program forgot to, so state and outputs never hold it in plaintext,
    // and the engine reports each remediation in the preview.
    enforcementLevel: "remediate",
    remediateResource: (args) => {
        const props = withSecrets(args.props);
        const found = findPlaintextSecrets(args.type, props);
        if (found.length === 0) {
            return undefined;
        }
        return markSecret(props, new Set(found.map((f) => f.path))) as Record<string, unknown>;
    },
};

export const helmReleasesPinned: ResourceValidationPolicy = {
    name: "helm-releases-pinned",
    description: "Every Helm release and chart installs an exact chart version.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type === CHART_V3) {
            // A program-side component: the engine never sees its chart or version, so neither can a policy.
            reportViolation(`${args.name}: helm.v3.Chart hides its chart version from policy checks; use helm.v3.Release (or helm.v4.Chart) with an exact version`);
            return;
        }
        if (args.type !== HELM_RELEASE && args.type !== CHART_V4) {
            return;
        }
        const chart = String(args.props.chart ?? "");
        if (/^(\.{0,2}\/)/.test(chart) || /\.tgz$/.test(chart)) {
            return; // a chart folder in this repository, or an archive: pinned by its path
        }
        const version = args.props.version;
        if (typeof version !== "string" || version === "") {
            reportViolation(`${args.name}: chart "${chart}" has no version; pin the exact version from versions.ts`);
        } else if (!EXACT_VERSION.test(version)) {
            reportViolation(`${args.name}: chart "${chart}" version "${version}" is not an exact version; pin one like 1.20.0`);
        }
    },
};

export const namespacesPodSecurity: ResourceValidationPolicy = {
    name: "namespaces-pod-security",
    description: "Every Namespace carries a PodSecurity admission enforce label.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== NAMESPACE) {
            return;
        }
        const labels = (args.props.metadata?.labels ?? {}) as Record<string, unknown>;
        const level = labels[ENFORCE_LABEL];
        if (level === undefined) {
            reportViolation(`${args.name}: Namespace has no ${ENFORCE_LABEL} label; set restricted unless a workload needs more`);
        } else if (typeof level !== "string" || !POD_SECURITY_LEVELS.includes(level)) {
            reportViolation(`${args.name}: ${ENFORCE_LABEL} is "${String(level)}"; use one of ${POD_SECURITY_LEVELS.join(", ")}`);
        }
    },
};

export const explicitProviders: ResourceValidationPolicy = {
    name: "explicit-providers",
    description: "Kubernetes, Proxmox and Vault resources use an explicit provider, never a default one.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const pkg = args.type.split(":")[0];
        if (!EXPLICIT_PROVIDER_PACKAGES.includes(pkg) || LOCAL_COMPONENTS.has(args.type)) {
            return;
        }
        // The engine names the default provider it creates `default` or `default_<version>`.
        const name = args.provider?.name;
        if (name === undefined || name === "default" || name.startsWith("default_")) {
            reportViolation(`${args.name}: ${args.type} uses the default ${pkg} provider; pass the stack's explicit provider`);
        }
    },
};

export interface ProtectionConfig {
    /** Stacks whose VMs must be protected. */
    readonly protectedStacks: string[];
}

export const protectedResources: ResourceValidationPolicy = {
    name: "protected-vms-and-cas",
    description: "Prod VMs and every cluster CA (key and certificate) are protected from deletion.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { protectedStacks: { type: "array", items: { type: "string" }, default: ["prod"] } },
    },
    validateResource: (args, reportViolation) => {
        if (args.opts.protect) {
            return;
        }
        const { protectedStacks } = args.getConfig<ProtectionConfig>();
        const stack = urnParts(args.urn).stack;
        if (args.type === VM && (protectedStacks ?? ["prod"]).includes(stack)) {
            reportViolation(`${args.name}: VMs of stack ${stack} must be protected (homelab:protectVms: true)`);
        } else if (args.type === TLS_SELF_SIGNED && args.props.isCaCertificate === true) {
            reportViolation(`${args.name}: a CA certificate must be protected: a new CA is a new cluster`);
        } else if (args.type === TLS_KEY && parentType(args.opts.parent) === CA_COMPONENT) {
            reportViolation(`${args.name}: a CA's private key must be protected: a new CA is a new cluster`);
        }
    },
};

export const policies: Policies = [noPlaintextSecrets, helmReleasesPinned, namespacesPodSecurity, explicitProviders, protectedResources];

