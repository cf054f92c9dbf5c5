/** NACL rendering: numbering, expansion, refusals, and parse → render → parse identity. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnsupportedError, type Policy, type Rule } from '../../src/model/index.js';
import { parseNetworkAcls } from '../../src/platforms/aws-nacl/parse.js';
import { naclQuotaProblems } from '../../src/platforms/aws-nacl/quota.js';
import { renderNetworkAcl } from '../../src/platforms/aws-nacl/render.js';
import { parseSecurityGroups } from '../../src/platforms/aws-sg/parse.js';
import { policy, rule, ruleSet, tcp, v4, v6 } from './aws-test-rules.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/aws/${name}`, import.meta.url), 'utf8')) as unknown;
const nacl = (rules: Rule[], partial: Partial<Policy> = {}) =>
  policy(rules, { evaluation: 'first-match', stateful: false, platform: 'aws-nacl', ...partial });

describe('renderNetworkAcl', () => {
  for (const name of ['nacl-acls.json', '../../../examples/nacls.json']) {
    it(`round-trips ${name} keeping rule numbers`, () => {
      for (const p of parseNetworkAcls(fixture(name), name)) {
        const out = renderNetworkAcl(p);
        const [back] = parseNetworkAcls({ NetworkAclId: p.name, Entries: [...out.ingress, ...out.egress] }, name);
        expect(ruleSet(back!.rules, true)).toEqual(ruleSet(p.rules, true));
        expect(back!.rules.map((r) => r.origin.id)).toEqual(p.rules.map((r) => r.origin.id));
        expect(renderNetworkAcl(back!)).toEqual(out);
      }
    });
  }

  it('renders every protocol form', () => {
    const out = renderNetworkAcl(
      nacl([
        rule({ action: 'deny', protocol: tcp(22), items: [v4('203.0.113.0/24')] }),
        rule({ protocol: { kind: 'icmp', icmp: {} }, items: [v4('10.0.0.0/8')] }),
        rule({ protocol: { kind: 'icmpv6', icmp: { type: 128 } }, items: [v6('2001:db8::/32')] }),
        rule({ protocol: { kind: 'number', number: 47 }, items: [v4('198.51.100.7/32')] }),
        rule({ direction: 'egress', protocol: { kind: 'udp', ports: [{ from: 1024, to: 65535 }] }, items: [v4('0.0.0.0/0')] }),
      ]),
    );
    expect(out).toEqual({
      ingress: [
        { RuleNumber: 100, Egress: false, RuleAction: 'deny', Protocol: '6', PortRange: { From: 22, To: 22 }, CidrBlock: '203.0.113.0/24' },
        { RuleNumber: 110, Egress: false, RuleAction: 'allow', Protocol: '1', IcmpTypeCode: { Type: -1, Code: -1 }, CidrBlock: '10.0.0.0/8' },
        { RuleNumber: 120, Egress: false, RuleAction: 'allow', Protocol: '58', IcmpTypeCode: { Type: 128, Code: -1 }, Ipv6CidrBlock: '2001:db8::/32' },
        { RuleNumber: 130, Egress: false, RuleAction: 'allow', Protocol: '47', CidrBlock: '198.51.100.7/32' },
      ],
      egress: [{ RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: '17', PortRange: { From: 1024, To: 65535 }, CidrBlock: '0.0.0.0/0' }],
    });
  });

  it('renumbers when a rule needs several entries, keeping them consecutive', () => {
    const p = nacl([
      rule({ action: 'deny', origin: { platform: 'aws-nacl', id: '5' }, items: [v4('10.0.0.0/8')] }),
      rule({ origin: { platform: 'aws-nacl', id: '7' } }),
    ]);
    expect(renderNetworkAcl(p).ingress.map((e) => [e.RuleNumber, e.RuleAction, e.CidrBlock ?? e.Ipv6CidrBlock])).toEqual([
      [100, 'deny', '10.0.0.0/8'],
      [110, 'allow', '0.0.0.0/0'],
      [120, 'allow', '::/0'],
    ]);
  });

  it('renumbers when source numbers are out of order', () => {
    const p = nacl([
      rule({ origin: { platform: 'aws-nacl', id: '200' }, items: [v4('10.0.0.0/8')] }),
      rule({ origin: { platform: 'aws-nacl', id: '100' }, items: [v4('10.1.0.0/16')] }),
    ]);
    expect(renderNetworkAcl(p).ingress.map((e) => e.RuleNumber)).toEqual([100, 110]);
  });

  it('turns a default of allow into trailing allow-all entries', () => {
    const p = nacl([rule({ action: 'deny', items: [v4('10.0.0.0/8')] })], { defaults: { ingress: 'allow', egress: 'deny' } });
    const out = renderNetworkAcl(p);
    expect(out.ingress.map((e) => [e.RuleNumber, e.RuleAction, e.Protocol, e.CidrBlock ?? e.Ipv6CidrBlock])).toEqual([
      [100, 'deny', '6', '10.0.0.0/8'],
      [110, 'allow', '-1', '0.0.0.0/0'],
      [120, 'allow', '-1', '::/0'],
    ]);
    expect(out.egress).toEqual([]);
  });

  it.each([
    ['a security group reference', [rule({ items: [{ kind: 'group', ref: 'sg-1@123456789012' }] })], /cannot reference group "sg-1@123456789012"/],
    ['a prefix list', [rule({ items: [{ kind: 'prefix-list', id: 'pl-1' }] })], /cannot reference prefix list pl-1/],
    ['a local side', [rule({ local: { kind: 'list', items: [v4('10.0.0.5/32')] } })], /no local side/],
    ['negation', [rule({ peer: { kind: 'list', items: [v4('10.0.0.0/8')], negate: true } })], /cannot negate/],
  ])('refuses %s with UnsupportedError naming the rule', (_name, rules, message) => {
    expect(() => renderNetworkAcl(nacl(rules))).toThrowError(UnsupportedError);
    expect(() => renderNetworkAcl(nacl(rules))).toThrowError(message);
    expect(() => renderNetworkAcl(nacl(rules))).toThrowError(/^aws-nacl: p ingress rule #1 \(test\)/);
  });

  it('refuses the example security groups (group references) but renders CIDR-only groups', () => {
    const groups = parseSecurityGroups(fixture('../../../examples/sgs.json'), 'sgs.json');
    expect(() => renderNetworkAcl(groups.find((g) => g.name === 'app')!)).toThrowError(UnsupportedError);
    const web = parseSecurityGroups(fixture('sg-vpc-groups.json'), 'x')[0]!;
    const cidrOnly = { ...web, rules: web.rules.filter((r) => r.peer.kind === 'list' && r.peer.items.every((i) => i.kind === 'cidr')) };
    expect(renderNetworkAcl(cidrOnly).ingress.map((e) => e.RuleNumber)).toEqual([100, 110, 120, 130]);
  });

  it('reports entries over the quota', () => {
    const many = Array.from({ length: 21 }, (_, i) => rule({ items: [v4(`10.0.${i}.0/24`)] }));
    expect(naclQuotaProblems('acl-1', renderNetworkAcl(nacl(many)))).toEqual([
      'acl-1: 21 ingress entries exceed the quota of 20 per direction (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls)',
    ]);
  });
});
