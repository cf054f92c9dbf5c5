/**
 * `--resolve-refs`: security group references and prefix lists replaced by the addresses they stand for right
 * now — the private IPs of the network interfaces carrying the group, the entries of the prefix list. The result
 * is a snapshot: every resolution is reported with its time, because later members are not covered.
 */
import { UnsupportedError, cidrItem, type AddressItem, type Policy, type Rule } from '../model/index.js';
import type { AwsSession } from '../platforms/aws/session.js';

/** The security group id of a reference `sg-0abc@123456789012`, and its account when it names one. */
function groupParts(ref: string): { id: string; account?: string } {
  const [id, account] = ref.split('@') as [string, string | undefined];
  return account ? { id, account } : { id };
}

export interface Resolution {
  /** The policies with the references replaced. */
  readonly policies: Policy[];
  /** The reference (group id or prefix-list id) each rewritten rule came from, for naming its zone. */
  readonly origins: WeakMap<Rule, string>;
  /** One line per resolved reference: what it became, as of when. */
  readonly notes: string[];
}

/**
 * Resolves the references of `policies` (all of one region) that `keep` does not claim.
 * @param keep true for references that stay symbolic (mapped with --map-group).
 * @throws UnsupportedError for a reference to another account's group (its interfaces are not visible here).
 */
export async function resolveReferences(
  session: AwsSession,
  region: string,
  policies: readonly Policy[],
  keep: (item: AddressItem) => boolean,
  now: () => Date = () => new Date(),
): Promise<Resolution> {
  const wanted = (item: AddressItem): boolean => (item.kind === 'group' || item.kind === 'prefix-list') && !keep(item);
  const groupIds = new Set<string>();
  const prefixListIds = new Set<string>();
  for (const p of policies) {
    p.rules.forEach((r, i) => {
      if (r.peer.kind !== 'list') return;
      for (const item of r.peer.items.filter(wanted)) {
        if (item.kind === 'prefix-list') {
          prefixListIds.add(item.id);
        } else if (item.kind === 'group') {
          const { id, account } = groupParts(item.ref);
          if (account && p.meta?.account && account !== p.meta.account) {
            throw new UnsupportedError(
              'resolve-refs',
              `${p.name} ${r.direction} rule #${i + 1}`,
              `${item.ref} belongs to account ${account}: its network interfaces are not visible from ${p.meta.account}; map it with --map-group instead`,
            );
          }
          groupIds.add(id);
        }
      }
    });
  }
  const origins = new WeakMap<Rule, string>();
  const notes: string[] = [];
  if (groupIds.size === 0 && prefixListIds.size === 0) return { policies: [...policies], origins, notes };

  const [{ describeNetworkInterfaces, interfaceFacts }, { readPrefixLists }] = await Promise.all([
    import('../platforms/aws/instances.js'),
    import('../platforms/aws/prefix-lists.js'),
  ]);
  const ec2 = session.ec2(region);
  const at = now().toISOString();
  const addresses = new Map<string, string[]>();
  if (groupIds.size > 0) {
    const enis = (await describeNetworkInterfaces(ec2)).map(interfaceFacts);
    for (const id of groupIds) {
      const carrying = enis.filter((e) => e.groupIds.includes(id));
      const ips = [...new Set(carrying.flatMap((e) => [...e.ipv4, ...e.ipv6]))];
      addresses.set(id, ips);
      notes.push(
        ips.length > 0
          ? `--resolve-refs: ${id} is ${ips.join(', ')} (${carrying.length} network interface${carrying.length === 1 ? '' : 's'} in ${region}) as of ${at}; a snapshot: later members are not covered`
          : `--resolve-refs: no network interface in ${region} carries ${id} as of ${at}: rules from it allow nothing`,
      );
    }
  }
  if (prefixListIds.size > 0) {
    for (const list of await readPrefixLists(ec2, [...prefixListIds])) {
      addresses.set(list.id, list.entries.map((e) => e.cidr));
      notes.push(`--resolve-refs: ${list.id}${list.name ? ` (${list.name})` : ''} is ${list.entries.map((e) => e.cidr).join(', ') || 'empty'} as of ${at}; a snapshot: later entries are not covered`);
    }
  }
  const resolved = policies.map((p) => ({
    ...p,
    rules: p.rules.map((r) => {
      if (r.peer.kind !== 'list' || !r.peer.items.some(wanted)) return r;
      let origin: string | undefined;
      const items = r.peer.items.flatMap((item): AddressItem[] => {
        if (!wanted(item)) return [item];
        const key = item.kind === 'group' ? groupParts(item.ref).id : item.kind === 'prefix-list' ? item.id : '';
        origin ??= key;
        return (addresses.get(key) ?? []).map((a) => cidrItem(a, { object: `--resolve-refs ${key}` }));
      });
      const out: Rule = { ...r, peer: { kind: 'list', items } };
      if (origin) origins.set(out, origin);
      return out;
    }),
  }));
  return { policies: resolved, origins, notes };
}
