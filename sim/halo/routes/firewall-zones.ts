/**
 * `/v1/firewall_zones`: named address sets. `ip_address` is one comma-separated string.
 */
import type { SimCore } from '../core.js';
import { Problems } from '../errors.js';
import { has, readBoolean, readString, unwrap, type JsonObject } from '../input.js';
import { paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import { sameName, type ZoneRecord } from '../store.js';
import { badZoneEntries } from '../syntax.js';
import { policiesUsing, zoneView } from '../views.js';
import { refuseSystem, refuseInUse } from './guards.js';

/** Validates a zone payload; on update, absent fields keep `existing`'s values. */
function readZone(core: SimCore, obj: JsonObject, existing: ZoneRecord | undefined): Omit<ZoneRecord, 'id' | 'system'> {
  const problems = new Problems();
  const creating = existing === undefined;
  const name = readString(obj, 'name', problems, `name`, { required: creating || has(obj, 'name') });
  const ip = readString(obj, 'ip_address', problems, `ip_address`, { required: creating || has(obj, 'ip_address') });
  const description = readString(obj, 'description', problems, `description`, { nullable: true });
  const shared = readBoolean(obj, 'shared', problems, `shared`);
  if (typeof ip === 'string') {
    const bad = badZoneEntries(ip);
    if (bad.length > 0) {
      problems.add(`ip_address`, ip, 'invalid', `not an address, CIDR or range: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
    }
  }
  if (typeof name === 'string') {
    for (const z of core.store.zones.values()) {
      if (z !== existing && sameName(z.name, name)) problems.add(`name`, name, 'taken', 'Name has already been taken');
    }
  }
  problems.throwIfAny();
  return {
    name: name ?? existing?.name ?? '',
    ip_address: ip ?? existing?.ip_address ?? '',
    description: description ?? existing?.description ?? '',
    shared: shared ?? existing?.shared ?? true,
  };
}

/** Creates a zone (API and seed share this, so a seed is held to the API's rules). */
export function createZone(core: SimCore, obj: JsonObject, id?: string): ZoneRecord {
  const fields = readZone(core, obj, undefined);
  const zone: ZoneRecord = { id: id ?? core.ids.next('zone'), system: false, ...fields };
  core.store.zones.set(zone.id, zone);
  return zone;
}

function list(ctx: RouteContext): Reply {
  const zones = [...ctx.core.store.zones.values()].filter((z) => ctx.core.isVisible(z.id));
  return paginate(ctx, 'firewall_zones', zones.map((z) => zoneView(ctx.view, z)));
}

function create(ctx: RouteContext): Reply {
  const zone = createZone(ctx.core, unwrap(ctx.body, 'firewall_zone'));
  ctx.core.created(zone.id);
  const body = { firewall_zone: zoneView(ctx.view, zone) };
  return { status: 201, body, headers: { Location: body.firewall_zone.url } };
}

function get(ctx: RouteContext): Reply {
  const zone = ctx.core.lookup(ctx.core.store.zones, ctx.params['id']!, 'firewall_zone');
  return { status: 200, body: { firewall_zone: zoneView(ctx.view, zone) } };
}

function update(ctx: RouteContext): Reply {
  const zone = ctx.core.lookup(ctx.core.store.zones, ctx.params['id']!, 'firewall_zone');
  refuseSystem(zone, 'firewall zones');
  Object.assign(zone, readZone(ctx.core, unwrap(ctx.body, 'firewall_zone'), zone));
  return { status: 204 };
}

function remove(ctx: RouteContext): Reply {
  const zone = ctx.core.lookup(ctx.core.store.zones, ctx.params['id']!, 'firewall_zone');
  refuseSystem(zone, 'firewall zones');
  refuseInUse(zone.id, 'Firewall zone', policiesUsing(ctx.core.store, zone.id), 'firewall policies');
  ctx.core.store.zones.delete(zone.id);
  return { status: 204 };
}

export const zoneRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/firewall_zones', handler: list },
  { method: 'POST', pattern: '/v1/firewall_zones', handler: create },
  { method: 'GET', pattern: '/v1/firewall_zones/:id', handler: get },
  { method: 'PUT', pattern: '/v1/firewall_zones/:id', handler: update },
  { method: 'DELETE', pattern: '/v1/firewall_zones/:id', handler: remove },
];
