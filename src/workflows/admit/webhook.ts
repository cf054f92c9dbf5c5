/**
 * `--report-webhook URL`: POSTs the failure summary as JSON, for the engineers who own the servers or a
 * ticketing system. A webhook that fails never undoes or fails the admission: it is reported and the run
 * goes on. Webhook URLs often carry a secret in the path (chat hooks), so only the origin is ever shown.
 */
import type { FailureSummary } from './report.js';
import type { Clock } from './scan-server.js';
import { withRetries, type RetryPolicy } from '../../platforms/retry.js';

export interface WebhookDelivery {
  readonly delivered: boolean;
  /** HTTP status of the last attempt, when there was a response. */
  readonly status?: number;
  readonly error?: string;
}

/** Three attempts, 1–2 s apart (jittered), 10 s each: a webhook must not hold up the report for long. */
const WEBHOOK_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 2000, minDelayMs: 500 };
const TIMEOUT_MS = 10_000;

/** Checks the URL up front (http or https), so a typo fails before any server is scanned. */
export function checkWebhookUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The URL as it may be shown: its origin only. */
export function webhookOrigin(url: string): string {
  return checkWebhookUrl(url)?.origin ?? 'the webhook';
}

/**
 * POSTs `summary`; retries network errors, 429 and 5xx. Redirects are not followed: the summary goes to the URL
 * the user gave, nowhere else.
 */
export async function postFailureSummary(url: string, summary: FailureSummary, clock: Clock): Promise<WebhookDelivery> {
  const origin = webhookOrigin(url);
  return withRetries<WebhookDelivery>({ policy: WEBHOOK_RETRY, label: `webhook ${origin}`, pause: (ms) => clock.sleep(ms) }, async () => {
    let last: WebhookDelivery;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'ruleport-admit' },
        body: JSON.stringify(summary),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      // The body is not ours to read, but it must be consumed so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { kind: 'done', value: { delivered: true, status: res.status } };
      last = { delivered: false, status: res.status, error: `${origin} answered HTTP ${res.status}` };
      if (res.status !== 429 && res.status < 500) return { kind: 'done', value: last };
      return { kind: 'retry', why: `HTTP ${res.status}`, exhausted: () => last };
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      last = { delivered: false, error: `${origin} unreachable (${cause})` };
      return { kind: 'retry', why: cause, exhausted: () => last };
    }
  });
}
