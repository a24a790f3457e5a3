import fc from "fast-check";
import {
    broadcastOf,
    canonicalIpv6,
    cidrContains,
    cidrsOverlap,
    formatIpv4,
    isReservedInSubnet,
    offsetIpv4,
    parseCidr,
    parseIpv4,
    parseIpv6,
    parseIpv6Cidr,
} from "./ipmath";

const ip = (text: string) => parseIpv4(text)!;

describe("IPv4 math", () => {
    it("parses and formats addresses, four-part decimal only", () => {
        expect(formatIpv4(ip("192.168.1.12"))).toBe("192.168.1.12");
        expect(formatIpv4(ip("255.255.255.255"))).toBe("255.255.255.255");
        for (const bad of ["192.168.1", "192.168.1.256", "01.2.3.4", "a.b.c.d", "1.2.3.4.5", "", "0x0a.0.0.1", "10.1", "3232235788"]) {
            expect(parseIpv4(bad)).toBeUndefined();
        }
    });

    it("parses CIDRs, strictly or not", () => {
        const lan = parseCidr("192.168.1.0/24")!;
        expect([formatIpv4(lan.network), lan.prefix, lan.text]).toEqual(["192.168.1.0", 24, "192.168.1.0/24"]);
        expect(parseCidr("192.168.1.5/24")).toBeUndefined();
        expect(parseCidr("192.168.1.5/24", false)?.text).toBe("192.168.1.0/24");
        expect(parseCidr("0.0.0.0/0")?.text).toBe("0.0.0.0/0");
        for (const bad of ["10.0.0.0/33", "10.0.0.0", "10.0.0.0/", "10.0.0.0/a", "10.0.0.0/024", "fd00::/64", "192.168.1/24", "fd00::/24"]) {
            expect(parseCidr(bad)).toBeUndefined();
        }
    });

    it("tells containment, overlap and reserved addresses", () => {
        const lan = parseCidr("192.168.1.0/24")!;
        expect(cidrContains(lan, ip("192.168.1.254"))).toBe(true);
        expect(cidrContains(lan, ip("192.168.2.1"))).toBe(false);
        expect(cidrsOverlap(parseCidr("10.42.0.0/16")!, parseCidr("10.42.128.0/17")!)).toBe(true);
        expect(cidrsOverlap(parseCidr("10.42.0.0/16")!, parseCidr("10.43.0.0/16")!)).toBe(false);
        expect(formatIpv4(broadcastOf(lan))).toBe("192.168.1.255");
        expect(isReservedInSubnet(lan, ip("192.168.1.0"))).toBe(true);
        expect(isReservedInSubnet(lan, ip("192.168.1.1"))).toBe(false);
        expect(isReservedInSubnet(parseCidr("10.0.0.0/31")!, ip("10.0.0.0"))).toBe(false);
    });

    it("steps through the address space and stops at its ends", () => {
        expect(formatIpv4(offsetIpv4(ip("10.0.0.255"), 1)!)).toBe("10.0.1.0");
        expect(formatIpv4(offsetIpv4(ip("10.0.1.0"), -1)!)).toBe("10.0.0.255");
        expect(offsetIpv4(ip("255.255.255.255"), 1)).toBeUndefined();
        expect(offsetIpv4(ip("0.0.0.0"), -1)).toBeUndefined();
        // The ends themselves are addresses.
        expect(formatIpv4(offsetIpv4(ip("0.0.0.1"), -1)!)).toBe("0.0.0.0");
        expect(formatIpv4(offsetIpv4(ip("255.255.255.254"), 1)!)).toBe("255.255.255.255");
        expect(offsetIpv4(ip("10.0.0.1"), 0.5)).toBeUndefined();
    });
});

describe("IPv6", () => {
    it("parses addresses and CIDRs, normalising the network", () => {
        expect(canonicalIpv6(parseIpv6("fd00:0:0:0::5")!)).toBe("fd00::5");
        expect(parseIpv6Cidr("fd00::5/64", false)?.text).toBe("fd00::/64");
        expect(parseIpv6Cidr("fd00::5/64")).toBeUndefined();
        expect(parseIpv6Cidr("fd00::/64")?.prefix).toBe(64);
        for (const bad of ["fd00::5", "fd00::5/129", "fe80::1%eth0/64", "192.168.1.0/24", "fd00::g/64", "slaac", "fd00::/a64", "fd00::/64a", "fd00::/0128"]) {
            expect(parseIpv6Cidr(bad, false)).toBeUndefined();
        }
        expect(parseIpv6("fe80::1%eth0")).toBeUndefined();
        expect(parseIpv6("192.168.1.1")).toBeUndefined();
    });

    it("never matches across families", () => {
        const v4 = parseCidr("0.0.0.0/0")!;
        const v6 = parseIpv6Cidr("::/0")!;
        expect(cidrsOverlap<never>(v4 as never, v6 as never)).toBe(false);
        expect(cidrContains<never>(v6 as never, ip("10.0.0.1") as never)).toBe(false);
    });
});

// Property tests, as awsx's ec2/subnetNaming.test.ts does them: the library's answers against
// 32-bit integer arithmetic for every address and prefix fast-check comes up with.

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const prefix4 = fc.integer({ min: 0, max: 32 });
const mask = (p: number) => (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);
const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");

describe("IPv4 properties", () => {
    it("formats what it parses back to the same text", () => {
        fc.assert(fc.property(fc.ipV4(), (text) => formatIpv4(ip(text)) === text));
    });

    it("accepts only the canonical four-part decimal spelling", () => {
        fc.assert(fc.property(fc.ipV4Extended(), (text) => {
            const parsed = parseIpv4(text);
            return parsed === undefined || formatIpv4(parsed) === text;
        }));
    });

    it("computes the network, containment and broadcast as mask arithmetic does", () => {
        fc.assert(fc.property(u32, prefix4, u32, (addr, p, other) => {
            const cidr = parseCidr(`${dotted(addr)}/${p}`, false)!;
            const network = (addr & mask(p)) >>> 0;
            expect(cidr.text).toBe(`${dotted(network)}/${p}`);
            expect(parseCidr(cidr.text)).toEqual(cidr);
            expect(parseCidr(`${dotted(addr)}/${p}`) !== undefined).toBe(network === addr);
            expect(cidrContains(cidr, ip(dotted(other)))).toBe(((other & mask(p)) >>> 0) === network);
            expect(formatIpv4(broadcastOf(cidr))).toBe(dotted((network | ~mask(p)) >>> 0));
        }));
    });

    it("finds overlap exactly when the shorter prefix's bits agree, whichever way round", () => {
        fc.assert(fc.property(u32, prefix4, u32, prefix4, (a, pa, b, pb) => {
            const ca = parseCidr(`${dotted(a)}/${pa}`, false)!;
            const cb = parseCidr(`${dotted(b)}/${pb}`, false)!;
            const m = mask(Math.min(pa, pb));
            const expected = ((a & m) >>> 0) === ((b & m) >>> 0);
            expect(cidrsOverlap(ca, cb)).toBe(expected);
            expect(cidrsOverlap(cb, ca)).toBe(expected);
            expect(cidrsOverlap(ca, ca)).toBe(true);
        }));
    });

    it("reserves only the network and broadcast addresses, and only below /31", () => {
        fc.assert(fc.property(u32, prefix4, u32, (addr, p, other) => {
            const cidr = parseCidr(`${dotted(addr)}/${p}`, false)!;
            const network = (addr & mask(p)) >>> 0;
            const broadcast = (network | ~mask(p)) >>> 0;
            const inside = ((network | (other & ~mask(p))) >>> 0);
            expect(isReservedInSubnet(cidr, ip(dotted(inside)))).toBe(p < 31 && (inside === network || inside === broadcast));
        }));
    });

    it("steps as integers add", () => {
        fc.assert(fc.property(u32, fc.integer({ min: -0xffffffff, max: 0xffffffff }), (addr, n) => {
            const stepped = offsetIpv4(ip(dotted(addr)), n);
            const expected = addr + n;
            expect(stepped && formatIpv4(stepped)).toBe(expected < 0 || expected > 0xffffffff ? undefined : dotted(expected));
        }));
    });
});

describe("IPv6 properties", () => {
    it("reads every spelling of an address and writes one canonical form", () => {
        fc.assert(fc.property(fc.ipV6(), (text) => {
            const canonical = canonicalIpv6(parseIpv6(text)!);
            expect(canonicalIpv6(parseIpv6(canonical)!)).toBe(canonical);
        }));
    });

    it("puts an address inside its own subnet, whose network has no host bits", () => {
        fc.assert(fc.property(fc.ipV6(), fc.integer({ min: 0, max: 128 }), (text, p) => {
            const cidr = parseIpv6Cidr(`${text}/${p}`, false)!;
            expect(cidrContains(cidr, parseIpv6(text)!)).toBe(true);
            expect(parseIpv6Cidr(cidr.text)).toEqual(cidr);
            expect(cidrsOverlap(cidr, parseIpv6Cidr(`${text}/128`)!)).toBe(true);
        }));
    });
});
