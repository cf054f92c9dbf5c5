/**
 * plan = diff(desired, actual) over what sync owns on the firewall. Pure.
 *
 * Owned: security rules carrying the sync tag whose names start `rp-sg-` (names sync gives), objects of the kinds
 * it writes carrying the tag, and the User-ID registrations of the tags of sync's dynamic address groups (see
 * `ownedGroupTags`). Everything else is read only: an administrator's rule or object is never modified, moved or
 * deleted, a name clash with one is an error, and a registration of any other tag is never made or removed.
 *
 * Changes come in the order they can be applied: objects, rules, moves, then deletions of rules and of the objects
 * no remaining rule refers to.
 */
import { InputError } from '../../model/index.js';
import {
  OBJECT_CONTAINER,
  objectFromXml,
  ruleFromXml,
  ruleXml,
  sameObject,
  sameRule,
  type PanosObject,
  type PanosRuleObject,
} from '../../platforms/panos/objects.js';
import { dynamicGroupTag } from '../../platforms/panos/dynamic-address-group.js';
import type { VsysConfig } from '../../platforms/panos/parse.js';
import { unreferencedObjects } from '../../platforms/panos/unreferenced-objects.js';
import { child, childText, entries, members, parseXml, path, type XNode } from '../../platforms/panos/xml.js';
import type { Change, Plan } from '../../plan/index.js';
import type { DesiredRulebase } from './desired.js';

/** Names sync gives its rules; with the tag, what it owns. */
export const SYNC_RULE_PREFIX = 'rp-sg-';

/** What a change carries: a rule, an object, or one registration. */
export type SyncPayload =
  | { readonly kind: 'rule'; readonly rule: PanosRuleObject }
  | { readonly kind: 'object'; readonly object: PanosObject }
  | { readonly kind: 'registration'; readonly ip: string; readonly tag: string };

export type SyncChange = Change<SyncPayload>;

export interface FirewallPlan extends Plan<SyncPayload> {
  /** The rule sync's rules are placed above (moves are relative to it). */
  readonly bottomRule: string;
}

export interface PlanFirewallOptions {
  readonly target: string;
  readonly tag: string;
  readonly bottomRule: string;
  /**
   * The running configuration, when `actual` is the candidate. Without it, an earlier run's edits left in the
   * candidate (its commit answer lost, its process stopped before the commit) would look done and never be
   * committed.
   */
  readonly running?: VsysConfig;
}

const WRITTEN_KINDS: readonly PanosObject['kind'][] = ['address', 'address-group', 'service', 'application', 'tag'];

/**
 * Plans the firewall changes that make `actual` (the candidate) hold `desired`, and with `options.running` the
 * commit that makes the running configuration hold it too.
 * @param registered every User-ID registration on the device (IP → tags)
 * @throws InputError when the bottom rule is missing or a name sync needs is an administrator's.
 */
export function planFirewall(
  desired: DesiredRulebase,
  actual: VsysConfig,
  registered: ReadonlyMap<string, readonly string[]>,
  options: PlanFirewallOptions,
): FirewallPlan {
  const owned = ownedGroupTags(desired, options.running ? [actual, options.running] : [actual], options.tag);
  const plan = planAgainst(desired, actual, registered, owned, options);
  if (!options.running) return plan;
  // Checked like the candidate (an administrator's entry of a needed name in either stops the run).
  const committed = planAgainst(desired, options.running, registered, owned, { ...options, target: `${options.target} (running configuration)` });
  return withUncommitted(plan, committed, actual, options.target);
}

function planAgainst(
  desired: DesiredRulebase,
  actual: VsysConfig,
  registered: ReadonlyMap<string, readonly string[]>,
  ownedTags: ReadonlySet<string>,
  options: PlanFirewallOptions,
): FirewallPlan {
  const { target, tag, bottomRule } = options;
  const changes: SyncChange[] = [];
  const ruleEntries = entries(path(actual.vsys, 'rulebase', 'security', 'rules'));
  const order = ruleEntries.map((e) => e.attrs.name ?? '');
  if (!order.includes(bottomRule)) {
    throw new InputError({ object: `${target} rulebase`, field: 'firewall.bottom-rule' }, `no rule named ${JSON.stringify(bottomRule)}`);
  }
  const actualRules = new Map(ruleEntries.map((e) => [e.attrs.name ?? '', e]));

  // Objects.
  const desiredObjects = new Map(desired.objects.map((o) => [`${o.kind}:${o.name}`, o]));
  const actualObjects = new Map<string, XNode>();
  for (const kind of WRITTEN_KINDS) {
    for (const e of entries(child(actual.vsys, OBJECT_CONTAINER[kind]))) actualObjects.set(`${kind}:${e.attrs.name ?? ''}`, e);
  }
  for (const [key, o] of desiredObjects) {
    const entry = actualObjects.get(key);
    const current = entry ? objectFromXml(o.kind, entry) : undefined;
    if (!entry) changes.push({ kind: 'create', target, object: `${o.kind} ${o.name}`, after: { kind: 'object', object: o } });
    else if (sameObject(o, current)) changes.push({ kind: 'keep', target, object: `${o.kind} ${o.name}` });
    else if (o.kind !== 'tag' && !carriesTag(entry, tag)) throw clash(target, `${o.kind} ${o.name}`, tag);
    else changes.push({ kind: 'update', target, object: `${o.kind} ${o.name}`, before: { kind: 'object', object: current ?? o }, after: { kind: 'object', object: o } });
  }

  // Rules: create, restore, delete.
  const desiredNames = new Set(desired.rules.map((r) => r.name));
  for (const r of desired.rules) {
    const entry = actualRules.get(r.name);
    if (!entry) {
      changes.push({ kind: 'create', target, object: `rule ${r.name}`, after: { kind: 'rule', rule: r } });
      continue;
    }
    if (!isSyncRule(entry, tag)) throw clash(target, `rule ${r.name}`, tag);
    const current = ruleFromXml(entry);
    if (sameRule(r, current) && !hasForeignFields(entry, r)) changes.push({ kind: 'keep', target, object: `rule ${r.name}` });
    else changes.push({ kind: 'update', target, object: `rule ${r.name}`, before: { kind: 'rule', rule: current }, after: { kind: 'rule', rule: r } });
  }
  const deletions: SyncChange[] = [];
  for (const e of ruleEntries) {
    const name = e.attrs.name ?? '';
    if (isSyncRule(e, tag) && !desiredNames.has(name)) deletions.push({ kind: 'delete', target, object: `rule ${name}`, before: { kind: 'rule', rule: ruleFromXml(e) } });
  }

  // Order: every desired rule above the bottom rule, in desired order; moved only when that is not so already.
  const after = order.filter((n) => !deletions.some((d) => d.object === `rule ${n}`));
  for (const r of desired.rules) if (!after.includes(r.name)) after.push(r.name);
  const positions = desired.rules.map((r) => after.indexOf(r.name));
  const bottomAt = after.indexOf(bottomRule);
  const inOrder = positions.every((p, i) => p < bottomAt && (i === 0 || p > positions[i - 1]!));
  if (!inOrder) {
    for (const r of desired.rules) changes.push({ kind: 'move', target, object: `rule ${r.name}`, where: `before ${bottomRule}` });
  }
  changes.push(...deletions);

  // Objects nobody refers to any more (rules that stay, other rulebases, groups…: ../../platforms/panos/unreferenced-objects.ts).
  const replacedRules = new Set([...desiredNames, ...deletions.map((d) => d.object.slice('rule '.length))]);
  // The running configuration too: an admin rule deleted only in the candidate still holds its objects there.
  const configs = options.running && options.running !== actual ? [actual, options.running] : [actual];
  for (const o of unreferencedObjects(configs, { tag, wanted: new Set(desiredObjects.keys()), replacedRules, rules: desired.rules })) {
    changes.push({ kind: 'delete', target, object: `${o.kind} ${o.name}`, before: { kind: 'object', object: o } });
  }

  // User-ID registrations of sync's tags (the desired ones are among them: tags of desired groups).
  const want = new Set<string>();
  for (const [ip, tags] of desired.registrations) for (const t of tags) want.add(`${ip} ${t}`);
  const have = new Set<string>();
  for (const [ip, tags] of registered) for (const t of tags) if (ownedTags.has(t)) have.add(`${ip} ${t}`);
  for (const pair of [...want].sort()) {
    if (have.has(pair)) continue;
    const [ip, t] = pair.split(' ') as [string, string];
    changes.push({ kind: 'create', target, object: `registration ${pair}`, after: { kind: 'registration', ip, tag: t } });
  }
  for (const pair of [...have].sort()) {
    if (want.has(pair)) continue;
    const [ip, t] = pair.split(' ') as [string, string];
    changes.push({ kind: 'delete', target, object: `registration ${pair}`, before: { kind: 'registration', ip, tag: t } });
  }

  return { title: `sync ${target}`, changes, notes: [...desired.notes], lossy: [], bottomRule };
}

function carriesTag(e: XNode, tag: string): boolean {
  return members(child(e, 'tag')).includes(tag);
}

function isSyncRule(e: XNode, tag: string): boolean {
  return carriesTag(e, tag) && (e.attrs.name ?? '').startsWith(SYNC_RULE_PREFIX);
}

/**
 * The tags whose User-ID registrations sync owns. Registrations are device-wide and say nothing about who made
 * them, so ownership follows the dynamic address groups they feed: a tag is sync's when it is the filter of a
 * group carrying the sync tag that one of sync's own rules uses — in the candidate (also the rules this run
 * deletes, so a group that disappears has its registrations removed with its rules), in the running
 * configuration (rules an earlier run deleted without committing), or in the desired state. Registrations of
 * any other tag — another tool's, another sync setup's, a group `convert` wrote for its own rules — are left alone.
 */
function ownedGroupTags(desired: DesiredRulebase, configs: readonly VsysConfig[], tag: string): Set<string> {
  const owned = new Set<string>();
  for (const o of desired.objects) {
    const t = o.kind === 'address-group' ? dynamicGroupTag(o) : undefined;
    if (t !== undefined) owned.add(t);
  }
  for (const config of configs) {
    const used = new Set<string>();
    for (const r of entries(path(config.vsys, 'rulebase', 'security', 'rules'))) {
      if (isSyncRule(r, tag)) for (const side of ['source', 'destination']) for (const m of members(child(r, side))) used.add(m);
    }
    for (const g of entries(child(config.vsys, OBJECT_CONTAINER['address-group']))) {
      const name = g.attrs.name ?? '';
      const filter = childText(child(g, 'dynamic'), 'filter');
      if (!used.has(name) || !carriesTag(g, tag) || filter === undefined) continue;
      const t = dynamicGroupTag({ name, filter });
      if (t !== undefined) owned.add(t);
    }
  }
  return owned;
}

/**
 * `plan` (against the candidate) plus what `committed` (the same desired state against the running configuration)
 * still needs, so that an earlier run's edits left uncommitted get committed by this one. A rule or object the
 * candidate already holds as desired is written again, which puts
 * it among the changes of sync's administrator that the partial commit takes; a deletion already made in the
 * candidate is planned again (deleting nothing), a placement is moved again.
 */
function withUncommitted(plan: FirewallPlan, committed: FirewallPlan, candidate: VsysConfig, target: string): FirewallPlan {
  const planned = new Set(plan.changes.filter((c) => c.kind !== 'keep').map((c) => c.object));
  const rewrites = new Map<string, SyncPayload>();
  const tail: SyncChange[] = [];
  const candidateEntry = (p: Exclude<SyncPayload, { kind: 'registration' }>): XNode | undefined => {
    const container = p.kind === 'rule' ? path(candidate.vsys, 'rulebase', 'security', 'rules') : child(candidate.vsys, OBJECT_CONTAINER[p.object.kind]);
    const name = p.kind === 'rule' ? p.rule.name : p.object.name;
    return entries(container).find((e) => e.attrs.name === name);
  };
  for (const c of committed.changes) {
    if (!needsCommit(c) || planned.has(c.object)) continue;
    if (c.kind === 'create' || c.kind === 'update') {
      // Not planned against the candidate means kept there: the entry is sync's own (tagged) and as desired.
      // The shared tag object is left alone, whoever made it.
      const p = c.after;
      if (p.kind !== 'registration' && !(p.kind === 'object' && p.object.kind === 'tag')) rewrites.set(c.object, p);
    } else if (c.kind === 'delete') {
      // Only what the candidate no longer holds at all: an entry of that name there now is not the one sync deleted.
      if (c.before.kind !== 'registration' && candidateEntry(c.before) === undefined) tail.push({ ...c, target });
    } else if (c.kind === 'move') {
      tail.push({ ...c, target });
    }
  }
  if (rewrites.size === 0 && tail.length === 0) return plan;
  const rewrite = (c: SyncChange): SyncChange => {
    const p = c.kind === 'keep' ? rewrites.get(c.object) : undefined;
    return p ? { kind: 'update', target: c.target, object: c.object, before: p, after: p } : c;
  };
  return {
    ...plan,
    changes: [...plan.changes.map(rewrite), ...tail],
    notes: [...plan.notes, `${rewrites.size + tail.length} change(s) of an earlier run are in the candidate configuration but not running: made again and committed by this run`],
  };
}

/**
 * Whether an entry carries elements the rule as sync writes it does not have (`disabled`, a schedule, log
 * flags…): such a hand edit is drift too, though the fields sync compares are equal.
 */
function hasForeignFields(entry: XNode, desired: PanosRuleObject): boolean {
  const written = new Set(parseXml(ruleXml(desired)).node.children.keys());
  return [...entry.children.keys()].some((k) => !written.has(k));
}

function clash(target: string, object: string, tag: string): InputError {
  return new InputError(
    { object: `${target} ${object}` },
    `exists on the firewall without the ${JSON.stringify(tag)} tag: it is an administrator's, and sync never changes it; rename or remove it`,
  );
}

/** True for changes that edit the candidate configuration (and so need a commit). */
export function needsCommit(c: SyncChange): boolean {
  if (c.kind === 'keep') return false;
  if (c.kind === 'move') return true;
  const payload = c.kind === 'delete' ? c.before : c.after;
  return payload.kind !== 'registration';
}
