/**
 * What a security group can express, and its quotas. Data only.
 *
 * Capabilities describe what `renderSecurityGroup` accepts exactly: ranges and several port ranges are split
 * into CIDRs and permissions by the renderer, so they count as expressible.
 */
import type { Capabilities, Quota } from '../platform.js';

const QUOTAS_DOC = 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups';

/**
 * Inbound rules per group, counted separately for IPv4 and IPv6. A rule referencing a group counts once for each
 * version; a referenced prefix list counts as its MaxEntries. Adjustable (inbound × groups per ENI ≤ 1,000).
 */
export const SG_INBOUND_RULES_PER_GROUP: Quota = { limit: 60, doc: QUOTAS_DOC };
/** Outbound rules per group, counted like inbound rules. */
export const SG_OUTBOUND_RULES_PER_GROUP: Quota = { limit: 60, doc: QUOTAS_DOC };
/** Security groups per network interface (adjustable up to 16). */
export const SG_GROUPS_PER_ENI: Quota = { limit: 5, doc: QUOTAS_DOC };
/** The hard ceiling on security groups per network interface. */
export const SG_GROUPS_PER_ENI_MAX: Quota = { limit: 16, doc: QUOTAS_DOC };
/** VPC security groups per Region (adjustable). */
export const SG_GROUPS_PER_REGION: Quota = { limit: 2500, doc: QUOTAS_DOC };
/** Characters in a rule description. */
export const SG_RULE_DESCRIPTION_LENGTH: Quota = {
  limit: 255,
  doc: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
};

export const awsSgCapabilities: Capabilities = {
  evaluation: 'allow-set',
  stateful: true,
  directions: ['ingress', 'egress'],
  actions: ['allow'],
  peerKinds: ['cidr', 'range', 'group', 'prefix-list'],
  localSide: false,
  negation: false,
  multiplePortRanges: true,
  icmpTypeCode: true,
  ipv6: true,
  quotas: {
    inboundRulesPerGroup: SG_INBOUND_RULES_PER_GROUP,
    outboundRulesPerGroup: SG_OUTBOUND_RULES_PER_GROUP,
    groupsPerEni: SG_GROUPS_PER_ENI,
    groupsPerEniMax: SG_GROUPS_PER_ENI_MAX,
    groupsPerRegion: SG_GROUPS_PER_REGION,
    ruleDescriptionLength: SG_RULE_DESCRIPTION_LENGTH,
  },
};
