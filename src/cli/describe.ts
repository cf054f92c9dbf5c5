/** Human text for model values: rules, address sides, protocols, regions. */
import { formatFlow, formatIp, maxOf, type AddressMatch, type Policy, type Protocol, type Rule } from '../model/index.js';
import type { DiffRegion, Region } from '../engine/index.js';

export function describeProtocol(p: Protocol): string {
  switch (p.kind) {
    case 'any':
      return 'any';
    case 'tcp':
    case 'udp':
      return `${p.kind} ${p.ports.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(',')}`;
    case 'icmp':
    case 'icmpv6':
      return p.icmp.type === undefined ? p.kind : `${p.kind} ${p.icmp.type}/${p.icmp.code ?? '*'}`;
    case 'number':
      return `proto ${p.number}`;
    default: {
      const never: never = p;
      return String(never);
    }
  }
}

export function describeAddresses(m: AddressMatch): string {
  if (m.kind === 'any') return 'any';
  const items = m.items.map((i) => {
    switch (i.kind) {
      case 'cidr':
        return i.cidr;
      case 'range':
        return `${i.first}-${i.last}`;
      case 'group':
        return `@${i.ref}${i.name ? ` (${i.name})` : ''}`;
      case 'prefix-list':
        return `pl:${i.id}${i.name ? ` (${i.name})` : ''}`;
      default: {
        const never: never = i;
        return String(never);
      }
    }
  });
  return `${m.negate ? 'not ' : ''}${items.join(', ')}`;
}

/** `#3 ingress allow tcp 443 from 0.0.0.0/0` */
export function describeRule(policy: Policy, index: number): string {
  const r: Rule = policy.rules[index]!;
  const id = r.origin.id && r.origin.id !== policy.meta?.id ? ` [${r.origin.id}]` : '';
  const where = r.origin.where ? ` (${r.origin.where})` : '';
  const side = r.direction === 'ingress' ? 'from' : 'to';
  const local = r.local.kind === 'any' ? '' : ` ${r.direction === 'ingress' ? 'to' : 'from'} ${describeAddresses(r.local)}`;
  return `#${index + 1}${id}${where} ${r.direction} ${r.action} ${describeProtocol(r.protocol)} ${side} ${describeAddresses(r.peer)}${local}`;
}

/**
 * A region's source or destination: up to three CIDRs, else the address range, then the references it holds.
 * All addresses without the referenced groups is said so: those groups' members are not known addresses.
 */
function describeSpan(version: 4 | 6, [first, last]: readonly [bigint, bigint], match: AddressMatch): string {
  if (match.kind === 'any') return 'any';
  const cidrs = match.items.flatMap((i) => (i.kind === 'cidr' ? [i.cidr] : []));
  const refs = match.items.filter((i) => i.kind === 'group' || i.kind === 'prefix-list');
  if (refs.length === 0 && cidrs.length === 1 && cidrs[0]!.endsWith('/0')) return 'any';
  const max = maxOf(version);
  const end = last > max ? max : last;
  const allAddresses = first === 0n && end === max;
  const parts: string[] = [];
  if (cidrs.length > 0) {
    parts.push(allAddresses ? 'any address' : cidrs.length <= 3 ? cidrs.join(', ') : `${formatIp(version, first)} - ${formatIp(version, end)}`);
  }
  if (refs.length > 0) parts.push(describeAddresses({ kind: 'list', items: refs }));
  return allAddresses && refs.length === 0 ? 'any address but the referenced groups' : parts.join(', ');
}

function describePorts(region: Region): string {
  const [p0, p1] = region.protocol;
  const [q0, q1] = region.port;
  const proto = p0 === 0 && p1 === 255 ? 'any protocol' : p0 === p1 ? ({ 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' } as Record<number, string>)[p0] ?? `proto ${p0}` : `protocols ${p0}-${p1}`;
  if (q0 === 0 && q1 === 65535) return proto;
  if (p0 === 1 || p0 === 58) {
    const t = (v: number): string => `${v >> 8}/${v & 255}`;
    // Whole types read as `8/*` or `3-5/*`; anything else as the exact type/code span.
    if ((q0 & 255) === 0 && (q1 & 255) === 255) return `${proto} ${q0 >> 8 === q1 >> 8 ? q0 >> 8 : `${q0 >> 8}-${q1 >> 8}`}/*`;
    return `${proto} ${q0 === q1 ? t(q0) : `${t(q0)}..${t(q1)}`}`;
  }
  return `${proto} ${q0 === q1 ? q0 : `${q0}-${q1}`}`;
}

/** `ingress tcp 22 from 10.0.0.0/8 to any (e.g. tcp 10.0.0.0 -> 0.0.0.0:22)` */
export function describeRegion(d: DiffRegion): string {
  const r = d.region;
  return `${r.direction} IPv${r.version} ${describePorts(r)} from ${describeSpan(r.version, r.src, d.from)} to ${describeSpan(r.version, r.dst, d.to)}  e.g. ${formatFlow(d.example)}`;
}

/**
 * A differing region for `--json`: the same facts as `describeRegion`, in rule terms (protocol numbers, ports or
 * ICMP type/code spans, CIDRs and references) rather than the engine's coordinates.
 */
export function regionJson(d: DiffRegion): object {
  const r = d.region;
  const [p0, p1] = r.protocol;
  const [q0, q1] = r.port;
  const span = (m: AddressMatch): string[] => (m.kind === 'any' ? ['any'] : describeAddresses(m).split(', '));
  const kind = p0 === p1 && (p0 === 6 || p0 === 17) ? 'ports' : p0 === p1 && (p0 === 1 || p0 === 58) ? 'icmp' : undefined;
  return {
    direction: r.direction,
    ipVersion: r.version,
    protocols: [p0, p1],
    ...(kind === 'ports' ? { ports: [q0, q1] } : {}),
    ...(kind === 'icmp' ? { icmp: { first: { type: q0 >> 8, code: q0 & 255 }, last: { type: q1 >> 8, code: q1 & 255 } } } : {}),
    from: span(d.from),
    to: span(d.to),
    example: d.example,
    text: describeRegion(d),
  };
}
