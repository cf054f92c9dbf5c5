/**
 * `/v1/firewall_services`: protocol + port. Protocol TCP|UDP|ICMP or a number string; port a port, `a:b` or
 * `a-b` (kept as written), the ICMP type, or null for all.
 */
import type { SimCore } from '../core.js';
import { Problems } from '../errors.js';
import { has, readBoolean, readString, unwrap, type JsonObject } from '../input.js';
import { paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import { sameName, type ServiceRecord } from '../store.js';
import { normaliseProtocol, portProblem } from '../syntax.js';
import { policiesUsing, serviceView } from '../views.js';
import { refuseInUse, refuseSystem } from './guards.js';

function readService(core: SimCore, obj: JsonObject, existing: ServiceRecord | undefined): Omit<ServiceRecord, 'id' | 'system'> {
  const problems = new Problems();
  const creating = existing === undefined;
  const name = readString(obj, 'name', problems, 'name', { required: creating || has(obj, 'name') });
  const rawProtocol = readString(obj, 'protocol', problems, 'protocol', { required: creating || has(obj, 'protocol') });
  const description = readString(obj, 'description', problems, 'description', { nullable: true });
  const shared = readBoolean(obj, 'shared', problems, 'shared');
  // Numbers are accepted for port (JSON clients send 22 as often as "22") and stored as strings.
  let port: string | null | undefined;
  const rawPort = obj['port'];
  if (typeof rawPort === 'number' && Number.isInteger(rawPort)) port = String(rawPort);
  else port = readString(obj, 'port', problems, 'port', { nullable: true });
  if (port === '') port = null;

  let protocol: string | undefined;
  if (typeof rawProtocol === 'string') {
    protocol = normaliseProtocol(rawProtocol);
    if (!protocol) problems.add('protocol', rawProtocol, 'invalid', 'Protocol must be TCP, UDP, ICMP or a protocol number 0..255');
  }
  const finalProtocol = protocol ?? existing?.protocol;
  const finalPort = port !== undefined ? port : (existing?.port ?? null);
  if (finalProtocol !== undefined) {
    const why = portProblem(finalProtocol, finalPort);
    if (why) problems.add('port', finalPort, 'invalid', why);
  }
  if (typeof name === 'string') {
    for (const s of core.store.services.values()) {
      if (s !== existing && sameName(s.name, name)) problems.add('name', name, 'taken', 'Name has already been taken');
    }
  }
  problems.throwIfAny();
  return {
    name: name ?? existing?.name ?? '',
    protocol: finalProtocol ?? '',
    port: finalPort,
    description: description ?? existing?.description ?? '',
    shared: shared ?? existing?.shared ?? true,
  };
}

export function createService(core: SimCore, obj: JsonObject, id?: string): ServiceRecord {
  const fields = readService(core, obj, undefined);
  const service: ServiceRecord = { id: id ?? core.ids.next('service'), system: false, ...fields };
  core.store.services.set(service.id, service);
  return service;
}

function list(ctx: RouteContext): Reply {
  const services = [...ctx.core.store.services.values()].filter((s) => ctx.core.isVisible(s.id));
  return paginate(ctx, 'firewall_services', services.map((s) => serviceView(ctx.view, s)));
}

function create(ctx: RouteContext): Reply {
  const service = createService(ctx.core, unwrap(ctx.body, 'firewall_service'));
  ctx.core.created(service.id);
  const body = { firewall_service: serviceView(ctx.view, service) };
  return { status: 201, body, headers: { Location: body.firewall_service.url } };
}

function get(ctx: RouteContext): Reply {
  const service = ctx.core.lookup(ctx.core.store.services, ctx.params['id']!, 'firewall_service');
  return { status: 200, body: { firewall_service: serviceView(ctx.view, service) } };
}

function update(ctx: RouteContext): Reply {
  const service = ctx.core.lookup(ctx.core.store.services, ctx.params['id']!, 'firewall_service');
  refuseSystem(service, 'firewall services');
  Object.assign(service, readService(ctx.core, unwrap(ctx.body, 'firewall_service'), service));
  return { status: 204 };
}

function remove(ctx: RouteContext): Reply {
  const service = ctx.core.lookup(ctx.core.store.services, ctx.params['id']!, 'firewall_service');
  refuseSystem(service, 'firewall services');
  refuseInUse(service.id, 'Firewall service', policiesUsing(ctx.core.store, service.id), 'firewall policies');
  ctx.core.store.services.delete(service.id);
  return { status: 204 };
}

export const serviceRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/firewall_services', handler: list },
  { method: 'POST', pattern: '/v1/firewall_services', handler: create },
  { method: 'GET', pattern: '/v1/firewall_services/:id', handler: get },
  { method: 'PUT', pattern: '/v1/firewall_services/:id', handler: update },
  { method: 'DELETE', pattern: '/v1/firewall_services/:id', handler: remove },
];
