/**
 * The rulebase the firewall should hold for a scope. Pure.
 *
 * One PAN-OS rule per (security group, rule) — more when the PAN-OS renderer needs an App-ID rule and a service
 * rule for one SG rule — named from its content, `rp-<group>-<hash>`, so that the same SG rule always gives the same
 * name and a changed one a new name. Ingress rules run untrust→trust with the group as destination, egress rules
 * trust→untrust with the group as source. The group is a dynamic address group whose filter is the group id's tag
 * (`'sg-0abc'`), fed by User-ID registrations of the members' private addresses (`dynamic` mode, starts and stops
 * need no commit), or the members' addresses as address objects (`static` mode). Rules are sorted by name: a stable
 * order above the bottom rule.
 */
import { createHash } from 'node:crypto';
import { cidrItem, type AddressMatch, type Policy, type Rule } from '../../model/index.js';
import { RULEPORT_TAG, type PanosObject, type PanosRuleObject } from '../../platforms/panos/objects.js';
import { dynamicGroupTag } from '../../platforms/panos/dynamic-address-group.js';
import { renderRulebase } from '../../platforms/panos/render.js';
import type { AddressMode } from './config.js';
import type { ScopedGroup } from './read-scope.js';

export interface DesiredOptions {
  readonly zones: { readonly untrust: string; readonly trust: string };
  readonly tag: string;
  readonly profileGroup?: string;
  readonly logSetting?: string;
}

/** A security-group rule as the firewall should enforce it, before rendering. */
export interface SyncRule {
  readonly groupId: string;
  /** `ingress rule #3` of the group's internet rules. */
  readonly label: string;
  /** The SG rule with its local side set to the group (or its members). */
  readonly rule: Rule;
}

/** `r` alone as a security-group policy (its one direction only), with `rule` standing for its rule. */
export function syncRulePolicy(r: SyncRule, rule: Rule = r.rule): Policy {
  return {
    name: `${r.groupId} ${r.label}`,
    platform: 'aws-sg',
    evaluation: 'allow-set',
    stateful: true,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: [r.rule.direction],
    rules: [rule],
  };
}

export interface DesiredRulebase {
  /** In rulebase order (sorted by name). */
  readonly rules: readonly PanosRuleObject[];
  /** Every object the rules use (the tag first), each once. */
  readonly objects: readonly PanosObject[];
  /** IP → tags to register through User-ID: the members of the groups whose dynamic address group a rule uses. */
  readonly registrations: ReadonlyMap<string, readonly string[]>;
  readonly notes: readonly string[];
}

/** The local side of a group's rules: the group itself (dynamic) or its members' addresses (static). */
function localSide(group: ScopedGroup, mode: AddressMode): AddressMatch | undefined {
  if (mode === 'dynamic') return { kind: 'list', items: [{ kind: 'group', ref: group.groupId }] };
  if (group.addresses.length === 0) return undefined;
  return { kind: 'list', items: group.addresses.map((a) => cidrItem(a, { object: `${group.groupId} member` })) };
}

/** The rules of every group with the local side set; groups with nothing to protect (static, no member) are noted. */
export function syncRules(groups: readonly ScopedGroup[], mode: AddressMode): { rules: SyncRule[]; notes: string[] } {
  const rules: SyncRule[] = [];
  const notes: string[] = [];
  for (const g of groups) {
    const local = localSide(g, mode);
    if (!local) {
      if (g.policy.rules.length > 0) notes.push(`${g.groupId}: no running instance behind the firewall: its rules are not needed (static address mode)`);
      continue;
    }
    g.policy.rules.forEach((r, i) => rules.push({ groupId: g.groupId, label: `${r.direction} rule #${i + 1}`, rule: { ...r, local } }));
  }
  return { rules, notes };
}

/** A short digest of a rule's content (everything but its name). */
function contentHash(rule: Omit<PanosRuleObject, 'name'>): string {
  const stable = JSON.stringify(rule, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
  return createHash('sha256').update(stable).digest('hex').slice(0, 10);
}

/**
 * Renders the rules to add (already-allowed ones removed by the caller) as PAN-OS rules and objects.
 * @throws UnsupportedError when a rule cannot be expressed on PAN-OS exactly.
 */
export function desiredRulebase(rules: readonly SyncRule[], groups: readonly ScopedGroup[], options: DesiredOptions): DesiredRulebase {
  const byName = new Map<string, PanosRuleObject>();
  const objects = new Map<string, PanosObject>();
  const retag = (tags: readonly string[]): string[] => tags.map((t) => (t === RULEPORT_TAG ? options.tag : t));
  for (const r of rules) {
    // The description (part of the name's hash) holds nothing positional: adding a rule never renames another.
    const policy = syncRulePolicy(r, { ...r.rule, description: `ruleport sync ${r.groupId}${r.rule.description ? `: ${r.rule.description}` : ''}` });
    const rendered = renderRulebase(policy, {
      zones: { from: options.zones.untrust, to: options.zones.trust },
      serviceMode: 'application-default',
      rulePrefix: 'rp',
      ...(options.profileGroup ? { profileGroup: options.profileGroup } : {}),
    });
    for (const o of rendered.objects) {
      const obj: PanosObject = o.kind === 'tag' ? { ...o, name: options.tag } : { ...o, tag: retag(o.tag) };
      objects.set(`${obj.kind}:${obj.name}`, obj);
    }
    for (const rr of rendered.rules) {
      const { name: _ignored, ...content } = {
        ...rr,
        tag: retag(rr.tag),
        ...(options.logSetting ? { logSetting: options.logSetting } : {}),
      };
      const name = `rp-${r.groupId}-${contentHash(content)}`;
      byName.set(name, { name, ...content });
    }
  }
  const sortedRules = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const tagFirst = byName.size > 0 ? [...objects.values()].sort((a, b) => (a.kind === 'tag' ? -1 : b.kind === 'tag' ? 1 : 0)) : [];
  // Only the members of groups a rule uses as a dynamic address group are registered (none in static mode): sync
  // owns a registration through the group it feeds, and one made for a group without rules would be nobody's to
  // remove once the group is gone.
  const groupTags = new Set(tagFirst.flatMap((o) => (o.kind === 'address-group' ? [dynamicGroupTag(o)] : [])));
  const registrations = new Map<string, string[]>();
  for (const g of groups) {
    if (!groupTags.has(g.groupId)) continue;
    for (const ip of g.addresses) registrations.set(ip, [...(registrations.get(ip) ?? []), g.groupId].sort());
  }
  return { rules: sortedRules, objects: tagFirst, registrations, notes: [] };
}
