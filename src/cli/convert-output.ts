/**
 * The common end of every `convert` target: print the plan, confirm, apply (journaled), read back and compare,
 * report. Exit status: 0 when every result is equivalent (or --allow-lossy accepted the difference, which is
 * still printed), 1 when not or when a stateless source became stateful without --allow-lossy (lossy in kind:
 * the result admits replies the source's return rules may not have), 2 when the plan itself cannot be applied (a quota).
 */
import { EXIT, RemoteError, UnsupportedError, VerificationError } from '../model/index.js';
import { Journal, formatPlan, isEmpty, newRunId } from '../plan/index.js';
import type { Conversion, ConversionCheck } from '../workflows/conversion.js';
import { isLossyInKind } from '../workflows/statefulness.js';
import type { CommandEnv, GlobalOptions } from './command-env.js';
import { diffJson, renderDiff } from './commands/diff.js';
import { confirmApply } from './confirm.js';
import { toJson } from './io.js';
import { printableLine } from './printable.js';

export interface ConversionFlags extends GlobalOptions {
  readonly allowLossy?: boolean;
  readonly journal?: string;
}

export async function runConversion(conv: Conversion, opts: ConversionFlags, env: CommandEnv): Promise<void> {
  const { io } = env;
  const json = !!opts.json;
  const doc: Record<string, unknown> = { plan: conv.plan };
  const emit = (): void => {
    if (json) io.stdout.write(`${toJson({ ...doc, stats: conv.stats() })}\n`);
  };
  try {
    if (!json) io.stdout.write(formatPlan(conv.plan, conv.describe));
    if (conv.problems.length > 0) {
      doc.problems = conv.problems;
      if (!json) for (const p of conv.problems) io.stdout.write(`ERROR: ${p}\n`);
      emit();
      const more = conv.problems.length > 1 ? ` (and ${conv.problems.length - 1} more)` : '';
      throw new UnsupportedError('plan', 'not applied', `${conv.problems[0]}${more}`);
    }

    let checks: readonly ConversionCheck[];
    let written = false;
    if (isEmpty(conv.plan)) {
      checks = await conv.verify();
      // Targets left alone (they exist; no --update) are not compared: with none compared, nothing was shown to match.
      if (!json) io.stdout.write(checks.length > 0 ? 'no changes: the target already matches\n' : 'nothing written: every target exists and was left alone (notes above)\n');
      written = true;
    } else if (conv.output === 'live' ? await confirmApply(conv.plan, opts, io) : !opts.dryRun) {
      const run = newRunId();
      const journal = conv.output === 'live' && opts.journal ? new Journal(opts.journal, run) : undefined;
      const tty = !json && !!io.stderr.isTTY;
      const result = await conv.apply({
        ...(journal ? { journal } : {}),
        ...(tty ? { onProgress: (done: number, total: number) => io.stderr.write(`\rapplying ${done}/${total}`) } : {}),
      });
      if (tty) io.stderr.write('\n');
      const total = conv.plan.changes.filter((c) => c.kind !== 'keep').length;
      doc.applied = { run, count: result.applied, of: total, failed: result.failed };
      if (!json) io.stdout.write(`applied ${result.applied} of ${total} changes${journal ? ` (run ${run})` : ''}\n`);
      const outcome = conv.outcome?.() ?? [];
      if (outcome.length > 0) doc.outcome = outcome;
      if (!json) for (const line of outcome) io.stdout.write(`${line}\n`);
      const failure = result.failed[0];
      if (failure) {
        emit();
        throw new RemoteError('convert', `apply (${failure.object})`, `${failure.error}; ${result.applied} of ${total} changes applied: re-run the same command to resume`);
      }
      checks = await conv.verify();
      written = true;
    } else {
      if (!json) io.stdout.write(opts.dryRun ? 'dry run: nothing written\n' : 'nothing written\n');
      checks = conv.preview;
    }

    const equivalent = checks.every((c) => c.comparison.equivalent);
    // A stateless source written as a stateful target: the flows may match, the replies do not (see statefulness.ts).
    const inKind = checks.filter((c) => isLossyInKind(c.source, c.target)).map((c) => c.target.name);
    doc.verification = {
      readBack: written,
      equivalent,
      lossyInKind: inKind,
      results: checks.map((c) => diffJson(c.source, c.target, c.comparison)),
    };
    if (!json && checks.length > 0) {
      io.stdout.write(written ? 'verification (read back and compared):\n' : 'check of the plan (as it would be written):\n');
      for (const c of checks) {
        for (const line of renderDiff(c.source, c.target, c.comparison).trimEnd().split('\n')) io.stdout.write(`  ${line}\n`);
      }
    }
    emit();
    // Parts of the source the target cannot hold were left out before comparing (listed as LOSSY with the plan):
    // "equivalent" then speaks of the rest only, which the user must not mistake for the whole.
    if (conv.plan.lossy.length > 0 && !json) {
      io.stderr.write(`warning: ${conv.plan.lossy.length} part(s) of the source were not carried over (LOSSY above, accepted with --allow-lossy); the comparison covers the rest\n`);
    }
    const differing = checks.filter((c) => !c.comparison.equivalent).map((c) => c.target.name);
    // --allow-lossy accepts a result that allows less, never one that allows more.
    const onlyNarrower = checks.every((c) => c.comparison.onlyB.length === 0);
    if (!equivalent && !(opts.allowLossy && onlyNarrower)) {
      const hint = onlyNarrower ? '; --allow-lossy accepts a narrower result' : '; the result allows flows the source does not';
      throw new VerificationError(`not equivalent: ${differing.join(', ')} (the differing flows are listed above${hint})`);
    }
    if (inKind.length > 0) {
      const why = `stateless source → stateful result: ${inKind.join(', ')} admit(s) the replies to every flow allowed, where the source admitted a reply only if one of its return rules allowed it`;
      if (!opts.allowLossy) throw new VerificationError(`lossy in kind: ${why} (--allow-lossy accepts it)`);
      if (!json) io.stderr.write(`warning: ${printableLine(why)} (accepted with --allow-lossy)\n`);
    }
    if (!equivalent) {
      if (!json) io.stderr.write(`warning: ${differing.length} result(s) allow less than their source (accepted with --allow-lossy): ${printableLine(differing.join(', '))}\n`);
      return;
    }
    env.setExit(EXIT.ok);
  } finally {
    conv.close();
  }
}
