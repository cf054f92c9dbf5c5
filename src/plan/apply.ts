import type { Change, Plan } from './change.js';
import type { Journal } from './journal.js';

/** Carries out one change on the target; throws when it fails (and, by contract, changed nothing). */
export type Executor<T> = (change: Change<T>) => Promise<void>;

export interface ApplyResult {
  readonly applied: number;
  readonly failed: ReadonlyArray<{ readonly object: string; readonly error: string }>;
}

export interface ApplyOptions {
  readonly journal?: Journal;
  /** Called after each change, for progress bars. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Keep going after a failed change (independent changes); default stop at the first failure. */
  readonly continueOnError?: boolean;
}

/**
 * Applies a plan's changes in order (`keep` changes are skipped), journaling each one before moving on.
 * Stopping at a failure leaves a state a re-run converges from: every change is idempotent at the
 * executor level, and the plan of the re-run is computed afresh from what is there.
 */
export async function applyPlan<T>(plan: Plan<T>, execute: Executor<T>, options: ApplyOptions = {}): Promise<ApplyResult> {
  const work = plan.changes.filter((c) => c.kind !== 'keep');
  const failed: Array<{ object: string; error: string }> = [];
  let applied = 0;
  for (const change of work) {
    const before = 'before' in change ? change.before : undefined;
    const after = 'after' in change ? change.after : undefined;
    try {
      await execute(change);
      applied++;
      options.journal?.append({ target: change.target, change: change.kind, object: change.object, before, after, result: 'ok' });
    } catch (e) {
      const error = (e as Error).message;
      failed.push({ object: change.object, error });
      options.journal?.append({ target: change.target, change: change.kind, object: change.object, before, after, result: 'failed', error });
      if (!options.continueOnError) break;
    } finally {
      options.onProgress?.(applied + failed.length, work.length);
    }
  }
  return { applied, failed };
}
