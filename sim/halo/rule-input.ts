/**
 * Reading a firewall rule payload — inline in a policy or through the per-rule endpoints — into a record,
 * with every reference resolved and checked. Unresolvable references are 422s: a rule must never be stored
 * with a dangling source, which a client would read back as "any".
 */
import type { SimCore } from './core.js';
import type { Problems } from './errors.js';
import { has, isObject, label, readBoolean, readEnum, readIdRef, readString, type JsonObject } from './input.js';
import { sameName, type PeerRef, type RuleRecord } from './store.js';
import { SPECIAL_GROUP_NAMES } from './system-objects.js';
import { isConnectionStates } from './syntax.js';
import type { WireAction, WireChain, WirePeerType } from './wire-types.js';

export const CHAINS: readonly WireChain[] = ['INPUT', 'OUTPUT'];
export const ACTIONS: readonly WireAction[] = ['ACCEPT', 'DROP', 'REJECT'];
const PEER_TYPES: readonly WirePeerType[] = ['FirewallZone', 'Group', 'User', 'UserGroup'];

/** A rule's fields as read from a payload; undefined = not given. */
export interface RuleDraft {
  chain?: WireChain;
  action?: WireAction;
  active?: boolean;
  peer?: PeerRef | null;
  serviceId?: string | null;
  interfaceId?: string | null;
  connection_states?: string | null;
  log?: boolean;
  log_prefix?: string;
  comment?: string;
  /** 1-based position within the chain. */
  position?: number;
}

export interface RuleReadOptions {
  /**
   * Also resolve services and interfaces by name (`"ssh"`, `{"name":"ssh"}`). Seeds use this; the API takes
   * ids only, as the reference documents.
   */
  readonly allowNames?: boolean;
}

/** The key naming a rule's peer for a chain: INPUT rules have a source, OUTPUT rules a target. */
export function peerKey(chain: WireChain): 'firewall_source' | 'firewall_target' {
  return chain === 'INPUT' ? 'firewall_source' : 'firewall_target';
}

/**
 * Reads a rule payload. For an update pass `existing`: `chain` and `action` are then optional and absent
 * fields keep their values (the caller merges with {@link applyDraft}).
 */
export function readRule(
  core: SimCore,
  obj: JsonObject,
  problems: Problems,
  prefix: string,
  existing: RuleRecord | undefined,
  opts: RuleReadOptions = {},
): RuleDraft {
  const draft: RuleDraft = {};
  const creating = existing === undefined;
  const chain = readEnum(obj, 'chain', CHAINS, problems, `${prefix}chain`, creating);
  if (chain) draft.chain = chain;
  const action = readEnum(obj, 'action', ACTIONS, problems, `${prefix}action`, creating);
  if (action) draft.action = action;
  const active = readBoolean(obj, 'active', problems, `${prefix}active`);
  if (active !== undefined) draft.active = active;
  const log = readBoolean(obj, 'log', problems, `${prefix}log`);
  if (log !== undefined) draft.log = log;
  const logPrefix = readString(obj, 'log_prefix', problems, `${prefix}log_prefix`, { nullable: true });
  if (logPrefix !== undefined) draft.log_prefix = logPrefix ?? '';
  const comment = readString(obj, 'comment', problems, `${prefix}comment`, { nullable: true });
  if (comment !== undefined) draft.comment = comment ?? '';

  const states = readString(obj, 'connection_states', problems, `${prefix}connection_states`, { nullable: true });
  if (typeof states === 'string' && !isConnectionStates(states)) {
    problems.add(`${prefix}connection_states`, states, 'invalid', 'Connection states must be a comma list of NEW, RELATED, ESTABLISHED');
  } else if (states !== undefined) {
    draft.connection_states = states;
  }

  if (has(obj, 'position')) {
    const p = obj['position'];
    if (typeof p === 'number' && Number.isInteger(p) && p >= 1) draft.position = p;
    else problems.add(`${prefix}position`, p, 'invalid', 'Position must be an integer >= 1');
  }

  // The peer: INPUT rules take firewall_source, OUTPUT rules firewall_target.
  const finalChain = draft.chain ?? existing?.chain;
  if (finalChain) {
    const key = peerKey(finalChain);
    const other = peerKey(finalChain === 'INPUT' ? 'OUTPUT' : 'INPUT');
    if (has(obj, other) && obj[other] !== null) {
      problems.add(`${prefix}${other}`, obj[other], 'invalid', `${other} applies to ${finalChain === 'INPUT' ? 'OUTPUT' : 'INPUT'} rules; ${finalChain} rules take ${key}`);
    }
    if (has(obj, key)) {
      const peer = readPeer(core, obj[key], problems, `${prefix}${key}`);
      if (peer !== undefined) draft.peer = peer;
    }
  }

  const service = readReference(core, obj, 'firewall_service', problems, prefix, opts);
  if (service !== undefined) draft.serviceId = service;
  const iface = readReference(core, obj, 'firewall_interface', problems, prefix, opts);
  if (iface !== undefined) draft.interfaceId = iface;
  return draft;
}

/** A service or interface reference → its id (null = any), or undefined when absent or bad. */
function readReference(
  core: SimCore,
  obj: JsonObject,
  key: 'firewall_service' | 'firewall_interface',
  problems: Problems,
  prefix: string,
  opts: RuleReadOptions,
): string | null | undefined {
  const field = `${prefix}${key}`;
  const ref = readIdRef(obj, key, problems, field);
  if (ref === undefined || ref === null) return ref;
  const map: ReadonlyMap<string, { id: string; name: string }> =
    key === 'firewall_service' ? core.store.services : core.store.interfaces;
  const what = key === 'firewall_service' ? 'Firewall service' : 'Firewall interface';
  if ('id' in ref) {
    if (map.has(ref.id)) return ref.id;
    if (opts.allowNames) {
      const byName = findByName(map.values(), ref.id);
      if (byName) return byName.id;
    }
    problems.add(field, ref.id, 'not_found', `${what} ${ref.id} does not exist`);
    return undefined;
  }
  if (!opts.allowNames) {
    problems.add(field, obj[key], 'invalid', `${label(field)} must be an id string or {"id":"…"}`);
    return undefined;
  }
  const byName = findByName(map.values(), ref.name);
  if (byName) return byName.id;
  problems.add(field, ref.name, 'not_found', `${what} named ${ref.name} does not exist`);
  return undefined;
}

function findByName<T extends { name: string }>(items: Iterable<T>, name: string): T | undefined {
  for (const item of items) if (sameName(item.name, name)) return item;
  return undefined;
}

/** `{id|name, type}` → a resolved peer; null = any. */
function readPeer(core: SimCore, value: unknown, problems: Problems, field: string): PeerRef | null | undefined {
  if (value === null) return null;
  if (!isObject(value)) {
    problems.add(field, value, 'invalid', `${label(field)} must be {"id"|"name":…,"type":…} or null`);
    return undefined;
  }
  const type = readEnum(value, 'type', PEER_TYPES, problems, `${field}.type`, true);
  const id = typeof value['id'] === 'string' && value['id'] !== '' ? value['id'] : undefined;
  const name = typeof value['name'] === 'string' && value['name'] !== '' ? value['name'] : undefined;
  if (id === undefined && name === undefined) {
    problems.add(`${field}.id`, value['id'] ?? null, 'required', `${label(field)} id or name required`);
    return undefined;
  }
  if (!type) return undefined;
  switch (type) {
    case 'FirewallZone': {
      const zone = id !== undefined ? core.store.zones.get(id) : findByName(core.store.zones.values(), name!);
      if (!zone) {
        problems.add(field, id ?? name, 'not_found', `Firewall zone ${id ?? name} does not exist`);
        return undefined;
      }
      return { kind: 'zone', id: zone.id };
    }
    case 'Group': {
      if (id === undefined && SPECIAL_GROUP_NAMES.includes(name!)) return { kind: 'special-group', name: name! };
      let group = id !== undefined ? core.store.groups.get(id) : undefined;
      if (id === undefined) {
        const matches = [...core.store.groups.values()].filter((g) => sameName(g.name, name!));
        if (matches.length > 1) {
          problems.add(field, name, 'invalid', `Group name ${name} is ambiguous: reference the group by id`);
          return undefined;
        }
        group = matches[0];
      }
      if (!group) {
        problems.add(field, id ?? name, 'not_found', `Group ${id ?? name} does not exist`);
        return undefined;
      }
      return { kind: 'group', id: group.id };
    }
    // GhostPorts users and user groups ("All GhostPorts users" among them) are not simulated: kept as given.
    case 'User':
      return { kind: 'user', ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
    case 'UserGroup':
      return { kind: 'user-group', ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
    default: {
      const never: never = type;
      throw new Error(`unknown peer type ${String(never)}`);
    }
  }
}

/** A draft merged over an existing rule, or over the defaults when creating. */
export function applyDraft(draft: RuleDraft, existing: RuleRecord | undefined): Omit<RuleRecord, 'id'> {
  return {
    chain: draft.chain ?? existing?.chain ?? 'INPUT',
    action: draft.action ?? existing?.action ?? 'ACCEPT',
    active: draft.active ?? existing?.active ?? true,
    peer: draft.peer !== undefined ? draft.peer : (existing?.peer ?? null),
    serviceId: draft.serviceId !== undefined ? draft.serviceId : (existing?.serviceId ?? null),
    interfaceId: draft.interfaceId !== undefined ? draft.interfaceId : (existing?.interfaceId ?? null),
    connection_states: draft.connection_states !== undefined ? draft.connection_states : (existing?.connection_states ?? null),
    log: draft.log ?? existing?.log ?? false,
    log_prefix: draft.log_prefix ?? existing?.log_prefix ?? '',
    comment: draft.comment ?? existing?.comment ?? '',
  };
}

/**
 * Inline rules of a policy payload, arranged per chain. Rules with a `position` are placed by it (ties and
 * unpositioned rules keep payload order), then positions are renumbered 1..n: a payload listing its rules out
 * of order still produces the order its positions say.
 */
export function readInlineRules(
  core: SimCore,
  value: unknown,
  problems: Problems,
  opts: RuleReadOptions = {},
): { INPUT: RuleRecord[]; OUTPUT: RuleRecord[] } | undefined {
  if (value === null) return { INPUT: [], OUTPUT: [] };
  if (!Array.isArray(value)) {
    problems.add('firewall_rules', value, 'invalid', 'Firewall rules must be an array');
    return undefined;
  }
  const drafts: { draft: RuleDraft; index: number }[] = [];
  value.forEach((item, index) => {
    const prefix = `firewall_rules[${index}].`;
    if (!isObject(item)) {
      problems.add(`firewall_rules[${index}]`, item, 'invalid', 'A firewall rule must be an object');
      return;
    }
    drafts.push({ draft: readRule(core, item, problems, prefix, undefined, opts), index });
  });
  const chains: { INPUT: RuleRecord[]; OUTPUT: RuleRecord[] } = { INPUT: [], OUTPUT: [] };
  for (const chain of CHAINS) {
    const inChain = drafts.filter((d) => d.draft.chain === chain);
    inChain.sort((a, b) => (a.draft.position ?? Infinity) - (b.draft.position ?? Infinity) || a.index - b.index);
    for (const { draft } of inChain) chains[chain].push({ id: '', ...applyDraft(draft, undefined) });
  }
  return chains;
}

/** Gives freshly read inline rules their ids (only once the whole payload has validated). */
export function assignRuleIds(core: SimCore, chains: { INPUT: RuleRecord[]; OUTPUT: RuleRecord[] }): void {
  for (const chain of CHAINS) {
    chains[chain] = chains[chain].map((r) => ({ ...r, id: core.ids.next('rule') }));
  }
}
