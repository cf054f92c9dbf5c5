/**
 * Regions: boxes of the flow space read back from diagrams, with the helpers that turn them into
 * example flows, readable text and canonical rules.
 */
import {
  formatIp,
  intervalToCidrs,
  maxOf,
  protocolFromNumber,
  type AddressItem,
  type AddressMatch,
  type Flow,
  type IpVersion,
  type Protocol,
} from '../model/index.js';
import { atomBase, type AtomTable } from './space.js';
import type { Direction } from '../model/index.js';

/** A box of the flow space in raw coordinates. */
export interface Region {
  readonly direction: Direction;
  readonly version: IpVersion;
  readonly protocol: readonly [number, number];
  /** Ports for tcp/udp; `type * 256 + code` for ICMP. */
  readonly port: readonly [number, number];
  readonly src: readonly [bigint, bigint];
  readonly dst: readonly [bigint, bigint];
}

const PREFERRED_PROTOCOLS = [6, 17, 1, 58];

/** A region as found by a walk: the box, its source and destination as address items, and one concrete flow. */
export interface DiffRegion {
  readonly region: Region;
  /** The source and destination spans as CIDRs plus the references (groups, prefix lists) they hold. */
  readonly from: AddressMatch;
  readonly to: AddressMatch;
  readonly example: Flow;
}

/** Describes a region found by a walk over `atoms`' analysis. */
export function diffRegion(region: Region, atoms: AtomTable): DiffRegion {
  return {
    region,
    from: addressMatch(region.version, region.src, atoms),
    to: addressMatch(region.version, region.dst, atoms),
    example: exampleFlow(region, atoms),
  };
}

/** One concrete flow inside a region (a symbolic address is written `@<reference>`). */
export function exampleFlow(region: Region, atoms: AtomTable): Flow {
  const [pLo, pHi] = region.protocol;
  const protocol = PREFERRED_PROTOCOLS.find((p) => p >= pLo && p <= pHi) ?? pLo;
  const port = region.port[0];
  const addr = ([first]: readonly [bigint, bigint]): string => addressText(region.version, first, atoms);
  const base = { direction: region.direction, protocol, src: addr(region.src), dst: addr(region.dst) };
  if (protocol === 6 || protocol === 17) return { ...base, port };
  if (protocol === 1 || protocol === 58) return { ...base, icmpType: port >> 8, icmpCode: port & 255 };
  return base;
}

function addressText(v: IpVersion, value: bigint, atoms: AtomTable): string {
  if (value <= maxOf(v)) return formatIp(v, value);
  const key = atoms.keyOf(value - atomBase(v));
  return key ? `@${key.slice(key.indexOf(':') + 1)}` : '@unknown-group';
}

/**
 * Address items covering an interval exactly (CIDRs for the concrete part, references for atoms).
 * An interval holding every address and every named reference of the analysis is the family's /0.
 */
export function addressMatch(v: IpVersion, [first, last]: readonly [bigint, bigint], atoms: AtomTable): AddressMatch {
  if (first === 0n && last >= atomBase(v) + BigInt(atoms.keys.length) - 1n) {
    return { kind: 'list', items: [{ kind: 'cidr', cidr: v === 4 ? '0.0.0.0/0' : '::/0', version: v }] };
  }
  const items: AddressItem[] = [];
  const max = maxOf(v);
  if (first <= max) {
    const end = last < max ? last : max;
    // A /0 would also cover every reference (see space.ts); all addresses but not every reference is two /1s.
    const cidrs = first === 0n && end === max ? halves(v) : intervalToCidrs(v, first, end);
    for (const cidr of cidrs) items.push({ kind: 'cidr', cidr, version: v });
  }
  const base = atomBase(v);
  atoms.keys.forEach((key, k) => {
    const a = base + BigInt(k);
    if (a < first || a > last) return;
    const ref = key.slice(key.indexOf(':') + 1);
    items.push(key.startsWith('group:') ? { kind: 'group', ref } : { kind: 'prefix-list', id: ref });
  });
  return { kind: 'list', items };
}

function halves(v: IpVersion): string[] {
  return v === 4 ? ['0.0.0.0/1', '128.0.0.0/1'] : ['::/1', '8000::/1'];
}

/** Protocol matches covering a (protocol, port) box exactly. */
export function protocolMatches([pLo, pHi]: readonly [number, number], [qLo, qHi]: readonly [number, number]): Protocol[] {
  const fullPorts = qLo === 0 && qHi === 65535;
  if (pLo === 0 && pHi === 255 && fullPorts) return [{ kind: 'any' }];
  const out: Protocol[] = [];
  for (let p = pLo; p <= pHi; p++) {
    if (fullPorts) {
      out.push(protocolFromNumber(p));
    } else if (p === 6 || p === 17) {
      out.push({ kind: p === 6 ? 'tcp' : 'udp', ports: [{ from: qLo, to: qHi }] });
    } else if (p === 1 || p === 58) {
      out.push(...icmpMatches(p === 1 ? 'icmp' : 'icmpv6', qLo, qHi));
    } else {
      // Other protocols have no ports: every box of theirs spans all of them.
      throw new Error(`internal: protocol ${p} with a partial port range`);
    }
  }
  return out;
}

function icmpMatches(kind: 'icmp' | 'icmpv6', lo: number, hi: number): Protocol[] {
  const out: Protocol[] = [];
  let v = lo;
  while (v <= hi) {
    const type = v >> 8;
    const typeEnd = type * 256 + 255;
    if (v === type * 256 && typeEnd <= hi) {
      out.push({ kind, icmp: { type } });
      v = typeEnd + 1;
    } else {
      out.push({ kind, icmp: { type, code: v & 255 } });
      v++;
    }
  }
  return out;
}
