import { Option, type Command } from 'commander';
import { EXIT, InputError, toInt } from '../../model/index.js';
import { DEFAULT_JOURNAL, formatPlan, Journal, newRunId, type Plan } from '../../plan/index.js';
import { connectHaloServers } from '../../platforms/halo/servers-client.js';
import {
  admit,
  checkWebhookUrl,
  exitCodeOf,
  recordedMoves,
  undoAdmit,
  undoExitCode,
  undoPlan,
  UNDO_WRITES,
  type AdmitProgress,
  type AdmitReport,
  type AdmitRequest,
  type GroupSummary,
  type WebhookDelivery,
} from '../../workflows/admit.js';
import type { WorkflowContext } from '../../workflows/context.js';
import { parseDuration } from '../../workflows/duration.js';
import { progressLine, renderAdmitReport, renderUndoReport } from '../admit-output.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { confirmApply } from '../confirm.js';
import { printableText } from '../printable.js';
import { toJson } from '../io.js';

interface AdmitOptions extends GlobalOptions {
  readonly from?: string;
  readonly to?: string;
  readonly concurrency: string;
  readonly retries: string;
  readonly timeout: string;
  readonly pollInterval: string;
  readonly maxCritical?: string;
  readonly maxNoncritical?: string;
  readonly requireRule: string[];
  readonly expectFirewallPolicy?: string;
  readonly reportWebhook?: string;
  readonly undo?: string;
  readonly watch?: boolean;
  readonly interval?: string;
  readonly journal: string;
}

/** The longest wait between two polls of one scan. */
const POLL_MAX_MS = 60_000;
/** Progress redraws per second, at most. */
const PROGRESS_EVERY_MS = 100;

/** `ruleport admit --from G --to G`: compliance-gated Halo group moves; `--undo RUN` reverses a run. */
export function registerAdmit(program: Command, env: CommandEnv): void {
  program
    .command('admit')
    .description('scan the servers of a Halo group and move those whose configuration scan passes to another group; exit 0 all admitted, 3 some not, 1 error')
    .option('--from <group>', 'source group: name, id or path (prod/web)')
    .option('--to <group>', 'destination group: name, id or path')
    .option('--concurrency <n>', 'servers scanned at once', '10')
    .option('--retries <n>', 're-launches of a failed scan', '2')
    .option('--timeout <duration>', 'per server, from launch to result (e.g. 15m)', '15m')
    .option('--poll-interval <duration>', 'first wait before polling a scan; doubles up to 1m', '5s')
    .option('--max-critical <n>', 'admit with up to n critical findings (default: only clean scans pass)')
    .option('--max-noncritical <n>', 'admit with up to n non-critical findings')
    .addOption(
      new Option('--require-rule <name>', 'a check that must be in the scan and pass (repeatable)')
        .argParser((v: string, all: string[]) => [...all, v])
        .default([], 'none'),
    )
    .option('--expect-firewall-policy <name>', 'refuse to admit unless the destination group has this firewall policy')
    .option('--report-webhook <url>', 'POST a JSON summary of the servers not admitted here')
    .option('--undo <run>', 'move the servers of an earlier run back to where they came from')
    .option('--watch', 'keep admitting servers as they arrive in the source group, until SIGINT/SIGTERM (--json: one JSON line per batch)')
    .option('--interval <duration>', 'with --watch: how often to look for new servers', '5m')
    .option('--journal <file>', 'journal of moves (for --undo)', DEFAULT_JOURNAL)
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<AdmitOptions>();
      const ctx = env.context(opts);
      if (opts.undo !== undefined) {
        await runUndo(opts.undo, opts, ctx, env);
        return;
      }
      const request = admitRequest(opts, cmd);
      const api = await connectHaloServers(opts, ctx);
      const run = newRunId();
      const journal = opts.dryRun ? undefined : new Journal(opts.journal, run);
      const progress = progressWriter(env, !!opts.json);
      const { result, signal } = await withStopSignals(env, (stop) =>
        admit(request, {
          api,
          ctx,
          run,
          ...(journal ? { journal } : {}),
          stop,
          confirm: async (from, to) => {
            if (opts.dryRun) return true;
            const plan = admitPlan(request, from, to);
            if (!opts.json) env.io.stderr.write(printableText(formatPlan(plan)));
            if (!(await confirmApply(plan, opts, env.io))) {
              env.io.stderr.write('nothing done\n');
              return false;
            }
            if (!opts.json) env.io.stderr.write(`run ${run} (journal ${opts.journal})\n`);
            return true;
          },
          events: { onProgress: progress.update },
          onBatch: (report, webhook) => {
            progress.clear();
            env.io.stdout.write(opts.json ? `${JSON.stringify({ kind: 'batch', ...report, ...(webhook ? { webhook } : {}) })}\n` : batchText(report, webhook));
          },
        }),
      );
      progress.clear();
      if (result === undefined) return;
      const { report, webhook } = result;
      if (request.watchIntervalMs !== undefined) {
        env.io.stdout.write(opts.json ? `${JSON.stringify({ kind: 'final', ...report })}\n` : watchSummary(report, signal));
      } else {
        env.io.stdout.write(opts.json ? `${toJson({ ...report, ...(webhook ? { webhook } : {}) })}\n` : renderAdmitReport(report, webhook));
      }
      env.setExit(exitCodeOf(report));
    });
}

/** Checks and converts the flags; InputError (exit 2) names the flag. */
function admitRequest(opts: AdmitOptions, cmd: Command): AdmitRequest {
  if (opts.from === undefined) throw new InputError({ field: '--from' }, 'required (the source group), or give --undo RUN');
  if (opts.to === undefined) throw new InputError({ field: '--to' }, 'required (the destination group)');
  if (!opts.watch && cmd.getOptionValueSource('interval') === 'cli') throw new InputError({ field: '--interval' }, 'only with --watch');
  const count = (v: string | undefined, field: string, min: number): number | undefined =>
    v === undefined ? undefined : toInt(v, min, 1_000_000, { field }, 'value');
  const duration = (v: string, field: string): number => {
    const ms = parseDuration(v, { field });
    if (ms <= 0) throw new InputError({ field }, 'must be more than 0');
    return ms;
  };
  if (opts.reportWebhook !== undefined && !checkWebhookUrl(opts.reportWebhook)) {
    throw new InputError({ field: '--report-webhook' }, 'expected an http(s) URL');
  }
  const maxCritical = count(opts.maxCritical, '--max-critical', 0);
  const maxNonCritical = count(opts.maxNoncritical, '--max-noncritical', 0);
  const pollInitialMs = duration(opts.pollInterval, '--poll-interval');
  return {
    from: opts.from,
    to: opts.to,
    criteria: {
      ...(maxCritical !== undefined ? { maxCritical } : {}),
      ...(maxNonCritical !== undefined ? { maxNonCritical } : {}),
      requiredRules: opts.requireRule,
    },
    timing: {
      timeoutMs: duration(opts.timeout, '--timeout'),
      retries: count(opts.retries, '--retries', 0)!,
      pollInitialMs,
      pollMaxMs: Math.max(pollInitialMs, POLL_MAX_MS),
    },
    concurrency: count(opts.concurrency, '--concurrency', 1)!,
    dryRun: !!opts.dryRun,
    ...(opts.expectFirewallPolicy !== undefined ? { expectFirewallPolicy: opts.expectFirewallPolicy } : {}),
    ...(opts.watch ? { watchIntervalMs: duration(opts.interval ?? '5m', '--interval') } : {}),
    ...(opts.reportWebhook !== undefined ? { webhook: opts.reportWebhook } : {}),
  };
}

/** What is about to happen, for confirmation: which servers move depends on their scans. */
function admitPlan(r: AdmitRequest, from: GroupSummary, to: GroupSummary): Plan {
  const c = r.criteria;
  const bar =
    c.maxCritical === undefined && c.maxNonCritical === undefined
      ? 'a clean SCA scan'
      : `an SCA scan with at most ${c.maxCritical ?? 0} critical and ${c.maxNonCritical ?? 0} non-critical findings`;
  return {
    title: `admit: scan the active servers of ${from.path}${r.watchIntervalMs !== undefined ? ' as they arrive' : ''}; move those that pass to ${to.path}`,
    changes: [{ kind: 'move', target: 'halo', object: `servers of ${from.path} with ${bar}`, where: `→ ${to.path}` }],
    notes: [
      ...c.requiredRules.map((rule) => `required check: ${rule}`),
      ...(r.expectFirewallPolicy !== undefined ? [`only if ${to.path} has firewall policy ${r.expectFirewallPolicy}`] : []),
    ],
    lossy: [],
  };
}

async function runUndo(run: string, opts: AdmitOptions, ctx: WorkflowContext, env: CommandEnv): Promise<void> {
  for (const flag of ['from', 'to', 'watch', 'maxCritical', 'maxNoncritical', 'expectFirewallPolicy', 'reportWebhook'] as const) {
    if (opts[flag] !== undefined) throw new InputError({ field: '--undo' }, `cannot be combined with --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  }
  const moves = recordedMoves(opts.journal, run);
  const plan = undoPlan(run, moves);
  if (!opts.json) env.io.stderr.write(printableText(formatPlan(plan)));
  const api = await connectHaloServers(opts, ctx);
  // A read-only key fails here, before anyone is asked to confirm.
  if (!opts.dryRun) await api.requireWrite(UNDO_WRITES);
  const apply = await confirmApply(plan, opts, env.io);
  if (!apply && !opts.dryRun) {
    env.io.stderr.write('nothing done\n');
    return;
  }
  const undoRun = newRunId();
  const report = await undoAdmit(run, moves, {
    api,
    run: undoRun,
    ...(opts.dryRun ? {} : { journal: new Journal(opts.journal, undoRun) }),
    concurrency: toInt(opts.concurrency, 1, 1_000_000, { field: '--concurrency' }, 'value'),
    dryRun: !!opts.dryRun,
  });
  env.io.stdout.write(opts.json ? `${toJson(report)}\n` : renderUndoReport(report));
  env.setExit(undoExitCode(report));
}

/**
 * Runs `work` with SIGINT/SIGTERM turned into a stop request: new servers are not started, in-flight ones
 * finish. A second signal exits at once.
 */
async function withStopSignals<T>(env: CommandEnv, work: (stop: AbortSignal) => Promise<T>): Promise<{ result: T; signal?: string }> {
  const controller = new AbortController();
  let received: string | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) process.exit(EXIT.interrupted);
    received = signal;
    env.io.stderr.write(`\n${signal}: finishing the servers in flight, then stopping (again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await work(controller.signal);
    return received !== undefined ? { result, signal: received } : { result };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A progress line on a terminal (stderr), redrawn in place; nothing otherwise. */
function progressWriter(env: CommandEnv, json: boolean): { update: (p: AdmitProgress) => void; clear: () => void } {
  const tty = !json && !!env.io.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      if (!tty) return;
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && p.done < p.total) return;
      last = now;
      shown = true;
      env.io.stderr.write(`\r\x1b[2K${progressLine(p)}`);
    },
    clear: () => {
      if (!shown) return;
      shown = false;
      env.io.stderr.write('\r\x1b[2K');
    },
  };
}

function batchText(report: AdmitReport, webhook: WebhookDelivery | undefined): string {
  return `${report.finishedAt} batch of ${report.totals.servers}:\n${renderAdmitReport(report, webhook)}`;
}

function watchSummary(report: AdmitReport, signal: string | undefined): string {
  const t = report.totals;
  return `watch stopped${signal ? ` (${signal})` : ''}: ${t.servers} servers handled, ${t.admitted} admitted, ${t.notAdmitted} not admitted (run ${report.run})\n`;
}
