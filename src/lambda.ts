/**
 * The AWS Lambda handler of `ruleport sync panos`. One invocation — an S3 notification of CloudTrail log objects
 * (every record, every object), an EventBridge event, an SQS batch of either, or a scheduled event — is at most one
 * reconcile run with at most one commit. Nothing is replayed: AWS is re-read and the firewall converged.
 *
 * Settings (environment):
 * - `RULEPORT_CONFIG`: path of ruleport.yaml (default `ruleport.yaml` in the function's directory), or `RULEPORT_CONFIG_YAML`
 *   holding the file's text;
 * - `PANOS_API_KEY_SECRET`: the Secrets Manager secret (ARN or name) holding the firewall's API key — fetched once
 *   per container, never logged; `PANOS_API_KEY` is accepted for local runs;
 * - `PANOS_CA_FILE`: the firewall's CA bundle; `AWS_ENDPOINT_URL`: an AWS endpoint (emulators).
 * A failed run throws, so Lambda retries the delivery and finally hands it to the dead-letter queue.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './model/index.js';
import { getSecretText } from './platforms/aws/secrets.js';
import { AwsSession } from './platforms/aws/session.js';
import { SeenEvents } from './events/triggers.js';
import type { WorkflowContext } from './workflows/context.js';
import { loadSyncConfig, parseSyncConfig } from './workflows/sync/config.js';
import { handleDeliveries, type DeliveryResult } from './workflows/sync/deliveries.js';
import { buildSyncEnvironment, type BuiltSyncEnvironment } from './workflows/sync/environment.js';

/** What an invocation returns (and logs, one JSON line). */
export interface HandlerResult {
  readonly ran: boolean;
  readonly calls: number;
  readonly stateChanges: number;
  readonly schedules: number;
  readonly duplicates: number;
  readonly objects: number;
  readonly configChanges: number;
  readonly registered: number;
  readonly unregistered: number;
  readonly commitJob?: string;
}

const log = (level: string, message: string): void => {
  process.stdout.write(`${JSON.stringify({ level, message })}\n`);
};

const ctx: WorkflowContext = {
  connection: {},
  warn: (m) => log('warn', m),
  debug: (m) => {
    if (process.env.RULEPORT_DEBUG) log('debug', m);
  },
};

// Kept across invocations of a warm container: the connection, the key, the ids already handled.
let environment: Promise<BuiltSyncEnvironment> | undefined;
const seen = new SeenEvents();

function readConfig(): ReturnType<typeof loadSyncConfig> {
  const inline = process.env.RULEPORT_CONFIG_YAML;
  if (inline) return parseSyncConfig(inline, 'RULEPORT_CONFIG_YAML');
  const file = process.env.RULEPORT_CONFIG ?? join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'ruleport.yaml');
  if (!existsSync(file)) throw new InputError({ file }, 'no ruleport.yaml: set RULEPORT_CONFIG or RULEPORT_CONFIG_YAML');
  return loadSyncConfig(file);
}

/** The API key from Secrets Manager, read through an AWS session (credential chain, endpoint, retries). */
async function apiKey(region: string, endpoint: string | undefined): Promise<string | undefined> {
  const secret = process.env.PANOS_API_KEY_SECRET;
  if (!secret) return process.env.PANOS_API_KEY;
  const session = new AwsSession({ region, ...(endpoint ? { endpointUrl: endpoint } : {}) });
  try {
    return await getSecretText(session, region, secret);
  } finally {
    session.destroy();
  }
}

async function build(): Promise<BuiltSyncEnvironment> {
  const config = readConfig();
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const region = process.env.AWS_REGION ?? config.aws.regions[0]!;
  const key = await apiKey(region, endpoint);
  return buildSyncEnvironment(
    config,
    {
      aws: { region, ...(endpoint ? { endpointUrl: endpoint } : {}) },
      ...(process.env.PANOS_CA_FILE ? { caFile: process.env.PANOS_CA_FILE } : {}),
      env: { PANOS_API_KEY: key },
    },
    ctx,
  );
}

/** The Lambda entry point. */
export async function handler(event: unknown): Promise<HandlerResult> {
  environment ??= build().catch((e: unknown) => {
    environment = undefined;
    throw e;
  });
  const env = await environment;
  let result: DeliveryResult;
  try {
    result = await handleDeliveries([event], { env, session: env.session, seen, options: {}, ctx });
  } catch (e) {
    log('error', (e as Error).message);
    throw e;
  }
  const { summary, report } = result;
  const out: HandlerResult = {
    ran: report !== undefined,
    calls: summary.calls,
    stateChanges: summary.stateChanges,
    schedules: summary.schedules,
    duplicates: summary.duplicates,
    objects: result.objects,
    configChanges: report?.applied?.configChanges ?? 0,
    registered: report?.applied?.registered ?? 0,
    unregistered: report?.applied?.unregistered ?? 0,
    ...(report?.applied?.job ? { commitJob: report.applied.job.id } : {}),
  };
  log('info', JSON.stringify(out));
  return out;
}
