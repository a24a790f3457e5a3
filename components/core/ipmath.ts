import * as ipaddr from "ipaddr.js";

/**
 * IP address and subnet checks over ipaddr.js (https://github.com/whitequark/ipaddr.js), which
 * parses and matches IPv4 and IPv6 alike. Pure.
 *
 * Subnet overlap is done here too rather than with `cidr-tools`: its releases are ES modules only,
 * which Jest's CommonJS runtime cannot load, and with ipaddr.js overlap is one prefix match.
 */

export type Ipv4 = ipaddr.IPv4;
export type Ipv6 = ipaddr.IPv6;

export interface Cidr<A extends Ipv4 | Ipv6 = Ipv4> {
    /** The network address: host bits zero. */
    readonly network: A;
    readonly prefix: number;
    /** The text it was parsed from, normalised to the network address (`192.168.1.0/24`, `fd00::/64`). */
    readonly text: string;
}

/**
 * Parses a dotted-quad IPv4 address; undefined when it is not one. Only the four-part decimal
 * form: `inet_aton` spellings ipaddr.js also reads (`10.1`, `0x0a.0.0.1`, `010.0.0.1`) are not addresses in a VM file.
 */
export function parseIpv4(text: string): Ipv4 | undefined {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
}

/** Parses an IPv6 address in any RFC 4291 spelling; undefined when it is not one, or carries a zone (`%eth0`). */
export function parseIpv6(text: string): Ipv6 | undefined {
    if (!ipaddr.IPv6.isValid(text)) {
        return undefined;
    }
    const address = ipaddr.IPv6.parse(text);
    return address.zoneId === undefined ? address : undefined;
}

export function formatIpv4(address: Ipv4): string {
    return address.toString();
}

/** The address `n` places after `address` (before it when negative); undefined past either end of the IPv4 space. */
export function offsetIpv4(address: Ipv4, n: number): Ipv4 | undefined {
    const value = address.octets.reduce((acc, octet) => acc * 256 + octet, 0) + n;
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        return undefined;
    }
    return new ipaddr.IPv4([24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256));
}

function splitCidr(text: string, prefixDigits: RegExp): [string, number] | undefined {
    const slash = text.indexOf("/");
    // Stryker disable next-line ConditionalExpression,EqualityOperator: without a slash (-1) the prefix test sees the whole text, and a text of digits alone leaves an address of at most two digits, which never parses; a leading slash (0) leaves an empty address
    if (slash < 0 || !prefixDigits.test(text.slice(slash + 1))) {
        return undefined;
    }
    return [text.slice(0, slash), Number(text.slice(slash + 1))];
}

function toCidr<A extends Ipv4 | Ipv6>(address: A, prefix: number, network: A, strict: boolean): Cidr<A> | undefined {
    if (strict && network.toString() !== address.toString()) {
        return undefined;
    }
    return { network, prefix, text: `${network.toString()}/${prefix}` };
}

/** Parses `a.b.c.d/n`. With `strict`, host bits must be zero (`192.168.1.5/24` is rejected). */
export function parseCidr(text: string, strict = true): Cidr<Ipv4> | undefined {
    const parts = splitCidr(text, /^\d{1,2}$/);
    const address = parts && parseIpv4(parts[0]);
    if (!parts || !address || parts[1] > 32) {
        return undefined;
    }
    return toCidr(address, parts[1], ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${parts[1]}`), strict);
}

/** Parses `<ipv6>/n`, as Proxmox's `ip6=` takes it. With `strict`, host bits must be zero. */
export function parseIpv6Cidr(text: string, strict = true): Cidr<Ipv6> | undefined {
    const parts = splitCidr(text, /^\d{1,3}$/);
    const address = parts && parseIpv6(parts[0]);
    if (!parts || !address || parts[1] > 128) {
        return undefined;
    }
    return toCidr(address, parts[1], ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${parts[1]}`), strict);
}

/** Whether `address` is inside `cidr`; never across families. */
export function cidrContains<A extends Ipv4 | Ipv6>(cidr: Cidr<A>, address: A): boolean {
    return address.kind() === cidr.network.kind() && address.match(cidr.network, cidr.prefix);
}

/** Two subnets overlap exactly when they agree on the bits of the shorter prefix. */
export function cidrsOverlap<A extends Ipv4 | Ipv6>(a: Cidr<A>, b: Cidr<A>): boolean {
    return a.network.kind() === b.network.kind() && a.network.match(b.network, Math.min(a.prefix, b.prefix));
}

export function broadcastOf(cidr: Cidr<Ipv4>): Ipv4 {
    return ipaddr.IPv4.broadcastAddressFromCIDR(cidr.text);
}

/** True for the network and broadcast addresses of IPv4 subnets that have them (prefix < 31). */
export function isReservedInSubnet(cidr: Cidr<Ipv4>, address: Ipv4): boolean {
    const text = address.toString();
    return cidr.prefix < 31 && (text === cidr.network.toString() || text === broadcastOf(cidr).toString());
}

/** One spelling per IPv6 address (RFC 5952), so `fd00:0::5` and `fd00::5` compare equal. */
export function canonicalIpv6(address: Ipv6): string {
    return address.toRFC5952String();
}
