/**
 * Which AWS failures are retried: throttling always, server or network failures for reads only. The backoff and
 * the attempt loop are the platforms' shared ones (../retry.ts); the SDK's built-in retries are switched off so
 * that every call is retried the same way, counted, and its final error names the call.
 */
import type { RetryPolicy } from '../retry.js';

/** Whether a call may safely be repeated after an answer that might have been applied. */
export type CallKind = 'read' | 'write';

/** Tests against moto pass maxAttempts 1. */
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
