/**
 * Applies a migration plan phase by phase — everything created before anything refers to it — with the changes of
 * one phase (independent of each other: one per group, direction or entry) running a few at a time. Each change
 * still goes through `applyPlan`, so it is journaled the same way. A failed phase stops the run before the next one;
 * a re-run plans afresh from what is there and converges.
 */
import pLimit from 'p-limit';
import { applyPlan, type ApplyResult, type Change, type Executor, type Journal, type Plan } from '../plan/index.js';

/** Changes in flight at once: the session's per-region limit is 8 calls. */
export const APPLY_CONCURRENCY = 8;

export async function applyInPhases<T>(
  plan: Plan<T>,
  execute: Executor<T>,
  phaseOf: (c: Change<T>) => number,
  options: { journal?: Journal; concurrency?: number } = {},
): Promise<ApplyResult> {
  const phases = new Map<number, Change<T>[]>();
  for (const c of plan.changes) {
    if (c.kind === 'keep') continue;
    const p = phaseOf(c);
    phases.set(p, [...(phases.get(p) ?? []), c]);
  }
  let applied = 0;
  const failed: ApplyResult['failed'][number][] = [];
  const limit = pLimit(options.concurrency ?? APPLY_CONCURRENCY);
  for (const p of [...phases.keys()].sort((a, b) => a - b)) {
    const results = await Promise.all(
      phases.get(p)!.map((change) =>
        limit(() => {
          // Once a change of this phase failed, the rest of it is not started: the run stops as soon as it can.
          if (failed.length > 0) return Promise.resolve<ApplyResult>({ applied: 0, failed: [] });
          return applyPlan({ ...plan, changes: [change] }, execute, options.journal ? { journal: options.journal } : {}).then((r) => {
            failed.push(...r.failed);
            return r;
          });
        }),
      ),
    );
    applied += results.reduce((n, r) => n + r.applied, 0);
    if (failed.length > 0) break;
  }
  return { applied, failed };
}
