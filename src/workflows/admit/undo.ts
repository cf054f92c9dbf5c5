/**
 * `ruleport admit --undo RUN_ID`: moves the servers an admit run moved back to their source group, from the
 * journal. A server is only moved back while it is still where that run put it: one that has since been
 * moved elsewhere (by a person, or a later run) or has disappeared is left alone and reported.
 */
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { EXIT, InputError } from '../../model/index.js';
import type { Journal, JournalEntry, Plan } from '../../plan/index.js';
import type { HaloServersApi } from '../../platforms/halo/servers-client.js';
import type { AdmitJournalDetail } from './admitter.js';
import { errorText } from './error-text.js';
import { moveAndConfirm } from './move-server.js';
import { SYSTEM_CLOCK, type Clock } from './scan-server.js';

/** One move of the run being undone. */
export interface RecordedMove {
  readonly serverId: string;
  readonly hostname: string;
  readonly from: { readonly id: string; readonly name: string };
  readonly to: { readonly id: string; readonly name: string };
}

export type UndoAction = 'moved-back' | 'would-move-back' | 'already-back' | 'left-alone' | 'failed';

export interface UndoOutcome extends RecordedMove {
  readonly action: UndoAction;
  readonly detail?: string;
}

export interface UndoReport {
  /** The run id of this undo (its own moves are journaled, and can be undone in turn). */
  readonly run: string;
  readonly undoOf: string;
  readonly dryRun: boolean;
  readonly servers: readonly UndoOutcome[];
}

/**
 * The successful moves of `run` in the journal, the last one per server. Throws InputError when the journal
 * is unreadable or holds no admit move of that run.
 */
export function recordedMoves(journalPath: string, run: string): RecordedMove[] {
  let text: string;
  try {
    text = readFileSync(journalPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError({ file: journalPath }, code === 'ENOENT' ? 'no journal here (run admit from the directory it ran in, or give --journal)' : `cannot read (${code ?? String(e)})`);
  }
  const moves = new Map<string, RecordedMove>();
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    if (!entry || entry.run !== run || entry.change !== 'move' || entry.result !== 'ok') continue;
    const d = entry.detail as Partial<AdmitJournalDetail> | undefined;
    if ((d?.workflow !== 'admit' && d?.workflow !== 'admit-undo') || !d.from?.id || !d.to?.id) continue;
    moves.set(entry.object, { serverId: entry.object, hostname: d.hostname ?? entry.object, from: d.from, to: d.to });
  }
  if (moves.size === 0) throw new InputError({ file: journalPath, field: '--undo' }, `no servers moved by admit run ${JSON.stringify(run)}`);
  return [...moves.values()];
}

/** A journal line, or undefined for a blank or torn one (a crash can cut the last line short). */
function parseLine(line: string): JournalEntry | undefined {
  if (line.trim() === '') return undefined;
  try {
    const v = JSON.parse(line) as JournalEntry;
    return typeof v === 'object' && v !== null && typeof v.object === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The undo as a plan, to print and confirm before anything moves. */
export function undoPlan(run: string, moves: readonly RecordedMove[]): Plan {
  return {
    title: `undo admit run ${run}: move ${moves.length} server${moves.length === 1 ? '' : 's'} back`,
    changes: moves.map((m) => ({ kind: 'move', target: 'halo', object: `${m.hostname} (${m.serverId})`, where: `${m.to.name} → ${m.from.name}` })),
    notes: ['a server no longer in the group the run moved it to is left alone'],
    lossy: [],
  };
}

export interface UndoDeps {
  readonly api: HaloServersApi;
  /** This undo's run id. */
  readonly run: string;
  readonly journal?: Journal;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly clock?: Clock;
}

/** What needs a writable key, for the read-only message; a CLI checks it before asking for confirmation. */
export const UNDO_WRITES = 'undo (moving servers back)';

export async function undoAdmit(undoOf: string, moves: readonly RecordedMove[], deps: UndoDeps): Promise<UndoReport> {
  const { api } = deps;
  if (!deps.dryRun) await api.requireWrite(UNDO_WRITES);
  if (!deps.dryRun && !deps.journal) throw new Error('undoAdmit: a journal is required unless dry-run');
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const limit = pLimit(deps.concurrency);
  const servers = await Promise.all(moves.map((m) => limit(() => undoOne(m))));
  return { run: deps.run, undoOf, dryRun: deps.dryRun, servers };

  async function undoOne(m: RecordedMove): Promise<UndoOutcome> {
    let groupId: string;
    try {
      const now = await api.getServer(m.serverId);
      if (!now) return { ...m, action: 'left-alone', detail: 'the server no longer exists' };
      groupId = now.groupId;
    } catch (e) {
      return { ...m, action: 'failed', detail: errorText(e) };
    }
    if (groupId === m.from.id) return { ...m, action: 'already-back' };
    if (groupId !== m.to.id) return { ...m, action: 'left-alone', detail: `moved elsewhere since (now in group ${groupId})` };
    if (deps.dryRun) return { ...m, action: 'would-move-back' };
    const moved = await moveAndConfirm(api, m.serverId, m.from, clock);
    deps.journal!.append({
      target: 'halo',
      change: 'move',
      object: m.serverId,
      before: { group_id: m.to.id },
      after: { group_id: m.from.id },
      result: moved.ok ? 'ok' : 'failed',
      ...(moved.ok ? {} : { error: moved.detail }),
      detail: { workflow: 'admit-undo', hostname: m.hostname, from: m.to, to: m.from, undoOf } satisfies AdmitJournalDetail,
    });
    return moved.ok ? { ...m, action: 'moved-back' } : { ...m, action: 'failed', detail: moved.detail };
  }
}

/** 0 when every server is back (or would be, in a dry run), 3 when some are not. */
export function undoExitCode(report: UndoReport): number {
  const ok: readonly UndoAction[] = ['moved-back', 'would-move-back', 'already-back'];
  return report.servers.every((s) => ok.includes(s.action)) ? EXIT.ok : EXIT.partial;
}
