/**
 * Everything a request handler needs, in one place: the account (store), time, ids, auth, injected faults,
 * the scan engine and the behaviour options.
 */
import { Auth } from './auth.js';
import { SimClock } from './clock.js';
import { notFound } from './errors.js';
import { Faults } from './faults.js';
import { IdGenerator } from './ids.js';
import { Prng } from './prng.js';
import { ScanEngine } from './scan-engine.js';
import { Store } from './store.js';
import type { ViewContext } from './views.js';

/** Page size limits. The vendor's maximum is unverified; the simulator clamps larger requests to this. */
export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 100;

export interface CoreOptions {
  readonly tokenTtlSeconds: number;
  /** Page size when a request has no per_page. */
  readonly perPage: number;
  /** Largest per_page honoured; larger values are clamped. */
  readonly maxPerPage: number;
  /** 0 = reads see writes at once. Otherwise objects created through the API 404 for this long. */
  readonly eventualConsistencyMs: number;
  readonly randomSeed: number;
}

export class SimCore {
  readonly store = new Store();
  readonly clock = new SimClock();
  readonly ids = new IdGenerator();
  readonly faults = new Faults();
  readonly auth: Auth;
  readonly scans: ScanEngine;
  /** Servers whose moves fail, with the status they fail with. */
  readonly failingMoves = new Map<string, number>();
  /** The simulator's own base URL, used where a request gives no Host header. */
  url = '';

  constructor(readonly options: CoreOptions) {
    this.auth = new Auth(this.clock, options.tokenTtlSeconds);
    this.scans = new ScanEngine(this.store, this.clock, this.ids, new Prng(options.randomSeed));
  }

  view(baseUrl: string = this.url): ViewContext {
    return { store: this.store, baseUrl, now: this.clock.now() };
  }

  /** Records that an object was just created through the API (eventual consistency hides it for a while). */
  created(id: string): void {
    if (this.options.eventualConsistencyMs > 0) {
      this.store.hiddenUntil.set(id, this.clock.now() + this.options.eventualConsistencyMs);
    }
  }

  isVisible(id: string): boolean {
    const until = this.store.hiddenUntil.get(id);
    if (until === undefined) return true;
    if (this.clock.now() >= until) {
      this.store.hiddenUntil.delete(id);
      return true;
    }
    return false;
  }

  /** A record by id, or the reference's 404 `{"resource","field":"id","value"}`. */
  lookup<T>(map: ReadonlyMap<string, T>, id: string, resource: string): T {
    const record = map.get(id);
    if (record === undefined || !this.isVisible(id)) throw notFound(resource, id);
    return record;
  }
}
