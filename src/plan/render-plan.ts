import { countByKind, type Change, type Plan } from './change.js';

const SIGN: Record<Change['kind'], string> = { create: '+', update: '~', delete: '-', move: '>', keep: '=' };

/** The plan as text: one line per change (keeps folded into a count), then notes and lossy items. */
export function formatPlan(plan: Plan, describe: (change: Change) => string = defaultDescribe): string {
  const lines = [plan.title];
  for (const c of plan.changes) if (c.kind !== 'keep') lines.push(`  ${SIGN[c.kind]} ${describe(c)}`);
  const n = countByKind(plan);
  lines.push(`plan: ${n.create} to create, ${n.update} to update, ${n.delete} to delete, ${n.move} to move, ${n.keep} unchanged`);
  for (const note of plan.notes) lines.push(`note: ${note}`);
  for (const l of plan.lossy) lines.push(`LOSSY: ${l}`);
  return `${lines.join('\n')}\n`;
}

function defaultDescribe(c: Change): string {
  return c.kind === 'move' ? `${c.target} ${c.object} ${c.where}` : `${c.target} ${c.object}`;
}
