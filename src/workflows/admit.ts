/**
 * `ruleport admit`: compliance-gated server-group membership on Halo. Scan the active servers of a source
 * group, admit those whose configuration scan passes into the destination group, report the rest (table,
 * JSON, webhook), journal every move so a run can be undone. Once, or continuously with watch.
 */
import { VerificationError } from '../model/index.js';
import { Admitter, type AdmitDeps, type AdmitSettings } from './admit/admitter.js';
import { failureSummary, groupSummary, type AdmitReport, type GroupSummary } from './admit/report.js';
import { SYSTEM_CLOCK } from './admit/scan-server.js';
import { watch } from './admit/watch.js';
import { postFailureSummary, type WebhookDelivery } from './admit/webhook.js';

export type { AdmitCriteria, JudgeResult, ScanEvidence, Verdict } from './admit/judge.js';
export type { AdmitDeps, AdmitEvents, AdmitProgress, AdmitSettings } from './admit/admitter.js';
export type { AdmitAction, AdmitReport, AdmitTotals, FailureSummary, GroupSummary, ServerOutcome } from './admit/report.js';
export { exitCodeOf, failureSummary } from './admit/report.js';
export type { ScanTiming, Clock } from './admit/scan-server.js';
export type { WebhookDelivery } from './admit/webhook.js';
export { checkWebhookUrl } from './admit/webhook.js';
export { recordedMoves, undoAdmit, undoExitCode, undoPlan, UNDO_WRITES } from './admit/undo.js';
export type { RecordedMove, UndoAction, UndoOutcome, UndoReport } from './admit/undo.js';

export interface AdmitRequest extends AdmitSettings {
  /** Watch mode: list the source group this often until stopped. */
  readonly watchIntervalMs?: number;
  /** POST the failure summary here (after the run; in watch mode after each batch). */
  readonly webhook?: string;
}

export interface AdmitRunDeps extends AdmitDeps {
  /** Watch mode: each batch's report (and its webhook delivery) as soon as the batch is done. */
  readonly onBatch?: (report: AdmitReport, webhook: WebhookDelivery | undefined) => void;
  /**
   * Asked once the key is known to be writable and both groups are resolved, before anything is scanned:
   * false cancels the run with nothing done. So a confirmation prompt shows the real groups, and a read-only
   * key or an unknown group fails before anyone is asked.
   */
  readonly confirm?: (from: GroupSummary, to: GroupSummary) => Promise<boolean>;
}

export interface AdmitResult {
  /** Every server handled (in watch mode: the whole session). */
  readonly report: AdmitReport;
  /** One-off run: the webhook delivery, when there were failures to post. */
  readonly webhook?: WebhookDelivery;
}

/**
 * Runs an admission; undefined when `confirm` declined. Throws (exit 1/2) only when the run cannot mean
 * anything: a read-only key, unknown groups, an unreadable source group, a destination with the wrong
 * firewall policy (`VerificationError`).
 */
export async function admit(request: AdmitRequest, deps: AdmitRunDeps): Promise<AdmitResult | undefined> {
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const admitter = new Admitter(request, deps);
  await admitter.prepare();
  if (deps.confirm && !(await deps.confirm(groupSummary(admitter.from), groupSummary(admitter.to)))) return undefined;
  const deliver = async (report: AdmitReport): Promise<WebhookDelivery | undefined> => {
    const summary = failureSummary(report);
    if (request.webhook === undefined || summary === undefined) return undefined;
    const delivery = await postFailureSummary(request.webhook, summary, clock);
    if (!delivery.delivered) deps.ctx.warn(`report webhook not delivered: ${delivery.error ?? 'unknown error'}`);
    return delivery;
  };

  if (request.watchIntervalMs !== undefined) {
    const report = await watch(admitter, {
      intervalMs: request.watchIntervalMs,
      clock,
      stop: deps.stop ?? new AbortController().signal,
      warn: deps.ctx.warn,
      onBatch: async (batch) => deps.onBatch?.(batch, await deliver(batch)),
    });
    return { report };
  }

  const servers = await admitter.listSource();
  const problem = await admitter.destinationProblem(servers);
  if (problem !== undefined) throw new VerificationError(`${problem}: nothing scanned or moved`);
  const outcomes = await admitter.admitAll(servers);
  admitter.checkKey();
  const report = admitter.report(outcomes);
  const webhook = await deliver(report);
  return webhook ? { report, webhook } : { report };
}
