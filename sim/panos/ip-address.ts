/** An IPv4 or IPv6 address as an unsigned integer. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

/** An inclusive address interval (a prefix, a range or a single host). */
export interface IpInterval {
  readonly version: 4 | 6;
  readonly lo: bigint;
  readonly hi: bigint;
}

/** `ip-wildcard`: the set bits of `wildcard` are "don't care". */
export interface IpWildcard {
  readonly version: 4;
  readonly base: bigint;
  readonly wildcard: bigint;
}

const WIDTH = { 4: 32n, 6: 128n } as const;

function mask(version: 4 | 6): bigint {
  return (1n << WIDTH[version]) - 1n;
}

export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some stacks read them as octal, so their meaning is ambiguous.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

export function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined; // zone ids never appear in policy
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): bigint[] | undefined => {
    if (part === '') return [];
    const groups: bigint[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as string;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        groups.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        groups.push(BigInt(parseInt(piece, 16)));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = parseGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return undefined;
  const groups = [...head, ...new Array<bigint>(8 - total).fill(0n), ...tail];
  return groups.reduce((acc, group) => (acc << 16n) | group, 0n);
}

export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { version: 6, value: v6 };
}

/** `a.b.c.d/n` or a bare address (host). Host bits beyond the prefix are ignored, as PAN-OS does. */
export function parseCidr(text: string): IpInterval | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  const width: bigint = WIDTH[ip.version];
  let prefix = width;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(prefixText)) return undefined;
    prefix = BigInt(prefixText);
    if (prefix > width) return undefined;
  }
  const hostBits = (1n << (width - prefix)) - 1n;
  const lo = ip.value & (mask(ip.version) ^ hostBits);
  return { version: ip.version, lo, hi: lo | hostBits };
}

/** `a-b` with both ends of the same family and a ≤ b. */
export function parseIpRange(text: string): IpInterval | undefined {
  const parts = text.split('-');
  if (parts.length !== 2) return undefined;
  const lo = parseIp(parts[0] ?? '');
  const hi = parseIp(parts[1] ?? '');
  if (lo === undefined || hi === undefined || lo.version !== hi.version || lo.value > hi.value) return undefined;
  return { version: lo.version, lo: lo.value, hi: hi.value };
}

/** `10.0.0.0/0.0.255.0`: address and wildcard mask, IPv4 only. */
export function parseIpWildcard(text: string): IpWildcard | undefined {
  const parts = text.split('/');
  if (parts.length !== 2) return undefined;
  const base = parseIpv4(parts[0] ?? '');
  const wildcard = parseIpv4(parts[1] ?? '');
  if (base === undefined || wildcard === undefined) return undefined;
  return { version: 4, base, wildcard };
}

/** An address written directly in a rule or group member: host, prefix or range. */
export function parseAddressLiteral(text: string): IpInterval | undefined {
  return text.includes('-') && !text.includes('/') ? parseIpRange(text) : parseCidr(text);
}

export function intervalContains(interval: IpInterval, ip: IpAddress): boolean {
  return interval.version === ip.version && interval.lo <= ip.value && ip.value <= interval.hi;
}

export function wildcardContains(pattern: IpWildcard, ip: IpAddress): boolean {
  if (ip.version !== 4) return false;
  const care = mask(4) ^ pattern.wildcard;
  return (ip.value & care) === (pattern.base & care);
}

/** A stable key for maps of addresses (IPv6 has many spellings of one address). */
export function ipKey(ip: IpAddress): string {
  return `${ip.version}:${ip.value.toString(16)}`;
}
