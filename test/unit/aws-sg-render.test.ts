/** Security group rendering: exact output, merging, splitting, refusals, and parse → render → parse identity. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UnsupportedError, type Policy } from '../../src/model/index.js';
import { parseSecurityGroups } from '../../src/platforms/aws-sg/parse.js';
import { renderSecurityGroup, type RenderedSecurityGroup } from '../../src/platforms/aws-sg/render.js';
import { sgQuotaProblems } from '../../src/platforms/aws-sg/quota.js';
import { policy, rule, ruleSet, tcp, v4, v6 } from './aws-test-rules.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/aws/${name}`, import.meta.url), 'utf8')) as unknown;

/** The describe-security-groups document a rendered group reads back as. */
function asDocument(p: Policy, r: RenderedSecurityGroup) {
  return {
    GroupId: p.meta?.id ?? 'sg-0test',
    GroupName: p.name,
    OwnerId: p.meta?.account,
    ...(p.directions.includes('egress') ? { VpcId: p.meta?.vpc ?? 'vpc-1' } : {}),
    Description: p.meta?.description,
    IpPermissions: r.ingress,
    IpPermissionsEgress: r.egress,
  };
}

const empty = { IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };

describe('renderSecurityGroup', () => {
  for (const name of ['sg-vpc-groups.json', 'sg-single-group.json', 'sg-classic-array.json', '../../../examples/sgs.json']) {
    it(`round-trips ${name} (parse → render → parse gives the same rules; rendering is idempotent)`, () => {
      for (const p of parseSecurityGroups(fixture(name), name)) {
        const rendered = renderSecurityGroup(p);
        const [back] = parseSecurityGroups(asDocument(p, rendered), name);
        expect(ruleSet(back!.rules)).toEqual(ruleSet(p.rules));
        expect(back!.directions).toEqual(p.directions);
        expect(renderSecurityGroup(back!)).toEqual(rendered);
      }
    });
  }

  it('merges rules with the same protocol and ports into one permission, keeping each description', () => {
    const out = renderSecurityGroup(
      policy([
        rule({ items: [v4('0.0.0.0/0')], description: 'web' }),
        rule({ items: [v6('::/0')] }),
        rule({ protocol: tcp(22), items: [v4('10.0.0.0/8')] }),
        rule({ items: [{ kind: 'group', ref: 'sg-0aa@111111111111', name: 'lb' }, { kind: 'prefix-list', id: 'pl-1' }] }),
        rule({ direction: 'egress', protocol: { kind: 'any' } }),
      ]),
    );
    expect(out).toEqual({
      ingress: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'web' }],
          Ipv6Ranges: [{ CidrIpv6: '::/0' }],
          PrefixListIds: [{ PrefixListId: 'pl-1' }],
          UserIdGroupPairs: [{ GroupId: 'sg-0aa', UserId: '111111111111' }],
        },
        { ...empty, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      ],
      egress: [{ ...empty, IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] }],
    });
  });

  it('splits ranges into exact CIDRs and several port ranges into several permissions', () => {
    const out = renderSecurityGroup(
      policy([
        rule({
          protocol: { kind: 'udp', ports: [{ from: 53, to: 53 }, { from: 5353, to: 5353 }] },
          items: [{ kind: 'range', first: '10.0.0.1', last: '10.0.0.6', version: 4 }],
        }),
      ]),
    );
    const cidrs = [{ CidrIp: '10.0.0.1/32' }, { CidrIp: '10.0.0.2/31' }, { CidrIp: '10.0.0.4/31' }, { CidrIp: '10.0.0.6/32' }];
    expect(out.ingress).toEqual([
      { ...empty, IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: cidrs },
      { ...empty, IpProtocol: 'udp', FromPort: 5353, ToPort: 5353, IpRanges: cidrs },
    ]);
  });

  it.each([
    [{ kind: 'icmp', icmp: {} }, { IpProtocol: 'icmp', FromPort: -1, ToPort: -1 }],
    [{ kind: 'icmp', icmp: { type: 3 } }, { IpProtocol: 'icmp', FromPort: 3, ToPort: -1 }],
    [{ kind: 'icmpv6', icmp: { type: 128, code: 0 } }, { IpProtocol: 'icmpv6', FromPort: 128, ToPort: 0 }],
    [{ kind: 'number', number: 50 }, { IpProtocol: '50' }],
    [{ kind: 'number', number: 6 }, { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 }],
    [{ kind: 'any' }, { IpProtocol: '-1' }],
  ] as const)('protocol %j → %j', (protocol, expected) => {
    const [perm] = renderSecurityGroup(policy([rule({ protocol, items: [v4('10.0.0.0/8')] })])).ingress;
    expect(perm).toEqual({ ...empty, ...expected, IpRanges: [{ CidrIp: '10.0.0.0/8' }] });
  });

  it('renders a first-match policy that only allows (order does not matter then)', () => {
    const out = renderSecurityGroup(policy([rule({ items: [v4('10.0.0.0/8')] })], { evaluation: 'first-match', stateful: false }));
    expect(out.ingress).toHaveLength(1);
  });

  const refusals: [string, Policy, RegExp][] = [
    ['a deny rule', policy([rule({ action: 'deny', origin: { platform: 'halo', id: 'r7' } })]), /^aws-sg: p ingress rule #1 \(halo r7\): a security group cannot deny$/],
    [
      'first-match order that matters',
      policy([rule({ action: 'deny', items: [v4('10.0.0.1/32')] }), rule({})], { evaluation: 'first-match' }),
      /#1 .*order matters; convert with toAllowSet first/,
    ],
    ['a local side', policy([rule({ local: { kind: 'list', items: [v4('10.0.1.5/32')] } })]), /#1 .*no local \(destination\) side/],
    ['negation', policy([rule({ peer: { kind: 'list', items: [v4('10.0.0.0/8')], negate: true } })]), /cannot negate/],
    ['a Halo group reference', policy([rule({ items: [{ kind: 'group', ref: 'web-servers' }] })]), /"web-servers" is not a security group/],
    ['a default of allow', policy([], { defaults: { ingress: 'allow', egress: 'deny' } }), /p default ingress action/],
  ];
  it.each(refusals)('refuses %s with UnsupportedError naming it', (_name, p, message) => {
    expect(() => renderSecurityGroup(p)).toThrowError(UnsupportedError);
    expect(() => renderSecurityGroup(p)).toThrowError(message);
  });

  it('keeps descriptions within what AWS accepts', () => {
    const [perm] = renderSecurityGroup(policy([rule({ items: [v4('10.0.0.0/8')], description: 'Zugang für <Büro> ✓' })])).ingress;
    expect(perm!.IpRanges![0]!.Description).toBe('Zugang f_r _B_ro_ _');
  });

  it('counts rules against the per-group quota per IP version', () => {
    const many = Array.from({ length: 61 }, (_, i) => rule({ items: [v4(`10.0.${i}.0/24`)] }));
    const out = renderSecurityGroup(policy([...many, rule({ items: [v6('::/0')] })]));
    expect(sgQuotaProblems('big', out)).toEqual([
      'big: 61 ingress IPv4 rules exceed the quota of 60 per group (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups)',
    ]);
  });
});
