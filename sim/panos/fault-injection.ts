/** Makes the next N requests fail with an HTTP status before the API sees them (a sick management plane). */
export class FaultInjector {
  private remaining = 0;
  private status = 503;

  failNext(count: number, httpStatus = 503): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
    if (!Number.isInteger(httpStatus) || httpStatus < 400 || httpStatus > 599) {
      throw new RangeError(`httpStatus must be an HTTP error status, got ${httpStatus}`);
    }
    this.remaining = count;
    this.status = httpStatus;
  }

  /** The status to fail the current request with, if a fault is pending. */
  take(): number | undefined {
    if (this.remaining === 0) return undefined;
    this.remaining--;
    return this.status;
  }
}
