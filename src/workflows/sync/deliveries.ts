/**
 * One delivery of events — a Lambda invocation, a replayed file, a batch from a queue — turned into at most one
 * reconcile run: unwrap it, read every CloudTrail log object it names, drop what is irrelevant or seen before,
 * and run once if anything is left.
 */
import { unwrap, emptyUnwrapped } from '../../events/envelope.js';
import { readLogObjects } from '../../events/log-objects.js';
import { summarise, type SeenEvents, type TriggerSummary } from '../../events/triggers.js';
import type { AwsSession } from '../../platforms/aws/session.js';
import type { WorkflowContext } from '../context.js';
import { syncOnce, type SyncEnvironment, type SyncRunOptions, type SyncRunReport } from './run.js';

export interface DeliveryResult {
  readonly summary: TriggerSummary;
  /** Log objects read from S3. */
  readonly objects: number;
  /** The run's report, when the delivery asked for one. */
  readonly report?: SyncRunReport;
}

export interface DeliveryDeps {
  readonly env: SyncEnvironment;
  /** Reads the S3 log objects. */
  readonly session: AwsSession;
  readonly seen: SeenEvents;
  readonly options: SyncRunOptions;
  readonly ctx: WorkflowContext;
}

/** Handles several deliveries that arrived together (a burst): at most one run for all of them. */
export async function handleDeliveries(events: readonly unknown[], deps: DeliveryDeps): Promise<DeliveryResult> {
  const batch = emptyUnwrapped();
  for (const e of events) unwrap(e, batch);
  const objects = batch.objects.splice(0);
  if (objects.length > 0) await readLogObjects(deps.session, objects, batch, deps.env.config.aws.regions[0]!);
  const summary = summarise(batch, deps.seen);
  deps.ctx.debug(
    `sync: ${summary.calls} call(s), ${summary.stateChanges} state change(s), ${summary.schedules} schedule(s), ${summary.duplicates} duplicate(s) from ${objects.length} log object(s)`,
  );
  if (!summary.run) return { summary, objects: objects.length };
  const report = await syncOnce(deps.env, deps.options, deps.ctx);
  return { summary, objects: objects.length, report };
}
