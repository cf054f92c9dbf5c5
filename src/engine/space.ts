/**
 * The flow space and how policies are encoded into it.
 *
 * A flow is a point in six dimensions: direction, IP family, protocol, port-or-ICMP, peer (the remote side:
 * source of ingress, destination of egress) and local (the protected side), as rules name them; the
 * direction says which of the two is the source.
 * A rule covers a union of boxes (products of inclusive intervals). Address dimensions are bigint lines:
 * concrete addresses of the family first (0 .. 2^32-1 or 0 .. 2^128-1), then one point per symbolic
 * reference ("atoms": security groups, server groups, unresolved prefix lists). A rule naming a
 * reference covers only that atom; a rule covering the whole family (0.0.0.0/0, ::/0, any) covers every
 * atom too, because a group's members have addresses of that family. Anything narrower covers no atom:
 * references compare symbolically, never by a guess at their members.
 * ICMP type and code share the port dimension as `type * 256 + code`.
 */
import {
  V4_MAX,
  V6_MAX,
  maxOf,
  parseCidr,
  parseIp,
  type AddressItem,
  type AddressMatch,
  type Direction,
  type IpVersion,
  type Policy,
  type Protocol,
  type Rule,
} from '../model/index.js';

export const DIMS = 6;
export const DIM = { direction: 0, family: 1, protocol: 2, port: 3, peer: 4, local: 5 } as const;

/** How many atoms each family reserves after its concrete addresses. The last one is "an unknown group". */
export const ATOM_SLOTS = 1n << 32n;
export const FAMILY_FULL: Readonly<Record<IpVersion, bigint>> = { 4: V4_MAX + ATOM_SLOTS, 6: V6_MAX + ATOM_SLOTS };
export const UNKNOWN_ATOM = ATOM_SLOTS - 1n;

export function familyIndex(v: IpVersion): 0 | 1 {
  return v === 4 ? 0 : 1;
}
export function familyOf(index: bigint | number): IpVersion {
  return Number(index) === 0 ? 4 : 6;
}
export function directionIndex(d: Direction): 0 | 1 {
  return d === 'ingress' ? 0 : 1;
}
export function directionOf(index: bigint | number): Direction {
  return Number(index) === 0 ? 'ingress' : 'egress';
}
/** The first atom coordinate of a family. */
export function atomBase(v: IpVersion): bigint {
  return maxOf(v) + 1n;
}

/**
 * A box in raw coordinates, tagged with the index of the rule it belongs to. The defaults are pseudo-rules
 * after the last rule: `rules.length` for ingress, `rules.length + 1` for egress.
 */
export interface RawBox {
  readonly lo: readonly bigint[];
  readonly hi: readonly bigint[];
  readonly rule: number;
}

/** Symbolic references of one analysis, shared by every policy in it so that equal names meet. */
export class AtomTable {
  private readonly index = new Map<string, number>();
  readonly keys: string[] = [];

  /** The atom of a reference key, created on first use. */
  intern(key: string): bigint {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.keys.length;
      if (BigInt(i) >= UNKNOWN_ATOM) throw new Error('too many symbolic references');
      this.index.set(key, i);
      this.keys.push(key);
    }
    return BigInt(i);
  }

  /** The atom of a known key, or the reserved "unknown group" atom. */
  lookup(key: string): bigint {
    const i = this.index.get(key);
    return i === undefined ? UNKNOWN_ATOM : BigInt(i);
  }

  keyOf(atom: bigint): string | undefined {
    return this.keys[Number(atom)];
  }
}

/** The key a symbolic item is known by: `group:<ref>` or `prefix-list:<id>`. */
export function refKey(item: AddressItem): string | undefined {
  switch (item.kind) {
    case 'group':
      return `group:${item.ref}`;
    case 'prefix-list':
      return `prefix-list:${item.id}`;
    case 'cidr':
    case 'range':
      return undefined;
    default: {
      const never: never = item;
      throw new Error(`unknown address item ${JSON.stringify(never)}`);
    }
  }
}

/** Options shared by every encoding of one analysis. */
export interface EncodeOptions {
  /** Rewrites a reference key before interning (explicit mappings: `group:WebServers` → `group:sg-0abc@1234`). */
  readonly mapRef?: (key: string) => string;
}

type Interval = readonly [bigint, bigint];

/** CIDR text → family and interval: large policies repeat the same blocks many times. */
type CidrCache = Map<string, readonly [IpVersion, Interval]>;

function cidrInterval(text: string, cache: CidrCache): readonly [IpVersion, Interval] {
  let hit = cache.get(text);
  if (!hit) {
    const c = parseCidr(text);
    if (!c) throw new Error(`invalid CIDR ${text}`);
    hit = [c.version, c.prefix === 0 ? [0n, FAMILY_FULL[c.version]] : [c.first, c.last]];
    cache.set(text, hit);
  }
  return hit;
}

/** The address intervals of one side, per family. */
function addressIntervals(m: AddressMatch, atoms: AtomTable, opts: EncodeOptions, cache: CidrCache): Record<IpVersion, Interval[]> {
  const out: Record<IpVersion, Interval[]> = { 4: [], 6: [] };
  if (m.kind === 'any') {
    out[4].push([0n, FAMILY_FULL[4]]);
    out[6].push([0n, FAMILY_FULL[6]]);
    return out;
  }
  for (const item of m.items) {
    switch (item.kind) {
      case 'cidr': {
        const [version, interval] = cidrInterval(item.cidr, cache);
        out[version].push(interval);
        break;
      }
      case 'range': {
        const a = parseIp(item.first);
        const b = parseIp(item.last);
        if (!a || !b) throw new Error(`invalid range ${item.first}-${item.last}`);
        const full = a.value === 0n && b.value === maxOf(a.version);
        out[a.version].push(full ? [0n, FAMILY_FULL[a.version]] : [a.value, b.value]);
        break;
      }
      case 'group':
      case 'prefix-list': {
        const raw = refKey(item)!;
        const atom = atoms.intern(opts.mapRef ? opts.mapRef(raw) : raw);
        for (const v of [4, 6] as const) out[v].push([atomBase(v) + atom, atomBase(v) + atom]);
        break;
      }
      default: {
        const never: never = item;
        throw new Error(`unknown address item ${JSON.stringify(never)}`);
      }
    }
  }
  for (const v of [4, 6] as const) out[v] = m.negate ? complement(out[v], FAMILY_FULL[v]) : union(out[v]);
  return out;
}

/**
 * Sorted, merged intervals covering the same points: a list of adjacent CIDRs (an exact allow-set
 * splits ranges into many) is one interval, hence one box instead of a product of pieces.
 */
function union(intervals: Interval[]): Interval[] {
  if (intervals.length < 2) return intervals;
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else {
      out.push([lo, hi]);
    }
  }
  return out;
}

/** Sorted, merged complement of a set of intervals within [0, max]. */
function complement(intervals: Interval[], max: bigint): Interval[] {
  const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Interval[] = [];
  let next = 0n;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1n]);
    if (hi + 1n > next) next = hi + 1n;
  }
  if (next <= max) out.push([next, max]);
  return out;
}

/** (protocol, port-or-ICMP) intervals of a protocol match. */
export function protocolIntervals(p: Protocol): Array<readonly [number, number, number, number]> {
  switch (p.kind) {
    case 'any':
      return [[0, 255, 0, 65535]];
    case 'tcp':
    case 'udp': {
      const n = p.kind === 'tcp' ? 6 : 17;
      return p.ports.map((r) => [n, n, r.from, r.to] as const);
    }
    case 'icmp':
    case 'icmpv6': {
      const n = p.kind === 'icmp' ? 1 : 58;
      const { type, code } = p.icmp;
      if (type === undefined) return [[n, n, 0, 65535]];
      if (code === undefined) return [[n, n, type * 256, type * 256 + 255]];
      return [[n, n, type * 256 + code, type * 256 + code]];
    }
    case 'number':
      return [[p.number, p.number, 0, 65535]];
    default: {
      const never: never = p;
      throw new Error(`unknown protocol ${JSON.stringify(never)}`);
    }
  }
}

/** Protocol and port coordinates as bigints, made once: a large policy would otherwise allocate millions. */
const SMALL: bigint[] = [];
function small(n: number): bigint {
  return (SMALL[n] ??= BigInt(n));
}

/** The boxes of one rule. */
function ruleBoxes(rule: Rule, index: number, atoms: AtomTable, opts: EncodeOptions, cache: CidrCache): RawBox[] {
  const dir = small(directionIndex(rule.direction));
  const peer = addressIntervals(rule.peer, atoms, opts, cache);
  const local = addressIntervals(rule.local, atoms, opts, cache);
  const protos = protocolIntervals(rule.protocol);
  const out: RawBox[] = [];
  for (const v of [4, 6] as const) {
    const fam = small(familyIndex(v));
    for (const [rLo, rHi] of peer[v]) {
      for (const [lLo, lHi] of local[v]) {
        for (const [pLo, pHi, qLo, qHi] of protos) {
          out.push({
            lo: [dir, fam, small(pLo), small(qLo), rLo, lLo],
            hi: [dir, fam, small(pHi), small(qHi), rHi, lHi],
            rule: index,
          });
        }
      }
    }
  }
  return out;
}

/** Every box of a policy in priority order, ending with one default box per governed direction and family. */
export function policyBoxes(policy: Policy, atoms: AtomTable, opts: EncodeOptions = {}, directions = policy.directions): RawBox[] {
  const governed = new Set(directions);
  const cache: CidrCache = new Map();
  const out: RawBox[] = [];
  policy.rules.forEach((rule, i) => {
    if (governed.has(rule.direction)) out.push(...ruleBoxes(rule, i, atoms, opts, cache));
  });
  for (const d of directions) {
    const dir = BigInt(directionIndex(d));
    const def = policy.rules.length + directionIndex(d);
    for (const v of [4, 6] as const) {
      const fam = BigInt(familyIndex(v));
      out.push({
        lo: [dir, fam, 0n, 0n, 0n, 0n],
        hi: [dir, fam, 255n, 65535n, FAMILY_FULL[v], FAMILY_FULL[v]],
        rule: def,
      });
    }
  }
  return out;
}
