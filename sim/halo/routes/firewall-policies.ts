/**
 * `/v1/firewall_policies`: ordered first-match rule sets per platform. A policy may be created with inline
 * `firewall_rules`; a PUT that carries `firewall_rules` replaces the whole rule list.
 */
import type { SimCore } from '../core.js';
import { Problems } from '../errors.js';
import { has, readBoolean, readEnum, readString, unwrap, type JsonObject } from '../input.js';
import { paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import { assignRuleIds, readInlineRules, type RuleReadOptions } from '../rule-input.js';
import { sameName, type PolicyRecord, type WindowsSettings } from '../store.js';
import { groupsUsingPolicy, policyView } from '../views.js';
import type { WirePlatform } from '../wire-types.js';
import { refuseInUse } from './guards.js';

const PLATFORMS: readonly WirePlatform[] = ['linux', 'windows'];
const WINDOWS_FLAGS = ['log_allowed', 'log_dropped', 'block_inbound', 'block_outbound'] as const;
/** Windows firewall defaults: inbound blocked unless a rule allows it, outbound open, no logging. */
const WINDOWS_DEFAULTS: WindowsSettings = { log_allowed: false, log_dropped: false, block_inbound: true, block_outbound: false };

/** Validates a policy payload; on update (existing given) absent fields keep their values. */
function readPolicy(core: SimCore, obj: JsonObject, existing: PolicyRecord | undefined, opts: RuleReadOptions): Omit<PolicyRecord, 'id'> {
  const problems = new Problems();
  const creating = existing === undefined;
  const name = readString(obj, 'name', problems, 'name', { required: creating || has(obj, 'name') });
  const platform = readEnum(obj, 'platform', PLATFORMS, problems, 'platform', false);
  const description = readString(obj, 'description', problems, 'description', { nullable: true });
  const shared = readBoolean(obj, 'shared', problems, 'shared');
  const ignoreForwarding = readBoolean(obj, 'ignore_forwarding_rules', problems, 'ignore_forwarding_rules');
  const flags: Partial<WindowsSettings> = {};
  for (const flag of WINDOWS_FLAGS) {
    const value = readBoolean(obj, flag, problems, flag);
    if (value !== undefined) flags[flag] = value;
  }
  const chains = has(obj, 'firewall_rules') ? readInlineRules(core, obj['firewall_rules'], problems, opts) : undefined;

  if (typeof name === 'string') {
    for (const p of core.store.policies.values()) {
      if (p !== existing && sameName(p.name, name)) problems.add('name', name, 'taken', 'Name has already been taken');
    }
  }
  const finalPlatform = platform ?? existing?.platform ?? 'linux';
  if (existing && finalPlatform !== existing.platform) {
    const users = groupsUsingPolicy(core.store, existing.id);
    if (users.length > 0) {
      problems.add('platform', finalPlatform, 'in_use', `platform cannot change while groups use the policy: ${users.map((u) => u.name).join(', ')}`);
    }
  }
  problems.throwIfAny();

  // Windows-only settings are ignored on linux policies (they mean nothing to iptables).
  const windows = finalPlatform === 'windows' ? { ...WINDOWS_DEFAULTS, ...(existing?.windows ?? {}), ...flags } : null;
  if (chains) assignRuleIds(core, chains);
  return {
    name: name ?? existing?.name ?? '',
    platform: finalPlatform,
    description: description ?? existing?.description ?? '',
    shared: shared ?? existing?.shared ?? true,
    ignore_forwarding_rules: ignoreForwarding ?? existing?.ignore_forwarding_rules ?? false,
    windows,
    chains: chains ?? existing?.chains ?? { INPUT: [], OUTPUT: [] },
  };
}

/** Creates a policy with its inline rules (API and seed). Nothing is stored unless all of it validates. */
export function createPolicy(core: SimCore, obj: JsonObject, id?: string, opts: RuleReadOptions = {}): PolicyRecord {
  const policy: PolicyRecord = { id: id ?? core.ids.next('policy'), ...readPolicy(core, obj, undefined, opts) };
  core.store.policies.set(policy.id, policy);
  return policy;
}

/** Replaces a policy's rules with inline-format `rules` (seeds attach rules after groups exist). */
export function replaceRules(core: SimCore, policy: PolicyRecord, rules: unknown, opts: RuleReadOptions = {}): void {
  const problems = new Problems();
  const chains = readInlineRules(core, rules, problems, opts);
  problems.throwIfAny();
  if (chains) {
    assignRuleIds(core, chains);
    policy.chains = chains;
  }
}

function list(ctx: RouteContext): Reply {
  const policies = [...ctx.core.store.policies.values()].filter((p) => ctx.core.isVisible(p.id));
  return paginate(ctx, 'firewall_policies', policies.map((p) => policyView(ctx.view, p, false)));
}

function create(ctx: RouteContext): Reply {
  const policy = createPolicy(ctx.core, unwrap(ctx.body, 'firewall_policy'));
  ctx.core.created(policy.id);
  for (const r of [...policy.chains.INPUT, ...policy.chains.OUTPUT]) ctx.core.created(r.id);
  const body = { firewall_policy: policyView(ctx.view, policy, true) };
  return { status: 201, body, headers: { Location: body.firewall_policy.url } };
}

function get(ctx: RouteContext): Reply {
  const policy = ctx.core.lookup(ctx.core.store.policies, ctx.params['id']!, 'firewall_policy');
  return { status: 200, body: { firewall_policy: policyView(ctx.view, policy, true) } };
}

function update(ctx: RouteContext): Reply {
  const policy = ctx.core.lookup(ctx.core.store.policies, ctx.params['id']!, 'firewall_policy');
  Object.assign(policy, readPolicy(ctx.core, unwrap(ctx.body, 'firewall_policy'), policy, {}));
  return { status: 204 };
}

function remove(ctx: RouteContext): Reply {
  const policy = ctx.core.lookup(ctx.core.store.policies, ctx.params['id']!, 'firewall_policy');
  refuseInUse(policy.id, 'Firewall policy', groupsUsingPolicy(ctx.core.store, policy.id), 'groups');
  ctx.core.store.policies.delete(policy.id);
  return { status: 204 };
}

export const policyRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/firewall_policies', handler: list },
  { method: 'POST', pattern: '/v1/firewall_policies', handler: create },
  { method: 'GET', pattern: '/v1/firewall_policies/:id', handler: get },
  { method: 'PUT', pattern: '/v1/firewall_policies/:id', handler: update },
  { method: 'DELETE', pattern: '/v1/firewall_policies/:id', handler: remove },
];
