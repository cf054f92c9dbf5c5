/**
 * The `aws:` scheme of the location loader. Structurally a workflows LiveScheme (platforms import nothing from
 * workflows); the AWS SDK is loaded only when an `aws:` location is actually read, keeping file-only commands fast.
 */
import type { Policy } from '../../model/index.js';
import { AWS_LOCATION_SYNTAX, parseAwsLocation, type AwsConnection, type AwsInteraction } from './location-spec.js';

export const awsLiveScheme = {
  scheme: 'aws',
  syntax: AWS_LOCATION_SYNTAX,
  /**
   * Reads the policies of `aws:<spec>` (of every enabled region with `--all-regions`) with one session built from
   * the command's identity flags, closed afterwards.
   */
  async load(spec: string, ctx: { readonly connection: AwsConnection } & AwsInteraction): Promise<Policy[]> {
    const loc = parseAwsLocation(spec);
    const [{ AwsSession }, { loadAwsRegions, locationRegions, sessionOptionsFromConnection }] = await Promise.all([
      import('./session.js'),
      import('./live-location.js'),
    ]);
    const session = new AwsSession(sessionOptionsFromConnection(ctx.connection, ctx));
    try {
      return await loadAwsRegions(session, loc, await locationRegions(session, loc, ctx.connection.allRegions));
    } finally {
      session.destroy();
    }
  },
};
