/**
 * `/v1/firewall_policies/{pid}/firewall_rules`: one rule at a time. `position` is 1-based within the rule's
 * chain; inserting at a position shifts that rule and the ones after it down by one, deleting shifts them up.
 */
import { notFound, Problems } from '../errors.js';
import { unwrap } from '../input.js';
import { paginate } from '../pagination.js';
import type { Reply, Route, RouteContext } from '../router.js';
import { applyDraft, readRule } from '../rule-input.js';
import type { PolicyRecord, RuleRecord } from '../store.js';
import { allRules, ruleView } from '../views.js';

function policyOf(ctx: RouteContext): PolicyRecord {
  return ctx.core.lookup(ctx.core.store.policies, ctx.params['pid']!, 'firewall_policy');
}

function ruleOf(ctx: RouteContext, policy: PolicyRecord): RuleRecord {
  const id = ctx.params['rid']!;
  const rule = allRules(policy).find((r) => r.id === id);
  if (!rule || !ctx.core.isVisible(id)) throw notFound('firewall_rule', id);
  return rule;
}

function checkPosition(problems: Problems, position: number, max: number): void {
  if (position > max) problems.add('position', position, 'invalid', `Position must be between 1 and ${max}`);
}

function list(ctx: RouteContext): Reply {
  const policy = policyOf(ctx);
  const rules = allRules(policy).filter((r) => ctx.core.isVisible(r.id));
  return paginate(ctx, 'firewall_rules', rules.map((r) => ruleView(ctx.view, policy, r, false)));
}

function create(ctx: RouteContext): Reply {
  const policy = policyOf(ctx);
  const problems = new Problems();
  const draft = readRule(ctx.core, unwrap(ctx.body, 'firewall_rule'), problems, '', undefined);
  if (draft.chain && draft.position !== undefined) checkPosition(problems, draft.position, policy.chains[draft.chain].length + 1);
  problems.throwIfAny();
  const rule: RuleRecord = { id: ctx.core.ids.next('rule'), ...applyDraft(draft, undefined) };
  const chain = policy.chains[rule.chain];
  chain.splice((draft.position ?? chain.length + 1) - 1, 0, rule);
  ctx.core.created(rule.id);
  const body = { firewall_rule: ruleView(ctx.view, policy, rule, true) };
  return { status: 201, body, headers: { Location: body.firewall_rule.url } };
}

function get(ctx: RouteContext): Reply {
  const policy = policyOf(ctx);
  const rule = ruleOf(ctx, policy);
  return { status: 200, body: { firewall_rule: ruleView(ctx.view, policy, rule, true) } };
}

/** Updates fields; a new `chain` and/or `position` moves the rule (without one, it keeps its place). */
function update(ctx: RouteContext): Reply {
  const policy = policyOf(ctx);
  const rule = ruleOf(ctx, policy);
  const obj = unwrap(ctx.body, 'firewall_rule');
  const problems = new Problems();
  const draft = readRule(ctx.core, obj, problems, '', rule);
  const merged = applyDraft(draft, rule);
  const from = policy.chains[rule.chain];
  const oldIndex = from.indexOf(rule);
  const target = policy.chains[merged.chain];
  const sameChain = merged.chain === rule.chain;
  // Without the rule itself, the target chain has this many rules; the rule can go anywhere in 1..n+1.
  const max = (sameChain ? target.length - 1 : target.length) + 1;
  if (draft.position !== undefined) checkPosition(problems, draft.position, max);
  // Moving chains keeps the peer unless one is given: an INPUT rule's source becomes the OUTPUT rule's target.
  problems.throwIfAny();
  from.splice(oldIndex, 1);
  Object.assign(rule, merged);
  const position = draft.position ?? (sameChain ? oldIndex + 1 : target.length + 1);
  target.splice(position - 1, 0, rule);
  return { status: 204 };
}

function remove(ctx: RouteContext): Reply {
  const policy = policyOf(ctx);
  const rule = ruleOf(ctx, policy);
  const chain = policy.chains[rule.chain];
  chain.splice(chain.indexOf(rule), 1);
  return { status: 204 };
}

export const ruleRoutes: readonly Route[] = [
  { method: 'GET', pattern: '/v1/firewall_policies/:pid/firewall_rules', handler: list },
  { method: 'POST', pattern: '/v1/firewall_policies/:pid/firewall_rules', handler: create },
  { method: 'GET', pattern: '/v1/firewall_policies/:pid/firewall_rules/:rid', handler: get },
  { method: 'PUT', pattern: '/v1/firewall_policies/:pid/firewall_rules/:rid', handler: update },
  { method: 'DELETE', pattern: '/v1/firewall_policies/:pid/firewall_rules/:rid', handler: remove },
];
