/**
 * `/v1/issues`: one CSM issue per failed check per server, opened by a scan with findings and resolved by a
 * later scan in which the check passes.
 */
import { Problems } from '../errors.js';
import { csvFilter, paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import { issueView } from '../views.js';

function list(ctx: RouteContext): Reply {
  const problems = new Problems();
  const agents = csvFilter(ctx.query, 'agent_id');
  const statuses = csvFilter(ctx.query, 'status');
  const types = csvFilter(ctx.query, 'issue_type')?.map((t) => t.toLowerCase());
  const criticalRaw = ctx.query.get('critical');
  let critical: boolean | undefined;
  if (criticalRaw === 'true') critical = true;
  else if (criticalRaw === 'false') critical = false;
  else if (criticalRaw !== null && criticalRaw !== '') problems.add('critical', criticalRaw, 'invalid', 'Critical must be true or false');
  problems.throwIfAny();
  const issues = [...ctx.core.store.issues.values()].filter((i) => {
    if (agents && !agents.includes(i.serverId)) return false;
    if (statuses && !statuses.includes(i.status)) return false;
    // Every simulated issue is a CSM (configuration) issue; `sca` is accepted as its newer name.
    if (types && !types.includes('csm') && !types.includes('sca')) return false;
    if (critical !== undefined && i.critical !== critical) return false;
    return true;
  });
  return paginate(ctx, 'issues', issues.map((i) => issueView(ctx.view, i)));
}

function one(ctx: RouteContext): Reply {
  const issue = ctx.core.lookup(ctx.core.store.issues, ctx.params['id']!, 'issue');
  return { status: 200, body: { issue: issueView(ctx.view, issue) } };
}

export const issueRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/issues', handler: list },
  { method: 'GET', pattern: '/v1/issues/:id', handler: one },
];
