import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// `pulumi preview --policy-pack policy` (and the driver) run this folder: PulumiPolicy.yaml names the
// runtime, package.json the pack's version; dependencies come from the repository root's node_modules.
new PolicyPack("homelab", {
    description: "Homelab platform guard rails: secrets stay secret, charts pinned, PodSecurity on every namespace, explicit providers, protected prod VMs and CAs",
    enforcementLevel: "mandatory",
    policies,
});
