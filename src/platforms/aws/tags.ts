/** Tags: the ownership marker (`ruleport:source`) and conversions between AWS tag lists and records. */
import { CreateTagsCommand, type Filter, type ResourceType, type Tag, type TagSpecification } from '@aws-sdk/client-ec2';
import type { Ec2Handle } from './session.js';

/** The tag ruleport puts on every object it creates; its value names the source the object was made from. */
export const OWNER_TAG = 'ruleport:source';

export function tagList(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function tagRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}

/** TagSpecifications for a create call, or nothing when there are no tags (AWS refuses an empty list). */
export function tagSpecifications(type: ResourceType, tags: Readonly<Record<string, string>> | undefined): { TagSpecifications?: TagSpecification[] } {
  if (!tags || Object.keys(tags).length === 0) return {};
  return { TagSpecifications: [{ ResourceType: type, Tags: tagList(tags) }] };
}

/** Adds or overwrites tags on existing resources (one call for all of them). */
export async function createTags(ec2: Ec2Handle, resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void> {
  if (resourceIds.length === 0 || Object.keys(tags).length === 0) return;
  await ec2.call('CreateTags', 'write', (c) => c.send(new CreateTagsCommand({ Resources: [...resourceIds], Tags: tagList(tags) })));
}

/**
 * Describe filters for tag criteria (`*` = any value of the key). EC2 reads `*` and `?` inside a filter value as
 * wildcards, so these filters only narrow the listing: callers keep the exact matches with `hasTags`.
 */
export function tagFilters(wanted: Readonly<Record<string, string>> | undefined): Filter[] {
  return Object.entries(wanted ?? {}).map(([key, value]) =>
    value === '*' ? { Name: 'tag-key', Values: [key] } : { Name: `tag:${key}`, Values: [value] },
  );
}

/** True when the object carries every wanted tag with exactly that value (`*` = any value of the key). */
export function hasTags(tags: readonly Tag[] | undefined, wanted: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => (tags ?? []).some((t) => t.Key === k && (v === '*' || t.Value === v)));
}
