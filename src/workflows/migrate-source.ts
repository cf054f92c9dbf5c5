/**
 * How `migrate` marks its copies: every object it creates carries the tag `ruleport:source = account/region/id`
 * naming the object it was copied from, so a re-run finds its own copies (and only those) and adopts them.
 */
import type { Tag } from '@aws-sdk/client-ec2';
import { OWNER_TAG } from '../platforms/aws/tags.js';

/** Where a migration reads from: one account in one region. */
export interface SourceScope {
  readonly account: string;
  readonly region: string;
}

/** The value of the ownership tag for a copy of `id`. */
export function sourceTagValue(scope: SourceScope, id: string): string {
  return `${scope.account}/${scope.region}/${id}`;
}

/** True when `tags` mark the object as ruleport's copy of `id` from `scope`. */
export function isCopyOf(tags: readonly Tag[] | undefined, scope: SourceScope, id: string): boolean {
  const want = sourceTagValue(scope, id);
  return (tags ?? []).some((t) => t.Key === OWNER_TAG && t.Value === want);
}

/** AWS reserves the `aws:` prefix: such tags cannot be set by anyone. */
const RESERVED_TAG = /^aws:/i;

/**
 * The tags a copy carries: the source's own tags (except reserved ones and any ownership tag the source itself
 * had, being a copy) plus the ownership tag naming the source.
 */
export function copyTags(sourceTags: readonly Tag[] | undefined, scope: SourceScope, id: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of sourceTags ?? []) {
    if (!t.Key || RESERVED_TAG.test(t.Key) || t.Key === OWNER_TAG) continue;
    out[t.Key] = t.Value ?? '';
  }
  out[OWNER_TAG] = sourceTagValue(scope, id);
  return out;
}

/** Tags per resource (EC2 user tags). */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * The tags of `want` that `have` lacks or holds with another value: what a CreateTags call must set so that an
 * adopted copy carries the source's tags again. Extra tags on the copy are left alone (someone else's).
 */
export function missingTags(want: Readonly<Record<string, string>>, have: readonly Tag[] | undefined): Record<string, string> {
  const current = new Map((have ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(want)) if (current.get(k) !== v) out[k] = v;
  return out;
}
