import { createInterface } from 'node:readline/promises';
import { InputError } from '../model/index.js';
import { isEmpty, type Plan } from '../plan/index.js';
import type { Io } from './io.js';

/**
 * Decides whether to apply a printed plan: never with --dry-run or an empty plan, always with --yes,
 * otherwise by asking on a TTY. Without a TTY and without --yes it refuses (exit 2), so a script never
 * applies by accident.
 */
export async function confirmApply(plan: Plan, opts: { dryRun?: boolean; yes?: boolean }, io: Io): Promise<boolean> {
  if (opts.dryRun || isEmpty(plan)) return false;
  if (opts.yes) return true;
  if (!io.stdin?.isTTY || !io.stderr.isTTY) {
    throw new InputError({ field: '--yes' }, 'refusing to apply without --yes when no one can confirm (not a terminal)');
  }
  const rl = createInterface({ input: io.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Apply this plan? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
