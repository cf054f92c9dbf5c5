/**
 * `/v1/servers`: workloads running the Halo agent. Servers are created by agents registering, which the
 * simulator stands in for with its control surface (addServer / seed); the API can list, move and retire them.
 */
import { Problems, statusError } from '../errors.js';
import { has, readBoolean, readString, unwrap } from '../input.js';
import { csvFilter, paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import type { ServerRecord } from '../store.js';
import { serverView } from '../views.js';
import type { WireServerState } from '../wire-types.js';

export const SERVER_STATES: readonly WireServerState[] = ['active', 'missing', 'deactivated', 'retired'];

/**
 * The `state`, `platform` and `group_id` filters (comma-joined values). Without `state`, every server but the
 * retired ones is listed. `platform=linux` matches every non-windows platform.
 */
export function filterServers(ctx: RouteContext, servers: readonly ServerRecord[]): ServerRecord[] {
  const problems = new Problems();
  const states = csvFilter(ctx.query, 'state');
  for (const s of states ?? []) {
    if (!(SERVER_STATES as readonly string[]).includes(s)) problems.add('state', s, 'invalid', `State must be one of ${SERVER_STATES.join(', ')}`);
  }
  problems.throwIfAny();
  const platforms = csvFilter(ctx.query, 'platform')?.map((p) => p.toLowerCase());
  const groups = csvFilter(ctx.query, 'group_id');
  return servers.filter((s) => {
    if (states ? !states.includes(s.state) : s.state === 'retired') return false;
    if (groups && !groups.includes(s.group_id)) return false;
    if (platforms) {
      const p = s.platform.toLowerCase();
      const ok = platforms.includes(p) || (platforms.includes('linux') && p !== 'windows');
      if (!ok) return false;
    }
    return true;
  });
}

function list(ctx: RouteContext): Reply {
  const servers = filterServers(ctx, [...ctx.core.store.servers.values()]);
  return paginate(ctx, 'servers', servers.map((s) => serverView(ctx.view, s)));
}

function get(ctx: RouteContext): Reply {
  const server = ctx.core.lookup(ctx.core.store.servers, ctx.params['id']!, 'server');
  return { status: 200, body: { server: serverView(ctx.view, server) } };
}

/** Move (`group_id`), retire (`retire: true`) or relabel (`server_label`). */
function update(ctx: RouteContext): Reply {
  const core = ctx.core;
  const server = core.lookup(core.store.servers, ctx.params['id']!, 'server');
  const obj = unwrap(ctx.body, 'server');
  const problems = new Problems();
  const groupId = readString(obj, 'group_id', problems, 'group_id', { required: has(obj, 'group_id') });
  const retire = readBoolean(obj, 'retire', problems, 'retire');
  const label = readString(obj, 'server_label', problems, 'server_label', { nullable: true });
  if (typeof groupId === 'string') {
    if (!core.store.groups.has(groupId)) problems.add('group_id', groupId, 'not_found', `Group ${groupId} does not exist`);
    if (server.state === 'retired') problems.add('group_id', groupId, 'invalid', 'A retired server cannot be moved');
  }
  if (groupId === undefined && retire === undefined && label === undefined && problems.count === 0) {
    problems.add('server', null, 'required', 'Nothing to update: give group_id, retire or server_label');
  }
  problems.throwIfAny();
  if (typeof groupId === 'string' && groupId !== server.group_id) {
    const failure = core.failingMoves.get(server.id);
    if (failure !== undefined) throw statusError(failure);
  }
  if (typeof groupId === 'string') server.group_id = groupId;
  if (retire === true) server.state = 'retired';
  if (label !== undefined) server.server_label = label;
  return { status: 204 };
}

export const serverRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/servers', handler: list },
  { method: 'GET', pattern: '/v1/servers/:id', handler: get },
  { method: 'PUT', pattern: '/v1/servers/:id', handler: update },
];
