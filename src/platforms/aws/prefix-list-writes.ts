/**
 * Managed prefix list writes: create one (entries and tags in the same call) and change its entries. API I/O only.
 *
 * Write failure behaviour: each function is one API call; if it fails, nothing changed. A new list is usable by
 * security group rules once its state is `create-complete`: `createManagedPrefixList` waits for that.
 */
import {
  CreateManagedPrefixListCommand,
  DescribeManagedPrefixListsCommand,
  ModifyManagedPrefixListCommand,
} from '@aws-sdk/client-ec2';
import { RemoteError } from '../../model/index.js';
import type { PrefixListWithEntries } from './prefix-lists.js';
import type { Ec2Handle } from './session.js';
import { tagSpecifications } from './tags.js';

export interface NewPrefixList {
  readonly name: string;
  readonly addressFamily: 'IPv4' | 'IPv6';
  readonly maxEntries: number;
  readonly entries: readonly PrefixListWithEntries['entries'][number][];
  readonly tags?: Readonly<Record<string, string>>;
  /** Makes a retried create idempotent. */
  readonly clientToken?: string;
}

/** How often and how long to wait for a new or modified list to settle. */
const SETTLE_POLL_MS = 1000;
const SETTLE_ATTEMPTS = 60;

/** CreateManagedPrefixList; returns the new list id once the list is usable. */
export async function createManagedPrefixList(ec2: Ec2Handle, list: NewPrefixList, sleep = defaultSleep): Promise<string> {
  const out = await ec2.call('CreateManagedPrefixList', 'write', (c) =>
    c.send(
      new CreateManagedPrefixListCommand({
        PrefixListName: list.name,
        AddressFamily: list.addressFamily,
        MaxEntries: list.maxEntries,
        Entries: list.entries.map((e) => ({ Cidr: e.cidr, ...(e.description ? { Description: e.description } : {}) })),
        ...(list.clientToken ? { ClientToken: list.clientToken } : {}),
        ...tagSpecifications('prefix-list', list.tags),
      }),
    ),
  );
  const id = out.PrefixList?.PrefixListId;
  if (!id) throw new RemoteError('ec2', `CreateManagedPrefixList (${ec2.region})`, 'answer without a PrefixListId');
  if (out.PrefixList?.State !== 'create-complete') await settle(ec2, id, 'create-complete', sleep);
  return id;
}

/** ModifyManagedPrefixList: adds and removes entries against the version the caller read. */
export async function modifyPrefixListEntries(
  ec2: Ec2Handle,
  prefixListId: string,
  currentVersion: number,
  change: { readonly add: readonly PrefixListWithEntries['entries'][number][]; readonly remove: readonly string[] },
  sleep = defaultSleep,
): Promise<void> {
  if (change.add.length === 0 && change.remove.length === 0) return;
  const out = await ec2.call('ModifyManagedPrefixList', 'write', (c) =>
    c.send(
      new ModifyManagedPrefixListCommand({
        PrefixListId: prefixListId,
        CurrentVersion: currentVersion,
        ...(change.add.length ? { AddEntries: change.add.map((e) => ({ Cidr: e.cidr, ...(e.description ? { Description: e.description } : {}) })) } : {}),
        ...(change.remove.length ? { RemoveEntries: change.remove.map((Cidr) => ({ Cidr })) } : {}),
      }),
    ),
  );
  if (out.PrefixList?.State !== 'modify-complete') await settle(ec2, prefixListId, 'modify-complete', sleep);
}

async function settle(ec2: Ec2Handle, id: string, want: string, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < SETTLE_ATTEMPTS; i++) {
    const out = await ec2.call('DescribeManagedPrefixLists', 'read', (c) => c.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] })));
    const state = out.PrefixLists?.[0]?.State;
    if (state === want) return;
    if (state?.endsWith('-failed')) throw new RemoteError('ec2', `ModifyManagedPrefixList (${ec2.region})`, `prefix list ${id} is ${state}`);
    await sleep(SETTLE_POLL_MS);
  }
  throw new RemoteError('ec2', `DescribeManagedPrefixLists (${ec2.region})`, `prefix list ${id} did not reach ${want}`);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
