import { parseCidr, parseIpRange, parseIpWildcard } from './ip-address.js';
import { scopeEntries, securityRules, sharedScope, vsysScopes, type Scope } from './object-lookup.js';
import { collectReferences, describeReference, isLiteralMember } from './references.js';
import { parseTagFilter, TagFilterError } from './tag-filter.js';
import { childNamed, childText, entryNamed, memberTexts, type XmlElement } from './xml-tree.js';

const RULE_ACTIONS = new Set(['allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both']);
const RULE_TYPES = new Set(['universal', 'intrazone', 'interzone']);
const YES_NO = new Set(['yes', 'no']);

function where(scope: Scope, location: string): string {
  return scope.label === 'shared' ? `shared -> ${location}` : `vsys -> ${scope.label} -> ${location}`;
}

function checkAddresses(scope: Scope, problems: string[]): void {
  for (const address of scopeEntries(scope, 'address')) {
    const base = where(scope, `address -> ${address.attrs['name'] ?? ''}`);
    const netmask = childText(address, 'ip-netmask');
    const range = childText(address, 'ip-range');
    const wildcard = childText(address, 'ip-wildcard');
    const fqdn = childText(address, 'fqdn');
    if (netmask !== undefined && parseCidr(netmask) === undefined) problems.push(`${base} -> ip-netmask '${netmask}' is not a valid IP address or netmask`);
    if (range !== undefined && parseIpRange(range) === undefined) problems.push(`${base} -> ip-range '${range}' is not a valid IP range`);
    if (wildcard !== undefined && parseIpWildcard(wildcard) === undefined) problems.push(`${base} -> ip-wildcard '${wildcard}' is not a valid IP wildcard mask`);
    if (netmask === undefined && range === undefined && wildcard === undefined && fqdn === undefined) {
      problems.push(`${base} is missing 'ip-netmask', 'ip-range', 'ip-wildcard' or 'fqdn'`);
    }
  }
  for (const group of scopeEntries(scope, 'address-group')) {
    const base = where(scope, `address-group -> ${group.attrs['name'] ?? ''}`);
    const dynamic = childNamed(group, 'dynamic');
    if (dynamic !== undefined) {
      const filter = childText(dynamic, 'filter') ?? '';
      try {
        parseTagFilter(filter);
      } catch (error) {
        if (!(error instanceof TagFilterError)) throw error;
        problems.push(`${base} -> dynamic -> filter '${filter}' is invalid: ${error.message}`);
      }
    } else if (childNamed(group, 'static') === undefined) {
      problems.push(`${base} is missing 'static' or 'dynamic'`);
    }
  }
}

function checkRules(scope: Scope, problems: string[]): void {
  // Zones are only checked when the vsys declares some, so a bare configuration stays usable.
  const zones = childNamed(scope.node, 'zone');
  for (const rule of securityRules(scope)) {
    const base = where(scope, `rulebase -> security -> rules -> ${rule.attrs['name'] ?? ''}`);
    const action = childText(rule, 'action');
    if (action === undefined || !RULE_ACTIONS.has(action)) problems.push(`${base} -> action '${action ?? ''}' is invalid`);
    const ruleType = childText(rule, 'rule-type');
    if (ruleType !== undefined && !RULE_TYPES.has(ruleType)) problems.push(`${base} -> rule-type '${ruleType}' is invalid`);
    for (const flag of ['disabled', 'negate-source', 'negate-destination']) {
      const value = childText(rule, flag);
      if (value !== undefined && !YES_NO.has(value)) problems.push(`${base} -> ${flag} '${value}' is invalid`);
    }
    for (const field of ['from', 'to', 'source', 'destination']) {
      const members = memberTexts(childNamed(rule, field));
      if (members.length === 0) problems.push(`${base} -> ${field} is missing`);
      if (members.includes('any') && members.length > 1) problems.push(`${base} -> ${field} 'any' cannot be combined with other members`);
    }
    if (zones === undefined) continue;
    for (const field of ['from', 'to']) {
      for (const zone of memberTexts(childNamed(rule, field))) {
        if (zone !== 'any' && entryNamed(zones, zone) === undefined) problems.push(`${base} -> ${field} '${zone}' is not a valid reference`);
      }
    }
  }
}

/**
 * What a commit validates: references resolve, addresses parse, DAG filters parse, rule fields hold
 * legal values. Returns the problem lines (empty = valid), in the `a -> b -> c` style of device messages.
 */
export function validateConfig(config: XmlElement, predefinedRoot: XmlElement): string[] {
  const problems: string[] = [];
  for (const ref of collectReferences(config, predefinedRoot)) {
    if (ref.resolved === undefined && !isLiteralMember(ref.namespace, ref.name)) {
      problems.push(`${describeReference(ref)} '${ref.name}' is not a valid reference`);
    }
  }
  for (const scope of [sharedScope(config, predefinedRoot), ...vsysScopes(config, predefinedRoot)]) {
    checkAddresses(scope, problems);
    checkRules(scope, problems);
  }
  return problems;
}
