/** Who the session is: STS GetCallerIdentity. */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { RemoteError } from '../../model/index.js';
import type { AwsSession } from './session.js';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

/** The account, ARN and user id of the session's credentials (after any role assumption). */
export async function callerIdentity(session: AwsSession, region?: string): Promise<CallerIdentity> {
  const sts = session.sts(region ?? session.defaultRegion());
  const out = await sts.call('GetCallerIdentity', 'read', (c) => c.send(new GetCallerIdentityCommand({})));
  if (!out.Account || !out.Arn) throw new RemoteError('sts', 'GetCallerIdentity', 'answer without an account');
  return { account: out.Account, arn: out.Arn, userId: out.UserId ?? '' };
}
