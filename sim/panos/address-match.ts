import {
  intervalContains,
  parseAddressLiteral,
  parseCidr,
  parseIpRange,
  parseIpWildcard,
  wildcardContains,
  type IpAddress,
} from './ip-address.js';
import { resolveName, scopeEntries, type Scope } from './object-lookup.js';
import type { RegisteredIps } from './registered-ips.js';
import { evaluateTagFilter, parseTagFilter, TagFilterError, type TagFilter } from './tag-filter.js';
import { childNamed, childText, memberTexts, type XmlElement } from './xml-tree.js';

/** True when the address object covers `ip`. An fqdn object never matches: the device resolves it, the simulator does not. */
export function addressObjectContains(address: XmlElement, ip: IpAddress): boolean {
  const netmask = childText(address, 'ip-netmask');
  if (netmask !== undefined) {
    const interval = parseCidr(netmask);
    return interval !== undefined && intervalContains(interval, ip);
  }
  const range = childText(address, 'ip-range');
  if (range !== undefined) {
    const interval = parseIpRange(range);
    return interval !== undefined && intervalContains(interval, ip);
  }
  const wildcard = childText(address, 'ip-wildcard');
  if (wildcard !== undefined) {
    const pattern = parseIpWildcard(wildcard);
    return pattern !== undefined && wildcardContains(pattern, ip);
  }
  return false;
}

function dagFilter(group: XmlElement): TagFilter | undefined {
  try {
    return parseTagFilter(childText(childNamed(group, 'dynamic'), 'filter') ?? '');
  } catch (error) {
    if (error instanceof TagFilterError) return undefined; // an invalid filter selects nothing
    throw error;
  }
}

/** Address objects visible from `scope`, nearest scope first; a vsys object hides a shared one of the same name. */
function visibleAddresses(scope: Scope): XmlElement[] {
  const seen = new Set<string>();
  const out: XmlElement[] = [];
  for (let current: Scope | undefined = scope; current !== undefined; current = current.parent) {
    for (const address of scopeEntries(current, 'address')) {
      const name = address.attrs['name'] ?? '';
      if (seen.has(name)) continue;
      seen.add(name);
      out.push(address);
    }
  }
  return out;
}

/** Members of a dynamic group: registered IPs whose tags satisfy the filter, and tagged address objects. */
export interface DagMembers {
  readonly registeredIps: readonly string[];
  readonly addressObjects: readonly XmlElement[];
}

export function dagMembers(scope: Scope, group: XmlElement, registry: RegisteredIps): DagMembers {
  const filter = dagFilter(group);
  if (filter === undefined) return { registeredIps: [], addressObjects: [] };
  return {
    registeredIps: registry
      .list()
      .filter((entry) => evaluateTagFilter(filter, new Set(entry.tags)))
      .map((entry) => entry.ip),
    addressObjects: visibleAddresses(scope).filter((address) =>
      evaluateTagFilter(filter, new Set(memberTexts(childNamed(address, 'tag')))),
    ),
  };
}

function dynamicGroupContains(scope: Scope, group: XmlElement, ip: IpAddress, registry: RegisteredIps): boolean {
  const filter = dagFilter(group);
  if (filter === undefined) return false;
  if (evaluateTagFilter(filter, registry.tagsOf(ip))) return true;
  return visibleAddresses(scope).some(
    (address) =>
      evaluateTagFilter(filter, new Set(memberTexts(childNamed(address, 'tag')))) && addressObjectContains(address, ip),
  );
}

/**
 * Whether one source/destination member of a rule covers `ip`: `any`, an address object, a static
 * or dynamic group (nested, cycles cut), or an address written inline (host, prefix, range). An
 * unresolvable name covers nothing.
 */
export function addressMemberContains(
  scope: Scope,
  member: string,
  ip: IpAddress,
  registry: RegisteredIps,
  visiting: ReadonlySet<XmlElement> = new Set(),
): boolean {
  if (member === 'any') return true;
  const resolved = resolveName(scope, 'address', member);
  if (resolved === undefined) {
    const literal = parseAddressLiteral(member);
    return literal !== undefined && intervalContains(literal, ip);
  }
  if (resolved.container === 'address') return addressObjectContains(resolved.node, ip);
  if (visiting.has(resolved.node)) return false;
  const group = resolved.node;
  if (childNamed(group, 'dynamic') !== undefined) return dynamicGroupContains(resolved.scope, group, ip, registry);
  const inner = new Set(visiting).add(group);
  return memberTexts(childNamed(group, 'static')).some((name) =>
    addressMemberContains(resolved.scope, name, ip, registry, inner),
  );
}
