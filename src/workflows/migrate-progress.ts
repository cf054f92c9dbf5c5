/**
 * Progress of a migration apply, counted in the objects users think in (groups, network ACLs) rather than API
 * calls: an object is done when the last of its changes has been applied.
 */
import type { Change } from '../plan/index.js';

export interface MigrationProgress {
  readonly region: string;
  /** `security groups`, `network ACLs`. */
  readonly unit: string;
  readonly done: number;
  readonly total: number;
  readonly changesDone: number;
  readonly changesTotal: number;
}

/**
 * Tracks which objects still have changes pending.
 * @param objectOf the object a change works on; undefined for changes that belong to none (they count as changes only).
 *   `keep` changes name objects that are already done.
 */
export function progressReporter<T>(
  changes: readonly Change<T>[],
  region: string,
  unit: string,
  objectOf: (c: Change<T>) => string | undefined,
  report: ((p: MigrationProgress) => void) | undefined,
): { done(c: Change<T>): void } {
  const pending = new Map<string, number>();
  const objects = new Set<string>();
  let changesTotal = 0;
  for (const c of changes) {
    const o = objectOf(c);
    if (o !== undefined) objects.add(o);
    if (c.kind === 'keep') continue;
    changesTotal++;
    if (o !== undefined) pending.set(o, (pending.get(o) ?? 0) + 1);
  }
  let changesDone = 0;
  const emit = (): void =>
    report?.({ region, unit, done: objects.size - pending.size, total: objects.size, changesDone, changesTotal });
  emit();
  return {
    done(c: Change<T>): void {
      changesDone++;
      const o = objectOf(c);
      if (o !== undefined && pending.has(o)) {
        const left = pending.get(o)! - 1;
        if (left === 0) pending.delete(o);
        else pending.set(o, left);
      }
      emit();
    },
  };
}
