import type { Instance, RouteTable } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { Policy, Rule } from '../../../src/model/index.js';
import { groupsInScope, internetPathThrough, internetRules, subnetsBehindFirewall, type FirewallTarget } from '../../../src/workflows/sync/scope.js';

const FW: FirewallTarget = { instanceId: 'i-0f00000001', interfaceIds: new Set(['eni-0f00000001']) };
const table = (routes: RouteTable['Routes'], assoc: RouteTable['Associations'] = []): RouteTable => ({ VpcId: 'vpc-1', Routes: routes, Associations: assoc });
const local = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' };

describe('internet path', () => {
  it('follows a default route to the firewall instance or one of its interfaces', () => {
    expect(internetPathThrough(table([local, { DestinationCidrBlock: '0.0.0.0/0', InstanceId: FW.instanceId }]), FW, 4)).toBe(true);
    expect(internetPathThrough(table([local, { DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: 'eni-0f00000001' }]), FW, 4)).toBe(true);
    expect(internetPathThrough(table([local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }]), FW, 4)).toBe(false);
  });

  it('takes the most specific route covering each half of the space (split routes)', () => {
    const split = [local, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }, { DestinationCidrBlock: '0.0.0.0/1', InstanceId: FW.instanceId }, { DestinationCidrBlock: '128.0.0.0/1', InstanceId: FW.instanceId }];
    expect(internetPathThrough(table(split), FW, 4)).toBe(true);
    // Only one half through the firewall: the other half escapes it.
    expect(internetPathThrough(table(split.slice(0, 3)), FW, 4)).toBe(false);
    // A /1 to the gateway overrides a default route to the firewall.
    expect(internetPathThrough(table([{ DestinationCidrBlock: '0.0.0.0/0', InstanceId: FW.instanceId }, { DestinationCidrBlock: '128.0.0.0/1', GatewayId: 'igw-1' }]), FW, 4)).toBe(false);
  });

  it('ignores blackhole routes and judges IPv6 on its own', () => {
    expect(internetPathThrough(table([{ DestinationCidrBlock: '0.0.0.0/0', InstanceId: FW.instanceId, State: 'blackhole' }]), FW, 4)).toBe(false);
    const v6 = table([{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }, { DestinationIpv6CidrBlock: '::/0', NetworkInterfaceId: 'eni-0f00000001' }]);
    expect(internetPathThrough(v6, FW, 4)).toBe(false);
    expect(internetPathThrough(v6, FW, 6)).toBe(true);
  });

  it('uses the explicit association, else the main table', () => {
    const main = { ...table([{ DestinationCidrBlock: '0.0.0.0/0', InstanceId: FW.instanceId }], [{ Main: true }]) };
    const other = table([{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1' }], [{ SubnetId: 'subnet-b' }]);
    const behind = subnetsBehindFirewall([main, other], [{ subnetId: 'subnet-a', vpcId: 'vpc-1' }, { subnetId: 'subnet-b', vpcId: 'vpc-1' }], FW);
    expect([...behind]).toEqual(['subnet-a']);
  });
});

const instance = (id: string, state: string, subnet: string, groups: string[], ip: string): Instance => ({
  InstanceId: id,
  State: { Name: state as 'running' },
  NetworkInterfaces: [{ SubnetId: subnet, Groups: groups.map((GroupId) => ({ GroupId })), PrivateIpAddresses: [{ PrivateIpAddress: ip }] }],
});

describe('groups in scope', () => {
  it('keeps groups of stopped instances but registers only active addresses; skips the firewall and other subnets', () => {
    const out = groupsInScope(
      [
        instance('i-1', 'running', 'subnet-a', ['sg-web'], '10.0.1.5'),
        instance('i-2', 'stopped', 'subnet-a', ['sg-web', 'sg-db'], '10.0.1.6'),
        instance('i-3', 'terminated', 'subnet-a', ['sg-old'], '10.0.1.7'),
        instance('i-4', 'running', 'subnet-x', ['sg-elsewhere'], '10.0.9.9'),
        instance(FW.instanceId, 'running', 'subnet-a', ['sg-fw'], '10.0.1.1'),
      ],
      new Set(['subnet-a']),
      FW,
    );
    expect(out).toEqual([
      { groupId: 'sg-db', addresses: [], instances: ['i-2'] },
      { groupId: 'sg-web', addresses: ['10.0.1.5'], instances: ['i-1', 'i-2'] },
    ]);
  });
});

const rule = (direction: 'ingress' | 'egress', peer: Rule['peer']): Rule => ({
  direction,
  action: 'allow',
  protocol: { kind: 'tcp', ports: [{ from: 443, to: 443 }] },
  peer,
  local: { kind: 'any' },
  origin: { platform: 'aws-sg' },
});
const cidr = (c: string, version: 4 | 6 = 4) => ({ kind: 'list' as const, items: [{ kind: 'cidr' as const, cidr: c, version }] });

describe('internet rules', () => {
  it('drops peers inside any VPC block and group references, resolves prefix lists', () => {
    const group: Policy = {
      name: 'web',
      platform: 'aws-sg',
      evaluation: 'allow-set',
      stateful: true,
      defaults: { ingress: 'deny', egress: 'deny' },
      directions: ['ingress', 'egress'],
      meta: { id: 'sg-web' },
      rules: [
        rule('ingress', cidr('0.0.0.0/0')),
        rule('ingress', cidr('10.0.3.0/24')),
        rule('ingress', cidr('100.64.1.0/24')),
        rule('ingress', cidr('2600:1f18:1:2::/64', 6)),
        rule('ingress', { kind: 'list', items: [{ kind: 'group', ref: 'sg-other@123456789012' }] }),
        rule('egress', { kind: 'list', items: [{ kind: 'prefix-list', id: 'pl-1' }] }),
      ],
    };
    const { rules, skipped } = internetRules(group, ['10.0.0.0/16', '100.64.0.0/16', '2600:1f18:1::/56'], new Map([['pl-1', ['198.51.100.0/24', '10.0.7.0/24']]]));
    expect(rules.map((r) => [r.direction, r.peer])).toEqual([
      ['ingress', cidr('0.0.0.0/0')],
      ['egress', cidr('198.51.100.0/24')],
    ]);
    expect(skipped.map((s) => `${s.rule} ${s.peer} ${s.reason}`)).toEqual([
      'ingress rule #2 10.0.3.0/24 inside the VPC',
      'ingress rule #3 100.64.1.0/24 inside the VPC',
      'ingress rule #4 2600:1f18:1:2::/64 inside the VPC',
      'ingress rule #5 sg-other@123456789012 group reference',
      'egress rule #6 10.0.7.0/24 (pl-1) inside the VPC',
    ]);
  });
});
