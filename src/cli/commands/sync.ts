import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../model/index.js';
import { parseLogBytes } from '../../events/log-objects.js';
import { SeenEvents } from '../../events/triggers.js';
import { sessionOptionsFromConnection } from '../../platforms/aws/live-location.js';
import { DEFAULT_JOURNAL, formatPlan, Journal, newRunId, type Change } from '../../plan/index.js';
import { parseDuration } from '../../workflows/duration.js';
import { loadSyncConfig } from '../../workflows/sync/config.js';
import { handleDeliveries, type DeliveryResult } from '../../workflows/sync/deliveries.js';
import { buildSyncEnvironment } from '../../workflows/sync/environment.js';
import type { SyncChange } from '../../workflows/sync/plan-firewall.js';
import { applySync, planSync, type SyncRunReport } from '../../workflows/sync/run.js';
import { watchSync } from '../../workflows/sync/watch.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { confirmApply } from '../confirm.js';
import { toJson } from '../io.js';

interface SyncOptions extends GlobalOptions {
  readonly once?: boolean;
  readonly watch?: boolean;
  readonly events?: string[];
  readonly confirmOnDevice?: boolean;
  readonly interval: string;
  readonly window: string;
  readonly queueUrl?: string;
  readonly commitTimeout: string;
  readonly journal: string;
}

/** `ruleport sync panos`: keep a PAN-OS rulebase in step with the security groups behind the firewall. */
export function registerSync(program: Command, env: CommandEnv): void {
  const sync = program.command('sync').description('keep a policy in step with AWS as it changes');
  sync
    .command('panos')
    .description('converge a PAN-OS rulebase (and User-ID registrations) to the security groups of the instances behind the firewall; exit 0 done, 1 run failed, 2 bad input')
    .option('--once', 'one full reconcile: plan shown, applied on confirmation or with --yes')
    .option('--watch', 'keep reconciling: every --interval, and on events from --queue-url, until SIGINT/SIGTERM')
    .option('--events <file...>', 'replay CloudTrail log files (.json/.json.gz) or EventBridge events: one run for all of them')
    .option('--confirm-on-device', 'ask the firewall (test security-policy-match) about every rule found already allowed')
    .option('--interval <duration>', 'with --watch: full reconcile period', '5m')
    .option('--window <duration>', 'with --watch: events arriving within this window make one run', '10s')
    .option('--queue-url <url>', 'with --watch: SQS queue of CloudTrail S3 notifications and EventBridge events')
    .option('--commit-timeout <duration>', 'how long to wait for the commit job', '15m')
    .option('--journal <file>', 'journal of applied changes', DEFAULT_JOURNAL)
    .action(async (_o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<SyncOptions>();
      const modes = [opts.once, opts.watch, opts.events !== undefined].filter(Boolean).length;
      if (modes !== 1) throw new InputError({ field: '--once/--watch/--events' }, 'give exactly one of --once, --watch, --events FILE');
      if (!opts.config) throw new InputError({ field: '--config' }, 'sync needs its configuration: --config ruleport.yaml');
      if ((opts.watch || opts.events) && !opts.dryRun && !opts.yes) {
        throw new InputError({ field: '--yes' }, `${opts.watch ? '--watch' : '--events'} changes the firewall unattended: pass --yes (or --dry-run)`);
      }
      const commitTimeoutMs = parseDuration(opts.commitTimeout, { field: '--commit-timeout' });
      const config = loadSyncConfig(opts.config);
      const ctx = env.context(opts);
      const built = await buildSyncEnvironment(
        config,
        {
          aws: sessionOptionsFromConnection(opts, { ...(ctx.prompt ? { prompt: ctx.prompt } : {}), debug: ctx.debug }),
          ...(opts.apiKeyFile ? { apiKeyFile: opts.apiKeyFile } : {}),
          ...(opts.user ? { user: opts.user } : {}),
          ...(opts.caFile ? { caFile: opts.caFile } : {}),
          ...(opts.insecure ? { insecure: true } : {}),
        },
        ctx,
      );
      const journal = opts.dryRun ? undefined : new Journal(opts.journal, newRunId());
      const runOptions = {
        ...(opts.dryRun ? { dryRun: true } : {}),
        ...(opts.confirmOnDevice ? { confirmOnDevice: true } : {}),
        ...(journal ? { journal } : {}),
        commitTimeoutMs,
      };
      const out = env.io.stdout;
      try {
        if (opts.once) {
          const planned = await planSync(built, runOptions, ctx);
          if (!opts.json) out.write(describePlan(planned));
          if (!(await confirmApply(planned.plan, opts, env.io))) {
            if (opts.json) out.write(`${toJson(reportJson(planned))}\n`);
            return;
          }
          const report = await applySync(built, planned, runOptions);
          out.write(opts.json ? `${toJson(reportJson(report))}\n` : outcomeLine(report));
          return;
        }
        const deps = { env: built, session: built.session, seen: new SeenEvents(), options: runOptions, ctx };
        const print = (r: DeliveryResult): void => {
          if (opts.json) out.write(`${JSON.stringify({ ...r.summary, objects: r.objects, ...(r.report ? { run: reportJson(r.report) } : {}) })}\n`);
          else if (r.report) out.write(`${describePlan(r.report)}${outcomeLine(r.report)}`);
          else out.write(`no run: ${r.summary.calls + r.summary.stateChanges} new trigger(s), ${r.summary.duplicates} duplicate(s), ${ignoredCount(r)} ignored\n`);
        };
        if (opts.events) {
          const events = opts.events.map((file) => {
            let bytes: Buffer;
            try {
              bytes = readFileSync(file);
            } catch (e) {
              throw new InputError({ file }, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
            }
            return parseLogBytes(bytes, file);
          });
          print(await handleDeliveries(events, deps));
          return;
        }
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          await watchSync(deps, {
            intervalMs: parseDuration(opts.interval, { field: '--interval' }),
            windowMs: parseDuration(opts.window, { field: '--window' }),
            ...(opts.queueUrl ? { queueUrl: opts.queueUrl } : {}),
            stop: stop.signal,
            onRun: print,
            warn: ctx.warn,
          });
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      } finally {
        built.close();
      }
    });
}

function ignoredCount(r: DeliveryResult): number {
  return Object.values(r.summary.ignored).reduce((a, b) => a + (b ?? 0), 0);
}

function describeChange(c: Change): string {
  const s = c as SyncChange;
  return s.kind === 'move' ? `${s.object} ${s.where}` : s.object;
}

function describePlan(r: SyncRunReport): string {
  const lines = [formatPlan(r.plan, describeChange).trimEnd()];
  lines.push(`scope: ${r.groups} security group(s) behind the firewall; ${r.skipped.length} peer(s) left out (inside the VPC or group references)`);
  return `${lines.join('\n')}\n`;
}

function outcomeLine(r: SyncRunReport): string {
  const a = r.applied;
  if (!a) return 'dry run: nothing changed\n';
  const commit = a.job ? `committed (job ${a.job.id})` : a.configChanges > 0 ? 'nothing to commit' : 'no commit needed';
  return `applied: ${a.configChanges} configuration change(s), ${commit}; User-ID: ${a.registered} registered, ${a.unregistered} unregistered\n`;
}

function reportJson(r: SyncRunReport): unknown {
  return {
    target: r.plan.title,
    changes: r.plan.changes.filter((c) => c.kind !== 'keep'),
    unchanged: r.plan.changes.filter((c) => c.kind === 'keep').length,
    notes: r.plan.notes,
    alreadyAllowed: r.alreadyAllowed,
    skipped: r.skipped,
    groups: r.groups,
    ...(r.applied ? { applied: { ...r.applied, job: r.applied.job?.id } } : {}),
  };
}
