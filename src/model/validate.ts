/**
 * Checked constructors for model values, used by every parser so that a bad value in any input gets the
 * same one-line error naming its location.
 */
import { InputError, type InputLocation } from './errors.js';
import { parseCidr, parseIp } from './ip.js';
import type { AddressItem, PortRange, Protocol } from './rule.js';
import type { Policy } from './policy.js';

/** A CIDR item from text; a bare address becomes a /32 or /128. */
export function cidrItem(text: string, loc: InputLocation): AddressItem {
  const c = parseCidr(text.trim());
  if (!c) throw new InputError(loc, `invalid CIDR ${JSON.stringify(text)}`);
  return { kind: 'cidr', cidr: c.canonical, version: c.version };
}

/** An address range `first-last` of one IP version, first <= last. */
export function rangeItem(first: string, last: string, loc: InputLocation): AddressItem {
  const a = parseIp(first.trim());
  const b = parseIp(last.trim());
  if (!a || !b || a.version !== b.version || a.value > b.value) {
    throw new InputError(loc, `invalid address range ${JSON.stringify(`${first}-${last}`)}`);
  }
  return { kind: 'range', first: first.trim(), last: last.trim(), version: a.version };
}

/** A port or range, checked to 0..65535 and from <= to. */
export function portRange(from: unknown, to: unknown, loc: InputLocation): PortRange {
  const f = toInt(from, 0, 65535, loc, 'port');
  const t = toInt(to, 0, 65535, loc, 'port');
  if (f > t) throw new InputError(loc, `port range ${f}-${t} is reversed`);
  return { from: f, to: t };
}

/** An integer in [min, max] from a number or numeric string. */
export function toInt(value: unknown, min: number, max: number, loc: InputLocation, what: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new InputError(loc, `${what} ${JSON.stringify(value)} out of range ${min}..${max}`);
  }
  return n;
}

/** Checks the invariants every policy must hold; throws InputError naming the rule. */
export function validatePolicy(policy: Policy): Policy {
  if (policy.protects && policy.protectsUnknown !== undefined) {
    throw new InputError({ object: policy.name }, 'a policy either names the endpoints it protects or says why it cannot, not both');
  }
  policy.rules.forEach((rule, i) => {
    const loc: InputLocation = { object: `${policy.name} rule ${rule.origin.id ?? i + 1}` };
    if (policy.evaluation === 'allow-set' && rule.action !== 'allow') {
      throw new InputError(loc, 'a deny rule cannot be part of an allow-set policy');
    }
    checkProtocol(rule.protocol, loc);
  });
  return policy;
}

function checkProtocol(p: Protocol, loc: InputLocation): void {
  switch (p.kind) {
    case 'any':
      return;
    case 'tcp':
    case 'udp':
      if (p.ports.length === 0) throw new InputError(loc, `${p.kind} rule without ports`);
      for (const r of p.ports) portRange(r.from, r.to, loc);
      return;
    case 'icmp':
    case 'icmpv6':
      if (p.icmp.type !== undefined) toInt(p.icmp.type, 0, 255, loc, 'ICMP type');
      if (p.icmp.code !== undefined) {
        if (p.icmp.type === undefined) throw new InputError(loc, 'ICMP code without a type');
        toInt(p.icmp.code, 0, 255, loc, 'ICMP code');
      }
      return;
    case 'number':
      toInt(p.number, 0, 255, loc, 'protocol number');
      return;
    default: {
      const never: never = p;
      throw new InputError(loc, `unknown protocol ${JSON.stringify(never)}`);
    }
  }
}
