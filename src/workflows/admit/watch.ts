/**
 * `--watch`: admission control as servers arrive. Every interval the source group is listed; servers that
 * were not in it at the previous listing (and are not in flight) are admitted as one batch. A server that
 * was not admitted stays in the source group and is not re-scanned every interval: it is checked again when
 * it arrives anew, or by the next run. On stop, no new batch starts; in-flight servers finish.
 */
import { RuleportError } from '../../model/index.js';
import type { HaloServer } from '../../platforms/halo/servers-client.js';
import type { Admitter } from './admitter.js';
import { errorText } from './error-text.js';
import type { AdmitReport, ServerOutcome } from './report.js';
import type { Clock } from './scan-server.js';

export interface WatchOptions {
  readonly intervalMs: number;
  readonly clock: Clock;
  /** Aborted on SIGINT/SIGTERM. */
  readonly stop: AbortSignal;
  /** Each batch's report once all its servers are done. */
  readonly onBatch: (report: AdmitReport) => Promise<void>;
  readonly warn: (message: string) => void;
}

/** Runs until `stop` aborts; returns the report of every server handled. `admitter` must be prepared. */
export async function watch(admitter: Admitter, options: WatchOptions): Promise<AdmitReport> {
  const { clock } = options;
  // A key that turns out unable to launch scans ends the watch like a signal, then fails it (checkKey).
  const stop = AbortSignal.any([options.stop, admitter.refused]);
  const all: ServerOutcome[] = [];
  const inFlight = new Set<string>();
  const batches: Promise<void>[] = [];
  let previous = new Set<string>();
  let lastProblem: string | undefined;

  while (!stop.aborted) {
    try {
      const listed = await admitter.listSource();
      const arrivals = listed.filter((s) => !previous.has(s.id) && !inFlight.has(s.id));
      const problem = await admitter.destinationProblem(arrivals);
      if (problem !== undefined) {
        // Arrivals stay unseen, so they are taken on once the destination is right again.
        if (problem !== lastProblem) options.warn(`${problem}: not admitting until it is`);
      } else {
        previous = new Set(listed.map((s) => s.id));
        if (arrivals.length > 0 && !stop.aborted) batches.push(startBatch(admitter, arrivals, inFlight, all, options));
      }
      lastProblem = problem;
    } catch (e) {
      // A failed listing (after the transport's retries) must not end a watch: the next interval tries again.
      if (!(e instanceof RuleportError)) throw e;
      options.warn(`listing ${admitter.from.path} failed: ${e.message}; trying again in the next interval`);
    }
    await clock.sleep(options.intervalMs, stop);
  }
  await Promise.all(batches);
  admitter.checkKey();
  return admitter.report(all);
}

function startBatch(
  admitter: Admitter,
  servers: readonly HaloServer[],
  inFlight: Set<string>,
  all: ServerOutcome[],
  options: WatchOptions,
): Promise<void> {
  for (const s of servers) inFlight.add(s.id);
  return admitter.admitAll(servers).then(async (outcomes) => {
    for (const s of servers) inFlight.delete(s.id);
    all.push(...outcomes);
    try {
      await options.onBatch(admitter.report(outcomes));
    } catch (e) {
      // Reporting one batch must not end the watch (nor surface as an unhandled rejection).
      options.warn(`reporting a batch failed: ${errorText(e)}`);
    }
  });
}
