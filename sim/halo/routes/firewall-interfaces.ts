/**
 * `/v1/firewall_interfaces`: network interface names a rule can be pinned to. The system ones (lo, eth0,
 * eth0:1…eth0:4, eth1) always exist; accounts may add their own.
 */
import type { SimCore } from '../core.js';
import { Problems } from '../errors.js';
import { readString, unwrap, type JsonObject } from '../input.js';
import { paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import type { InterfaceRecord } from '../store.js';
import { isInterfaceName } from '../syntax.js';
import { interfaceView, policiesUsing } from '../views.js';
import { refuseInUse, refuseSystem } from './guards.js';

function readInterface(core: SimCore, obj: JsonObject, existing: InterfaceRecord | undefined): { name: string } {
  const problems = new Problems();
  const name = readString(obj, 'name', problems, 'name', { required: true });
  if (typeof name === 'string') {
    if (!isInterfaceName(name)) problems.add('name', name, 'invalid', 'Name must be an interface name such as eth2 or eth0:5');
    // Interface names are case-sensitive on Linux, so uniqueness is too.
    for (const i of core.store.interfaces.values()) {
      if (i !== existing && i.name === name) problems.add('name', name, 'taken', 'Name has already been taken');
    }
  }
  problems.throwIfAny();
  return { name: name ?? '' };
}

export function createInterface(core: SimCore, obj: JsonObject, id?: string): InterfaceRecord {
  const record: InterfaceRecord = { id: id ?? core.ids.next('interface'), system: false, ...readInterface(core, obj, undefined) };
  core.store.interfaces.set(record.id, record);
  return record;
}

function list(ctx: RouteContext): Reply {
  const all = [...ctx.core.store.interfaces.values()].filter((i) => ctx.core.isVisible(i.id));
  return paginate(ctx, 'firewall_interfaces', all.map((i) => interfaceView(ctx.view, i)));
}

function create(ctx: RouteContext): Reply {
  const record = createInterface(ctx.core, unwrap(ctx.body, 'firewall_interface'));
  ctx.core.created(record.id);
  const body = { firewall_interface: interfaceView(ctx.view, record) };
  return { status: 201, body, headers: { Location: body.firewall_interface.url } };
}

function get(ctx: RouteContext): Reply {
  const record = ctx.core.lookup(ctx.core.store.interfaces, ctx.params['id']!, 'firewall_interface');
  return { status: 200, body: { firewall_interface: interfaceView(ctx.view, record) } };
}

function update(ctx: RouteContext): Reply {
  const record = ctx.core.lookup(ctx.core.store.interfaces, ctx.params['id']!, 'firewall_interface');
  refuseSystem(record, 'firewall interfaces');
  Object.assign(record, readInterface(ctx.core, unwrap(ctx.body, 'firewall_interface'), record));
  return { status: 204 };
}

function remove(ctx: RouteContext): Reply {
  const record = ctx.core.lookup(ctx.core.store.interfaces, ctx.params['id']!, 'firewall_interface');
  refuseSystem(record, 'firewall interfaces');
  refuseInUse(record.id, 'Firewall interface', policiesUsing(ctx.core.store, record.id), 'firewall policies');
  ctx.core.store.interfaces.delete(record.id);
  return { status: 204 };
}

export const interfaceRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/firewall_interfaces', handler: list },
  { method: 'POST', pattern: '/v1/firewall_interfaces', handler: create },
  { method: 'GET', pattern: '/v1/firewall_interfaces/:id', handler: get },
  { method: 'PUT', pattern: '/v1/firewall_interfaces/:id', handler: update },
  { method: 'DELETE', pattern: '/v1/firewall_interfaces/:id', handler: remove },
];
