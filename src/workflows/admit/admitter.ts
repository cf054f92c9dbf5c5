/**
 * The admission machinery shared by a one-off run and watch mode: check the key, resolve the groups, then
 * for each server scan → judge → move → read back → journal, with one concurrency bound for the whole run.
 * Each server ends as an outcome whatever happens to it; only failures that make the run itself meaningless
 * (a read-only key, unknown groups, the source group unreadable) throw.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { InputError } from '../../model/index.js';
import type { Journal } from '../../plan/index.js';
import type { HaloGroup, HaloServer, HaloServersApi } from '../../platforms/halo/servers-client.js';
import type { WorkflowContext } from '../context.js';
import { destinationPolicyProblem } from './destination-policy.js';
import { errorText } from './error-text.js';
import { judge, type AdmitCriteria, type Verdict } from './judge.js';
import { moveAndConfirm } from './move-server.js';
import { groupSummary, outcomeOf, totalsOf, type AdmitReport, type ServerOutcome } from './report.js';
import { resolveGroup } from './resolve-group.js';
import { isForbidden, scanServer, SYSTEM_CLOCK, type Clock, type ScanTiming } from './scan-server.js';

export interface AdmitSettings {
  /** Source and destination group: id, name or path. */
  readonly from: string;
  readonly to: string;
  readonly criteria: AdmitCriteria;
  readonly timing: ScanTiming;
  /** Servers in flight at once. */
  readonly concurrency: number;
  /** Scan and judge; move nothing, journal nothing. */
  readonly dryRun: boolean;
  readonly expectFirewallPolicy?: string;
}

/** Live progress, for a progress line on a terminal. */
export interface AdmitProgress {
  /** Servers taken on so far (all cycles, in watch mode). */
  readonly total: number;
  readonly inFlight: number;
  readonly done: number;
  readonly admitted: number;
}

export interface AdmitEvents {
  onProgress?(progress: AdmitProgress): void;
  onServerDone?(outcome: ServerOutcome): void;
}

export interface AdmitDeps {
  readonly api: HaloServersApi;
  readonly ctx: WorkflowContext;
  /** The run id journal entries carry. */
  readonly run: string;
  /** Where moves are recorded; required unless dry-run. */
  readonly journal?: Journal;
  readonly clock?: Clock;
  /** Aborted on SIGINT/SIGTERM: servers not started yet are left alone, in-flight ones finish. */
  readonly stop?: AbortSignal;
  readonly events?: AdmitEvents;
}

export class Admitter {
  private readonly limit: LimitFunction;
  private readonly clock: Clock;
  private readonly startedAt: string;
  private groups?: { from: HaloGroup; to: HaloGroup };
  private progress = { total: 0, inFlight: 0, done: 0, admitted: 0 };
  /** Aborted when Halo refuses a scan launch (403): no further server is started. */
  private readonly refusal = new AbortController();

  constructor(
    readonly settings: AdmitSettings,
    private readonly deps: AdmitDeps,
  ) {
    if (!settings.dryRun && !deps.journal) throw new Error('Admitter: a journal is required unless dry-run');
    this.limit = pLimit(settings.concurrency);
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.startedAt = new Date(this.clock.now()).toISOString();
  }

  get from(): HaloGroup {
    return this.prepared().from;
  }

  get to(): HaloGroup {
    return this.prepared().to;
  }

  /** Checks the key can write (scans are writes, even in a dry run) and resolves both groups. */
  async prepare(): Promise<void> {
    const { api } = this.deps;
    await api.requireWrite('admit (launching scans, moving servers)');
    const all = await api.listGroups();
    const from = resolveGroup(all, this.settings.from, '--from');
    const to = resolveGroup(all, this.settings.to, '--to');
    if (from.id === to.id) throw new InputError({ field: '--to' }, `source and destination are the same group (${from.path})`);
    this.groups = { from, to };
  }

  /** The source group's active servers, every page. */
  listSource(): Promise<HaloServer[]> {
    return this.deps.api.listActiveServers(this.from.id);
  }

  /** `--expect-firewall-policy`: the problem with the destination for these servers, or undefined. */
  async destinationProblem(servers: readonly HaloServer[]): Promise<string | undefined> {
    const expected = this.settings.expectFirewallPolicy;
    if (expected === undefined || servers.length === 0) return undefined;
    return destinationPolicyProblem(this.deps.api, this.to, expected, servers);
  }

  /** Admits a batch (bounded by the run-wide concurrency); resolves when every server of it is done. */
  admitAll(servers: readonly HaloServer[]): Promise<ServerOutcome[]> {
    this.progress.total += servers.length;
    this.emitProgress();
    return Promise.all(servers.map((s) => this.limit(() => this.admitOne(s))));
  }

  /** Servers of the run's batches not started yet: none once the queue drained. */
  get queued(): number {
    return this.limit.pendingCount;
  }

  /** Aborts when Halo refused a write the key-scope check could not foresee; see `checkKey`. */
  get refused(): AbortSignal {
    return this.refusal.signal;
  }

  /**
   * Throws InputError (exit 2) when Halo refused to launch a scan (403): the key is read-only although its
   * token did not say so, and the run means nothing. Servers not started by then were left alone.
   */
  checkKey(): void {
    if (!this.refusal.signal.aborted) return;
    const why = errorText(this.refusal.signal.reason);
    throw new InputError({ object: 'Halo API key' }, `was refused a scan launch (${why}); admit needs a full-access (read+write) key. Servers not scanned yet were left alone`);
  }

  report(servers: readonly ServerOutcome[]): AdmitReport {
    return {
      run: this.deps.run,
      dryRun: this.settings.dryRun,
      from: groupSummary(this.from),
      to: groupSummary(this.to),
      startedAt: this.startedAt,
      finishedAt: new Date(this.clock.now()).toISOString(),
      servers,
      totals: totalsOf(servers),
    };
  }

  private prepared(): { from: HaloGroup; to: HaloGroup } {
    if (!this.groups) throw new Error('Admitter: prepare() first');
    return this.groups;
  }

  private async admitOne(server: HaloServer): Promise<ServerOutcome> {
    let outcome: ServerOutcome;
    if (this.deps.stop?.aborted || this.refusal.signal.aborted) {
      outcome = outcomeOf(server, judge({ kind: 'not-scanned' }, this.settings.criteria), 'kept');
    } else {
      this.progress.inFlight++;
      this.emitProgress();
      try {
        outcome = await this.scanJudgeMove(server);
      } catch (e) {
        if (isForbidden(e) && !this.refusal.signal.aborted) this.refusal.abort(e);
        // A bug must not take the other servers down with it; the message still reaches the report.
        const verdict = judge({ kind: 'error', message: errorText(e) }, this.settings.criteria);
        outcome = outcomeOf(server, verdict, 'kept');
      } finally {
        this.progress.inFlight--;
      }
    }
    this.progress.done++;
    if (outcome.action === 'moved' || outcome.action === 'would-move') this.progress.admitted++;
    this.deps.events?.onServerDone?.(outcome);
    this.emitProgress();
    return outcome;
  }

  private async scanJudgeMove(server: HaloServer): Promise<ServerOutcome> {
    const { api } = this.deps;
    const evidence = await scanServer(api, server, this.settings.timing, this.clock, this.startedAt);
    const verdict = judge(evidence, this.settings.criteria);
    if (!verdict.admit) return outcomeOf(server, verdict, 'kept');
    if (this.settings.dryRun) return outcomeOf(server, verdict, 'would-move');
    const moved = await moveAndConfirm(api, server.id, this.to, this.clock);
    this.record(server, verdict, moved.ok ? undefined : moved.detail);
    return moved.ok ? outcomeOf(server, verdict, 'moved') : outcomeOf(server, verdict, 'move-failed', moved.detail);
  }

  /** One journal line per move: server, from, to, scan id, counts (time and run are added by the journal). */
  private record(server: HaloServer, verdict: Verdict, error: string | undefined): void {
    this.deps.journal!.append({
      target: 'halo',
      change: 'move',
      object: server.id,
      before: { group_id: this.from.id },
      after: { group_id: this.to.id },
      result: error === undefined ? 'ok' : 'failed',
      ...(error !== undefined ? { error } : {}),
      detail: {
        workflow: 'admit',
        hostname: server.hostname,
        from: { id: this.from.id, name: this.from.name },
        to: { id: this.to.id, name: this.to.name },
        scanId: verdict.scanId,
        critical: verdict.critical,
        nonCritical: verdict.nonCritical,
      } satisfies AdmitJournalDetail,
    });
  }

  private emitProgress(): void {
    this.deps.events?.onProgress?.({ ...this.progress });
  }
}

/** The `detail` of an admit (or undo) journal line. */
export interface AdmitJournalDetail {
  readonly workflow: 'admit' | 'admit-undo';
  readonly hostname: string;
  readonly from: { readonly id: string; readonly name: string };
  readonly to: { readonly id: string; readonly name: string };
  readonly scanId?: string | undefined;
  readonly critical?: number | undefined;
  readonly nonCritical?: number | undefined;
  /** For undo lines: the run being reversed. */
  readonly undoOf?: string;
}
