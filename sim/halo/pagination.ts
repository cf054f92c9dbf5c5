/**
 * List responses: `{"count":N,"<plural>":[…],"pagination":{"next":"<absolute url>"}}`, `next` absent on the
 * last page. `count` is the number of matching objects across all pages.
 */
import { Problems } from './errors.js';
import type { Reply, RouteContext } from './router.js';

function positiveInt(ctx: RouteContext, name: string, problems: Problems): number | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    problems.add(name, raw, 'invalid', `${name} must be an integer >= 1`);
    return undefined;
  }
  return Number(raw);
}

/** One page of `items` (already filtered and ordered) as a Halo list response. */
export function paginate<T>(ctx: RouteContext, plural: string, items: readonly T[]): Reply {
  const problems = new Problems();
  const page = positiveInt(ctx, 'page', problems) ?? 1;
  const requested = positiveInt(ctx, 'per_page', problems) ?? ctx.core.options.perPage;
  problems.throwIfAny();
  const perPage = Math.min(requested, ctx.core.options.maxPerPage);
  const start = (page - 1) * perPage;
  const pagination: { next?: string } = {};
  if (start + perPage < items.length) {
    // Keep the client's filters and page size; only the page moves.
    const query = new URLSearchParams(ctx.query);
    query.set('page', String(page + 1));
    pagination.next = `${ctx.baseUrl}${ctx.pathname}?${query.toString()}`;
  }
  return { status: 200, body: { count: items.length, [plural]: items.slice(start, start + perPage), pagination } };
}

/** A comma-joined filter (`state=active,missing`) as its values; undefined when absent or empty. */
export function csvFilter(query: URLSearchParams, name: string): string[] | undefined {
  const raw = query.getAll(name).join(',');
  const values = raw
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
  return values.length > 0 ? values : undefined;
}
