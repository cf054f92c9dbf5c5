/**
 * `/v1/groups`: server groups, nested through `parent_id`, each with a linux and a windows firewall policy.
 */
import type { SimCore } from '../core.js';
import { Problems } from '../errors.js';
import { has, readString, unwrap, type JsonObject } from '../input.js';
import { paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import { sameName, type GroupRecord } from '../store.js';
import { groupView, policiesUsing, serverView } from '../views.js';
import type { WirePlatform, WireUsedBy } from '../wire-types.js';
import { refuseInUse } from './guards.js';
import { filterServers } from './servers.js';

export interface GroupReadOptions {
  /** Resolve parent and policy references by name too (seeds). */
  readonly allowNames?: boolean;
}

function resolveId<T extends { id: string; name: string }>(
  map: ReadonlyMap<string, T>,
  ref: string,
  allowNames: boolean,
): T | undefined {
  const byId = map.get(ref);
  if (byId || !allowNames) return byId;
  for (const item of map.values()) if (sameName(item.name, ref)) return item;
  return undefined;
}

function readPolicyRef(
  core: SimCore,
  obj: JsonObject,
  key: 'linux_firewall_policy_id' | 'windows_firewall_policy_id',
  platform: WirePlatform,
  problems: Problems,
  allowNames: boolean,
): string | null | undefined {
  const ref = readString(obj, key, problems, key, { nullable: true });
  if (ref === undefined || ref === null || ref === '') return ref === '' ? null : ref;
  const policy = resolveId(core.store.policies, ref, allowNames);
  if (!policy) {
    problems.add(key, ref, 'not_found', `Firewall policy ${ref} does not exist`);
    return undefined;
  }
  if (policy.platform !== platform) {
    problems.add(key, ref, 'invalid', `Firewall policy ${policy.name} is a ${policy.platform} policy`);
    return undefined;
  }
  return policy.id;
}

/** Validates a group payload; on update, absent fields keep `existing`'s values. */
function readGroup(core: SimCore, obj: JsonObject, existing: GroupRecord | undefined, opts: GroupReadOptions): Omit<GroupRecord, 'id'> {
  const problems = new Problems();
  const allowNames = opts.allowNames ?? false;
  const creating = existing === undefined;
  const name = readString(obj, 'name', problems, 'name', { required: creating || has(obj, 'name') });
  const description = readString(obj, 'description', problems, 'description', { nullable: true });
  let tag = readString(obj, 'tag', problems, 'tag', { nullable: true });
  if (tag === '') tag = null;
  const linux = readPolicyRef(core, obj, 'linux_firewall_policy_id', 'linux', problems, allowNames);
  const windows = readPolicyRef(core, obj, 'windows_firewall_policy_id', 'windows', problems, allowNames);

  let parentId: string | null | undefined = readString(obj, 'parent_id', problems, 'parent_id', { nullable: true });
  if (parentId === '') parentId = null;
  if (typeof parentId === 'string') {
    const parent = resolveId(core.store.groups, parentId, allowNames);
    if (!parent) {
      problems.add('parent_id', parentId, 'not_found', `Group ${parentId} does not exist`);
      parentId = undefined;
    } else {
      parentId = parent.id;
      // A group cannot become its own ancestor.
      for (let g: GroupRecord | undefined = parent; g; g = g.parent_id ? core.store.groups.get(g.parent_id) : undefined) {
        if (existing && g.id === existing.id) {
          problems.add('parent_id', parentId, 'invalid', 'A group cannot be moved under itself or its descendants');
          parentId = undefined;
          break;
        }
      }
    }
  }

  let policyIds: string[] | undefined;
  if (has(obj, 'policy_ids')) {
    const raw = obj['policy_ids'];
    if (raw === null) policyIds = [];
    else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) policyIds = [...(raw as string[])];
    else problems.add('policy_ids', raw, 'invalid', 'Policy ids must be an array of strings');
  }

  const finalName = name ?? existing?.name;
  const finalParent = parentId !== undefined ? parentId : (existing?.parent_id ?? null);
  if (finalName !== undefined && (name !== undefined || parentId !== undefined)) {
    for (const g of core.store.groups.values()) {
      if (g !== existing && g.parent_id === finalParent && sameName(g.name, finalName)) {
        problems.add('name', finalName, 'taken', 'Name has already been taken by a group with the same parent');
      }
    }
  }
  if (typeof tag === 'string') {
    for (const g of core.store.groups.values()) {
      if (g !== existing && g.tag !== null && sameName(g.tag, tag)) problems.add('tag', tag, 'taken', 'Tag has already been taken');
    }
  }
  problems.throwIfAny();
  return {
    name: finalName ?? '',
    description: description ?? existing?.description ?? '',
    tag: tag !== undefined ? tag : (existing?.tag ?? null),
    parent_id: finalParent,
    linux_firewall_policy_id: linux !== undefined ? linux : (existing?.linux_firewall_policy_id ?? null),
    windows_firewall_policy_id: windows !== undefined ? windows : (existing?.windows_firewall_policy_id ?? null),
    policy_ids: policyIds ?? existing?.policy_ids ?? [],
  };
}

export function createGroup(core: SimCore, obj: JsonObject, id?: string, opts: GroupReadOptions = {}): GroupRecord {
  const group: GroupRecord = { id: id ?? core.ids.next('group'), ...readGroup(core, obj, undefined, opts) };
  core.store.groups.set(group.id, group);
  return group;
}

function list(ctx: RouteContext): Reply {
  const groups = [...ctx.core.store.groups.values()].filter((g) => ctx.core.isVisible(g.id));
  return paginate(ctx, 'groups', groups.map((g) => groupView(ctx.view, g)));
}

function create(ctx: RouteContext): Reply {
  const group = createGroup(ctx.core, unwrap(ctx.body, 'group'));
  ctx.core.created(group.id);
  const body = { group: groupView(ctx.view, group) };
  return { status: 201, body, headers: { Location: body.group.url } };
}

function get(ctx: RouteContext): Reply {
  const group = ctx.core.lookup(ctx.core.store.groups, ctx.params['id']!, 'group');
  return { status: 200, body: { group: groupView(ctx.view, group) } };
}

function update(ctx: RouteContext): Reply {
  const group = ctx.core.lookup(ctx.core.store.groups, ctx.params['id']!, 'group');
  Object.assign(group, readGroup(ctx.core, unwrap(ctx.body, 'group'), group, {}));
  return { status: 204 };
}

/** Refused while the group has child groups, non-retired servers, or firewall rules that name it. */
function remove(ctx: RouteContext): Reply {
  const store = ctx.core.store;
  const group = ctx.core.lookup(store.groups, ctx.params['id']!, 'group');
  const children: WireUsedBy[] = [...store.groups.values()].filter((g) => g.parent_id === group.id).map((g) => ({ id: g.id, name: g.name }));
  refuseInUse(group.id, 'Group', children, 'child groups');
  const servers: WireUsedBy[] = [...store.servers.values()]
    .filter((s) => s.group_id === group.id && s.state !== 'retired')
    .map((s) => ({ id: s.id, name: s.hostname }));
  refuseInUse(group.id, 'Group', servers, 'servers');
  refuseInUse(group.id, 'Group', policiesUsing(store, group.id), 'firewall policies');
  store.groups.delete(group.id);
  return { status: 204 };
}

/** The group's own servers (not its descendants'), with the same filters as `/v1/servers`. */
function servers(ctx: RouteContext): Reply {
  const group = ctx.core.lookup(ctx.core.store.groups, ctx.params['id']!, 'group');
  const members = [...ctx.core.store.servers.values()].filter((s) => s.group_id === group.id);
  return paginate(ctx, 'servers', filterServers(ctx, members).map((s) => serverView(ctx.view, s)));
}

export const groupRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/groups', handler: list },
  { method: 'POST', pattern: '/v1/groups', handler: create },
  { method: 'GET', pattern: '/v1/groups/:id', handler: get },
  { method: 'PUT', pattern: '/v1/groups/:id', handler: update },
  { method: 'DELETE', pattern: '/v1/groups/:id', handler: remove },
  { method: 'GET', pattern: '/v1/groups/:id/servers', handler: servers },
];
