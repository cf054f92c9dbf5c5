/**
 * Reads live AWS locations (see location-spec.ts). A live location reads the same describe-* document
 * `ruleport export` writes and parses it with the file parsers, so a live read and export → parse give the
 * same policies.
 */
import type { Policy } from '../../model/index.js';
import { exportNetworkAcls, type NetworkAclsDocument } from '../aws-nacl/client.js';
import { parseNetworkAcls } from '../aws-nacl/parse.js';
import { exportSecurityGroups, type SecurityGroupsDocument } from '../aws-sg/client.js';
import { parseSecurityGroups } from '../aws-sg/parse.js';
import { formatAwsLocation, type AwsConnection, type AwsInteraction, type AwsLocation } from './location-spec.js';
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

/** The policies of a location, parsed exactly as a file holding its export would be. */
export async function loadAwsLocation(session: AwsSession, loc: AwsLocation): Promise<Policy[]> {
  const region = loc.region ?? session.defaultRegion();
  const doc = await exportAwsLocation(session, { ...loc, region });
  const name = formatAwsLocation(loc, region);
  return 'NetworkAcls' in doc ? parseNetworkAcls(doc, name) : parseSecurityGroups(doc, name);
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
