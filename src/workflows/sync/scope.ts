/**
 * What the firewall protects, decided from described AWS data. Pure.
 *
 * - A subnet is behind the firewall when its internet path — for IPv4 or IPv6 — goes to the firewall instance or
 *   one of its network interfaces. The internet path of a family is the most specific route covering each half of
 *   its address space (`0.0.0.0/1`, `128.0.0.0/1`; `::/1`, `8000::/1`), so both `0.0.0.0/0` and split routes
 *   (`0.0.0.0/1` + `128.0.0.0/1`) count; a blackhole route never does. The subnet's table is its explicit
 *   association, else the VPC's main table.
 * - Instances with a network interface in such a subnet are in scope (the firewall itself excepted); the groups of
 *   those interfaces are in scope whatever the instance's state, so that a start or stop changes members only.
 *   Members are the private addresses of interfaces of pending or running instances.
 * - Per group, the rules whose peer lies outside the VPC: a CIDR inside any of the VPC's blocks (IPv4 or IPv6) and
 *   a group reference are left out (that traffic never crosses an internet firewall); prefix lists are resolved to
 *   their entries, each judged the same way.
 */
import type { Instance, RouteTable } from '@aws-sdk/client-ec2';
import { parseCidr, type AddressItem, type Policy, type Rule } from '../../model/index.js';

/** The firewall of one VPC: its instance and the interfaces routes may point at. */
export interface FirewallTarget {
  readonly instanceId: string;
  readonly interfaceIds: ReadonlySet<string>;
}

const HALVES: Readonly<Record<4 | 6, readonly string[]>> = {
  4: ['0.0.0.0/1', '128.0.0.0/1'],
  6: ['::/1', '8000::/1'],
};

function routeDestination(route: NonNullable<RouteTable['Routes']>[number]): string | undefined {
  return route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock;
}

function routesToFirewall(route: NonNullable<RouteTable['Routes']>[number], fw: FirewallTarget): boolean {
  if (route.State === 'blackhole') return false;
  if (route.InstanceId && route.InstanceId === fw.instanceId) return true;
  return !!route.NetworkInterfaceId && fw.interfaceIds.has(route.NetworkInterfaceId);
}

/** Whether a route table sends a family's internet traffic to the firewall. */
export function internetPathThrough(table: RouteTable, fw: FirewallTarget, family: 4 | 6): boolean {
  const routes = (table.Routes ?? []).flatMap((r) => {
    const text = routeDestination(r);
    const cidr = text ? parseCidr(text) : undefined;
    return cidr && cidr.version === family ? [{ route: r, cidr }] : [];
  });
  return HALVES[family].every((halfText) => {
    const half = parseCidr(halfText)!;
    let best: (typeof routes)[number] | undefined;
    for (const r of routes) {
      if (r.cidr.first <= half.first && r.cidr.last >= half.last && (!best || r.cidr.prefix > best.cidr.prefix)) best = r;
    }
    return !!best && routesToFirewall(best.route, fw);
  });
}

/** The table governing a subnet: its explicit association, else the main table of its VPC. */
export function tableOfSubnet(tables: readonly RouteTable[], subnet: { readonly subnetId: string; readonly vpcId: string }): RouteTable | undefined {
  const explicit = tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnet.subnetId));
  if (explicit) return explicit;
  return tables.find((t) => t.VpcId === subnet.vpcId && (t.Associations ?? []).some((a) => a.Main));
}

/** The subnets (of `subnets`) whose internet path goes through the firewall. */
export function subnetsBehindFirewall(
  tables: readonly RouteTable[],
  subnets: readonly { readonly subnetId: string; readonly vpcId: string }[],
  fw: FirewallTarget,
): Set<string> {
  const out = new Set<string>();
  for (const s of subnets) {
    const table = tableOfSubnet(tables, s);
    if (table && (internetPathThrough(table, fw, 4) || internetPathThrough(table, fw, 6))) out.add(s.subnetId);
  }
  return out;
}

/** An instance's state that puts its addresses on the firewall: only pending and running instances hold them. */
const ACTIVE = new Set(['pending', 'running']);
/** States whose interfaces (and groups) are gone or going. */
const GONE = new Set(['shutting-down', 'terminated']);

/** A group in scope: who carries it now. */
export interface GroupMembers {
  readonly groupId: string;
  /** Private IPv4 and IPv6 addresses of active interfaces carrying the group, sorted. */
  readonly addresses: readonly string[];
  /** Instances with an interface in scope carrying the group (any state but terminated). */
  readonly instances: readonly string[];
}

/**
 * The groups of interfaces in subnets behind the firewall, with their active addresses. The firewall instance
 * itself is never in scope.
 */
export function groupsInScope(instances: readonly Instance[], behind: ReadonlySet<string>, fw: FirewallTarget): GroupMembers[] {
  const byGroup = new Map<string, { addresses: Set<string>; instances: Set<string> }>();
  for (const inst of instances) {
    const id = inst.InstanceId ?? '';
    const state = inst.State?.Name ?? 'running';
    if (id === fw.instanceId || GONE.has(state)) continue;
    for (const eni of inst.NetworkInterfaces ?? []) {
      if (!eni.SubnetId || !behind.has(eni.SubnetId)) continue;
      for (const g of eni.Groups ?? []) {
        if (!g.GroupId) continue;
        let entry = byGroup.get(g.GroupId);
        if (!entry) byGroup.set(g.GroupId, (entry = { addresses: new Set(), instances: new Set() }));
        entry.instances.add(id);
        if (!ACTIVE.has(state)) continue;
        for (const a of eni.PrivateIpAddresses ?? []) if (a.PrivateIpAddress) entry.addresses.add(a.PrivateIpAddress);
        for (const a of eni.Ipv6Addresses ?? []) if (a.Ipv6Address) entry.addresses.add(a.Ipv6Address);
      }
    }
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([groupId, e]) => ({ groupId, addresses: [...e.addresses].sort(), instances: [...e.instances].sort() }));
}

/** Why a rule (or part of one) was left out. */
export interface SkippedPeer {
  readonly groupId: string;
  readonly rule: string;
  readonly peer: string;
  readonly reason: 'group reference' | 'inside the VPC' | 'unknown prefix list';
}

/**
 * The rules of a group that concern the internet firewall: peers outside every VPC block, prefix lists resolved.
 * A rule left with no peer is dropped; everything left out is listed in `skipped`.
 */
export function internetRules(
  group: Policy,
  vpcBlocks: readonly string[],
  prefixLists: ReadonlyMap<string, readonly string[]>,
): { rules: Rule[]; skipped: SkippedPeer[] } {
  const blocks = vpcBlocks.map((b) => parseCidr(b)).filter((b) => b !== undefined);
  const inside = (cidr: string): boolean => {
    const c = parseCidr(cidr);
    return !!c && blocks.some((b) => b.version === c.version && b.first <= c.first && b.last >= c.last);
  };
  const groupId = group.meta?.id ?? group.name;
  const rules: Rule[] = [];
  const skipped: SkippedPeer[] = [];
  group.rules.forEach((rule, i) => {
    const label = `${rule.direction} rule #${i + 1}`;
    if (rule.peer.kind === 'any') {
      rules.push(rule);
      return;
    }
    const items: AddressItem[] = [];
    const judge = (item: AddressItem, shown: string): void => {
      if (item.kind === 'cidr' && inside(item.cidr)) skipped.push({ groupId, rule: label, peer: shown, reason: 'inside the VPC' });
      else items.push(item);
    };
    for (const item of rule.peer.items) {
      switch (item.kind) {
        case 'group':
          skipped.push({ groupId, rule: label, peer: item.ref, reason: 'group reference' });
          break;
        case 'prefix-list': {
          const entries = prefixLists.get(item.id);
          if (!entries) skipped.push({ groupId, rule: label, peer: item.id, reason: 'unknown prefix list' });
          else for (const cidr of entries) judge({ kind: 'cidr', cidr: parseCidr(cidr)!.canonical, version: parseCidr(cidr)!.version }, `${cidr} (${item.id})`);
          break;
        }
        case 'cidr':
        case 'range':
          judge(item, item.kind === 'cidr' ? item.cidr : `${item.first}-${item.last}`);
          break;
        default: {
          const never: never = item;
          throw new Error(`unknown address item ${JSON.stringify(never)}`);
        }
      }
    }
    if (items.length > 0) rules.push({ ...rule, peer: { kind: 'list', items } });
  });
  return { rules, skipped };
}
