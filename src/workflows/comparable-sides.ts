/**
 * Two policies made comparable on their local side (what a rule protects: the destination of ingress). Pure.
 *
 * A security group's rules have no local side: they reach the group's members, named in `Policy.protects`.
 * Compared with a rulebase whose rules carry their local side (PAN-OS: neither `protects` nor `protectsUnknown`),
 * the group is read with its local side made explicit, so that a rule reaching every destination is wider than the
 * group, and the group's own reference meets the dynamic address group named after it (or what `--map-group` says).
 * Policies of the same kind (two security groups) compare their rules as written, whatever members each has.
 */
import { withProtectedLocal, type Policy } from '../model/index.js';
import { withDynamicGroupNames } from '../platforms/panos/dynamic-address-group.js';

/** The two policies as they are to be compared, and the reference mapping to compare them under. */
export interface ComparableSides {
  readonly a: Policy;
  readonly b: Policy;
  /** The caller's mapping, plus the protected group's dynamic address group when a side was made explicit. */
  readonly mapRef: (key: string) => string;
}

/** True when a policy's rules carry their own local side: nothing implicit stands behind `any`. */
function explicitSides(p: Policy): boolean {
  return p.protects === undefined && p.protectsUnknown === undefined;
}

/** `a` and `b` with the local side made explicit where only the other side states it, and the mapping to compare them with. */
export function comparableSides(a: Policy, b: Policy, mapRef: (key: string) => string): ComparableSides {
  if (a.protects && explicitSides(b)) return { a: withProtectedLocal(a), b, mapRef: withDynamicGroupNames(a, mapRef) };
  if (b.protects && explicitSides(a)) return { a, b: withProtectedLocal(b), mapRef: withDynamicGroupNames(b, mapRef) };
  return { a, b, mapRef };
}
