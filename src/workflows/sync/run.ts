/**
 * One reconcile run of `ruleport sync panos`: read the scope from AWS and the rulebase from the firewall, work out
 * the desired rulebase, plan the difference over what sync owns, and (unless dry) apply it with one commit.
 * Every trigger — a schedule, a batch of events — runs this whole loop: events are hints, AWS is the truth.
 */
import type { PanosClient } from '../../platforms/panos/client.js';
import type { PanosTarget } from '../../platforms/panos/credentials.js';
import { entries, path } from '../../platforms/panos/xml.js';
import type { Journal } from '../../plan/index.js';
import type { WorkflowContext } from '../context.js';
import { adminPolicyAbove, partitionAllowed } from './already-allowed.js';
import { applyFirewallPlan, type FirewallApplyResult } from './apply-firewall.js';
import type { SyncConfig } from './config.js';
import { confirmOnDevice } from './confirm-on-device.js';
import { desiredRulebase, syncRules, type SyncRule } from './desired.js';
import { planFirewall, type FirewallPlan } from './plan-firewall.js';
import { readScope, type ScopeAccount } from './read-scope.js';
import type { SkippedPeer } from './scope.js';

export interface SyncEnvironment {
  readonly config: SyncConfig;
  readonly client: PanosClient;
  readonly target: PanosTarget;
  /** The identities to read AWS with (the caller's own account, or each configured member account). */
  readonly accounts: readonly ScopeAccount[];
}

export interface SyncRunOptions {
  readonly dryRun?: boolean;
  /** Ask the firewall (`test security-policy-match`) about every rule found already allowed. */
  readonly confirmOnDevice?: boolean;
  readonly journal?: Journal;
  readonly commitTimeoutMs?: number;
  readonly pollMs?: number;
}

export interface SyncRunReport {
  readonly plan: FirewallPlan;
  /** Desired rules not added because administrators' rules above the bottom rule allow them entirely. */
  readonly alreadyAllowed: readonly { readonly groupId: string; readonly rule: string }[];
  /** Peers left out of the scope (inside the VPC, group references). */
  readonly skipped: readonly SkippedPeer[];
  readonly groups: number;
  /** Absent on a dry run. */
  readonly applied?: FirewallApplyResult;
}

/** A planned run: the plan and what applying it needs. */
export interface PlannedSync extends SyncRunReport {
  /** The rulebase order as read. */
  readonly ruleOrder: readonly string[];
}

/** Reads AWS and the firewall and plans the run; changes nothing. */
export async function planSync(env: SyncEnvironment, options: Pick<SyncRunOptions, 'confirmOnDevice'>, ctx: WorkflowContext): Promise<PlannedSync> {
  const { config, client, target } = env;
  const fw = config.firewall;
  const [scope, actual, running, registered] = await Promise.all([
    readScope(config, env.accounts),
    client.vsysConfig(target.vsys, 'candidate'),
    client.vsysConfig(target.vsys, 'running'),
    client.registeredIps(),
  ]);
  const { rules: wanted, notes } = syncRules(scope.groups, fw.addressMode);
  const admin = adminPolicyAbove(actual, { zones: fw.zones, tag: fw.tag, bottomRule: fw.bottomRule, label: target.label });
  let { add, allowed } = partitionAllowed(wanted, admin);
  if (options.confirmOnDevice && allowed.length > 0) {
    const verdict = await confirmOnDevice(client, allowed, scope.groups, fw, ctx);
    add = [...add, ...verdict.disagree];
    allowed = verdict.agree;
  }
  const desired = desiredRulebase(add, scope.groups, fw);
  const registeredMap = new Map(registered.map((r) => [r.ip, r.tags]));
  const alreadyAllowed = allowed.map((r: SyncRule) => ({ groupId: r.groupId, rule: r.label }));
  const plan = planFirewall(
    {
      ...desired,
      notes: [
        ...desired.notes,
        ...notes,
        ...alreadyAllowed.map((a) => `${a.groupId} ${a.rule}: already allowed by administrators' rules above ${JSON.stringify(fw.bottomRule)}, not added`),
      ],
    },
    actual,
    registeredMap,
    { target: target.label, tag: fw.tag, bottomRule: fw.bottomRule, running },
  );
  const ruleOrder = entries(path(actual.vsys, 'rulebase', 'security', 'rules')).map((e) => e.attrs.name ?? '');
  return { plan, alreadyAllowed, skipped: scope.skipped, groups: scope.groups.length, ruleOrder };
}

/** Applies a planned run (one commit). @throws PanosCommitError / RemoteError when it failed (ruleport's edits reverted). */
export async function applySync(env: SyncEnvironment, planned: PlannedSync, options: SyncRunOptions): Promise<SyncRunReport> {
  const applied = await applyFirewallPlan(env.client, planned.plan, {
    vsys: env.target.vsys,
    ruleOrder: planned.ruleOrder,
    ...(options.journal ? { journal: options.journal } : {}),
    ...(options.commitTimeoutMs !== undefined ? { commitTimeoutMs: options.commitTimeoutMs } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
  const { ruleOrder: _order, ...report } = planned;
  return { ...report, applied };
}

/** Runs one reconcile: plan, then (unless dry) apply. */
export async function syncOnce(env: SyncEnvironment, options: SyncRunOptions, ctx: WorkflowContext): Promise<SyncRunReport> {
  const planned = await planSync(env, options, ctx);
  if (options.dryRun) {
    const { ruleOrder: _order, ...report } = planned;
    return report;
  }
  return applySync(env, planned, options);
}
