/**
 * The objects of a virtual system that ruleport owns and nothing refers to any more: what convert and sync delete
 * once their rules are converged, so that objects of earlier runs do not pile up on the firewall. Pure.
 *
 * A reference is any `<member>` in the vsys — security and every other rulebase, static address groups, service
 * and application groups, other objects — and the text of any single-valued field of a rulebase (a NAT rule's
 * `service` and `translated-address` are plain text, not members). Names used in other ways (a description that
 * happens to spell a name) are kept as well: keeping an unused object costs nothing, deleting a referenced one is
 * refused by the device (reference count not zero), which would fail — and revert — the whole batch on every run.
 *
 * Only vsys objects are considered: ruleport writes none in shared, and a shared object can be referenced from any
 * vsys, not only the one read.
 */
import { OBJECT_CONTAINER, objectFromXml, type PanosObject, type PanosRuleObject } from './objects.js';
import type { VsysConfig } from './parse.js';
import { child, entries, members, path, type XNode } from './xml.js';

/** What a plan leaves behind, against which objects are judged unused. */
export interface UnreferencedQuery {
  /** The tag marking ruleport's objects; an object without it in any configuration read is never returned. */
  readonly tag: string;
  /** `kind:name` of the objects the plan writes: never returned. */
  readonly wanted: ReadonlySet<string>;
  /** Security rules the plan deletes or rewrites: what they refer to now no longer counts. */
  readonly replacedRules: ReadonlySet<string>;
  /** The rules as the plan writes them: what they refer to counts. */
  readonly rules: readonly PanosRuleObject[];
}

/** Kinds ruleport may delete: the tag object is shared by everything ruleport writes and stays. */
const COLLECTED: readonly PanosObject['kind'][] = ['address', 'address-group', 'service', 'application'];

/**
 * The objects ruleport owns (tagged `query.tag`) that no configuration of `configs` refers to once the plan is
 * applied, read from the first configuration holding each (pass the candidate first: it is what gets edited).
 * Pass both the candidate and the running configuration: an object still used by a committed rule that an
 * administrator deleted only in the candidate must stay too, or a partial commit of ruleport's changes fails.
 * Objects of a shape ruleport never writes are left alone, tag or not.
 */
export function unreferencedObjects(configs: readonly VsysConfig[], query: UnreferencedQuery): PanosObject[] {
  const referenced = new Set<string>();
  for (const c of configs) collectReferences(c.vsys, query.replacedRules, referenced);
  for (const r of query.rules) for (const m of [...r.source, ...r.destination, ...r.service, ...r.application]) referenced.add(m);

  const out: PanosObject[] = [];
  for (const kind of COLLECTED) {
    const found = new Map<string, XNode[]>();
    for (const c of configs) {
      for (const e of entries(child(c.vsys, OBJECT_CONTAINER[kind]))) {
        const name = e.attrs.name ?? '';
        found.set(name, [...(found.get(name) ?? []), e]);
      }
    }
    for (const [name, list] of found) {
      if (query.wanted.has(`${kind}:${name}`) || referenced.has(name)) continue;
      if (!list.every((e) => members(child(e, 'tag')).includes(query.tag))) continue;
      const object = objectFromXml(kind, list[0]!);
      if (object) out.push(object);
    }
  }
  return out;
}

/** Adds every name `vsys` refers to, leaving out the security rules named in `skip`. */
function collectReferences(vsys: XNode, skip: ReadonlySet<string>, into: Set<string>): void {
  const skipped = new Set(entries(path(vsys, 'rulebase', 'security', 'rules')).filter((e) => skip.has(e.attrs.name ?? '')));
  const walk = (node: XNode, inRulebase: boolean): void => {
    for (const [tag, list] of node.children) {
      for (const n of list) {
        if (skipped.has(n)) continue;
        if (tag === 'member' || (inRulebase && n.children.size === 0)) into.add(n.text.trim());
        else walk(n, inRulebase || tag === 'rulebase');
      }
    }
  };
  walk(vsys, false);
}
