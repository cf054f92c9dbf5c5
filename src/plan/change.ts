/**
 * Plans are data: the same list of changes is printed, serialised with --json, and executed.
 * (Pulumi's provider contract: check → diff → create/update/delete; preview and apply share one path.)
 */

/** One change to one object of a target system. `T` is the platform's object payload (plain JSON). */
export type Change<T = unknown> =
  | { readonly kind: 'create'; readonly target: string; readonly object: string; readonly after: T }
  | { readonly kind: 'update'; readonly target: string; readonly object: string; readonly before: T; readonly after: T }
  | { readonly kind: 'delete'; readonly target: string; readonly object: string; readonly before: T }
  | { readonly kind: 'move'; readonly target: string; readonly object: string; readonly where: string }
  | { readonly kind: 'keep'; readonly target: string; readonly object: string };

export type ChangeKind = Change['kind'];

export interface Plan<T = unknown> {
  /** What the plan does, one line: `migrate 12 security groups us-east-1 → eu-west-1`. */
  readonly title: string;
  readonly changes: readonly Change<T>[];
  /** Facts worth reading before applying: snapshots, mappings, skipped directions. */
  readonly notes: readonly string[];
  /** What the result will NOT allow that the source did (only with an explicit lossy flag). */
  readonly lossy: readonly string[];
}

/** The object a change acts on: the new state of a create or update, the old one of a delete; none for a move or keep. */
export function payloadOf<T>(c: Change<T>): T | undefined {
  return c.kind === 'create' || c.kind === 'update' ? c.after : c.kind === 'delete' ? c.before : undefined;
}

/** True when applying would change nothing. */
export function isEmpty(plan: Plan): boolean {
  return plan.changes.every((c) => c.kind === 'keep');
}

/** Counts per kind, for summaries. */
export function countByKind(plan: Plan): Record<ChangeKind, number> {
  const out: Record<ChangeKind, number> = { create: 0, update: 0, delete: 0, move: 0, keep: 0 };
  for (const c of plan.changes) out[c.kind]++;
  return out;
}
