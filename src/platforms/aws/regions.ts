/** The regions an account can use: DescribeRegions, enabled ones only (opt-in regions only once opted in). */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import type { AwsSession } from './session.js';

const ENABLED = new Set(['opt-in-not-required', 'opted-in']);

/** Enabled region names, sorted. Asks the session's default region (any enabled region can answer). */
export async function listRegions(session: AwsSession, askRegion?: string): Promise<string[]> {
  const ec2 = session.ec2(askRegion ?? session.defaultRegion());
  const out = await ec2.call('DescribeRegions', 'read', (c) => c.send(new DescribeRegionsCommand({ AllRegions: false })));
  return (out.Regions ?? [])
    .filter((r) => r.RegionName && (r.OptInStatus === undefined || ENABLED.has(r.OptInStatus)))
    .map((r) => r.RegionName!)
    .sort();
}
