/**
 * Prefix-list mapping for security group migration. A rule naming a managed prefix list needs a list in the
 * destination: the same list when account and region do not change; for AWS-managed lists the destination
 * region's list of the same service (`com.amazonaws.us-east-1.s3` → `com.amazonaws.eu-west-1.s3`); for a
 * customer-managed list the one named by `--map-prefix-list src=dst`, else ruleport's tagged copy (created or
 * brought up to date). Pure: the workflow reads the lists and passes them in.
 */
import type { ManagedPrefixList } from '@aws-sdk/client-ec2';
import { InputError } from '../model/index.js';
import type { PrefixListWithEntries } from '../platforms/aws/prefix-lists.js';
import { copyTags, isCopyOf, type SourceScope } from './migrate-source.js';

export type PrefixListEntry = PrefixListWithEntries['entries'][number];

/** What a source prefix list becomes in the destination. */
export type PrefixListDecision =
  /** The destination can use an existing list: the same one, an AWS-managed one found by name, or one given by flag. */
  | { readonly kind: 'use'; readonly srcId: string; readonly dstId: string; readonly name: string; readonly how: 'same' | 'by name' | 'by flag'; readonly maxEntries?: number }
  /** ruleport's copy of a customer-managed list: `existing` when a previous run made it. */
  | {
      readonly kind: 'copy';
      readonly srcId: string;
      readonly name: string;
      readonly addressFamily: 'IPv4' | 'IPv6';
      readonly maxEntries: number;
      readonly entries: readonly PrefixListEntry[];
      readonly tags: Readonly<Record<string, string>>;
      readonly existing?: { readonly id: string; readonly version: number; readonly maxEntries: number; readonly entries: readonly PrefixListEntry[] };
    }
  | { readonly kind: 'unresolved'; readonly srcId: string; readonly name?: string; readonly reason: string };

/** A source list as read: the API object and, for customer-managed lists, its entries. */
export interface SourcePrefixList {
  readonly list: ManagedPrefixList;
  readonly entries: readonly PrefixListEntry[];
}

/** AWS-managed lists are owned by the pseudo-account `AWS`. */
export function isAwsManaged(list: ManagedPrefixList): boolean {
  return list.OwnerId === 'AWS';
}

/** The name of an AWS-managed list in another region (`global` lists keep their name). */
export function awsListNameIn(name: string, srcRegion: string, dstRegion: string): string {
  return name
    .split('.')
    .map((part) => (part === srcRegion ? dstRegion : part))
    .join('.');
}

/** Parses `--map-prefix-list src=dst` pairs. */
export function parsePrefixListMap(pairs: readonly string[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const m = /^(pl-[0-9a-z]+)=(pl-[0-9a-z]+)$/.exec(pair);
    if (!m) throw new InputError({ field: '--map-prefix-list' }, `expected pl-SOURCE=pl-DESTINATION, got ${JSON.stringify(pair)}`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

export interface PrefixListInputs {
  readonly src: SourceScope;
  readonly dst: SourceScope;
  /** Ids the migrated rules reference. */
  readonly referenced: readonly string[];
  /** The referenced lists found in the source (entries read for customer-managed ones). */
  readonly sourceLists: ReadonlyMap<string, SourcePrefixList>;
  /** Every list visible in the destination region. */
  readonly destinationLists: readonly ManagedPrefixList[];
  /** Entries of the destination lists that are ruleport's copies of referenced lists. */
  readonly copyEntries: ReadonlyMap<string, readonly PrefixListEntry[]>;
  readonly explicit: ReadonlyMap<string, string>;
}

/**
 * Decides, for every referenced list, which destination list stands for it.
 * @throws InputError when `--map-prefix-list` names a destination list that does not exist.
 */
export function decidePrefixLists(input: PrefixListInputs): Map<string, PrefixListDecision> {
  const { src, dst } = input;
  const sameScope = src.account === dst.account && src.region === dst.region;
  const byId = new Map(input.destinationLists.filter((l) => l.PrefixListId).map((l) => [l.PrefixListId!, l]));
  const out = new Map<string, PrefixListDecision>();
  for (const srcId of input.referenced) {
    const source = input.sourceLists.get(srcId);
    const srcName = source?.list.PrefixListName;
    const named = srcName ? { name: srcName } : {};
    const mapped = input.explicit.get(srcId);
    if (mapped !== undefined) {
      const target = byId.get(mapped);
      if (!target) throw new InputError({ field: '--map-prefix-list' }, `prefix list ${mapped} does not exist in ${dst.region} (account ${dst.account})`);
      out.set(srcId, use(srcId, target, 'by flag'));
      continue;
    }
    if (!source) {
      out.set(srcId, { kind: 'unresolved', srcId, reason: `does not exist in ${src.region} (account ${src.account})` });
      continue;
    }
    if (sameScope) {
      out.set(srcId, use(srcId, source.list, 'same'));
      continue;
    }
    if (isAwsManaged(source.list)) {
      const want = awsListNameIn(srcName ?? '', src.region, dst.region);
      const target = input.destinationLists.find((l) => isAwsManaged(l) && l.PrefixListName === want);
      out.set(
        srcId,
        target ? use(srcId, target, 'by name') : { kind: 'unresolved', srcId, ...named, reason: `has no AWS-managed counterpart ${want} in ${dst.region}` },
      );
      continue;
    }
    const copies = input.destinationLists.filter((l) => isCopyOf(l.Tags, src, srcId));
    if (copies.length > 1) {
      throw new InputError(
        { object: `prefix list ${srcId}` },
        `several copies in ${dst.region}: ${copies.map((c) => c.PrefixListId).join(', ')}; delete all but one`,
      );
    }
    const existing = copies[0];
    const family = source.list.AddressFamily === 'IPv6' ? 'IPv6' : 'IPv4';
    out.set(srcId, {
      kind: 'copy',
      srcId,
      name: srcName ?? srcId,
      addressFamily: family,
      maxEntries: source.list.MaxEntries ?? Math.max(1, source.entries.length),
      entries: source.entries,
      tags: copyTags(source.list.Tags, src, srcId),
      ...(existing
        ? {
            existing: {
              id: existing.PrefixListId!,
              version: existing.Version ?? 1,
              maxEntries: existing.MaxEntries ?? source.entries.length,
              entries: input.copyEntries.get(existing.PrefixListId!) ?? [],
            },
          }
        : {}),
    });
  }
  return out;
}

function use(srcId: string, list: ManagedPrefixList, how: 'same' | 'by name' | 'by flag'): PrefixListDecision {
  return {
    kind: 'use',
    srcId,
    dstId: list.PrefixListId!,
    name: list.PrefixListName ?? '',
    how,
    ...(list.MaxEntries !== undefined ? { maxEntries: list.MaxEntries } : {}),
  };
}

/** Entries to add to and CIDRs to remove from an existing copy so that it holds the CIDRs of `want`. */
export function entryChanges(
  want: readonly PrefixListEntry[],
  have: readonly PrefixListEntry[],
): { add: PrefixListEntry[]; remove: string[] } {
  const haveBy = new Map(have.map((e) => [e.cidr, e]));
  const wantBy = new Map(want.map((e) => [e.cidr, e]));
  const add = want.filter((e) => !haveBy.has(e.cidr));
  const remove = have.filter((e) => !wantBy.has(e.cidr)).map((e) => e.cidr);
  return { add, remove };
}
