/**
 * What live NACLs protect: the CIDR blocks (IPv4 and IPv6) of the subnets associated with them. A
 * describe-network-acls document names those subnets by id only, so the file parser leaves `protects` unknown; a
 * live read asks DescribeSubnets for their addresses, once for all the NACLs it read (chunked only past the id cap).
 */
import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { RemoteError, cidrItem, validatePolicy, type AddressItem, type Policy } from '../../model/index.js';
import { MAX_FILTER_VALUES, chunk } from '../aws/chunk.js';
import type { Ec2Handle } from '../aws/session.js';
import { describeSubnets, subnetCidrs } from '../aws/vpcs.js';
import type { NetworkAclsDocument } from './client.js';
import { parseNetworkAcls } from './parse.js';

/**
 * Parses a live describe-network-acls answer as the file parser does, then sets each NACL's `protects` to the CIDR
 * blocks of its associated subnets, in association order, IPv4 before IPv6 per subnet. A NACL associated with no
 * subnet protects nothing: `protects` is an empty list.
 * @param name the location's text, for messages (as `parseNetworkAcls` takes it).
 * When DescribeSubnets is not permitted (a role that may read NACLs only), `show`, `diff` and `lint` still work:
 * the NACLs keep `protectsUnknown`, saying which permission would tell.
 * @throws RemoteError when DescribeSubnets leaves out an associated subnet: a NACL's `protects` is all of its
 *   subnets or unknown, never part of them.
 */
export async function parseLiveNetworkAcls(ec2: Ec2Handle, doc: NetworkAclsDocument, name: string): Promise<Policy[]> {
  const policies = parseNetworkAcls(doc, name);
  const subnetIds = doc.NetworkAcls.map(associatedSubnets);
  const wanted = [...new Set(subnetIds.flat())];
  // No subnet id at all gives no batch, hence no call: DescribeSubnets without ids would list the whole region.
  const batches = chunk(wanted, MAX_FILTER_VALUES);
  let described;
  try {
    described = (await Promise.all(batches.map((ids) => describeSubnets(ec2, { subnetIds: ids })))).flat();
  } catch (e) {
    if (!(e instanceof RemoteError && (e.status === 403 || /^(UnauthorizedOperation|AccessDenied)/.test(e.problem)))) throw e;
    const why = `it protects its subnets, but DescribeSubnets was refused (${e.problem.split(':')[0]}: grant ec2:DescribeSubnets), so their addresses are unknown`;
    return policies.map((p) => validatePolicy({ ...p, protectsUnknown: why }));
  }
  const byId = new Map(described.map((s) => [s.SubnetId, s]));
  // parseNetworkAcls gives one policy per NACL, in document order.
  return policies.map((policy, i) => {
    const items = subnetIds[i]!.flatMap((id): AddressItem[] => {
      const subnet = byId.get(id);
      if (!subnet) throw new RemoteError('ec2', `DescribeSubnets (${ec2.region})`, `answer without subnet ${id}, associated with ${policy.name}`);
      const { ipv4, ipv6 } = subnetCidrs(subnet);
      return [...ipv4, ...ipv6].map((cidr) => cidrItem(cidr, { object: `ec2 DescribeSubnets (${ec2.region}) ${id}`, field: 'CidrBlock' }));
    });
    const { protectsUnknown: _learned, ...known } = policy;
    return validatePolicy({ ...known, protects: { kind: 'list', items } });
  });
}

/** The ids of the subnets associated with a NACL, each once. */
function associatedSubnets(acl: NetworkAcl): string[] {
  return [...new Set((acl.Associations ?? []).map((a) => a.SubnetId).filter((s): s is string => !!s))];
}
