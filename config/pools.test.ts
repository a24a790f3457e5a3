import { parsePoolEntry } from "./pools";

describe("MetalLB pool entries", () => {
    it("read ranges and CIDRs as inclusive address ranges", () => {
        expect(parsePoolEntry("192.168.1.200-192.168.1.209")).toEqual({ first: 3232235976, last: 3232235985, text: "192.168.1.200-192.168.1.209" });
        expect(parsePoolEntry("192.168.1.240/29")).toEqual({ first: 3232236016, last: 3232236023, text: "192.168.1.240/29" });
        expect(parsePoolEntry("192.168.1.7-192.168.1.7")).toEqual({ first: 3232235783, last: 3232235783, text: "192.168.1.7-192.168.1.7" });
    });

    it("refuse a range that ends before it starts, and anything else", () => {
        expect(parsePoolEntry("192.168.1.209-192.168.1.200")).toBeUndefined();
        expect(parsePoolEntry("192.168.1.300-192.168.1.301")).toBeUndefined();
        expect(parsePoolEntry("192.168.1.1-192.168.1.2-192.168.1.3")).toBeUndefined();
    });
});
