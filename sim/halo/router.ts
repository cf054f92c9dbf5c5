/**
 * A minimal path router: `/v1/groups/:id/servers` patterns, exact segment matching, no regexes to get wrong.
 */
import type { SimCore } from './core.js';
import type { ViewContext } from './views.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a handler gets for one request. */
export interface RouteContext {
  readonly core: SimCore;
  readonly method: Method;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  readonly body: unknown;
  readonly pathname: string;
  /** `http://host:port` as the client addressed the simulator; absolute URLs are built on it. */
  readonly baseUrl: string;
  readonly view: ViewContext;
}

/** What a handler returns. `body` undefined means no body (204). */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RouteContext) => Reply;

export interface Route {
  readonly method: Method;
  readonly pattern: string;
  readonly handler: Handler;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly handler: Handler; readonly params: Record<string, string> }
  /** The path exists, the method does not: the methods that do. */
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly Method[] }
  | { readonly kind: 'not-found' };

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export class Router {
  private readonly compiled: { route: Route; segments: string[] }[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: split(route.pattern) }));
  }

  match(method: string, pathname: string): RouteMatch {
    const parts = split(pathname);
    const allowed: Method[] = [];
    for (const { route, segments } of this.compiled) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const value = parts[i]!;
    if (p.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return undefined;
      }
      params[p.slice(1)] = decoded;
    } else if (p !== value) {
      return undefined;
    }
  }
  return params;
}
