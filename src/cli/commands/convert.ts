import type { Command } from 'commander';
import { InputError } from '../../model/index.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { addZoneOptions } from '../zone-options.js';
import { awsConvertTarget } from './convert-aws.js';
import { haloConvertTarget } from './convert-halo.js';
import { panosConvertTarget } from './convert-panos.js';

/**
 * One kind of `convert` target. `convert` itself only dispatches: each target adds its own flags and does
 * its own plan → apply → verify, so that a new target is a new file and one line below.
 */
export interface ConvertTarget {
  /** Help text for `--to`, e.g. `halo`, `panos:HOST[/vsysN]`. */
  readonly syntax: string;
  /** True when this target handles `--to <to>` (with or without `--out`). */
  matches(to: string): boolean;
  addOptions(cmd: Command): void;
  run(source: string, to: string, opts: GlobalOptions & Record<string, unknown>, env: CommandEnv): Promise<void>;
}

/** Every convert target; a platform adds one line. */
const TARGETS: readonly ConvertTarget[] = [
  haloConvertTarget,
  awsConvertTarget,
  panosConvertTarget,
];

/** `ruleport convert <source> --to <platform|location>`: translate, write, verify. */
export function registerConvert(program: Command, env: CommandEnv): void {
  const cmd = program
    .command('convert')
    .description('translate a policy to another platform, write it (file or live), and verify equivalence')
    .argument('<source>', 'file[#selector] or live location')
    .requiredOption('--to <target>', `target: ${TARGETS.map((t) => t.syntax).join(' | ') || 'none registered'}`)
    .option('--allow-lossy', 'accept a result that allows less than the source (the difference is still printed)');
  // The zone pair a PAN-OS source is read for, and the one a PAN-OS target is written for.
  addZoneOptions(cmd);
  for (const t of TARGETS) t.addOptions(cmd);
  cmd.action(async (source: string, _o: unknown, c: Command) => {
    const opts = c.optsWithGlobals<GlobalOptions & Record<string, unknown> & { to: string }>();
    const target = TARGETS.find((t) => t.matches(opts.to));
    if (!target) throw new InputError({ field: '--to' }, `unknown target ${JSON.stringify(opts.to)} (have: ${TARGETS.map((t) => t.syntax).join(', ')})`);
    await target.run(source, opts.to, opts, env);
  });
}
