/**
 * Helpers for tests against moto_server: the worker's server, state reset, and sessions per region and account.
 *
 * Sessions must be created after `resetMoto`: a reset forgets the keys AssumeRole handed out, and moto then
 * attributes them to the default account.
 */
import { inject } from 'vitest';
import { AwsSession, type AwsSessionOptions, type Ec2Handle } from '../../src/platforms/aws/session.js';

/** moto's default account (what plain test credentials act as). */
export const DEFAULT_ACCOUNT = '123456789012';

/**
 * The moto server of this test worker ('' when moto is unavailable). Each worker has its own, so a reset in one
 * test file never clears the state of a test running in parallel.
 */
export function motoUrlForWorker(): string {
  const urls = inject('motoUrls') ?? [];
  if (urls.length === 0) return '';
  const pool = Number(process.env.VITEST_POOL_ID ?? '1');
  return urls[(Number.isFinite(pool) && pool > 0 ? pool - 1 : 0) % urls.length]!;
}

/** Clears every account and region of the server. */
export async function resetMoto(url: string): Promise<void> {
  const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
}

export interface MotoSessionOptions extends Partial<AwsSessionOptions> {
  /** Act as this account (AssumeRole into it); default: moto's default account. */
  readonly accountId?: string;
}

/** A session against moto with test credentials, retries off (moto's 500s are HTML and would only slow tests down). */
export function motoSession(url: string, options: MotoSessionOptions = {}): AwsSession {
  const { accountId, ...rest } = options;
  return new AwsSession({
    endpointUrl: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    ...(accountId && accountId !== DEFAULT_ACCOUNT ? { roleArn: `arn:aws:iam::${accountId}:role/ruleport-test` } : {}),
    ...rest,
  });
}

/** The EC2 client of `region` acting as `accountId` (default account when omitted). */
export function ec2For(url: string, region: string, accountId?: string): Ec2Handle {
  return motoSession(url, { region, ...(accountId ? { accountId } : {}) }).ec2(region);
}
