/**
 * Scripted SCA scan outcomes. Each scan launched on a server takes the next outcome of that server's script;
 * when the script is empty the scan is clean.
 */

/** How a scan ends. */
export type ScanOutcome =
  /** No failed checks: scan `completed_clean`, command `completed`. */
  | { readonly kind: 'clean' }
  /**
   * Failed checks: scan `completed_with_errors` (when critical + nonCritical > 0), command `completed`.
   * `failingRules` names the bad findings (critical ones first); missing names are filled from a catalogue.
   */
  | { readonly kind: 'findings'; readonly critical: number; readonly nonCritical: number; readonly failingRules?: readonly string[] }
  /** The command fails: command `failed`, scan `failed`, no findings. */
  | { readonly kind: 'failed' };

/** One entry of a server's scan script. */
export type ScanScript =
  | ScanOutcome
  /** Takes exactly `ms` (instead of the configured duration), then ends as `then` (default clean). */
  | { readonly kind: 'slow'; readonly ms: number; readonly then?: ScanOutcome }
  /** Never completes: the command stays `pending`, the scan `running`. */
  | { readonly kind: 'never' };

/** Throws a RangeError when a script entry is malformed (control-surface input is trusted but checked). */
export function checkScanScript(entry: ScanScript): void {
  switch (entry.kind) {
    case 'clean':
    case 'failed':
    case 'never':
      return;
    case 'findings':
      if (!isCount(entry.critical) || !isCount(entry.nonCritical)) {
        throw new RangeError('scan script: findings need critical and nonCritical as integers >= 0');
      }
      return;
    case 'slow':
      if (!Number.isFinite(entry.ms) || entry.ms < 0) throw new RangeError('scan script: slow needs ms >= 0');
      if (entry.then) checkScanScript(entry.then);
      return;
    default: {
      const never: never = entry;
      throw new RangeError(`scan script: unknown kind ${JSON.stringify(never)}`);
    }
  }
}

function isCount(n: number): boolean {
  return Number.isInteger(n) && n >= 0;
}
