/**
 * Bounded concurrency for AWS calls: at most `perRegion` calls in flight per region and `total` overall, so that
 * `--all-regions` stays under EC2's per-account, per-region request rate and does not open hundreds of sockets.
 * Applied to single API calls only (never to work that itself makes calls, which could deadlock).
 */
import pLimit, { type LimitFunction } from 'p-limit';

export interface ConcurrencyOptions {
  readonly perRegion?: number;
  readonly total?: number;
}

export const DEFAULT_CONCURRENCY = { perRegion: 8, total: 32 } as const;

export class ConcurrencyLimits {
  private readonly totalLimit: LimitFunction;
  private readonly regions = new Map<string, LimitFunction>();
  readonly perRegion: number;
  readonly total: number;

  constructor(options: ConcurrencyOptions = {}) {
    this.perRegion = Math.max(1, options.perRegion ?? DEFAULT_CONCURRENCY.perRegion);
    this.total = Math.max(1, options.total ?? DEFAULT_CONCURRENCY.total);
    this.totalLimit = pLimit(this.total);
  }

  /** Runs `fn` once a slot in `region` and a slot overall are free. */
  run<T>(region: string, fn: () => Promise<T>): Promise<T> {
    let limit = this.regions.get(region);
    if (!limit) {
      limit = pLimit(this.perRegion);
      this.regions.set(region, limit);
    }
    // Region slot first, then the global one: a region waiting for its own slot never holds a global slot.
    return limit(() => this.totalLimit(fn));
  }
}

/** Maps `items` with at most `concurrency` of `fn` running at once; results keep the input order. */
export async function mapLimited<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limit = pLimit(Math.max(1, concurrency));
  return Promise.all(items.map((item, i) => limit(() => fn(item, i))));
}
