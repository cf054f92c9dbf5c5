/**
 * Everything a sync run talks to, built from the configuration and the caller's connection settings: the
 * firewall client, its target, and one AWS identity per configured account (the caller's own when none is
 * configured). Shared by the CLI and the Lambda handler.
 */
import { dirname, resolve } from 'node:path';
import { InputError } from '../../model/index.js';
import { AwsSession, type AwsSessionOptions } from '../../platforms/aws/session.js';
import { PanosClient } from '../../platforms/panos/client.js';
import { loadPanosAuth, loadPanosTls, parsePanosTarget, type PanosConnectOptions } from '../../platforms/panos/credentials.js';
import type { WorkflowContext } from '../context.js';
import type { SyncConfig } from './config.js';
import type { SyncEnvironment } from './run.js';

export interface SyncConnection extends PanosConnectOptions {
  /** Base AWS identity settings (profile, role, endpoint…); member accounts assume their role on top. */
  readonly aws: AwsSessionOptions;
  /** Environment to read PANOS_API_KEY / PANOS_PASSWORD from (the Lambda handler passes the secret this way). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface BuiltSyncEnvironment extends SyncEnvironment {
  /** The caller's own session (S3 log objects, SQS queues). */
  readonly session: AwsSession;
  close(): void;
}

/** Builds the environment; no request is made yet. @throws InputError for a bad location or missing credentials. */
export async function buildSyncEnvironment(config: SyncConfig, conn: SyncConnection, ctx: WorkflowContext): Promise<BuiltSyncEnvironment> {
  const location = config.firewall.location;
  if (!location.startsWith('panos:')) {
    throw new InputError({ file: config.file, object: 'key firewall.location' }, `expected panos:HOST[/vsysN], got ${JSON.stringify(location)}`);
  }
  const target = parsePanosTarget(location.slice('panos:'.length));
  // The command line (--api-key-file or --user) wins over ruleport.yaml; a path in ruleport.yaml is relative to it.
  const fromConfig = conn.user === undefined && config.firewall.apiKeyFile ? resolve(dirname(config.file), config.firewall.apiKeyFile) : undefined;
  const keyFile = conn.apiKeyFile ?? fromConfig;
  const panos: PanosConnectOptions = {
    ...(keyFile ? { apiKeyFile: keyFile } : {}),
    ...(conn.user ? { user: conn.user } : {}),
    ...(conn.caFile ? { caFile: conn.caFile } : {}),
    ...(conn.insecure ? { insecure: true } : {}),
  };
  const [auth, tls] = await Promise.all([loadPanosAuth(panos, ctx.warn, conn.env ?? process.env), loadPanosTls(panos, ctx.warn, target.baseUrl)]);
  ctx.debug(`sync: firewall ${target.baseUrl} ${target.vsys}, credentials from ${auth.source}`);
  const client = new PanosClient({ baseUrl: target.baseUrl, auth, tls, log: ctx.debug });
  const base = { ...conn.aws, log: (line: string) => ctx.debug(line) };
  const session = new AwsSession(base);
  const members = config.aws.accounts.map((a) => ({
    id: a.id,
    session: a.roleArn ? new AwsSession({ ...base, roleArn: a.roleArn, roleSessionName: 'ruleport-sync' }) : session,
  }));
  const accounts = members.length > 0 ? members : [{ session }];
  return {
    config,
    client,
    target,
    accounts,
    session,
    close: () => {
      for (const s of new Set([session, ...accounts.map((a) => a.session)])) s.destroy();
    },
  };
}
