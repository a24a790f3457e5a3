import { validateObject } from "../../tests/kubeModels";
import { namespaceObject, namespacePolicies, NamespaceSpec } from "./namespaceSpec";

const network = { nodeCidr: "192.168.1.0/24" };

describe("platform namespaces", () => {
    it("label PodSecurity at one level for enforce, audit and warn, and say why when it is not restricted", () => {
        expect(namespaceObject({ name: "metallb-system", podSecurity: "privileged", podSecurityReason: "speaker on the host network" })).toEqual({
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name: "metallb-system",
                labels: {
                    "pod-security.kubernetes.io/enforce": "privileged",
                    "pod-security.kubernetes.io/audit": "privileged",
                    "pod-security.kubernetes.io/warn": "privileged",
                    "app.kubernetes.io/managed-by": "pulumi",
                },
                annotations: { "homelab/pod-security-reason": "speaker on the host network" },
            },
        });
        // Restricted needs no reason: no annotation at all.
        expect(namespaceObject({ name: "velero", podSecurity: "restricted" })).toStrictEqual({
            apiVersion: "v1",
            kind: "Namespace",
            metadata: {
                name: "velero",
                labels: {
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "app.kubernetes.io/managed-by": "pulumi",
                },
            },
        });
        expect(validateObject(namespaceObject({ name: "velero", podSecurity: "restricted" }))).toBe("v1/Namespace");
    });

    it("deny by default, then allow the same namespace, DNS and the gateway, always", () => {
        const policies = namespacePolicies({ name: "velero", podSecurity: "restricted" }, network);
        expect(policies.map((p) => p.metadata.name)).toEqual(["default-deny", "allow-same-namespace", "allow-dns", "allow-gateway"]);
        for (const p of policies) {
            expect([p.apiVersion, p.kind, p.metadata]).toStrictEqual(["networking.k8s.io/v1", "NetworkPolicy", { name: p.metadata.name, namespace: "velero" }]);
        }
        expect(policies[0].spec).toStrictEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        expect(policies[1].spec).toStrictEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
        expect(policies[2].spec).toStrictEqual({
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                    ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
                },
            ],
        });
        // No ports: every port (the key left out, as NetworkPolicy reads it).
        expect(policies[3].spec).toStrictEqual({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } } }] }] });
    });

    it("add monitoring scrapes, the API server, webhooks and a service's own rules when asked", () => {
        const spec: NamespaceSpec = {
            name: "cert-manager",
            podSecurity: "restricted",
            metricsPorts: [9402],
            apiServer: true,
            webhookPorts: [10250],
            extraEgress: [{ name: "public-dns", cidrs: ["1.1.1.1/32"], ports: ["53/udp"] }],
        };
        const policies = namespacePolicies(spec, network);
        expect(policies.map((p) => p.metadata.name)).toEqual(["default-deny", "allow-same-namespace", "allow-dns", "allow-gateway", "allow-monitoring", "allow-api-server", "allow-api-server-webhooks", "allow-public-dns"]);
        const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
        expect(byName["allow-monitoring"]).toEqual({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9402 }] }] });
        expect(byName["allow-api-server"]).toEqual({ podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "192.168.1.0/24" } }], ports: [{ protocol: "TCP", port: 6443 }] }] });
        expect(byName["allow-api-server-webhooks"]).toEqual({ podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "192.168.1.0/24" } }], ports: [{ protocol: "TCP", port: 10250 }] }] });
        expect(byName["allow-public-dns"]).toEqual({ podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "1.1.1.1/32" } }], ports: [{ protocol: "UDP", port: 53 }] }] });
        for (const p of policies) {
            expect(p.metadata.namespace).toBe("cert-manager");
            expect(validateObject(p)).toBe("networking.k8s.io/v1/NetworkPolicy");
        }
    });
});
