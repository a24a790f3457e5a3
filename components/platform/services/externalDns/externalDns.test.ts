import { chartKeys, unknownKeys } from "../../../../tests/chartKeys";
import { cloudflareValues, piholeValues } from "./externalDns";

const args = { domain: "dev.example.com", ownerId: "dev-dev", istio: true };

describe("external-dns", () => {
    it("syncs Cloudflare for the cluster's zone, owning its records by a per-cluster TXT owner id", () => {
        expect(cloudflareValues(args)).toStrictEqual({
            provider: { name: "cloudflare" },
            env: [{ name: "CF_API_TOKEN", valueFrom: { secretKeyRef: { name: "cloudflare-api-token", key: "api-token" } } }],
            sources: ["service", "istio-gateway", "istio-virtualservice"],
            domainFilters: ["dev.example.com"],
            policy: "sync",
            registry: "txt",
            txtOwnerId: "dev-dev",
        });
        expect(unknownKeys(cloudflareValues(args), chartKeys("external-dns"))).toEqual([]);
    });

    it("only adds and updates Pi-hole records (no TXT registry there), over API v6", () => {
        const values = piholeValues(args, "http://192.168.1.3");
        expect(values).toStrictEqual({
            provider: { name: "pihole" },
            env: [{ name: "EXTERNAL_DNS_PIHOLE_PASSWORD", valueFrom: { secretKeyRef: { name: "pihole-password", key: "password" } } }],
            extraArgs: { "pihole-server": "http://192.168.1.3", "pihole-api-version": "6" },
            sources: ["service", "istio-gateway", "istio-virtualservice"],
            domainFilters: ["dev.example.com"],
            policy: "upsert-only",
            registry: "noop",
        });
        expect(unknownKeys(values, chartKeys("external-dns"))).toEqual([]);
    });

    it("watches Services only without Istio's CRDs", () => {
        expect(cloudflareValues({ ...args, istio: false }).sources).toStrictEqual(["service"]);
        expect(piholeValues({ ...args, istio: false }, "http://192.168.1.3").sources).toStrictEqual(["service"]);
    });

    it("catches a key the chart does not have", () => {
        expect(unknownKeys({ ...cloudflareValues(args), txtOwnerID: "x", provider: { nmae: "cloudflare" } }, chartKeys("external-dns"))).toEqual(["provider.nmae", "txtOwnerID"]);
    });
});
