/**
 * One server's SCA scan, start to finish: launch, poll the command with backoff, re-launch a failed scan up
 * to the retry budget, read the latest result. Every way it can end is evidence for judge.ts, so one server's
 * trouble (gone, timed out, an API error) never stops the others. The one exception is a 403, which is about
 * the key rather than the server: it is thrown, for the caller to stop the run.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { RemoteError } from '../../model/index.js';
import { isNotFound, type HaloCommand, type HaloServer, type HaloServersApi, type ScaScan } from '../../platforms/halo/servers-client.js';
import { errorText } from './error-text.js';
import type { ScanEvidence } from './judge.js';

export interface ScanTiming {
  /** Per server: from the first launch to a result. */
  readonly timeoutMs: number;
  /** Re-launches after a failed scan. */
  readonly retries: number;
  /** First poll delay; it doubles (with jitter) up to pollMaxMs. */
  readonly pollInitialMs: number;
  readonly pollMaxMs: number;
}

/** Time, injectable so tests and benchmarks control it. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  // An aborted wait must also clear its timer, or a 5-minute watch interval would keep the process alive.
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined),
};

/** Reads of the result after the command completed, for a result that lags behind its command. */
const RESULT_READS = 3;
const FINAL = new Set(['completed_clean', 'completed_with_errors', 'failed']);

/**
 * Scans `server` and returns what came of it. `runStartedAt` (ISO) is the freshness floor when Halo does not
 * say when our command was created; otherwise the command's own server-side time is used, which no client
 * clock skew can fool.
 */
export async function scanServer(
  api: HaloServersApi,
  server: HaloServer,
  timing: ScanTiming,
  clock: Clock,
  runStartedAt: string,
): Promise<ScanEvidence> {
  const deadline = clock.now() + timing.timeoutMs;
  // The same deadline for the Halo calls themselves: a 429 storm's Retry-After waits must not outlast it.
  const calls = { signal: deadlineSignal(timing.timeoutMs) };
  let attempts = 0;
  let status = 'not launched';
  const timeout = (): ScanEvidence => ({ kind: 'timeout', timeoutMs: timing.timeoutMs, status, attempts });
  const sleepUpTo = async (ms: number): Promise<boolean> => {
    const left = deadline - clock.now();
    if (left <= 0) return false;
    await clock.sleep(Math.min(ms, left));
    return true;
  };

  try {
    launch: for (;;) {
      attempts++;
      let command: HaloCommand = await api.launchScan(server.id, calls);
      status = command.status;
      const notBefore = command.createdAt ?? runStartedAt;

      let delay = timing.pollInitialMs;
      while (command.status !== 'completed') {
        if (command.status === 'failed') {
          if (attempts <= timing.retries) continue launch;
          return { kind: 'scan-failed', attempts };
        }
        if (!(await sleepUpTo(jitter(delay)))) return timeout();
        delay = Math.min(delay * 2, timing.pollMaxMs);
        command = await api.getCommand(server.id, command.id, calls);
        status = command.status;
      }

      let scan: ScaScan | undefined;
      for (let read = 1; ; read++) {
        scan = await api.latestSca(server.id, calls);
        const fresh = scan !== undefined && Date.parse(scan.createdAt) >= Date.parse(notBefore);
        if (scan && fresh && scan.status === 'failed') {
          if (attempts <= timing.retries) continue launch;
          return { kind: 'scan-failed', attempts };
        }
        if (scan && fresh && FINAL.has(scan.status)) break;
        if (read >= RESULT_READS || !(await sleepUpTo(timing.pollInitialMs))) break;
      }
      if (!scan) return { kind: 'missing', attempts };
      status = scan.status;
      return { kind: 'result', scan, notBefore, attempts };
    }
  } catch (e) {
    if (isForbidden(e)) throw e;
    if (calls.signal?.aborted) return timeout();
    return explain(api, server, e);
  }
}

/** Node timers hold at most this many milliseconds; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A signal that aborts after `ms`; none for a deadline beyond what a timer can hold (24 days). */
export function deadlineSignal(ms: number): AbortSignal | undefined {
  return ms <= MAX_TIMER_MS ? AbortSignal.timeout(ms) : undefined;
}

/** True for a 403 from Halo: the key may not do this (a read-only key whose token did not say so). */
export function isForbidden(e: unknown): boolean {
  return e instanceof RemoteError && e.status === 403;
}

/** A failed call, explained: a server that vanished or went inactive is `gone`, anything else an error. */
async function explain(api: HaloServersApi, server: HaloServer, e: unknown): Promise<ScanEvidence> {
  const message = errorText(e);
  // 404 (the server or its command vanished) and 422 (an agent that is no longer active takes no commands).
  if (isNotFound(e) || (e instanceof RemoteError && e.status === 422)) {
    try {
      const now = await api.getServer(server.id);
      if (!now) return { kind: 'gone', detail: 'the server disappeared during the run' };
      if (now.state !== 'active') return { kind: 'gone', detail: `the server became ${now.state} during the run` };
    } catch {
      // Fall through to the original error: it says more than the failed look-up.
    }
  }
  return { kind: 'error', message };
}

/** ±20 %, so that hundreds of servers launched together do not poll in lockstep. */
function jitter(ms: number): number {
  return Math.max(1, Math.round(ms * (0.8 + Math.random() * 0.4)));
}
