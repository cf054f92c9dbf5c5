/** Terse builders for hand-written test policies. */
import type { AddressItem, AddressMatch, Direction, Policy, Protocol, Rule } from '../../src/model/index.js';

export function cidrs(...list: string[]): AddressMatch {
  return {
    kind: 'list',
    items: list.map((c): AddressItem => ({ kind: 'cidr', cidr: c, version: c.includes(':') ? 6 : 4 })),
  };
}
export function group(ref: string): AddressMatch {
  return { kind: 'list', items: [{ kind: 'group', ref }] };
}
export const any: AddressMatch = { kind: 'any' };
export const tcp = (from: number, to = from): Protocol => ({ kind: 'tcp', ports: [{ from, to }] });
export const udp = (from: number, to = from): Protocol => ({ kind: 'udp', ports: [{ from, to }] });
export const icmp = (type?: number, code?: number): Protocol => ({
  kind: 'icmp',
  icmp: { ...(type === undefined ? {} : { type }), ...(code === undefined ? {} : { code }) },
});
export const anyProto: Protocol = { kind: 'any' };

export function rule(
  action: 'allow' | 'deny',
  protocol: Protocol,
  peer: AddressMatch,
  opts: { direction?: Direction; local?: AddressMatch; id?: string } = {},
): Rule {
  return {
    direction: opts.direction ?? 'ingress',
    action,
    protocol,
    peer,
    local: opts.local ?? any,
    origin: { platform: 'test', ...(opts.id ? { id: opts.id } : {}) },
  };
}

export function sg(name: string, rules: Rule[]): Policy {
  return {
    name,
    platform: 'test',
    evaluation: 'allow-set',
    stateful: true,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: ['ingress', 'egress'],
    rules,
  };
}

export function acl(name: string, rules: Rule[]): Policy {
  return { ...sg(name, rules), evaluation: 'first-match', stateful: false };
}
