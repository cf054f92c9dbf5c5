/**
 * What a Halo firewall policy can express, and the API limits ruleport relies on. Data only.
 *
 * Capabilities describe what `renderHaloPolicy` accepts exactly: several port ranges and several address items of
 * one rule become consecutive Halo rules, so they count as expressible. ICMP is matched by type only (a service's
 * `port` is the ICMP type), ICMPv6 only as a whole (protocol 58). Halo publishes no quotas on rules, zones or
 * services; the one documented limit ruleport depends on is the page size of list calls.
 */
import type { Capabilities, Quota } from '../platform.js';

const API_DOC = 'https://api-doc.cloudpassage.com/help';

/** Items per page of list calls (the documented typical `per_page`; the maximum is unpublished). */
export const HALO_LIST_PAGE_SIZE: Quota = { limit: 100, doc: API_DOC };
/** Seconds an OAuth access token lives. */
export const HALO_TOKEN_LIFETIME_SECONDS: Quota = { limit: 900, doc: API_DOC };

export const haloCapabilities: Capabilities = {
  evaluation: 'first-match',
  stateful: true,
  directions: ['ingress', 'egress'],
  actions: ['allow', 'deny'],
  peerKinds: ['cidr', 'range', 'group'],
  localSide: false,
  negation: false,
  multiplePortRanges: true,
  icmpTypeCode: false,
  ipv6: true,
  quotas: {
    listPageSize: HALO_LIST_PAGE_SIZE,
    tokenLifetimeSeconds: HALO_TOKEN_LIFETIME_SECONDS,
  },
};

/**
 * The system objects the API documentation names in every account (there are more; these are the documented
 * ones). Files written without an API to ask reuse them, as a live conversion would.
 */
export const HALO_DOCUMENTED_SYSTEM_OBJECTS = {
  zones: [{ name: 'any', ip_address: '0.0.0.0/0', system: true }],
  services: [
    { name: 'ssh', protocol: 'TCP', port: '22', system: true },
    { name: 'http', protocol: 'TCP', port: '80', system: true },
    { name: 'https', protocol: 'TCP', port: '443', system: true },
    { name: 'ping', protocol: 'ICMP', port: '8', system: true },
  ],
} as const;
