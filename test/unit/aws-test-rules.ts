/** Small builders for canonical rules and policies in the AWS unit tests. */
import { ANY, BOTH_DIRECTIONS, type AddressItem, type Policy, type Protocol, type Rule } from '../../src/model/index.js';

export const v4 = (cidr: string): AddressItem => ({ kind: 'cidr', cidr, version: 4 });
export const v6 = (cidr: string): AddressItem => ({ kind: 'cidr', cidr, version: 6 });
export const tcp = (from: number, to = from): Protocol => ({ kind: 'tcp', ports: [{ from, to }] });

export function rule(partial: Partial<Rule> & { items?: AddressItem[] }): Rule {
  const { items, ...rest } = partial;
  return {
    direction: 'ingress',
    action: 'allow',
    protocol: tcp(443),
    peer: items ? { kind: 'list', items } : ANY,
    local: ANY,
    origin: { platform: 'test' },
    ...rest,
  };
}

export function policy(rules: Rule[], partial: Partial<Policy> = {}): Policy {
  return {
    name: 'p',
    platform: 'test',
    evaluation: 'allow-set',
    stateful: true,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: BOTH_DIRECTIONS,
    rules,
    ...partial,
  };
}

/**
 * The JSON of rules without their origin position and display-only group names, sorted: what must survive a
 * render → parse round trip (AWS is given group ids, never names).
 */
export function ruleSet(rules: readonly Rule[], keepOrigin = false): string[] {
  return rules
    .map((r) =>
      JSON.stringify({
        ...r,
        peer: r.peer.kind === 'list' ? { ...r.peer, items: r.peer.items.map((i) => (i.kind === 'group' ? { kind: i.kind, ref: i.ref } : i)) } : r.peer,
        origin: keepOrigin ? { platform: r.origin.platform, id: r.origin.id } : undefined,
      }),
    )
    .sort();
}
