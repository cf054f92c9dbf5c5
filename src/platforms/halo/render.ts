/**
 * Canonical policy → a Halo firewall policy with the zones and services its rules use. Pure.
 *
 * Rules keep their order (first match); a rule becomes one Halo rule per (source × service) it needs: addresses
 * and ranges of one rule share one zone, each server group is its own source, each port range its own service.
 * Each governed direction that denies by default ends with a closing DROP (unless its last rule already accepts
 * everything), so the policy denies what the source does not allow. Existing zones and services are reused when
 * they match exactly (same addresses; same protocol and ports); new ones get readable deterministic names:
 * `<policy>_<cidr with . → - and / → _>` and `<policy>_<proto>_<ports>`, as the seed tool named them.
 *
 * Exact or refused: whatever Halo cannot express (an ICMP code, an ICMPv6 type, a negated or local side, a group
 * reference without a Halo server group, an unresolved prefix list) raises UnsupportedError naming the rule —
 * unless the caller accepts a lossy result, in which case it is always narrowed, never widened: an ACCEPT is left
 * out, a DROP is widened to what Halo can say.
 */
import {
  UnsupportedError,
  formatIp,
  intervalToCidrs,
  parseCidr,
  parseIp,
  protocolFromNumber,
  type AddressItem,
  type Direction,
  type Policy,
  type Protocol,
  type Rule,
} from '../../model/index.js';
import { HALO, serviceMatch, zoneAddresses } from './parse.js';
import type { HaloObjectRefDoc, HaloPeerDoc, HaloPolicyDoc, HaloRuleDoc, HaloServiceDoc, HaloZoneDoc } from './schema.js';

/** Marks objects ruleport created and owns (DESIGN: Halo ownership is a description marker). */
export const HALO_OWNER_MARKER = 'ruleport:';

export type HaloOs = 'linux' | 'windows';

export interface HaloRenderOptions {
  /** The Halo policy's name. */
  readonly name: string;
  /**
   * What new zone and service names start with (default: the policy's name). Policies that share their objects
   * (`-linux` and `-windows` copies of one group) pass one prefix, so the names do not depend on which came first.
   */
  readonly objectPrefix?: string;
  readonly os: HaloOs;
  /** The policy description (should start with HALO_OWNER_MARKER). */
  readonly description: string;
  /** The Halo server group a group reference stands for, or undefined when it has none. */
  readonly groupFor: (item: Extract<AddressItem, { kind: 'group' }>) => { readonly name: string; readonly id?: string } | undefined;
  /** A name part for the zone of a rule's addresses (e.g. the group a resolved reference came from). */
  readonly zoneHint?: (rule: Rule) => string | undefined;
  /** Accept a narrower result instead of failing on what Halo cannot express. */
  readonly lossy?: boolean;
}

/** A part of the source left out or narrowed (lossy mode only). */
export interface LostPart {
  readonly rule: string;
  readonly problem: string;
  readonly treatment: string;
}

export interface RenderedHaloPolicy {
  /** The policy as the API takes it, rules referring to zones and services by name (and id when they exist). */
  readonly policy: HaloPolicyDoc;
  readonly lost: readonly LostPart[];
}

interface CatalogEntry<T> {
  readonly doc: T;
  readonly existing: boolean;
}

/**
 * The zones and services of an account as planning goes: the existing ones, plus those the rendered policies
 * will create. Shared by every policy of one conversion, so a zone made for one policy is reused by the next.
 */
export class HaloCatalog {
  private readonly zones = new Map<string, CatalogEntry<HaloZoneDoc>>();
  private readonly services = new Map<string, CatalogEntry<HaloServiceDoc>>();
  private readonly names = { zones: new Set<string>(), services: new Set<string>() };
  private readonly used = { zones: new Set<HaloZoneDoc>(), services: new Set<HaloServiceDoc>() };
  readonly newZones: HaloZoneDoc[] = [];
  readonly newServices: HaloServiceDoc[] = [];

  constructor(existing: { readonly zones: readonly HaloZoneDoc[]; readonly services: readonly HaloServiceDoc[] } = { zones: [], services: [] }) {
    // System objects first, then by name: the reuse pick is deterministic and prefers `any`, `ssh`, `https`…
    const order = <T extends { name: string; system?: boolean }>(a: T, b: T): number =>
      Number(!!b.system) - Number(!!a.system) || a.name.localeCompare(b.name);
    for (const z of [...existing.zones].sort(order)) {
      this.names.zones.add(z.name.toLowerCase());
      const key = zoneKeyOf(z.ip_address);
      if (key !== undefined && !this.zones.has(key)) this.zones.set(key, { doc: z, existing: true });
    }
    for (const s of [...existing.services].sort(order)) {
      this.names.services.add(s.name.toLowerCase());
      const key = serviceKeyOf(s.protocol, s.port ?? null);
      if (key !== undefined && !this.services.has(key)) this.services.set(key, { doc: s, existing: true });
    }
  }

  /** Distinct existing objects used and new objects to create, for reports and benchmarks. */
  get counts(): { zones: { reused: number; created: number }; services: { reused: number; created: number } } {
    const reused = <T>(set: Set<T>, fresh: readonly T[]): number => [...set].filter((x) => !fresh.includes(x)).length;
    return {
      zones: { reused: reused(this.used.zones, this.newZones), created: this.newZones.length },
      services: { reused: reused(this.used.services, this.newServices), created: this.newServices.length },
    };
  }

  /** The zone holding exactly `entries` (canonical), created under `name` (made unique) when none does. */
  zone(entries: readonly string[], name: string): HaloZoneDoc {
    const key = [...entries].sort().join(',');
    let entry = this.zones.get(key);
    if (!entry) {
      const doc: HaloZoneDoc = { name: this.uniqueName(this.names.zones, name), ip_address: entries.join(','), description: `${HALO_OWNER_MARKER} created by ruleport` };
      entry = { doc, existing: false };
      this.zones.set(key, entry);
      this.newZones.push(doc);
    }
    this.used.zones.add(entry.doc);
    return entry.doc;
  }

  /** The service for a protocol and port, created under `name` (made unique) when none matches. */
  service(protocol: string, port: string | null, name: string): HaloServiceDoc {
    const key = serviceKeyOf(protocol, port)!;
    let entry = this.services.get(key);
    if (!entry) {
      const doc: HaloServiceDoc = { name: this.uniqueName(this.names.services, name), protocol, port, description: `${HALO_OWNER_MARKER} created by ruleport` };
      entry = { doc, existing: false };
      this.services.set(key, entry);
      this.newServices.push(doc);
    }
    this.used.services.add(entry.doc);
    return entry.doc;
  }

  private uniqueName(taken: Set<string>, base: string): string {
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    taken.add(name.toLowerCase());
    return name;
  }
}

/** A zone's addresses as a comparison key (canonical entries, sorted); undefined when they do not parse. */
function zoneKeyOf(ipAddress: string): string | undefined {
  try {
    return zoneAddresses(ipAddress, {})
      .map(entryText)
      .sort()
      .join(',');
  } catch {
    return undefined;
  }
}

/** The canonical zone entry of an address item (CIDR with host bits cleared, or `first-last`). */
function entryText(item: AddressItem): string {
  switch (item.kind) {
    case 'cidr':
      return item.cidr;
    case 'range': {
      const a = parseIp(item.first)!;
      const b = parseIp(item.last)!;
      return `${formatIp(a.version, a.value)}-${formatIp(b.version, b.value)}`;
    }
    case 'group':
    case 'prefix-list':
      throw new Error(`internal: ${item.kind} is not a zone entry`);
    default: {
      const never: never = item;
      throw new Error(`unknown address item ${JSON.stringify(never)}`);
    }
  }
}

/** What a service matches, as a comparison key; undefined when it does not parse. */
function serviceKeyOf(protocol: string | number, port: string | number | null): string | undefined {
  let p: Protocol;
  try {
    p = serviceMatch(protocol, port, {});
  } catch {
    return undefined;
  }
  switch (p.kind) {
    case 'tcp':
    case 'udp':
      return `${p.kind}|${p.ports.map((r) => `${r.from}-${r.to}`).join(',')}`;
    case 'icmp':
    case 'icmpv6':
      return `${p.kind}|${p.icmp.type ?? 'all'}`;
    case 'number':
      return `${p.number}|all`;
    case 'any':
      return undefined;
    default: {
      const never: never = p;
      throw new Error(`unknown protocol ${JSON.stringify(never)}`);
    }
  }
}

/** `10.0.0.0/8` → `10-0-0-0_8`: a CIDR or range as a name part, the seed tool's way. */
export function namePart(text: string): string {
  return text.replace(/\./g, '-').replace(/\//g, '_');
}

type Source = { readonly kind: 'any' } | { readonly kind: 'zone'; readonly entries: string[]; readonly hint: string } | { readonly kind: 'group'; readonly name: string; readonly id?: string };
type Service = { readonly protocol: string; readonly port: string | null; readonly part: string } | null;

/**
 * Renders one policy.
 * @param catalog shared planning state: existing zones and services, and the new ones to create.
 * @throws UnsupportedError naming the first rule Halo cannot express (unless `lossy`).
 */
export function renderHaloPolicy(policy: Policy, catalog: HaloCatalog, options: HaloRenderOptions): RenderedHaloPolicy {
  const lost: LostPart[] = [];
  const prefix = options.objectPrefix ?? options.name;
  const rules: Record<Direction, HaloRuleDoc[]> = { ingress: [], egress: [] };
  policy.rules.forEach((rule, index) => {
    if (!policy.directions.includes(rule.direction)) return;
    const subject = `${policy.name} ${rule.direction} rule #${index + 1}${rule.origin.id ? ` (${[rule.origin.id, rule.origin.where].filter(Boolean).join(' ')})` : ''}`;
    const parts = expandRule(rule, subject, options, lost);
    if (!parts) return;
    const chain = rule.direction === 'ingress' ? 'INPUT' : 'OUTPUT';
    for (const source of parts.sources) {
      for (const service of parts.services) {
        rules[rule.direction].push(haloRule(chain, rule.action === 'allow' ? 'ACCEPT' : 'DROP', source, service, prefix, catalog, rule.description));
      }
    }
  });
  for (const direction of policy.directions) {
    if (policy.defaults[direction] !== 'deny') continue;
    const list = rules[direction];
    const last = list[list.length - 1];
    const acceptsAll = last?.action === 'ACCEPT' && !peerOf(last) && !last.firewall_service;
    if (!acceptsAll) list.push(haloRule(direction === 'ingress' ? 'INPUT' : 'OUTPUT', 'DROP', { kind: 'any' }, null, prefix, catalog, undefined));
  }
  const numbered = [...rules.ingress.map((r, i) => ({ ...r, position: i + 1 })), ...rules.egress.map((r, i) => ({ ...r, position: i + 1 }))];
  const blocks = (d: Direction): boolean => policy.directions.includes(d) && policy.defaults[d] === 'deny';
  const doc: HaloPolicyDoc = {
    name: options.name,
    platform: options.os,
    description: options.description,
    ...(options.os === 'windows'
      ? { log_allowed: false, log_dropped: true, block_inbound: blocks('ingress'), block_outbound: blocks('egress') }
      : {}),
    firewall_rules: numbered,
  };
  return { policy: doc, lost };
}

function peerOf(rule: HaloRuleDoc): HaloPeerDoc | null | undefined {
  return rule.chain === 'INPUT' ? rule.firewall_source : rule.firewall_target;
}

function haloRule(
  chain: 'INPUT' | 'OUTPUT',
  action: 'ACCEPT' | 'DROP',
  source: Source,
  service: Service,
  policyName: string,
  catalog: HaloCatalog,
  comment: string | undefined,
): HaloRuleDoc {
  let peer: HaloPeerDoc | null = null;
  if (source.kind === 'zone') {
    const zone = catalog.zone(source.entries, `${policyName}_${source.hint}`);
    peer = { ...(zone.id ? { id: zone.id } : {}), name: zone.name, type: 'FirewallZone', ip_address: zone.ip_address };
  } else if (source.kind === 'group') {
    peer = { ...(source.id ? { id: source.id } : {}), name: source.name, type: 'Group' };
  }
  let serviceRef: HaloObjectRefDoc | null = null;
  if (service) {
    const s = catalog.service(service.protocol, service.port, `${policyName}_${service.part}`);
    serviceRef = { ...(s.id ? { id: s.id } : {}), name: s.name, protocol: String(s.protocol), port: s.port === undefined || s.port === null ? null : String(s.port) };
  }
  return {
    chain,
    action,
    active: true,
    [chain === 'INPUT' ? 'firewall_source' : 'firewall_target']: peer,
    firewall_service: serviceRef,
    connection_states: null,
    log: false,
    ...(comment ? { comment } : {}),
  };
}

/** The sources and services one rule needs; undefined when the rule is left out (lossy, or matches nothing). */
function expandRule(rule: Rule, subject: string, options: HaloRenderOptions, lost: LostPart[]): { sources: Source[]; services: Service[] } | undefined {
  const deny = rule.action === 'deny';
  /** Fails, or (lossy) leaves an ACCEPT out / lets a DROP cover more. Returns true when the rule is left out. */
  const cannot = (problem: string, widenedDrop: string): boolean => {
    if (!options.lossy) throw new UnsupportedError(HALO, subject, problem);
    lost.push({ rule: subject, problem, treatment: deny ? widenedDrop : 'left out (allows less)' });
    return !deny;
  };
  if (rule.local.kind !== 'any' && cannot('a Halo rule has no local (destination) side: it applies to the whole host', 'DROP applied to the whole host')) return undefined;

  let sources: Source[];
  if (rule.peer.kind === 'any') {
    sources = [{ kind: 'any' }];
  } else if (rule.peer.negate) {
    if (cannot('a Halo source cannot be negated', 'DROP from anywhere')) return undefined;
    sources = [{ kind: 'any' }];
  } else {
    sources = [];
    const entries: string[] = [];
    let widen = false;
    for (const item of rule.peer.items) {
      switch (item.kind) {
        case 'cidr':
        case 'range':
          entries.push(...zoneEntries(item));
          break;
        case 'group': {
          const group = options.groupFor(item);
          if (group) {
            sources.push({ kind: 'group', name: group.name, ...(group.id ? { id: group.id } : {}) });
          } else {
            const problem = `group reference ${item.ref}${item.name ? ` (${item.name})` : ''} has no Halo server group: map it (--map-group ${item.ref.split('@')[0]}=GROUP) or resolve it to addresses (--resolve-refs); it never becomes "any source"`;
            if (cannot(problem, 'DROP from anywhere')) return undefined;
            widen = true;
          }
          break;
        }
        case 'prefix-list': {
          if (cannot(`prefix list ${item.id} has no Halo zone: resolve it to its CIDRs (--resolve-refs)`, 'DROP from anywhere')) return undefined;
          widen = true;
          break;
        }
        default: {
          const never: never = item;
          throw new UnsupportedError(HALO, subject, `unknown address item ${JSON.stringify(never)}`);
        }
      }
    }
    if (widen) {
      sources = [{ kind: 'any' }];
    } else if (entries.length > 0) {
      const unique = [...new Set(entries)];
      const hint = options.zoneHint?.(rule) ?? (unique.length === 1 ? namePart(unique[0]!) : `${namePart(unique[0]!)}_and_${unique.length - 1}_more`);
      sources.unshift({ kind: 'zone', entries: unique, hint });
    }
    // An empty list matches nothing (e.g. a reference resolved to no addresses): the rule adds nothing.
    if (sources.length === 0) return undefined;
  }

  const services = protocolServices(rule.protocol, (problem, widened) => cannot(problem, widened));
  if (!services) return undefined;
  return { sources, services };
}

/** A zone's entries for an address item: CIDRs as they are, IPv4 ranges as `a-b`, IPv6 ranges split into CIDRs. */
function zoneEntries(item: Extract<AddressItem, { kind: 'cidr' | 'range' }>): string[] {
  if (item.kind === 'cidr') return [parseCidr(item.cidr)!.canonical];
  if (item.version === 4) return [entryText(item)];
  const a = parseIp(item.first)!;
  const b = parseIp(item.last)!;
  return intervalToCidrs(a.version, a.value, b.value);
}

/**
 * The services a protocol needs (null = any service). `cannot(problem, widenedDrop)` reports what Halo cannot
 * say and returns true when the rule is left out; undefined then.
 */
function protocolServices(p: Protocol, cannot: (problem: string, widenedDrop: string) => boolean): Service[] | undefined {
  switch (p.kind) {
    case 'any':
      return [null];
    case 'tcp':
    case 'udp': {
      const proto = p.kind.toUpperCase();
      return p.ports.map((r) => {
        const all = r.from === 0 && r.to === 65535;
        const port = all ? null : r.from === r.to ? String(r.from) : `${r.from}:${r.to}`;
        return { protocol: proto, port, part: `${p.kind}_${all ? 'all' : r.from === r.to ? r.from : `${r.from}-${r.to}`}` };
      });
    }
    case 'icmp':
      if (p.icmp.code !== undefined) {
        if (cannot(`Halo services match an ICMP type, not a code (type ${p.icmp.type} code ${p.icmp.code})`, `DROP of all ICMP type ${p.icmp.type}`)) return undefined;
      }
      return [{ protocol: 'ICMP', port: p.icmp.type === undefined ? null : String(p.icmp.type), part: `icmp_${p.icmp.type ?? 'all'}` }];
    case 'icmpv6':
      if (p.icmp.type !== undefined) {
        if (cannot(`Halo services match ICMPv6 only as protocol 58, not by type (type ${p.icmp.type})`, 'DROP of all ICMPv6')) return undefined;
      }
      return [{ protocol: '58', port: null, part: 'icmpv6_all' }];
    case 'number': {
      const named = protocolFromNumber(p.number);
      if (named.kind !== 'number') return protocolServices(named, cannot);
      return [{ protocol: String(p.number), port: null, part: `proto-${p.number}` }];
    }
    default: {
      const never: never = p;
      throw new Error(`unknown protocol ${JSON.stringify(never)}`);
    }
  }
}
