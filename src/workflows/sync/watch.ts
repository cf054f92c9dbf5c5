/**
 * `ruleport sync panos --watch`: a long-running controller. A full reconcile every interval, and — with a queue —
 * CloudTrail log notifications and EventBridge events read from SQS as they come: messages arriving within the
 * coalescing window make one run, and are deleted only after that run succeeded (otherwise SQS redelivers them and
 * the next run retries). A failed run never ends the watch. Stops on the abort signal.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { RuleportError } from '../../model/index.js';
import { SQS_MAX_WAIT_S, openQueue } from '../../platforms/aws/sqs.js';
import { handleDeliveries, type DeliveryDeps, type DeliveryResult } from './deliveries.js';

export interface SyncWatchOptions {
  readonly intervalMs: number;
  /** How long to keep collecting messages after the first of a burst. */
  readonly windowMs: number;
  readonly queueUrl?: string;
  readonly stop: AbortSignal;
  readonly onRun: (result: DeliveryResult) => void;
  readonly warn: (message: string) => void;
}

const SCHEDULE = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
export async function watchSync(deps: DeliveryDeps, options: SyncWatchOptions): Promise<void> {
  const { stop } = options;
  const queue = options.queueUrl ? openQueue(deps.session, options.queueUrl, deps.env.config.aws.regions[0]!) : undefined;
  const attempt = async (events: unknown[]): Promise<boolean> => {
    try {
      options.onRun(await handleDeliveries(events, deps));
      return true;
    } catch (e) {
      if (!(e instanceof RuleportError)) throw e;
      options.warn(`sync run failed: ${e.message}; the next trigger retries`);
      return false;
    }
  };
  let nextFull = Date.now();
  while (!stop.aborted) {
    if (Date.now() >= nextFull) {
      nextFull = Date.now() + options.intervalMs;
      // A schedule is always a new trigger: no id to deduplicate.
      await attempt([SCHEDULE]);
      continue;
    }
    if (!queue) {
      await sleep(nextFull - Date.now(), stop);
      continue;
    }
    let messages: Message[];
    try {
      messages = await queue.receive(Math.max(0, Math.min(SQS_MAX_WAIT_S, Math.floor((nextFull - Date.now()) / 1000))), stop);
      const windowEnd = Date.now() + options.windowMs;
      while (messages.length > 0 && Date.now() < windowEnd && !stop.aborted) {
        const more = await queue.receive(0, stop);
        if (more.length === 0) await sleep(Math.min(200, windowEnd - Date.now()), stop);
        messages.push(...more);
      }
    } catch (e) {
      if (stop.aborted) break;
      if (!(e instanceof RuleportError)) throw e;
      options.warn(`reading ${options.queueUrl} failed: ${e.message}`);
      await sleep(1000, stop);
      continue;
    }
    if (messages.length === 0) continue;
    const bodies = messages.map((m) => ({ Records: [{ eventSource: 'aws:sqs', body: m.Body ?? '' }] }));
    if (await attempt(bodies)) await queue.delete(messages);
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}
