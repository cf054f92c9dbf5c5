import { parseAddressLiteral } from './ip-address.js';
import {
  resolveName,
  scopeEntries,
  natRules,
  securityRules,
  sharedScope,
  vsysScopes,
  type Namespace,
  type ResolvedObject,
  type Scope,
} from './object-lookup.js';
import { childNamed, childrenNamed, type XmlElement } from './xml-tree.js';

/**
 * One `<member>` (or a single-valued field, such as a NAT rule's `<service>`) that names an object, with where it
 * sits (in PAN-OS's `a -> b -> c` notation).
 */
export interface Reference {
  readonly scope: Scope;
  readonly location: string;
  readonly namespace: Namespace;
  readonly name: string;
  readonly member: XmlElement;
  readonly resolved: ResolvedObject | undefined;
}

const RULE_FIELDS: ReadonlyArray<readonly [string, Namespace]> = [
  ['source', 'address'],
  ['destination', 'address'],
  ['service', 'service'],
  ['application', 'application'],
];

/** Members that are values rather than names: `any`, addresses written inline, `application-default`. */
export function isLiteralMember(namespace: Namespace, name: string): boolean {
  switch (namespace) {
    case 'address':
      return name === 'any' || parseAddressLiteral(name) !== undefined;
    case 'service':
      return name === 'any' || name === 'application-default';
    case 'application':
      // Unknown names are App-IDs from the content catalogue, which the simulator does not carry.
      return true;
    default: {
      const exhaustive: never = namespace;
      throw new Error(`unhandled namespace ${String(exhaustive)}`);
    }
  }
}

function membersOf(
  scope: Scope,
  list: XmlElement | undefined,
  location: string,
  namespace: Namespace,
  out: Reference[],
): void {
  for (const member of childrenNamed(list, 'member')) {
    const name = member.text.trim();
    if (name === '' || name === 'any') continue;
    out.push({ scope, location, namespace, name, member, resolved: resolveName(scope, namespace, name) });
  }
}

/** A single-valued field naming an object (`<service>svc</service>` in a NAT rule). */
function textValueOf(scope: Scope, field: XmlElement | undefined, location: string, namespace: Namespace, out: Reference[]): void {
  const name = field?.text.trim() ?? '';
  if (!field || name === '' || name === 'any' || name === 'none') return;
  out.push({ scope, location, namespace, name, member: field, resolved: resolveName(scope, namespace, name) });
}

/**
 * A NAT rule's object names: original source/destination (members), service (one value), and the translated
 * addresses of source translation (members for dynamic-ip(-and-port), one value for static-ip) and of destination
 * translation (one value). A device refuses to delete an object any of these names.
 */
function natReferences(scope: Scope, rule: XmlElement, out: Reference[]): void {
  const base = `rulebase -> nat -> rules -> ${rule.attrs['name'] ?? ''}`;
  membersOf(scope, childNamed(rule, 'source'), `${base} -> source`, 'address', out);
  membersOf(scope, childNamed(rule, 'destination'), `${base} -> destination`, 'address', out);
  textValueOf(scope, childNamed(rule, 'service'), `${base} -> service`, 'service', out);
  const src = childNamed(rule, 'source-translation');
  for (const kind of ['dynamic-ip-and-port', 'dynamic-ip']) {
    membersOf(scope, childNamed(childNamed(src, kind), 'translated-address'), `${base} -> source-translation -> ${kind} -> translated-address`, 'address', out);
  }
  textValueOf(scope, childNamed(childNamed(src, 'static-ip'), 'translated-address'), `${base} -> source-translation -> static-ip -> translated-address`, 'address', out);
  textValueOf(scope, childNamed(childNamed(rule, 'destination-translation'), 'translated-address'), `${base} -> destination-translation -> translated-address`, 'address', out);
}

/** Every object reference in the configuration (security and NAT rules, groups; shared and per vsys). */
export function collectReferences(config: XmlElement, predefinedRoot: XmlElement): Reference[] {
  const out: Reference[] = [];
  for (const scope of [sharedScope(config, predefinedRoot), ...vsysScopes(config, predefinedRoot)]) {
    for (const rule of securityRules(scope)) {
      const base = `rulebase -> security -> rules -> ${rule.attrs['name'] ?? ''}`;
      for (const [field, namespace] of RULE_FIELDS) membersOf(scope, childNamed(rule, field), `${base} -> ${field}`, namespace, out);
    }
    for (const rule of natRules(scope)) natReferences(scope, rule, out);
    for (const group of scopeEntries(scope, 'address-group')) {
      const location = `address-group -> ${group.attrs['name'] ?? ''} -> static`;
      membersOf(scope, childNamed(group, 'static'), location, 'address', out);
    }
    for (const group of scopeEntries(scope, 'service-group')) {
      membersOf(scope, childNamed(group, 'members'), `service-group -> ${group.attrs['name'] ?? ''} -> members`, 'service', out);
    }
    for (const group of scopeEntries(scope, 'application-group')) {
      const location = `application-group -> ${group.attrs['name'] ?? ''} -> members`;
      membersOf(scope, childNamed(group, 'members'), location, 'application', out);
    }
  }
  return out;
}

export function referenceKey(ref: Reference): string {
  return `${ref.scope.label}\u0000${ref.location}\u0000${ref.name}`;
}

/** Human-readable place of a reference, prefixed with its vsys when not shared. */
export function describeReference(ref: Reference): string {
  return ref.scope.label === 'shared' ? `shared -> ${ref.location}` : `vsys -> ${ref.scope.label} -> ${ref.location}`;
}
