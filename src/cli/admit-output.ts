/**
 * How `ruleport admit` prints: the per-server table and totals, the undo table, and the progress line a
 * terminal gets while scans run.
 */
import type { AdmitProgress, AdmitReport, ServerOutcome, UndoReport, WebhookDelivery } from '../workflows/admit.js';
import { table } from './table.js';

/** Failing rule names shown per row; the rest are counted (all are in --json). */
const RULES_SHOWN = 3;

export function renderAdmitReport(report: AdmitReport, webhook?: WebhookDelivery): string {
  const rows = report.servers.map((o) => [
    o.hostname,
    o.ips.join(', '),
    o.result,
    o.critical === undefined ? '-' : `${o.critical}/${o.nonCritical ?? 0}`,
    rulesCell(o.failingRules),
    actionCell(o),
    o.reason,
  ]);
  const lines: string[] = [];
  if (rows.length > 0) lines.push(table(['hostname', 'ips', 'result', 'crit/non', 'failing rules', 'action', 'reason'], rows).trimEnd());
  lines.push(totalsLine(report));
  if (webhook) lines.push(webhook.delivered ? `failure summary posted (HTTP ${webhook.status})` : `failure summary NOT posted: ${webhook.error}`);
  return `${lines.join('\n')}\n`;
}

function totalsLine(report: AdmitReport): string {
  const t = report.totals;
  const route = `${report.from.path} → ${report.to.path}`;
  if (report.dryRun) {
    return `dry run: ${t.admitted} of ${t.servers} would be admitted (${route}); nothing moved`;
  }
  const failedMoves = t.moveFailed > 0 ? ` (${t.moveFailed} failed to move)` : '';
  const undo = t.admitted > 0 ? `; undo with: ruleport admit --undo ${report.run}` : '';
  return `run ${report.run}: ${t.admitted} of ${t.servers} admitted (${route}), ${t.notAdmitted} not admitted${failedMoves}${undo}`;
}

function rulesCell(rules: readonly string[]): string {
  if (rules.length <= RULES_SHOWN) return rules.join('; ');
  return `${rules.slice(0, RULES_SHOWN).join('; ')} (+${rules.length - RULES_SHOWN} more)`;
}

function actionCell(o: ServerOutcome): string {
  switch (o.action) {
    case 'moved':
      return 'moved';
    case 'would-move':
      return 'would move';
    case 'move-failed':
      return `move failed: ${o.actionDetail ?? ''}`;
    case 'kept':
      return 'kept';
    default: {
      const never: never = o.action;
      return String(never);
    }
  }
}

export function renderUndoReport(report: UndoReport): string {
  const rows = report.servers.map((s) => [s.hostname, s.serverId, `${s.to.name} → ${s.from.name}`, s.action, s.detail ?? '']);
  const back = report.servers.filter((s) => s.action === 'moved-back' || s.action === 'already-back' || s.action === 'would-move-back').length;
  const total = report.servers.length;
  const summary = report.dryRun
    ? `dry run: ${back} of ${total} servers of run ${report.undoOf} would be back in their source group; nothing moved`
    : `undo ${report.run} of run ${report.undoOf}: ${back} of ${total} servers back in their source group`;
  return `${table(['hostname', 'id', 'move', 'action', 'detail'], rows)}${summary}\n`;
}

/** One line, rewritten in place on a terminal. */
export function progressLine(p: AdmitProgress): string {
  return `admit: ${p.done}/${p.total} done, ${p.inFlight} scanning, ${p.admitted} admitted`;
}
