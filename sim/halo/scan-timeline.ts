/**
 * Where a scan is in its life at a given time. Status is computed from timestamps on every read instead of
 * being advanced by timers: nothing to cancel on close, and a test can jump the clock instead of sleeping.
 *
 * Timeline of a scan of duration d launched at t0:
 *   [t0, t0+d/4)      scan queued   command queued
 *   [t0+d/4, t0+d/2)  scan pending  command pending
 *   [t0+d/2, t0+d)    scan running  command pending
 *   t0+d …            scan completed_clean | completed_with_errors | failed; command completed | failed
 * A `never` scan follows the same start and stays running / pending for ever.
 */
import type { ScanRecord } from './store.js';
import type { WireCommandStatus, WireScanStatus } from './wire-types.js';

export function scanStatus(scan: ScanRecord, now: number): WireScanStatus {
  if (now < scan.queuedUntil) return 'queued';
  if (now < scan.pendingUntil) return 'pending';
  if (now < scan.endsAt || !scan.result) return 'running';
  return scan.result.status;
}

export function commandStatus(scan: ScanRecord, now: number): WireCommandStatus {
  if (now < scan.queuedUntil) return 'queued';
  if (now < scan.endsAt || !scan.result) return 'pending';
  return scan.result.status === 'failed' ? 'failed' : 'completed';
}

/** When the command's status last changed. */
export function commandUpdatedAt(scan: ScanRecord, now: number): number {
  if (now < scan.queuedUntil) return scan.createdAt;
  if (now < scan.endsAt || !scan.result) return scan.queuedUntil;
  return scan.endsAt;
}

/** True once the scan has a final status. */
export function isFinished(scan: ScanRecord, now: number): boolean {
  return scan.result !== null && now >= scan.endsAt;
}
