/**
 * Reads live AWS locations (see location-spec.ts). A live location reads the same describe-* document
 * `ruleport export` writes and parses it with the file parsers, so a live read and export → parse give the
 * same rules. Only what a document cannot hold differs: a live NACL's `protects` (its subnets' addresses), where
 * the document gives `protectsUnknown`; the export stays the plain describe-* JSON.
 */
import { InputError, type Policy } from '../../model/index.js';
import { exportNetworkAcls, type NetworkAclsDocument } from '../aws-nacl/client.js';
import { parseLiveNetworkAcls } from '../aws-nacl/live-protects.js';
import { exportSecurityGroups, type SecurityGroupsDocument } from '../aws-sg/client.js';
import { parseSecurityGroups } from '../aws-sg/parse.js';
import { formatAwsLocation, type AwsConnection, type AwsInteraction, type AwsLocation } from './location-spec.js';
import { listRegions } from './regions.js';
import type { AwsSession, AwsSessionOptions } from './session.js';
import { describeVpcs } from './vpcs.js';

/** The describe-* document of a location: what `ruleport export` prints. */
export async function exportAwsLocation(session: AwsSession, loc: AwsLocation): Promise<SecurityGroupsDocument | NetworkAclsDocument> {
  const region = loc.region ?? session.defaultRegion();
  const ec2 = session.ec2(region);
  const t = loc.target;
  switch (t.kind) {
    case 'region':
      return exportSecurityGroups(ec2);
    case 'sg':
      return exportSecurityGroups(ec2, { groupIds: t.ids });
    case 'vpc': {
      const doc = await exportSecurityGroups(ec2, { vpcId: t.id });
      // A VPC always has its default group: none means no such VPC here. Ask, to get AWS's own error.
      if (doc.SecurityGroups.length === 0) await describeVpcs(ec2, { vpcIds: [t.id] });
      return doc;
    }
    case 'acl':
      return exportNetworkAcls(ec2, { aclIds: t.ids });
    default: {
      const never: never = t;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The regions a location covers: its own (or the session's default), or with `allRegions` every enabled region
 * (DescribeRegions; opt-in regions only once opted in).
 * @throws InputError when `allRegions` meets a location that names a region or ids (ids live in one region).
 */
export async function locationRegions(session: AwsSession, loc: AwsLocation, allRegions = false): Promise<string[]> {
  if (!allRegions) return [loc.region ?? session.defaultRegion()];
  const text = formatAwsLocation(loc, loc.region ?? 'REGION');
  if (loc.region !== undefined) throw new InputError({ field: '--all-regions' }, `${text} already names region ${loc.region}`);
  if (loc.target.kind !== 'region') throw new InputError({ field: '--all-regions' }, `reads every group of every region (location aws:); ${loc.target.kind} ids belong to one region`);
  // DescribeRegions may be asked in any enabled region: --region or the profile's when set, else us-east-1.
  let ask = 'us-east-1';
  try {
    ask = session.defaultRegion();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
  return listRegions(session, ask);
}

/**
 * The describe-* document of a location over several regions: the regions' documents concatenated (one region
 * gives its document unchanged). Regions are read in parallel; the session bounds calls per region and in total.
 */
export async function exportAwsRegions(session: AwsSession, loc: AwsLocation, regions: readonly string[]): Promise<SecurityGroupsDocument | NetworkAclsDocument> {
  const docs = await Promise.all(regions.map((region) => exportAwsLocation(session, { ...loc, region })));
  if (docs.length === 1) return docs[0]!;
  const acls = docs.flatMap((d) => ('NetworkAcls' in d ? d.NetworkAcls : []));
  const groups = docs.flatMap((d) => ('SecurityGroups' in d ? d.SecurityGroups : []));
  return acls.length > 0 ? { NetworkAcls: acls } : { SecurityGroups: groups };
}

/**
 * The policies of a location in each of `regions`, read in parallel, in region order. Over several regions each
 * policy's `meta.region` says where it lives (ids and names alone do not).
 */
export async function loadAwsRegions(session: AwsSession, loc: AwsLocation, regions: readonly string[]): Promise<Policy[]> {
  const perRegion = await Promise.all(regions.map((region) => loadAwsLocation(session, { ...loc, region })));
  if (regions.length === 1) return perRegion[0]!;
  return perRegion.flatMap((policies, i) => policies.map((p) => ({ ...p, meta: { ...p.meta, region: regions[i]! } })));
}

/**
 * The policies of a location, parsed exactly as a file holding its export would be, except that a live NACL also
 * knows what it protects: its subnets' CIDR blocks (DescribeSubnets, one call for all the NACLs read).
 */
export async function loadAwsLocation(session: AwsSession, loc: AwsLocation): Promise<Policy[]> {
  const region = loc.region ?? session.defaultRegion();
  const doc = await exportAwsLocation(session, { ...loc, region });
  const name = formatAwsLocation(loc, region);
  return 'NetworkAcls' in doc ? parseLiveNetworkAcls(session.ec2(region), doc, name) : parseSecurityGroups(doc, name);
}

/** Session options from command flags: an MFA code from --mfa-token, else a prompt on a TTY, else none. */
export function sessionOptionsFromConnection(conn: AwsConnection, io: AwsInteraction = {}): AwsSessionOptions {
  const given = conn.mfaToken;
  const prompt = io.prompt;
  return {
    ...(conn.profile ? { profile: conn.profile } : {}),
    ...(conn.region ? { region: conn.region } : {}),
    ...(conn.roleArn ? { roleArn: conn.roleArn } : {}),
    ...(conn.externalId ? { externalId: conn.externalId } : {}),
    ...(conn.endpointUrl ? { endpointUrl: conn.endpointUrl } : {}),
    ...(given !== undefined
      ? { mfaToken: async () => given }
      : prompt
        ? { mfaToken: (serial: string) => prompt(`MFA code for ${serial}: `) }
        : {}),
    ...(io.debug ? { log: (line: string) => io.debug?.(line) } : {}),
  };
}
