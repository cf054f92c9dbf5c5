/**
 * What a live NACL protects when DescribeSubnets answers, and when the role may not call it: `show`, `diff` and
 * `lint` must keep working on NACLs alone, with the protected side unknown (so a PAN-OS conversion refuses it
 * rather than writing `any`). The EC2 handle is a stand-in answering by hand.
 */
import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../../src/model/index.js';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { parseLiveNetworkAcls } from '../../../src/platforms/aws-nacl/live-protects.js';

const ACL: NetworkAcl = {
  NetworkAclId: 'acl-0a1b2c3d4e5f60001',
  VpcId: 'vpc-0123456789abcdef0',
  IsDefault: false,
  Associations: [{ NetworkAclAssociationId: 'aclassoc-0a1b2c3d4e5f60001', NetworkAclId: 'acl-0a1b2c3d4e5f60001', SubnetId: 'subnet-0a1b2c3d4e5f60001' }],
  Entries: [{ RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } }],
};

/** A handle whose every call gives `answer` (or throws it). */
const handle = (answer: () => Promise<unknown>): Ec2Handle => ({ region: 'us-east-1', client: {} as Ec2Handle['client'], call: answer as Ec2Handle['call'] });

describe('live NACLs: what they protect', () => {
  it('the associated subnet\'s IPv4 and IPv6 blocks', async () => {
    const ec2 = handle(async () => ({
      Subnets: [{ SubnetId: 'subnet-0a1b2c3d4e5f60001', CidrBlock: '10.0.1.0/24', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2001:db8:1::/64', Ipv6CidrBlockState: { State: 'associated' } }] }],
    }));
    const [p] = await parseLiveNetworkAcls(ec2, { NetworkAcls: [ACL] }, 'aws:us-east-1/acl-0a1b2c3d4e5f60001');
    expect(p!.protects).toEqual({
      kind: 'list',
      items: [
        { kind: 'cidr', cidr: '10.0.1.0/24', version: 4 },
        { kind: 'cidr', cidr: '2001:db8:1::/64', version: 6 },
      ],
    });
    expect(p!.protectsUnknown).toBeUndefined();
  });

  it('DescribeSubnets refused (a role that may read NACLs only): the read works, the protected side is unknown and says why', async () => {
    const ec2 = handle(async () => {
      throw new RemoteError('ec2', 'DescribeSubnets (us-east-1)', 'UnauthorizedOperation: You are not authorized to perform this operation.', 403);
    });
    const [p] = await parseLiveNetworkAcls(ec2, { NetworkAcls: [ACL] }, 'aws:us-east-1/acl-0a1b2c3d4e5f60001');
    expect(p!.protects).toBeUndefined();
    expect(p!.protectsUnknown).toBe('it protects its subnets, but DescribeSubnets was refused (UnauthorizedOperation: grant ec2:DescribeSubnets), so their addresses are unknown');
    expect(p!.rules).toHaveLength(1);
  });

  it('any other failure still fails the read', async () => {
    const ec2 = handle(async () => {
      throw new RemoteError('ec2', 'DescribeSubnets (us-east-1)', 'InternalError: try again later (gave up after 8 attempts)', 500);
    });
    await expect(parseLiveNetworkAcls(ec2, { NetworkAcls: [ACL] }, 'aws:us-east-1/acl-0a1b2c3d4e5f60001')).rejects.toThrow('InternalError');
  });
});
