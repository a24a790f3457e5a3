import { broadcastOf, cidrContains, cidrsOverlap, formatIpv4, isReservedInSubnet, parseCidr, parseIpv4 } from "./ipmath";

describe("IPv4 math", () => {
    it("parses and formats addresses", () => {
        expect(parseIpv4("192.168.1.12")).toBe(3232235788);
        expect(formatIpv4(3232235788)).toBe("192.168.1.12");
        expect(parseIpv4("255.255.255.255")).toBe(4294967295);
        for (const bad of ["192.168.1", "192.168.1.256", "01.2.3.4", "a.b.c.d", "1.2.3.4.5", ""]) {
            expect(parseIpv4(bad)).toBeUndefined();
        }
    });

    it("parses CIDRs, strictly or not", () => {
        expect(parseCidr("192.168.1.0/24")).toEqual({ network: 3232235776, prefix: 24, text: "192.168.1.0/24" });
        expect(parseCidr("192.168.1.5/24")).toBeUndefined();
        expect(parseCidr("192.168.1.5/24", false)?.text).toBe("192.168.1.0/24");
        expect(parseCidr("0.0.0.0/0")?.text).toBe("0.0.0.0/0");
        expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    });

    it("tells containment, overlap and reserved addresses", () => {
        const lan = parseCidr("192.168.1.0/24")!;
        expect(cidrContains(lan, parseIpv4("192.168.1.254")!)).toBe(true);
        expect(cidrContains(lan, parseIpv4("192.168.2.1")!)).toBe(false);
        expect(cidrsOverlap(parseCidr("10.42.0.0/16")!, parseCidr("10.42.128.0/17")!)).toBe(true);
        expect(cidrsOverlap(parseCidr("10.42.0.0/16")!, parseCidr("10.43.0.0/16")!)).toBe(false);
        expect(formatIpv4(broadcastOf(lan))).toBe("192.168.1.255");
        expect(isReservedInSubnet(lan, parseIpv4("192.168.1.0")!)).toBe(true);
        expect(isReservedInSubnet(lan, parseIpv4("192.168.1.1")!)).toBe(false);
        expect(isReservedInSubnet(parseCidr("10.0.0.0/31")!, parseIpv4("10.0.0.0")!)).toBe(false);
    });
});
