/**
 * From deliveries to runs: duplicates collapse (a CloudTrail `eventID`, an EventBridge event `id` seen before is
 * not a new trigger — CloudTrail delivers duplicates, queues redeliver), and everything that arrives together is
 * one run. Pure.
 */
import type { Unwrapped } from './envelope.js';

/** What a batch of deliveries amounts to. */
export interface TriggerSummary {
  /** New API-call records (by eventID) and state changes (by event id). */
  readonly calls: number;
  readonly stateChanges: number;
  readonly schedules: number;
  /** Records and events seen before (in this batch or an earlier one). */
  readonly duplicates: number;
  readonly ignored: Unwrapped['ignored'];
  /** True when the batch asks for a reconcile run. */
  readonly run: boolean;
}

/** Remembers the ids it has seen (the most recent `capacity`), so redeliveries start no second run. */
export class SeenEvents {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  /** True the first time an id is offered. */
  first(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }
}

/** Summarises one batch, remembering its ids in `seen`. */
export function summarise(batch: Unwrapped, seen: SeenEvents): TriggerSummary {
  let duplicates = 0;
  let calls = 0;
  let stateChanges = 0;
  for (const r of batch.records) {
    if (seen.first(`ct:${r.eventID}`)) calls++;
    else duplicates++;
  }
  for (const s of batch.stateChanges) {
    if (seen.first(`eb:${s.id}`)) stateChanges++;
    else duplicates++;
  }
  return { calls, stateChanges, schedules: batch.schedules, duplicates, ignored: batch.ignored, run: calls + stateChanges + batch.schedules > 0 };
}
