/** IPv4 arithmetic for subnet and overlap checks. Pure, no dependencies. */

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly network: number;
    readonly prefix: number;
    /** The text it was parsed from, normalised to the network address (`192.168.1.0/24`). */
    readonly text: string;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses a dotted-quad IPv4 address; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
    const parts = text.split(".");
    if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) {
        return undefined;
    }
    return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function maskOf(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`. With `strict`, host bits must be zero (`192.168.1.5/24` is rejected). */
export function parseCidr(text: string, strict = true): Cidr | undefined {
    const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
    if (!match) {
        return undefined;
    }
    const address = parseIpv4(match[1]);
    const prefix = Number(match[2]);
    if (address === undefined || prefix > 32) {
        return undefined;
    }
    const network = (address & maskOf(prefix)) >>> 0;
    if (strict && network !== address) {
        return undefined;
    }
    return { network, prefix, text: `${formatIpv4(network)}/${prefix}` };
}

export function cidrContains(cidr: Cidr, address: number): boolean {
    return ((address & maskOf(cidr.prefix)) >>> 0) === cidr.network;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const prefix = Math.min(a.prefix, b.prefix);
    const mask = maskOf(prefix);
    return ((a.network & mask) >>> 0) === ((b.network & mask) >>> 0);
}

export function broadcastOf(cidr: Cidr): number {
    return (cidr.network + 2 ** (32 - cidr.prefix) - 1) >>> 0;
}

/** True for the network and broadcast addresses of subnets that have them (prefix < 31). */
export function isReservedInSubnet(cidr: Cidr, address: number): boolean {
    return cidr.prefix < 31 && (address === cidr.network || address === broadcastOf(cidr));
}
