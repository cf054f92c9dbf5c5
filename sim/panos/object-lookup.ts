import { childNamed, childrenNamed, descend, entryNamed, type XmlElement } from './xml-tree.js';

/**
 * Where objects live and in which order names are looked up: a vsys first, then `shared`, then (for
 * services) the predefined objects. A vsys object hides a shared one with the same name.
 */
export interface Scope {
  /** `shared`, `predefined`, or the vsys name. */
  readonly label: string;
  readonly node: XmlElement | undefined;
  readonly parent?: Scope;
}

/** Name spaces of referenceable objects: an address and an address group cannot share a name, etc. */
export type Namespace = 'address' | 'service' | 'application';

export const NAMESPACE_CONTAINERS: Readonly<Record<Namespace, readonly string[]>> = {
  address: ['address', 'address-group'],
  service: ['service', 'service-group'],
  application: ['application-group'],
};

export interface ResolvedObject {
  readonly scope: Scope;
  /** `address`, `address-group`, `service`, … */
  readonly container: string;
  readonly node: XmlElement;
}

export const DEFAULT_DEVICE = 'localhost.localdomain';
export const DEFAULT_VSYS = 'vsys1';

export function predefinedScope(predefinedRoot: XmlElement): Scope {
  return { label: 'predefined', node: childNamed(predefinedRoot, 'predefined') };
}

export function sharedScope(config: XmlElement, predefinedRoot: XmlElement): Scope {
  return { label: 'shared', node: childNamed(config, 'shared'), parent: predefinedScope(predefinedRoot) };
}

/** Every vsys of every device entry, each chained to shared. */
export function vsysScopes(config: XmlElement, predefinedRoot: XmlElement): Scope[] {
  const shared = sharedScope(config, predefinedRoot);
  return childrenNamed(childNamed(config, 'devices'), 'entry').flatMap((device) =>
    childrenNamed(childNamed(device, 'vsys'), 'entry').map((vsys) => ({
      label: vsys.attrs['name'] ?? '',
      node: vsys,
      parent: shared,
    })),
  );
}

/** The vsys the firewall-level operations (policy match, DAG listing) look at. */
export function findVsysScope(
  config: XmlElement,
  predefinedRoot: XmlElement,
  vsysName = DEFAULT_VSYS,
): Scope | undefined {
  const devices = childNamed(config, 'devices');
  const device = entryNamed(devices, DEFAULT_DEVICE) ?? childNamed(devices, 'entry');
  const vsys = entryNamed(childNamed(device, 'vsys'), vsysName);
  return vsys === undefined ? undefined : { label: vsysName, node: vsys, parent: sharedScope(config, predefinedRoot) };
}

/** Looks `name` up in the scope chain, containers in namespace order at each level. */
export function resolveName(scope: Scope | undefined, namespace: Namespace, name: string): ResolvedObject | undefined {
  for (let current = scope; current !== undefined; current = current.parent) {
    for (const container of NAMESPACE_CONTAINERS[namespace]) {
      const node = entryNamed(childNamed(current.node, container), name);
      if (node !== undefined) return { scope: current, container, node };
    }
  }
  return undefined;
}

/** The security rules of a vsys, in order. */
export function securityRules(scope: Scope): XmlElement[] {
  return childrenNamed(descend(scope.node, 'rulebase', 'security', 'rules'), 'entry');
}

/** The NAT rules of a scope's rulebase, in order. */
export function natRules(scope: Scope): XmlElement[] {
  return childrenNamed(descend(scope.node, 'rulebase', 'nat', 'rules'), 'entry');
}

/** The entries of one container in exactly this scope (no chaining). */
export function scopeEntries(scope: Scope, container: string): XmlElement[] {
  return childrenNamed(childNamed(scope.node, container), 'entry');
}
