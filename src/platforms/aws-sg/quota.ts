/**
 * Counts rendered permissions against the per-group rule quotas, the way AWS counts them. Pure.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Quota } from '../platform.js';
import { SG_INBOUND_RULES_PER_GROUP, SG_OUTBOUND_RULES_PER_GROUP } from './capabilities.js';
import type { RenderedSecurityGroup } from './render.js';

/** Rules one direction of a group uses, per IP version. */
export interface RuleCount {
  readonly v4: number;
  readonly v6: number;
}

/**
 * Counts rules as AWS does: each CIDR is one rule of its version; a group reference or a prefix list is one rule
 * of each version (a prefix list really counts as its MaxEntries, which is resolved only live: pass them in).
 */
export function countRules(perms: readonly IpPermission[], prefixListMaxEntries: Readonly<Record<string, number>> = {}): RuleCount {
  let v4 = 0;
  let v6 = 0;
  for (const p of perms) {
    v4 += p.IpRanges?.length ?? 0;
    v6 += p.Ipv6Ranges?.length ?? 0;
    const pairs = p.UserIdGroupPairs?.length ?? 0;
    v4 += pairs;
    v6 += pairs;
    for (const pl of p.PrefixListIds ?? []) {
      const n = (pl.PrefixListId && prefixListMaxEntries[pl.PrefixListId]) || 1;
      v4 += n;
      v6 += n;
    }
  }
  return { v4, v6 };
}

/** One line per quota the rendered group exceeds; empty when it fits. */
export function sgQuotaProblems(
  name: string,
  group: RenderedSecurityGroup,
  limits: { ingress: Quota; egress: Quota } = { ingress: SG_INBOUND_RULES_PER_GROUP, egress: SG_OUTBOUND_RULES_PER_GROUP },
  prefixListMaxEntries: Readonly<Record<string, number>> = {},
): string[] {
  const problems: string[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const count = countRules(group[direction], prefixListMaxEntries);
    const quota = limits[direction];
    for (const version of ['v4', 'v6'] as const) {
      if (count[version] > quota.limit) {
        problems.push(
          `${name}: ${count[version]} ${direction} IP${version} rules exceed the quota of ${quota.limit} per group (${quota.doc})`,
        );
      }
    }
  }
  return problems;
}
