/**
 * IP address arithmetic on bigint. IPv4 and IPv6 addresses are numbers on their own line
 * (0 .. 2^32-1 and 0 .. 2^128-1); a CIDR is an inclusive [first, last] interval.
 */

export type IpVersion = 4 | 6;

/** An inclusive interval of addresses of one IP version. */
export interface AddressInterval {
  readonly version: IpVersion;
  readonly first: bigint;
  readonly last: bigint;
}

export const V4_MAX = (1n << 32n) - 1n;
export const V6_MAX = (1n << 128n) - 1n;

export function maxOf(version: IpVersion): bigint {
  return version === 4 ? V4_MAX : V6_MAX;
}

/** Parses a dotted-quad IPv4 address; undefined when malformed. */
export function parseIpv4(text: string): bigint | undefined {
  // A scan by character code: queries parse two addresses each, and a regex plus four bigint steps cost
  // more than the rest of a query.
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return undefined; // octal ambiguity (a leading zero): refuse
      if (++digits > 3) return undefined;
      part = part * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || part > 255) return undefined;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? BigInt(value) : undefined;
}

/** Parses an IPv6 address (with `::` compression and an optional embedded IPv4 tail). */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
      out.push(parseInt(item, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  let value = 0n;
  for (let i = 0; i < 8; i += 2) value = (value << 32n) | BigInt(all[i]! * 0x10000 + all[i + 1]!);
  return value;
}

/** Parses an address of either version. */
export function parseIp(text: string): { version: IpVersion; value: bigint } | undefined {
  if (text.includes(':')) {
    const v6 = parseIpv6(text);
    return v6 === undefined ? undefined : { version: 6, value: v6 };
  }
  const v4 = parseIpv4(text);
  return v4 === undefined ? undefined : { version: 4, value: v4 };
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/** RFC 5952 text form: lowercase, longest run of zero groups compressed. */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIp(version: IpVersion, value: bigint): string {
  return version === 4 ? formatIpv4(value) : formatIpv6(value);
}

/** A parsed CIDR block. `canonical` has the host bits cleared, as AWS stores it. */
export interface Cidr extends AddressInterval {
  readonly prefix: number;
  readonly canonical: string;
  /** True when the text had host bits set (10.1.2.3/16): callers may warn. */
  readonly hadHostBits: boolean;
}

/** Parses `a.b.c.d/n` or `x::y/n` (a bare address is a /32 or /128). Undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addrText);
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const first = (ip.value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return {
    version: ip.version,
    first,
    last,
    prefix,
    canonical: `${formatIp(ip.version, first)}/${prefix}`,
    hadHostBits: first !== ip.value,
  };
}

/**
 * Splits an inclusive interval into the fewest CIDR blocks that cover it exactly
 * (what a platform without ranges needs).
 */
export function intervalToCidrs(version: IpVersion, first: bigint, last: bigint): string[] {
  const bits = version === 4 ? 32 : 128;
  const out: string[] = [];
  let cur = first;
  while (cur <= last) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if (cur % block !== 0n || cur + block - 1n > last) break;
      size = next;
    }
    out.push(`${formatIp(version, cur)}/${bits - size}`);
    cur += 1n << BigInt(size);
  }
  return out;
}
