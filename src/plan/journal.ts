/**
 * The journal: one JSON line per applied change (time, run, target, change, before, after, result),
 * appended and flushed before the next change starts, so a crash loses at most the change in flight.
 * It never holds secrets: payloads are policy objects, and callers pass nothing else.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Change } from './change.js';

export interface JournalEntry {
  readonly time: string;
  readonly run: string;
  readonly target: string;
  readonly change: Change['kind'];
  readonly object: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly result: 'ok' | 'failed';
  readonly error?: string;
  /** Free-form facts of the workflow (scan id, counts…). */
  readonly detail?: unknown;
}

/** Default journal location, relative to the working directory. */
export const DEFAULT_JOURNAL = '.ruleport/journal.jsonl';

export class Journal {
  constructor(
    readonly path: string,
    readonly run: string,
  ) {
    mkdirSync(dirname(path), { recursive: true });
  }

  append(entry: Omit<JournalEntry, 'time' | 'run'>): void {
    const line: JournalEntry = { time: new Date().toISOString(), run: this.run, ...entry };
    appendFileSync(this.path, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }
}

/** A run id that sorts by time: `20261122T153012Z-4f2a`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
