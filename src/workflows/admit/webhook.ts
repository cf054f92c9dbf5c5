/**
 * `--report-webhook URL`: POSTs the failure summary as JSON, for the engineers who own the servers or a
 * ticketing system. A webhook that fails never undoes or fails the admission: it is reported and the run
 * goes on. Webhook URLs often carry a secret in the path (chat hooks), so only the origin is ever shown.
 */
import type { FailureSummary } from './report.js';
import type { Clock } from './scan-server.js';

export interface WebhookDelivery {
  readonly delivered: boolean;
  /** HTTP status of the last attempt, when there was a response. */
  readonly status?: number;
  readonly error?: string;
}

const ATTEMPTS = 3;
const TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 1000;

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

/** POSTs `summary`; retries network errors, 429 and 5xx. */
export async function postFailureSummary(url: string, summary: FailureSummary, clock: Clock): Promise<WebhookDelivery> {
  let last: WebhookDelivery = { delivered: false, error: 'not attempted' };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'ruleport-admit' },
        body: JSON.stringify(summary),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      // The body is not ours to read, but it must be consumed so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { delivered: true, status: res.status };
      last = { delivered: false, status: res.status, error: `${webhookOrigin(url)} answered HTTP ${res.status}` };
      if (res.status !== 429 && res.status < 500) return last;
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      last = { delivered: false, error: `${webhookOrigin(url)} unreachable (${cause})` };
    }
    if (attempt < ATTEMPTS) await clock.sleep(RETRY_DELAY_MS * attempt);
  }
  return last;
}
