/**
 * Which destination subnets a migrated NACL is associated with: pairs given with `--associate src=dst`, then, with
 * `--associate-by cidr|name`, the destination subnet with the same IPv4 CIDR or the same `Name` tag. A source subnet
 * without a match is reported and left alone. Pure: the workflow reads subnets and NACLs and passes them in.
 */
import type { NetworkAcl, Subnet } from '@aws-sdk/client-ec2';
import { InputError } from '../model/index.js';
import { SUBNET_ID } from './migrate-selection.js';

export type AssociateBy = 'cidr' | 'name';

/** One destination subnet to move to the copy of a source NACL. */
export interface AssociationDecision {
  readonly sourceAcl: string;
  readonly sourceSubnet: string;
  readonly subnetId: string;
  /** How the pair was found: `--associate`, same CIDR, same Name tag. */
  readonly how: 'explicit' | 'cidr' | 'name';
  /** The NACL the destination subnet is on now, and the association that binds it. */
  readonly currentAcl: string;
  readonly associationId: string;
}

export interface AssociationInput {
  readonly sourceAcls: readonly NetworkAcl[];
  /** The subnets associated with the selected source NACLs. */
  readonly sourceSubnets: readonly Subnet[];
  /** Every subnet of the destination VPC. */
  readonly destinationSubnets: readonly Subnet[];
  /** Every NACL of the destination VPC (their associations say where each subnet is now). */
  readonly destinationAcls: readonly NetworkAcl[];
  readonly explicit: ReadonlyMap<string, string>;
  readonly by?: AssociateBy;
}

/** Parses `--associate subnet-src=subnet-dst` pairs. */
export function parseAssociations(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const [a, b, ...rest] = pair.split('=');
    if (rest.length > 0 || !a || !b || !SUBNET_ID.test(a) || !SUBNET_ID.test(b)) {
      throw new InputError({ field: '--associate' }, `expected subnet-SOURCE=subnet-DESTINATION, got ${JSON.stringify(pair)}`);
    }
    if (out.has(a) && out.get(a) !== b) throw new InputError({ field: '--associate' }, `${a} is mapped twice`);
    out.set(a, b);
  }
  return out;
}

export function parseAssociateBy(value: string | undefined): AssociateBy | undefined {
  if (value === undefined) return undefined;
  if (value === 'cidr' || value === 'name') return value;
  throw new InputError({ field: '--associate-by' }, `expected cidr or name, got ${JSON.stringify(value)}`);
}

/**
 * Decides the associations.
 * @returns the decisions and one note per source subnet left without a destination.
 * @throws InputError when an explicit pair names a subnet that is not on a selected NACL or not in the destination
 *   VPC, or when two source subnets would claim one destination subnet.
 */
export function decideAssociations(input: AssociationInput): { decisions: AssociationDecision[]; unmatched: string[] } {
  const aclOfSource = new Map<string, string>();
  for (const acl of input.sourceAcls) for (const a of acl.Associations ?? []) if (a.SubnetId) aclOfSource.set(a.SubnetId, acl.NetworkAclId!);
  const current = new Map<string, { acl: string; association: string }>();
  for (const acl of input.destinationAcls) {
    for (const a of acl.Associations ?? []) if (a.SubnetId && a.NetworkAclAssociationId) current.set(a.SubnetId, { acl: acl.NetworkAclId!, association: a.NetworkAclAssociationId });
  }
  const dstById = new Map(input.destinationSubnets.map((s) => [s.SubnetId!, s]));
  for (const [from, to] of input.explicit) {
    if (!aclOfSource.has(from)) throw new InputError({ field: '--associate' }, `${from} is not associated with a selected network ACL`);
    if (!dstById.has(to)) throw new InputError({ field: '--associate' }, `${to} is not a subnet of the destination VPC`);
  }
  const decisions: AssociationDecision[] = [];
  const unmatched: string[] = [];
  const claimed = new Map<string, string>();
  for (const src of [...input.sourceSubnets].sort((a, b) => (a.SubnetId! < b.SubnetId! ? -1 : 1))) {
    const from = src.SubnetId!;
    const sourceAcl = aclOfSource.get(from);
    if (!sourceAcl) continue;
    const match = findMatch(src, input);
    if (!match.subnet) {
      unmatched.push(`${from}${src.CidrBlock ? ` (${src.CidrBlock})` : ''} of ${sourceAcl}: ${match.why}`);
      continue;
    }
    const subnetId = match.subnet.SubnetId!;
    if (claimed.has(subnetId)) throw new InputError({ field: match.how === 'explicit' ? '--associate' : '--associate-by' }, `${claimed.get(subnetId)} and ${from} both map to ${subnetId}`);
    claimed.set(subnetId, from);
    const now = current.get(subnetId);
    if (!now) throw new InputError({ object: subnetId }, 'has no network ACL association in the destination');
    decisions.push({ sourceAcl, sourceSubnet: from, subnetId, how: match.how, currentAcl: now.acl, associationId: now.association });
  }
  return { decisions, unmatched };
}

function findMatch(src: Subnet, input: AssociationInput): { subnet?: Subnet; how: AssociationDecision['how']; why: string } {
  const explicit = input.explicit.get(src.SubnetId!);
  if (explicit) return { subnet: input.destinationSubnets.find((s) => s.SubnetId === explicit)!, how: 'explicit', why: '' };
  switch (input.by) {
    case undefined:
      return { how: 'explicit', why: 'not associated (use --associate or --associate-by)' };
    case 'cidr': {
      const subnet = input.destinationSubnets.find((s) => s.CidrBlock !== undefined && s.CidrBlock === src.CidrBlock);
      return subnet ? { subnet, how: 'cidr', why: '' } : { how: 'cidr', why: 'no destination subnet has this CIDR' };
    }
    case 'name': {
      const name = nameTag(src);
      if (name === undefined) return { how: 'name', why: 'the source subnet has no Name tag' };
      const same = input.destinationSubnets.filter((s) => nameTag(s) === name);
      if (same.length > 1) return { how: 'name', why: `${same.length} destination subnets are named ${JSON.stringify(name)}` };
      return same[0] ? { subnet: same[0], how: 'name', why: '' } : { how: 'name', why: `no destination subnet is named ${JSON.stringify(name)}` };
    }
    default: {
      const never: never = input.by;
      throw new Error(`unknown association mode ${String(never)}`);
    }
  }
}

function nameTag(s: Subnet): string | undefined {
  return s.Tags?.find((t) => t.Key === 'Name')?.Value;
}
