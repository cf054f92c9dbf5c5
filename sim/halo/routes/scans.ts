/**
 * SCA scans: launch (`POST /v1/servers/{id}/scans`), poll the command, read the latest result, and the scan
 * history. Progress is computed from the simulated clock (scan-timeline.ts).
 */
import { notFound, Problems, validationFailed } from '../errors.js';
import { readString, unwrap } from '../input.js';
import { csvFilter, paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import { scanStatus } from '../scan-timeline.js';
import { commandView, scanView, serverView } from '../views.js';

/** Modules the simulator can run. `csm` is the older name of `sca`. */
const MODULES = ['sca', 'csm'];

function launch(ctx: RouteContext): Reply {
  const core = ctx.core;
  const server = core.lookup(core.store.servers, ctx.params['id']!, 'server');
  const obj = unwrap(ctx.body, 'scan');
  const problems = new Problems();
  const module = readString(obj, 'module', problems, 'module', { required: true });
  if (typeof module === 'string' && !MODULES.includes(module.toLowerCase())) {
    problems.add('module', module, 'invalid', 'The simulator runs sca (csm) scans only');
  }
  problems.throwIfAny();
  // Only an agent that is online can take a command.
  if (server.state !== 'active') {
    throw validationFailed([{ field: 'state', value: server.state, code: 'invalid', details: `Server is ${server.state}, not active` }]);
  }
  const { scan } = core.scans.launch(server);
  const body = { command: commandView(core.view(ctx.baseUrl), scan) };
  return { status: 202, body, headers: { Location: body.command.url } };
}

function command(ctx: RouteContext): Reply {
  const core = ctx.core;
  const server = core.lookup(core.store.servers, ctx.params['id']!, 'server');
  const id = ctx.params['cid']!;
  const record = core.store.commands.get(id);
  const scan = record && record.serverId === server.id ? core.store.scans.get(record.scanId) : undefined;
  if (!scan) throw notFound('command', id);
  return { status: 200, body: { command: commandView(ctx.view, scan) } };
}

/** The server's fields plus its latest finished scan (failed ones included); 404 until one has finished. */
function latest(ctx: RouteContext): Reply {
  const core = ctx.core;
  const server = core.lookup(core.store.servers, ctx.params['id']!, 'server');
  const scan = core.scans.latestFinished(server.id);
  if (!scan) throw notFound('scan', server.id, 'server_id');
  return { status: 200, body: { ...serverView(ctx.view, server), scan: scanView(ctx.view, scan, true) } };
}

function history(ctx: RouteContext): Reply {
  const problems = new Problems();
  const serverIds = csvFilter(ctx.query, 'server_id');
  const modules = csvFilter(ctx.query, 'module')?.map((m) => m.toLowerCase());
  const statuses = csvFilter(ctx.query, 'status');
  const sinceRaw = ctx.query.get('since');
  let since: number | undefined;
  if (sinceRaw !== null && sinceRaw !== '') {
    since = Date.parse(sinceRaw);
    if (Number.isNaN(since)) problems.add('since', sinceRaw, 'invalid', 'Since must be an ISO 8601 date or time');
  }
  problems.throwIfAny();
  const now = ctx.view.now;
  const scans = [...ctx.core.store.scans.values()].filter((s) => {
    if (serverIds && !serverIds.includes(s.serverId)) return false;
    if (modules && !modules.some((m) => MODULES.includes(m))) return false;
    if (statuses && !statuses.includes(scanStatus(s, now))) return false;
    if (since !== undefined && s.createdAt < since) return false;
    return true;
  });
  return paginate(ctx, 'scans', scans.map((s) => scanView(ctx.view, s, false)));
}

function one(ctx: RouteContext): Reply {
  const scan = ctx.core.lookup(ctx.core.store.scans, ctx.params['id']!, 'scan');
  return { status: 200, body: { scan: scanView(ctx.view, scan, true) } };
}

export const scanRoutes: readonly Route[] = [
  { method: 'POST', pattern: '/v1/servers/:id/scans', handler: launch },
  { method: 'GET', pattern: '/v1/servers/:id/commands/:cid', handler: command },
  { method: 'GET', pattern: '/v1/servers/:id/sca', handler: latest },
  { method: 'GET', pattern: '/v1/scans', handler: history },
  { method: 'GET', pattern: '/v1/scans/:id', handler: one },
];
