/**
 * What a PAN-OS security rulebase can express, and its limits. Data only.
 *
 * Capabilities describe what `renderRulebase` accepts exactly: ranges, negation, a destination (local) side,
 * several port ranges and ICMP type/code (custom applications) are all written as such.
 */
import type { Capabilities, Quota } from '../platform.js';

const NAMING_DOC = 'https://docs.paloaltonetworks.com/pan-os/10-1/pan-os-admin/policy/security-policy/create-a-security-policy-rule';
const LIMITS_DOC = 'https://www.paloaltonetworks.com/products/product-selection';
const DESCRIPTION_DOC = 'https://docs.paloaltonetworks.com/pan-os/10-1/pan-os-web-interface-help/policies/policies-security/building-blocks-in-a-security-policy-rule';

/** Characters in a rule or object name. */
export const PANOS_NAME_LENGTH: Quota = { limit: 63, doc: NAMING_DOC };
/** Characters in a rule description. */
export const PANOS_DESCRIPTION_LENGTH: Quota = { limit: 1024, doc: DESCRIPTION_DOC };
/** Security rules on the smallest VM-Series model (VM-50); larger models allow more (see the model's datasheet). */
export const PANOS_SECURITY_RULES_VM50: Quota = { limit: 250, doc: LIMITS_DOC };
/** Address objects on the smallest VM-Series model (VM-50). */
export const PANOS_ADDRESS_OBJECTS_VM50: Quota = { limit: 2500, doc: LIMITS_DOC };

export const panosCapabilities: Capabilities = {
  evaluation: 'first-match',
  stateful: true,
  directions: ['ingress', 'egress'],
  actions: ['allow', 'deny'],
  peerKinds: ['cidr', 'range', 'group'],
  localSide: true,
  negation: true,
  multiplePortRanges: true,
  icmpTypeCode: true,
  ipv6: true,
  quotas: {
    nameLength: PANOS_NAME_LENGTH,
    descriptionLength: PANOS_DESCRIPTION_LENGTH,
    securityRulesVm50: PANOS_SECURITY_RULES_VM50,
    addressObjectsVm50: PANOS_ADDRESS_OBJECTS_VM50,
  },
};
