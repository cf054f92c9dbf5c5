/**
 * A set of traffic (protocols, ports, ICMP types and codes) with exact add / contains / remove, so that the
 * renderer can cover a rule's protocols with whole App-IDs and service objects and the parser can fold a rule's
 * services into few canonical protocols. Pure.
 */
import { protocolFromNumber, type IcmpMatch, type PortRange, type Protocol } from '../../model/index.js';

/** ICMP types → every code (`true`) or the codes listed; `all` = every type. */
interface IcmpSet {
  all: boolean;
  readonly types: Map<number, true | Set<number>>;
}

const ALL_BYTES = (): number[] => Array.from({ length: 256 }, (_v, i) => i);

export class ProtocolSet {
  private any = false;
  private tcp: PortRange[] = [];
  private udp: PortRange[] = [];
  private readonly icmp: IcmpSet = { all: false, types: new Map() };
  private readonly icmpv6: IcmpSet = { all: false, types: new Map() };
  private readonly numbers = new Set<number>();

  static of(protocols: readonly Protocol[]): ProtocolSet {
    const s = new ProtocolSet();
    for (const p of protocols) s.add(p);
    return s;
  }

  isAny(): boolean {
    return this.any;
  }

  isEmpty(): boolean {
    return (
      !this.any &&
      this.tcp.length === 0 &&
      this.udp.length === 0 &&
      !this.icmp.all &&
      this.icmp.types.size === 0 &&
      !this.icmpv6.all &&
      this.icmpv6.types.size === 0 &&
      this.numbers.size === 0
    );
  }

  add(p: Protocol): void {
    switch (p.kind) {
      case 'any':
        this.any = true;
        return;
      case 'tcp':
      case 'udp':
        this[p.kind] = mergeRanges([...this[p.kind], ...p.ports]);
        return;
      case 'icmp':
      case 'icmpv6':
        addIcmp(this[p.kind], p.icmp);
        return;
      case 'number': {
        const named = protocolFromNumber(p.number);
        if (named.kind === 'number') this.numbers.add(p.number);
        else this.add(named);
        return;
      }
      default: {
        const never: never = p;
        throw new Error(`unknown protocol ${JSON.stringify(never)}`);
      }
    }
  }

  /** True when every flow of `p` is in the set. */
  contains(p: Protocol): boolean {
    if (this.any) return true;
    switch (p.kind) {
      case 'any':
        return false;
      case 'tcp':
      case 'udp': {
        const have = this[p.kind];
        return p.ports.every((r) => have.some((h) => h.from <= r.from && r.to <= h.to));
      }
      case 'icmp':
      case 'icmpv6':
        return icmpContains(this[p.kind], p.icmp);
      case 'number': {
        const named = protocolFromNumber(p.number);
        return named.kind === 'number' ? this.numbers.has(p.number) : this.contains(named);
      }
      default: {
        const never: never = p;
        throw new Error(`unknown protocol ${JSON.stringify(never)}`);
      }
    }
  }

  /** Removes every flow of `p` (which the set must contain, unless the set is `any`, which cannot shrink). */
  remove(p: Protocol): void {
    if (this.any) throw new Error('internal: cannot remove from the set of all traffic');
    switch (p.kind) {
      case 'any':
        throw new Error('internal: cannot remove all traffic from a partial set');
      case 'tcp':
      case 'udp':
        this[p.kind] = subtractRanges(this[p.kind], p.ports);
        return;
      case 'icmp':
      case 'icmpv6':
        removeIcmp(this[p.kind], p.icmp);
        return;
      case 'number': {
        const named = protocolFromNumber(p.number);
        if (named.kind === 'number') this.numbers.delete(p.number);
        else this.remove(named);
        return;
      }
      default: {
        const never: never = p;
        throw new Error(`unknown protocol ${JSON.stringify(never)}`);
      }
    }
  }

  /** Canonical protocols: `any` alone, or tcp and udp with merged ranges, ICMP per type/code, other numbers. */
  toProtocols(): Protocol[] {
    if (this.any) return [{ kind: 'any' }];
    const out: Protocol[] = [];
    if (this.tcp.length > 0) out.push({ kind: 'tcp', ports: this.tcp });
    if (this.udp.length > 0) out.push({ kind: 'udp', ports: this.udp });
    for (const kind of ['icmp', 'icmpv6'] as const) {
      const s = this[kind];
      if (s.all) {
        out.push({ kind, icmp: {} });
        continue;
      }
      for (const type of [...s.types.keys()].sort((a, b) => a - b)) {
        const codes = s.types.get(type)!;
        if (codes === true) out.push({ kind, icmp: { type } });
        else for (const code of [...codes].sort((a, b) => a - b)) out.push({ kind, icmp: { type, code } });
      }
    }
    for (const n of [...this.numbers].sort((a, b) => a - b)) out.push({ kind: 'number', number: n });
    return out;
  }
}

/** Sorted, merged (adjacent ranges joined) port ranges. */
export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) {
      if (r.to > last.to) out[out.length - 1] = { from: last.from, to: r.to };
    } else {
      out.push({ from: r.from, to: r.to });
    }
  }
  return out;
}

function subtractRanges(have: readonly PortRange[], minus: readonly PortRange[]): PortRange[] {
  let cur = [...have];
  for (const m of minus) {
    const next: PortRange[] = [];
    for (const h of cur) {
      if (m.to < h.from || m.from > h.to) {
        next.push(h);
        continue;
      }
      if (h.from < m.from) next.push({ from: h.from, to: m.from - 1 });
      if (m.to < h.to) next.push({ from: m.to + 1, to: h.to });
    }
    cur = next;
  }
  return cur;
}

function addIcmp(s: IcmpSet, m: IcmpMatch): void {
  if (s.all) return;
  if (m.type === undefined) {
    s.all = true;
    s.types.clear();
    return;
  }
  const have = s.types.get(m.type);
  if (have === true) return;
  if (m.code === undefined) {
    s.types.set(m.type, true);
    return;
  }
  const codes = have ?? new Set<number>();
  codes.add(m.code);
  s.types.set(m.type, codes.size === 256 ? true : codes);
}

function icmpContains(s: IcmpSet, m: IcmpMatch): boolean {
  if (s.all) return true;
  if (m.type === undefined) return false;
  const have = s.types.get(m.type);
  if (have === undefined) return false;
  if (have === true) return true;
  return m.code !== undefined && have.has(m.code);
}

function removeIcmp(s: IcmpSet, m: IcmpMatch): void {
  if (m.type === undefined) {
    s.all = false;
    s.types.clear();
    return;
  }
  if (s.all) {
    // "every type but one" is kept as the explicit list of the others.
    s.all = false;
    for (const t of ALL_BYTES()) s.types.set(t, true);
  }
  const have = s.types.get(m.type);
  if (have === undefined) return;
  if (m.code === undefined) {
    s.types.delete(m.type);
    return;
  }
  const codes = have === true ? new Set(ALL_BYTES()) : have;
  codes.delete(m.code);
  if (codes.size === 0) s.types.delete(m.type);
  else s.types.set(m.type, codes);
}
