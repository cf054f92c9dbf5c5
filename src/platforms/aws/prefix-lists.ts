/** Managed prefix lists with their entries: what a `prefix-list` peer resolves to. */
import {
  DescribeManagedPrefixListsCommand,
  GetManagedPrefixListEntriesCommand,
  type ManagedPrefixList,
} from '@aws-sdk/client-ec2';
import { collectPages } from '../paginate.js';
import type { Ec2Handle } from './session.js';

export interface PrefixListWithEntries {
  readonly id: string;
  readonly name: string;
  readonly addressFamily: 'IPv4' | 'IPv6';
  readonly maxEntries?: number;
  readonly ownerId?: string;
  readonly entries: { readonly cidr: string; readonly description?: string }[];
}

export async function describeManagedPrefixLists(ec2: Ec2Handle, ids?: readonly string[]): Promise<ManagedPrefixList[]> {
  const base = ids?.length ? { PrefixListIds: [...ids] } : {};
  return collectPages('ec2', 'DescribeManagedPrefixLists', async (NextToken) => {
    const out = await ec2.call('DescribeManagedPrefixLists', 'read', (c) =>
      c.send(new DescribeManagedPrefixListsCommand({ ...base, MaxResults: 100, NextToken })),
    );
    return { items: out.PrefixLists, next: out.NextToken };
  });
}

export async function prefixListEntries(ec2: Ec2Handle, prefixListId: string): Promise<PrefixListWithEntries['entries']> {
  const entries = await collectPages('ec2', 'GetManagedPrefixListEntries', async (NextToken) => {
    const out = await ec2.call('GetManagedPrefixListEntries', 'read', (c) =>
      c.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: prefixListId, MaxResults: 100, NextToken })),
    );
    return { items: out.Entries, next: out.NextToken };
  });
  return entries.filter((e) => e.Cidr).map((e) => ({ cidr: e.Cidr!, ...(e.Description ? { description: e.Description } : {}) }));
}

/** The named prefix lists (or all visible ones) with their entries. */
export async function readPrefixLists(ec2: Ec2Handle, ids?: readonly string[]): Promise<PrefixListWithEntries[]> {
  const lists = await describeManagedPrefixLists(ec2, ids);
  return Promise.all(
    lists
      .filter((l) => l.PrefixListId)
      .map(async (l) => ({
        id: l.PrefixListId!,
        name: l.PrefixListName ?? '',
        addressFamily: l.AddressFamily === 'IPv6' ? ('IPv6' as const) : ('IPv4' as const),
        ...(l.MaxEntries !== undefined ? { maxEntries: l.MaxEntries } : {}),
        ...(l.OwnerId ? { ownerId: l.OwnerId } : {}),
        entries: await prefixListEntries(ec2, l.PrefixListId!),
      })),
  );
}
