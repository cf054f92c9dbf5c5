/**
 * A brute-force evaluator written for the tests, independent of the engine: it walks the rules of a
 * policy one by one and matches a flow field by field with its own address arithmetic.
 */
import type { AddressMatch, Flow, Policy, Protocol, Rule } from '../../../src/model/index.js';

function v4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** IPv6 text with at most one `::`, no embedded IPv4. */
function v6(text: string): bigint {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

function inCidr(addr: string, cidr: string): boolean {
  const [net, lenText] = cidr.split('/') as [string, string];
  const len = Number(lenText);
  if (addr.startsWith('@')) return len === 0 && (net.includes(':') ? addr.endsWith('#6') : !addr.endsWith('#6'));
  if (net.includes(':') !== addr.includes(':')) return false;
  if (net.includes(':')) {
    const a = v6(addr);
    const n = v6(net);
    const shift = BigInt(128 - len);
    return a >> shift === n >> shift;
  }
  const a = v4(addr)!;
  const n = v4(net)!;
  const size = 2 ** (32 - len);
  return Math.floor(a / size) === Math.floor(n / size);
}

/** The address as a number of its family, for range checks; undefined for a symbolic address. */
function numeric(addr: string): bigint | undefined {
  if (addr.startsWith('@')) return undefined;
  return addr.includes(':') ? v6(addr) : BigInt(v4(addr)!);
}

function inRange(addr: string, first: string, last: string): boolean {
  if (first.includes(':') !== addr.includes(':')) return false;
  const a = numeric(addr);
  return a !== undefined && a >= numeric(first)! && a <= numeric(last)!;
}

function matchesSide(m: AddressMatch, addr: string): boolean {
  if (m.kind === 'any') return true;
  const hit = m.items.some((i) => {
    if (i.kind === 'cidr') return inCidr(addr, i.cidr);
    if (i.kind === 'range') return inRange(addr, i.first, i.last);
    if (i.kind === 'group') return addr.replace(/#6$/, '') === `@${i.ref}`;
    return false;
  });
  return m.negate ? !hit : hit;
}

function matchesProtocol(p: Protocol, f: Flow): boolean {
  switch (p.kind) {
    case 'any':
      return true;
    case 'tcp':
      return f.protocol === 6 && p.ports.some((r) => f.port! >= r.from && f.port! <= r.to);
    case 'udp':
      return f.protocol === 17 && p.ports.some((r) => f.port! >= r.from && f.port! <= r.to);
    case 'icmp':
    case 'icmpv6':
      return (
        f.protocol === (p.kind === 'icmp' ? 1 : 58) &&
        (p.icmp.type === undefined || p.icmp.type === f.icmpType) &&
        (p.icmp.code === undefined || p.icmp.code === f.icmpCode)
      );
    case 'number':
      return f.protocol === p.number;
  }
}

export function ruleMatches(r: Rule, f: Flow): boolean {
  if (r.direction !== f.direction || !matchesProtocol(r.protocol, f)) return false;
  const [peer, local] = f.direction === 'ingress' ? [f.src, f.dst] : [f.dst, f.src];
  return matchesSide(r.peer, peer) && matchesSide(r.local, local);
}

/** The brute-force decision. Symbolic addresses are `@ref` (IPv4 family) or `@ref#6` (IPv6 family). */
export function referenceAllows(p: Policy, f: Flow): boolean {
  if (p.evaluation === 'allow-set') return p.rules.some((r) => r.action === 'allow' && ruleMatches(r, f));
  const hit = p.rules.find((r) => ruleMatches(r, f));
  return (hit?.action ?? p.defaults[f.direction]) === 'allow';
}
