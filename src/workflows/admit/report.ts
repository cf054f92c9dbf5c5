/**
 * What an admission run produced, as data: one outcome per server, the totals, the exit code, and the failure
 * summary posted to `--report-webhook`. The CLI prints it as a table or JSON; nothing here does I/O.
 */
import { EXIT } from '../../model/index.js';
import type { HaloGroup, HaloServer } from '../../platforms/halo/servers-client.js';
import type { Verdict } from './judge.js';

/** What was done with a server. */
export type AdmitAction =
  /** Moved to the destination and read back there. */
  | 'moved'
  /** Passed, but --dry-run. */
  | 'would-move'
  /** Passed; the move (or its read-back) failed. */
  | 'move-failed'
  /** Not admitted: left in the source group. */
  | 'kept';

/** A server's verdict (result, reason, scan id, counts, failing rules, scan launches) and what was done. */
export interface ServerOutcome extends Omit<Verdict, 'admit'> {
  readonly id: string;
  readonly hostname: string;
  readonly ips: readonly string[];
  readonly action: AdmitAction;
  /** Why a move failed. */
  readonly actionDetail?: string;
}

export interface GroupSummary {
  readonly id: string;
  readonly name: string;
  readonly path: string;
}

export interface AdmitReport {
  /** The journal's run id; `ruleport admit --undo RUN` reverses the run's moves. */
  readonly run: string;
  readonly dryRun: boolean;
  readonly from: GroupSummary;
  readonly to: GroupSummary;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly servers: readonly ServerOutcome[];
  readonly totals: AdmitTotals;
}

export interface AdmitTotals {
  readonly servers: number;
  /** Moved (or, with --dry-run, would be). */
  readonly admitted: number;
  readonly notAdmitted: number;
  /** Passed but could not be moved (part of notAdmitted). */
  readonly moveFailed: number;
}

export function groupSummary(g: HaloGroup): GroupSummary {
  return { id: g.id, name: g.name, path: g.path };
}

/** The outcome row of a judged server and what was done with it. */
export function outcomeOf(server: HaloServer, verdict: Verdict, action: AdmitAction, actionDetail?: string): ServerOutcome {
  const { admit: _admitted, ...judged } = verdict;
  return {
    id: server.id,
    hostname: server.hostname,
    ips: server.ips,
    ...judged,
    action,
    ...(actionDetail !== undefined ? { actionDetail } : {}),
  };
}

export function isAdmitted(o: ServerOutcome): boolean {
  return o.action === 'moved' || o.action === 'would-move';
}

export function totalsOf(servers: readonly ServerOutcome[]): AdmitTotals {
  const admitted = servers.filter(isAdmitted).length;
  return {
    servers: servers.length,
    admitted,
    notAdmitted: servers.length - admitted,
    moveFailed: servers.filter((o) => o.action === 'move-failed').length,
  };
}

/** 0 when every server was admitted (or there were none), 3 when some were not. Errors exit 1 before this. */
export function exitCodeOf(report: AdmitReport): number {
  return report.totals.notAdmitted === 0 ? EXIT.ok : EXIT.partial;
}

/** The JSON posted to `--report-webhook`: the servers that were not admitted and why, for their owners. */
export interface FailureSummary {
  readonly event: 'ruleport.admit.failures';
  readonly run: string;
  readonly dryRun: boolean;
  readonly from: GroupSummary;
  readonly to: GroupSummary;
  readonly finishedAt: string;
  readonly totals: AdmitTotals;
  /** The outcomes of the servers not admitted, less the scan bookkeeping (scan id, attempts). */
  readonly failures: ReadonlyArray<Omit<ServerOutcome, 'scanId' | 'attempts'>>;
}

/** The failure summary, or undefined when every server was admitted (nothing to tell anyone). */
export function failureSummary(report: AdmitReport): FailureSummary | undefined {
  const failed = report.servers.filter((o) => !isAdmitted(o));
  if (failed.length === 0) return undefined;
  return {
    event: 'ruleport.admit.failures',
    run: report.run,
    dryRun: report.dryRun,
    from: report.from,
    to: report.to,
    finishedAt: report.finishedAt,
    totals: report.totals,
    failures: failed.map(({ scanId: _scanId, attempts: _attempts, ...rest }) => rest),
  };
}
