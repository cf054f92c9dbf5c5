/**
 * `--resolve-refs`: security group references and prefix lists replaced by the addresses they stand for right
 * now — the private IPs of the network interfaces carrying the group, the entries of the prefix list. The result
 * is a snapshot: every resolution is reported with its time, because later members are not covered.
 *
 * A group nothing carries resolves to no address at all: the list it stood in gets empty and matches nothing
 * (narrower), never `any`.
 */
import { UnsupportedError, cidrItem, type AddressItem, type AddressMatch, type Policy, type Rule } from '../model/index.js';
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

/** What `resolveReferences` replaces. */
export interface ResolveOptions {
  /** True for references that stay symbolic (mapped with --map-group). */
  readonly keep: (item: AddressItem) => boolean;
  /**
   * Also resolve what each policy protects (`Policy.protects`, a security group's own members), for targets that
   * write it as the rules' local side (PAN-OS); targets whose rules have no local side (Halo) leave it alone.
   */
  readonly protects?: boolean;
  /** The clock the snapshot's time is read from (the notes name it). */
  readonly now?: () => Date;
}

/**
 * Resolves the references of `policies` (all of one region) that `options.keep` does not claim: the rules' peers,
 * and with `options.protects` what each policy protects.
 * @throws UnsupportedError for a reference to another account's group (its interfaces are not visible here).
 */
export async function resolveReferences(session: AwsSession, region: string, policies: readonly Policy[], options: ResolveOptions): Promise<Resolution> {
  const { keep, now = () => new Date() } = options;
  const wanted = (item: AddressItem): boolean => (item.kind === 'group' || item.kind === 'prefix-list') && !keep(item);
  const groupIds = new Set<string>();
  const prefixListIds = new Set<string>();
  const collect = (p: Policy, m: AddressMatch | undefined, subject: () => string): void => {
    if (m?.kind !== 'list') return;
    for (const item of m.items.filter(wanted)) {
      if (item.kind === 'prefix-list') {
        prefixListIds.add(item.id);
      } else if (item.kind === 'group') {
        const { id, account } = groupParts(item.ref);
        if (account && p.meta?.account && account !== p.meta.account) {
          throw new UnsupportedError(
            'resolve-refs',
            subject(),
            `${item.ref} belongs to account ${account}: its network interfaces are not visible from ${p.meta.account}; map it with --map-group instead`,
          );
        }
        groupIds.add(id);
      }
    }
  };
  for (const p of policies) {
    p.rules.forEach((r, i) => collect(p, r.peer, () => `${p.name} ${r.direction} rule #${i + 1}`));
    if (options.protects) collect(p, p.protects, () => `${p.name} (the group it protects)`);
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
          : `--resolve-refs: no network interface in ${region} carries ${id} as of ${at}: it stands for no address, so rules from or to it match nothing`,
      );
    }
  }
  if (prefixListIds.size > 0) {
    for (const list of await readPrefixLists(ec2, [...prefixListIds])) {
      addresses.set(list.id, list.entries.map((e) => e.cidr));
      notes.push(`--resolve-refs: ${list.id}${list.name ? ` (${list.name})` : ''} is ${list.entries.map((e) => e.cidr).join(', ') || 'empty'} as of ${at}; a snapshot: later entries are not covered`);
    }
  }
  /** A side with the wanted references replaced, and the first reference replaced (undefined: none was). */
  const resolve = (m: AddressMatch): { match: AddressMatch; origin?: string } => {
    if (m.kind !== 'list' || !m.items.some(wanted)) return { match: m };
    let origin: string | undefined;
    const items = m.items.flatMap((item): AddressItem[] => {
      if (!wanted(item)) return [item];
      const key = item.kind === 'group' ? groupParts(item.ref).id : item.kind === 'prefix-list' ? item.id : '';
      origin ??= key;
      return (addresses.get(key) ?? []).map((a) => cidrItem(a, { object: `--resolve-refs ${key}` }));
    });
    return { match: { ...m, items }, ...(origin ? { origin } : {}) };
  };
  const resolved = policies.map((p): Policy => {
    const rules = p.rules.map((r) => {
      const { match, origin } = resolve(r.peer);
      if (origin === undefined) return r;
      const out: Rule = { ...r, peer: match };
      origins.set(out, origin);
      return out;
    });
    return options.protects && p.protects ? { ...p, rules, protects: resolve(p.protects).match } : { ...p, rules };
  });
  return { policies: resolved, origins, notes };
}
