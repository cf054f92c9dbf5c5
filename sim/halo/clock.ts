/**
 * The simulator's time: the wall clock plus an offset that tests advance, so token expiry and scan progress
 * can be exercised without sleeping.
 */
export class SimClock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, simulated. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceTime: ms must be a finite number >= 0, got ${ms}`);
    this.offsetMs += ms;
  }

  iso(ms: number = this.now()): string {
    return new Date(ms).toISOString();
  }
}
