/**
 * The retry policy for AWS calls: jittered exponential backoff on throttling and on server or network failures,
 * then a typed error naming the call. Kept apart from the SDK's built-in retries (which are switched off) so that
 * every call is retried the same way, counted, and its final error names the call.
 */

/** Whether a call may safely be repeated after an answer that might have been applied. */
export type CallKind = 'read' | 'write';

export interface RetryPolicy {
  /** Total attempts, including the first; 1 disables retries (tests against moto use 1). */
  readonly maxAttempts: number;
  /** The backoff cap grows as base × 2^(attempt-1), up to maxDelayMs; the delay is uniform in [0, cap] ("full jitter"). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 20_000 };

/** Error codes AWS uses for throttling: never applied, always safe to retry. */
const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'BandwidthLimitExceeded',
]);

/** Answers that say the request was not (reliably) processed: server trouble, timeouts, dropped connections. */
const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'RequestExpired',
  'RequestTimeTooSkewed',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/** The fields of an SDK error that classify it. */
export interface ErrorFacts {
  readonly code: string;
  readonly status?: number;
}

export function errorFacts(err: unknown): ErrorFacts {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const code = [e.Code, e.code, e.name].find((v): v is string => typeof v === 'string' && v !== 'Error' && v !== '') ?? 'Error';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  return status === undefined ? { code } : { code, status };
}

export function isThrottling(facts: ErrorFacts): boolean {
  return THROTTLING.has(facts.code) || facts.status === 429;
}

/**
 * Throttling is retried for every call. Server errors and network failures are retried for reads only: a write
 * may have been applied before the answer was lost, and the plan/apply layer re-reads and reconciles instead.
 */
export function isRetryable(facts: ErrorFacts, kind: CallKind): boolean {
  if (isThrottling(facts)) return true;
  if (kind === 'write') return false;
  return TRANSIENT.has(facts.code) || (facts.status !== undefined && facts.status >= 500);
}

/** The delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}
