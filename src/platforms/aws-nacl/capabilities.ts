/**
 * What a network ACL can express, and its quotas. Data only.
 *
 * Capabilities describe what `renderNetworkAcl` accepts exactly: ranges, address lists and several port ranges
 * become consecutive entries, so they count as expressible.
 */
import type { Capabilities, Quota } from '../platform.js';

const QUOTAS_DOC = 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-nacls';
const RULES_DOC = 'https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html';

/** Entries per NACL per direction (IPv4 and IPv6 together), not counting the `*` entries. Adjustable. */
export const NACL_RULES_PER_DIRECTION: Quota = { limit: 20, doc: QUOTAS_DOC };
/** The most entries per direction the quota can be raised to. */
export const NACL_RULES_PER_DIRECTION_MAX: Quota = { limit: 40, doc: QUOTAS_DOC };
/** Network ACLs per VPC. */
export const NACL_PER_VPC: Quota = { limit: 200, doc: QUOTAS_DOC };
/** The highest user rule number (32767 and 32768 are the `*` entries). */
export const NACL_RULE_NUMBER_MAX: Quota = { limit: 32766, doc: RULES_DOC };

export const awsNaclCapabilities: Capabilities = {
  evaluation: 'first-match',
  stateful: false,
  directions: ['ingress', 'egress'],
  actions: ['allow', 'deny'],
  peerKinds: ['cidr', 'range'],
  localSide: false,
  negation: false,
  multiplePortRanges: true,
  icmpTypeCode: true,
  ipv6: true,
  quotas: {
    rulesPerDirection: NACL_RULES_PER_DIRECTION,
    rulesPerDirectionMax: NACL_RULES_PER_DIRECTION_MAX,
    aclsPerVpc: NACL_PER_VPC,
    ruleNumberMax: NACL_RULE_NUMBER_MAX,
  },
};
