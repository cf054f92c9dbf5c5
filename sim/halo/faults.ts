/**
 * Injected failures: rate limiting (429) and server errors (5xx) for the next N matching requests.
 * They apply before authentication, to every endpoint including the token endpoint, because a real rate
 * limiter or a failing load balancer does not care what the request was.
 */
import { HaloHttpError, statusBody } from './errors.js';

/** Narrows an injected failure to some requests. Both fields must match when given. */
export interface RequestMatch {
  /** HTTP method, case-insensitive. */
  readonly method?: string;
  /** Exact path (no query), or a pattern tested against the path. */
  readonly path?: string | RegExp;
}

type Fault =
  | { readonly kind: 'rate-limit'; remaining: number; readonly retryAfterSeconds?: number; readonly match?: RequestMatch }
  | { readonly kind: 'fail'; remaining: number; readonly status: number; readonly match?: RequestMatch };

function matches(match: RequestMatch | undefined, method: string, path: string): boolean {
  if (!match) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

export class Faults {
  /** Queued in the order they were set: an earlier fault is used up first. */
  private readonly queue: Fault[] = [];

  rateLimit(count: number, retryAfterSeconds?: number, match?: RequestMatch): void {
    checkCount(count);
    if (retryAfterSeconds !== undefined && !(Number.isInteger(retryAfterSeconds) && retryAfterSeconds >= 0)) {
      throw new RangeError('rateLimit: retryAfterSeconds must be an integer >= 0');
    }
    this.queue.push({ kind: 'rate-limit', remaining: count, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}), ...(match ? { match } : {}) });
  }

  failNext(count: number, status: number, match?: RequestMatch): void {
    checkCount(count);
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError('failNext: status must be 400..599');
    this.queue.push({ kind: 'fail', remaining: count, status, ...(match ? { match } : {}) });
  }

  /** The injected failure for this request, if any; consumes one use of it. */
  take(method: string, path: string): HaloHttpError | undefined {
    const index = this.queue.findIndex((f) => f.remaining > 0 && matches(f.match, method, path));
    if (index < 0) return undefined;
    const fault = this.queue[index]!;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.queue.splice(index, 1);
    switch (fault.kind) {
      case 'rate-limit': {
        // Retry-After is sent only when configured: the reference says to honour it "when present".
        const headers: Record<string, string> =
          fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
        return new HaloHttpError(429, statusBody(429), headers);
      }
      case 'fail':
        return new HaloHttpError(fault.status, statusBody(fault.status));
      default: {
        const never: never = fault;
        throw new Error(`unknown fault ${JSON.stringify(never)}`);
      }
    }
  }

  clear(): void {
    this.queue.length = 0;
  }
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('fault count must be an integer >= 1');
}
