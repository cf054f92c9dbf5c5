/**
 * "Already allowed": a desired rule whose flows the administrators' rules above the insertion point allow entirely
 * is not added. Decided with the engine on the rulebase read once, instead of one `test security-policy-match` per
 * rule (the seed's way). A rule only partly covered is added whole. Pure.
 *
 * In `dynamic` mode the group is symbolic: an administrator's rule covers it only when it covers every address the
 * group could have (destination `any`, a whole address family, or the group's own dynamic address group), so the
 * answer never changes when instances start or stop. In `static` mode the members' addresses are checked.
 */
import { compare } from '../../engine/index.js';
import type { Policy } from '../../model/index.js';
import { readVsys, type VsysConfig } from '../../platforms/panos/parse.js';
import { child, entries, members, path } from '../../platforms/panos/xml.js';
import { syncRulePolicy, type SyncRule } from './desired.js';

/** The administrators' part of the rulebase above the bottom rule, read for the zone pair (untrust→trust). */
export function adminPolicyAbove(
  config: VsysConfig,
  options: { readonly zones: { readonly untrust: string; readonly trust: string }; readonly tag: string; readonly bottomRule: string; readonly label: string },
): Policy {
  const above = new Set<string>();
  for (const e of entries(path(config.vsys, 'rulebase', 'security', 'rules'))) {
    const name = e.attrs.name ?? '';
    if (name === options.bottomRule) break;
    if (!members(child(e, 'tag')).includes(options.tag)) above.add(name);
  }
  const policy = readVsys(config, {
    zones: { from: options.zones.untrust, to: options.zones.trust },
    // A rule ruleport cannot read exactly is read narrower: an allow it cannot read never hides a needed rule.
    dropInexpressible: true,
    label: options.label,
    select: (r) => above.has(r.name),
  }).policy;
  // What no rule above matches goes on to sync's rules and the bottom rule, not to the device's default: only
  // the rules above count as allowing (an interzone default of allow must not make every rule look allowed).
  return { ...policy, defaults: { ingress: 'deny', egress: 'deny' } };
}

/** Splits desired rules into those to add and those the administrators' rules already allow entirely. */
export function partitionAllowed(rules: readonly SyncRule[], admin: Policy): { add: SyncRule[]; allowed: SyncRule[] } {
  const add: SyncRule[] = [];
  const allowed: SyncRule[] = [];
  for (const r of rules) {
    const c = compare(syncRulePolicy(r), admin, { limit: 1 });
    (c.onlyA.length === 0 ? allowed : add).push(r);
  }
  return { add, allowed };
}
