/** The platforms' shared retry loop and backoff, against hand-computed delays and attempt counts. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetries, type AttemptOutcome, type RetryPolicy } from '../../src/platforms/retry.js';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

/** A loop whose waits and lines are recorded; the jitter draw is fixed at `draw`. */
function recorder(p: RetryPolicy = policy, draw = 0.5) {
  const waits: number[] = [];
  const lines: string[] = [];
  const loop = { policy: p, label: 'svc Call', pause: async (ms: number) => void waits.push(ms), onRetry: (l: string) => void lines.push(l), random: () => draw };
  return { loop, waits, lines };
}

describe('backoffDelay', () => {
  it('backs off exponentially with full jitter under a cap', () => {
    const p = { ...policy, maxAttempts: 8 };
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(p, a, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(p, 3, () => 0)).toBe(0);
  });

  it('adds the floor to every draw', () => {
    const p = { ...policy, minDelayMs: 50 };
    expect(backoffDelay(p, 1, () => 0)).toBe(50);
    expect(backoffDelay(p, 2, () => 0.5)).toBe(150);
  });
});

describe('withRetries', () => {
  it('stops at the first answer', async () => {
    const { loop, waits, lines } = recorder();
    const seen: number[] = [];
    const value = await withRetries(loop, async (n): Promise<AttemptOutcome<string>> => {
      seen.push(n);
      return n < 3 ? { kind: 'retry', why: 'HTTP 503', exhausted: () => 'gave up' } : { kind: 'done', value: 'ok' };
    });
    expect(value).toBe('ok');
    expect(seen).toEqual([1, 2, 3]);
    // 0.5 of the caps 100 and 200.
    expect(waits).toEqual([50, 100]);
    expect(lines).toEqual(['svc Call: HTTP 503, retry 2/4 in 50 ms', 'svc Call: HTTP 503, retry 3/4 in 100 ms']);
  });

  it('gives the last outcome its say once the attempts are used up, with no wait after the last', async () => {
    const { loop, waits } = recorder();
    let attempts = 0;
    const value = await withRetries(loop, async (n): Promise<AttemptOutcome<string>> => {
      attempts = n;
      return { kind: 'retry', why: 'Throttling', exhausted: () => `gave up after ${n}` };
    });
    expect(value).toBe('gave up after 4');
    expect(attempts).toBe(4);
    expect(waits).toEqual([50, 100, 200]);
  });

  it('waits what the other side asked for instead of the backoff', async () => {
    const { loop, waits } = recorder();
    await withRetries(loop, async (n): Promise<AttemptOutcome<number>> =>
      n === 1 ? { kind: 'retry', why: 'HTTP 429', delayMs: 3000, exhausted: () => 0 } : { kind: 'done', value: n },
    );
    expect(waits).toEqual([3000]);
  });

  it('with one attempt, never waits', async () => {
    const { loop, waits } = recorder({ ...policy, maxAttempts: 1 });
    await expect(
      withRetries(loop, async (): Promise<AttemptOutcome<number>> => ({
        kind: 'retry',
        why: 'x',
        exhausted: () => {
          throw new Error('final');
        },
      })),
    ).rejects.toThrow('final');
    expect(waits).toEqual([]);
  });

  it('lets an attempt throw to stop at once', async () => {
    const { loop, waits } = recorder();
    let attempts = 0;
    await expect(
      withRetries(loop, async (): Promise<AttemptOutcome<number>> => {
        attempts++;
        throw new Error('not retryable');
      }),
    ).rejects.toThrow('not retryable');
    expect(attempts).toBe(1);
    expect(waits).toEqual([]);
  });
});
