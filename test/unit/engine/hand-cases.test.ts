/** Hand-written cases with hand-computed answers. */
import { describe, expect, it } from 'vitest';
import { allows, compare, ruleUse, toAllowSet } from '../../../src/engine/index.js';
import { intervalToCidrs, parseCidr } from '../../../src/model/index.js';
import { acl, any, anyProto, cidrs, icmp, rule, sg, tcp, udp } from '../../helpers/policy-builder.js';

const inFlow = (protocol: number, src: string, dst: string, extra: object = {}) => ({ direction: 'ingress' as const, protocol, src, dst, ...extra });

describe('CIDR arithmetic', () => {
  it('canonicalises host bits and splits an interval into the fewest CIDRs', () => {
    expect(parseCidr('10.1.2.3/16')!.canonical).toBe('10.1.0.0/16');
    expect(parseCidr('2001:DB8::1/64')!.canonical).toBe('2001:db8::/64');
    // 10.0.0.5 .. 10.0.0.12 = .5/32 .6/31 .8/30 .12/32
    const a = parseCidr('10.0.0.5')!.first;
    const b = parseCidr('10.0.0.12')!.first;
    expect(intervalToCidrs(4, a, b)).toEqual(['10.0.0.5/32', '10.0.0.6/31', '10.0.0.8/30', '10.0.0.12/32']);
  });

  it('two halves of a /24 equal the /24; overlapping CIDRs union exactly', () => {
    const whole = sg('a', [rule('allow', tcp(443), cidrs('10.0.0.0/24'))]);
    const halves = sg('b', [rule('allow', tcp(443), cidrs('10.0.0.0/25')), rule('allow', tcp(443), cidrs('10.0.0.128/25'))]);
    expect(compare(whole, halves).equivalent).toBe(true);
    const overlap = sg('c', [rule('allow', tcp(443), cidrs('10.0.0.0/24')), rule('allow', tcp(443), cidrs('10.0.0.64/26'))]);
    expect(compare(whole, overlap).equivalent).toBe(true);
    const short = sg('d', [rule('allow', tcp(443), cidrs('10.0.0.0/25'))]);
    const c = compare(whole, short);
    expect(c.equivalent).toBe(false);
    expect(c.onlyB).toHaveLength(0);
    expect(c.onlyA).toHaveLength(1);
    // exactly 10.0.0.128 - 10.0.0.255 differs
    expect(c.onlyA[0]!.region.src).toEqual([parseCidr('10.0.0.128')!.first, parseCidr('10.0.0.255')!.first]);
    expect(c.onlyA[0]!.example).toMatchObject({ protocol: 6, port: 443, src: '10.0.0.128' });
  });
});

describe('ports and protocols', () => {
  it('adjacent port ranges merge: 80-89 + 90-100 = 80-100', () => {
    const a = sg('a', [rule('allow', tcp(80, 89), any), rule('allow', tcp(90, 100), any)]);
    const b = sg('b', [rule('allow', tcp(80, 100), any)]);
    expect(compare(a, b).equivalent).toBe(true);
    expect(compare(a, sg('c', [rule('allow', tcp(80, 99), any)])).equivalent).toBe(false);
  });

  it('ICMP echo (8/0) is not all of ICMP, and type 8 is every code of type 8', () => {
    const echo = sg('a', [rule('allow', icmp(8, 0), any)]);
    const type8 = sg('b', [rule('allow', icmp(8), any)]);
    const all = sg('c', [rule('allow', icmp(), any)]);
    expect(compare(echo, all).equivalent).toBe(false);
    expect(compare(type8, all).equivalent).toBe(false);
    const c = compare(echo, type8);
    // codes 1..255 of type 8, once per address family (`any` peers cover IPv4 and IPv6)
    expect(c.onlyB.map((d) => [d.region.version, d.region.port])).toEqual([
      [4, [8 * 256 + 1, 8 * 256 + 255]],
      [6, [8 * 256 + 1, 8 * 256 + 255]],
    ]);
    expect(allows(echo, inFlow(1, '1.2.3.4', '10.0.0.1', { icmpType: 8, icmpCode: 0 })).allowed).toBe(true);
    expect(allows(echo, inFlow(1, '1.2.3.4', '10.0.0.1', { icmpType: 8, icmpCode: 1 })).allowed).toBe(false);
    expect(allows(echo, inFlow(1, '1.2.3.4', '10.0.0.1', { icmpType: 0, icmpCode: 0 })).allowed).toBe(false);
  });

  it('-1 (all protocols) is more than tcp + udp + icmp: it also allows other protocols', () => {
    const all = sg('a', [rule('allow', anyProto, any)]);
    const three = sg('b', [rule('allow', tcp(0, 65535), any), rule('allow', udp(0, 65535), any), rule('allow', icmp(), any)]);
    const c = compare(all, three);
    expect(c.equivalent).toBe(false);
    expect(c.onlyB).toHaveLength(0);
    const protocols = c.onlyA.map((d) => d.region.protocol);
    expect(protocols).toContainEqual([0, 0]); // HOPOPT
    expect(protocols).toContainEqual([2, 5]); // between icmp (1) and tcp (6)
    expect(allows(all, inFlow(47, '1.2.3.4', '10.0.0.1')).allowed).toBe(true);
    expect(allows(three, inFlow(47, '1.2.3.4', '10.0.0.1')).allowed).toBe(false);
  });

  it('IPv4 and IPv6 are separate: 0.0.0.0/0 does not allow IPv6 sources', () => {
    const v4 = sg('a', [rule('allow', tcp(22), cidrs('0.0.0.0/0'))]);
    const both = sg('b', [rule('allow', tcp(22), cidrs('0.0.0.0/0', '::/0'))]);
    const c = compare(v4, both);
    expect(c.onlyA).toHaveLength(0);
    expect(c.onlyB.map((d) => d.region.version)).toEqual([6]);
    expect(allows(v4, inFlow(6, '2001:db8::1', '2001:db8::2', { port: 22 })).allowed).toBe(false);
    expect(allows(both, inFlow(6, '2001:db8::1', '2001:db8::2', { port: 22 })).allowed).toBe(true);
  });
});

describe('first-match (NACL) ordering', () => {
  const denyThenAllow = acl('nacl', [rule('deny', tcp(22), cidrs('10.0.0.0/8'), { id: '100' }), rule('allow', tcp(0, 65535), any, { id: '200' })]);

  it('deny before allow wins for the denied part only', () => {
    const d1 = allows(denyThenAllow, inFlow(6, '10.1.1.1', '10.0.0.1', { port: 22 }));
    expect(d1).toMatchObject({ allowed: false, ruleIndex: 0, byDefault: false });
    const d2 = allows(denyThenAllow, inFlow(6, '11.1.1.1', '10.0.0.1', { port: 22 }));
    expect(d2).toMatchObject({ allowed: true, ruleIndex: 1 });
    const d3 = allows(denyThenAllow, inFlow(17, '11.1.1.1', '10.0.0.1', { port: 53 }));
    expect(d3).toMatchObject({ allowed: false, byDefault: true });
  });

  it('the same rules the other way round allow everything tcp', () => {
    const allowThenDeny = acl('nacl2', [denyThenAllow.rules[1]!, denyThenAllow.rules[0]!]);
    const c = compare(denyThenAllow, allowThenDeny);
    expect(c.onlyA).toHaveLength(0);
    expect(c.onlyB).toHaveLength(1);
    expect(c.onlyB[0]!.region).toMatchObject({ protocol: [6, 6], port: [22, 22] });
    expect(ruleUse(allowThenDeny).shadowed).toEqual([1]);
  });

  it('toAllowSet of deny-then-allow: tcp all ports except 22 from anywhere, plus 22 from outside 10/8', () => {
    const set = toAllowSet(denyThenAllow);
    expect(compare(denyThenAllow, set).equivalent).toBe(true);
    expect(set.rules.every((r) => r.action === 'allow')).toBe(true);
    expect(allows(set, inFlow(6, '10.1.1.1', '10.0.0.1', { port: 22 })).allowed).toBe(false);
    expect(allows(set, inFlow(6, '9.255.255.255', '10.0.0.1', { port: 22 })).allowed).toBe(true);
  });
});

describe('group references', () => {
  it('compare symbolically: equal only to the same reference, or under a mapping', () => {
    const a = sg('a', [rule('allow', tcp(5432), { kind: 'list', items: [{ kind: 'group', ref: 'sg-1@111' }] })]);
    const b = sg('b', [rule('allow', tcp(5432), { kind: 'list', items: [{ kind: 'group', ref: 'WebServers' }] })]);
    expect(compare(a, a).equivalent).toBe(true);
    expect(compare(a, b).equivalent).toBe(false);
    const mapRef = (k: string): string => (k === 'group:sg-1@111' ? 'group:WebServers' : k);
    expect(compare(a, b, { mapRef }).equivalent).toBe(true);
    // A CIDR is never taken to be a group's members, but the whole address space covers them.
    expect(compare(a, sg('c', [rule('allow', tcp(5432), cidrs('10.0.0.0/8'))])).equivalent).toBe(false);
    const world = sg('d', [rule('allow', tcp(5432), cidrs('0.0.0.0/0', '::/0')), ...a.rules]);
    expect(compare(world, sg('e', [rule('allow', tcp(5432), cidrs('0.0.0.0/0', '::/0'))])).equivalent).toBe(true);
  });
});
