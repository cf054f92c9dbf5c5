/**
 * Retrying a remote call, the same way for every platform: jittered exponential backoff between attempts, a
 * bounded number of attempts, one debug line per retry. What is worth retrying — which AWS error codes, which
 * HTTP statuses, whether a write may be repeated — is each platform's own decision, made per attempt.
 */

export interface RetryPolicy {
  /** Total attempts, including the first; 1 disables retries. */
  readonly maxAttempts: number;
  /** The backoff cap grows as base × 2^(attempt-1), up to maxDelayMs; the delay is uniform in [0, cap] ("full jitter"). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Added to every backoff delay, so that an unlucky draw near 0 does not retry at once (default 0). */
  readonly minDelayMs?: number;
}

/** The delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return (policy.minDelayMs ?? 0) + Math.floor(random() * cap);
}

/** What one attempt came to: an answer, or a failure worth another attempt. */
export type AttemptOutcome<T> =
  | { readonly kind: 'done'; readonly value: T }
  | {
      readonly kind: 'retry';
      /** Why, for the debug line: an error code or `HTTP 503`. Never a secret. */
      readonly why: string;
      /** A wait the other side asked for (Retry-After) instead of the backoff delay. */
      readonly delayMs?: number;
      /** The result once no attempt is left: the last answer, or (usually) a throw naming the call. */
      readonly exhausted: () => T;
    };

export interface RetryLoop {
  readonly policy: RetryPolicy;
  /** Names the call in the debug line (`panos config get …`). */
  readonly label: string;
  /** Waits between attempts (timers in production, a recorder in tests; may throw to stop the loop). */
  readonly pause: (ms: number) => Promise<void>;
  /** Receives one line per retry, before the wait. */
  readonly onRetry?: (line: string) => void;
  readonly random?: () => number;
}

/**
 * Runs `attempt(1)`, `attempt(2)`… until one is done, one throws, or the policy's attempts are used up (then the
 * last outcome's `exhausted`).
 */
export async function withRetries<T>(loop: RetryLoop, attempt: (n: number) => Promise<AttemptOutcome<T>>): Promise<T> {
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.kind === 'done') return outcome.value;
    if (n >= loop.policy.maxAttempts) return outcome.exhausted();
    const delay = outcome.delayMs ?? backoffDelay(loop.policy, n, loop.random);
    loop.onRetry?.(`${loop.label}: ${outcome.why}, retry ${n + 1}/${loop.policy.maxAttempts} in ${delay} ms`);
    await loop.pause(delay);
  }
}
