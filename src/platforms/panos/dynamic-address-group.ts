/**
 * ruleport's dynamic address groups: one per workload group, named after it and filtering on exactly that name as
 * a tag (`sg-0abc`, filter `'sg-0abc'`). Their members are the addresses registered with the tag through User-ID —
 * `ruleport sync panos` registers a security group's members — so a group nobody registers matches nothing.
 * `convert` and `sync` write them the same way, so both meet on the same object. Pure.
 */
import type { Policy } from '../../model/index.js';
import type { PanosObject } from './objects.js';

/**
 * The name (and tag) of the group standing for a workload group reference: the reference without its owner account
 * (`sg-0abc@123456789012` → `sg-0abc`), the key User-ID registrations use.
 */
export function dynamicGroupName(ref: string): string {
  return ref.split('@')[0]!;
}

/** The dynamic address group `name` whose filter is the tag `name`, carrying `tag`. */
export function dynamicAddressGroup(name: string, tag: readonly string[]): PanosObject {
  return { kind: 'address-group', name, filter: `'${name}'`, tag: [...tag] };
}

/**
 * The User-ID tag one of these groups stands for; undefined for any other filter: a group edited by hand to `'web'`
 * must not make ruleport the owner of every `web` registration.
 */
export function dynamicGroupTag(group: { readonly name: string; readonly filter: string }): string | undefined {
  return group.filter.trim() === `'${group.name}'` ? group.name : undefined;
}

/**
 * `mapRef` extended so that each group `policy` protects and `mapRef` leaves alone meets the dynamic address group
 * named after it (`group:sg-0abc@123456789012` → `group:sg-0abc`), as the renderer writes it: how a rulebase is
 * read against the policy it was written from.
 */
export function withDynamicGroupNames(policy: Policy, mapRef: (key: string) => string): (key: string) => string {
  const defaults = new Map<string, string>();
  for (const item of policy.protects?.kind === 'list' ? policy.protects.items : []) {
    if (item.kind !== 'group') continue;
    const key = `group:${item.ref}`;
    if (mapRef(key) === key) defaults.set(key, `group:${dynamicGroupName(item.ref)}`);
  }
  return (key) => defaults.get(key) ?? mapRef(key);
}
