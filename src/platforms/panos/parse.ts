/**
 * A PAN-OS security rulebase (from running-config.xml or read live) → a canonical policy for one zone pair. Pure.
 *
 * - Zone pair (from, to): rules that apply from→to are ingress (peer = source, local = destination); rules that
 *   apply to→from are egress (peer = destination, local = source). `any` zones and `rule-type`
 *   universal/intrazone/interzone are honoured; a rule for both directions yields both.
 * - First match; disabled rules are skipped and reported; allow → allow, deny/drop/reset-* → deny; below the
 *   rules the interzone default (deny unless `default-security-rules` overrides it).
 * - Addresses: ip-netmask, ip-range, ip-wildcard, inline values, static groups (nested), dynamic groups as a
 *   symbolic group reference plus the address objects whose tags satisfy the filter; `negate-*` kept.
 * - Traffic: services (objects, groups, predefined `service-http`/`service-https`, `any`), or applications
 *   on `application-default` read through their standard ports (./app-ids.ts, custom applications' defaults).
 * - Anything a flow cannot express — users, URL categories, HIP profiles, schedules, FQDNs, regions/EDLs,
 *   source ports, applications on non-default ports, unknown App-IDs — makes the rule inexpressible: an
 *   UnsupportedError, unless the caller accepts reading it narrower: an allow rule is then dropped and a deny rule
 *   applies to everything its addresses and ports may cover (the result never allows more than the device).
 */
import {
  InputError,
  UnsupportedError,
  cidrItem,
  formatIpv4,
  parseIpv4,
  portRange,
  rangeItem,
  toInt,
  validatePolicy,
  BOTH_DIRECTIONS,
  type Action,
  type AddressItem,
  type AddressMatch,
  type Direction,
  type InputLocation,
  type Policy,
  type Protocol,
  type Rule,
} from '../../model/index.js';
import { APP_ALIASES, APP_DEFAULT_PORTS, PREDEFINED_SERVICES } from './app-ids.js';
import { sidesForProtocol } from './icmp-family.js';
import { ProtocolSet } from './protocol-set.js';
import { compileTagFilter } from './tag-filter.js';
import { child, childText, entries, entryNamed, members, parseXml, path, type XNode } from './xml.js';

export const PANOS = 'panos';

/** The zones whose traffic a rulebase is read for: from→to is ingress, to→from egress. */
export interface ZonePair {
  readonly from: string;
  readonly to: string;
}

export const DEFAULT_ZONES: ZonePair = { from: 'untrust', to: 'trust' };

/** One virtual system's configuration: its `<entry name="vsysN">` and the device's `<shared>`. */
export interface VsysConfig {
  readonly name: string;
  readonly vsys: XNode;
  readonly shared?: XNode;
}

export interface ReadOptions {
  readonly zones?: ZonePair;
  /** Read inexpressible rules narrower (allow dropped, deny widened) instead of failing. */
  readonly dropInexpressible?: boolean;
  /** File or device the configuration came from: names the policy and every error. */
  readonly label: string;
  /** Only rules this accepts are read (the others are left out silently). */
  readonly select?: (rule: { readonly name: string; readonly tags: readonly string[] }) => boolean;
}

/** A rule read narrower than it is on the device, and why. */
export interface Inexpressible {
  readonly rule: string;
  readonly action: Action;
  readonly reasons: readonly string[];
  readonly handling: 'dropped' | 'deny widened';
}

export interface PanosReading {
  readonly policy: Policy;
  /** Disabled rules (skipped). */
  readonly disabled: readonly string[];
  readonly inexpressible: readonly Inexpressible[];
}

const DENY_ACTIONS = new Set(['deny', 'drop', 'reset-client', 'reset-server', 'reset-both']);
const MAX_WILDCARD_BLOCKS_LOG2 = 12;

/** True when `text` looks like a PAN-OS configuration (`<config>` with devices or shared). */
export function looksLikePanosConfig(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<config[\s>]/.test(head);
}

/**
 * The virtual systems of a configuration file.
 * @throws InputError naming the file when it is not a PAN-OS configuration.
 */
export function configVsyses(text: string, file: string): VsysConfig[] {
  let root;
  try {
    root = parseXml(text);
  } catch (e) {
    throw new InputError({ file }, `malformed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (root.tag !== 'config') throw new InputError({ file }, `expected a <config> document, found <${root.tag}>`);
  const shared = child(root.node, 'shared');
  const device = entries(child(root.node, 'devices'))[0];
  const list = entries(child(device, 'vsys'));
  if (list.length === 0) throw new InputError({ file, object: 'devices/entry/vsys' }, 'no virtual system in this configuration');
  return list.map((vsys) => ({ name: vsys.attrs.name ?? 'vsys1', vsys, ...(shared ? { shared } : {}) }));
}

/** Reads every virtual system of a running-config.xml text. */
export function readRunningConfig(text: string, file: string, options: Omit<ReadOptions, 'label'> = {}): PanosReading[] {
  return configVsyses(text, file).map((v) => readVsys(v, { ...options, label: file }));
}

/**
 * Reads one virtual system's security rulebase for a zone pair.
 * @throws InputError for malformed configuration; UnsupportedError for an inexpressible rule (unless accepted).
 */
export function readVsys(config: VsysConfig, options: ReadOptions): PanosReading {
  const zones = options.zones ?? DEFAULT_ZONES;
  if (zones.from === zones.to) {
    throw new InputError({ field: '--from-zone/--to-zone' }, `the zone pair needs two different zones, got ${zones.from} twice`);
  }
  const reader = new VsysReader(config);
  const rules: Rule[] = [];
  const disabled: string[] = [];
  const inexpressible: Inexpressible[] = [];
  entries(path(config.vsys, 'rulebase', 'security', 'rules')).forEach((entry, i) => {
    const name = entry.attrs.name ?? `#${i + 1}`;
    if (options.select && !options.select({ name, tags: members(child(entry, 'tag')) })) return;
    const loc: InputLocation = { file: options.label, object: `${config.name} rule ${JSON.stringify(name)}` };
    const directions = BOTH_DIRECTIONS.filter((d) =>
      d === 'ingress' ? appliesTo(entry, zones.from, zones.to, loc) : appliesTo(entry, zones.to, zones.from, loc),
    );
    if (directions.length === 0) return;
    if (childText(entry, 'disabled') === 'yes') {
      disabled.push(name);
      return;
    }
    const read = reader.rule(entry, name, i + 1, directions, loc);
    if (read.problems.length > 0) {
      if (!options.dropInexpressible) {
        throw new UnsupportedError(
          PANOS,
          `${options.label} ${config.name} rule ${JSON.stringify(name)}`,
          `${read.problems.join('; ')} (--drop-inexpressible reads it narrower: allow rules dropped, deny rules widened)`,
        );
      }
      const handling = read.action === 'allow' ? 'dropped' : 'deny widened';
      inexpressible.push({ rule: name, action: read.action, reasons: read.problems, handling });
      if (read.action === 'allow') return;
    }
    rules.push(...read.rules);
  });
  const defaultAction = interzoneDefault(config.vsys, { file: options.label, object: config.name });
  const meta: Record<string, string> = { id: config.name, vsys: config.name, zones: `${zones.from}->${zones.to}` };
  if (disabled.length > 0) meta.disabled = disabled.join(', ');
  if (inexpressible.length > 0) meta.inexpressible = inexpressible.map((r) => `${r.rule} (${r.handling})`).join(', ');
  const policy = validatePolicy({
    name: `${options.label} ${config.name} ${zones.from}->${zones.to}`,
    platform: PANOS,
    evaluation: 'first-match',
    stateful: true,
    defaults: { ingress: defaultAction, egress: defaultAction },
    directions: BOTH_DIRECTIONS,
    rules,
    meta,
  });
  return { policy, disabled, inexpressible };
}

/** Whether a rule applies to traffic from zone `from` to zone `to` (two different zones). */
function appliesTo(rule: XNode, from: string, to: string, loc: InputLocation): boolean {
  const fromZones = requiredMembers(rule, 'from', loc);
  const toZones = requiredMembers(rule, 'to', loc);
  const inZones = (list: string[], z: string): boolean => list.includes('any') || list.includes(z);
  const type = childText(rule, 'rule-type') ?? 'universal';
  if (type === 'intrazone') return false;
  return inZones(fromZones, from) && inZones(toZones, to);
}

/**
 * A member list PAN-OS requires of a security rule (zones, addresses, applications, services). A rule without
 * one does not commit; reading the gap as `any` would widen the rule, so it is an error instead.
 * @throws InputError naming the rule and the field.
 */
function requiredMembers(rule: XNode, tag: string, loc: InputLocation): string[] {
  const list = members(child(rule, tag));
  if (list.length === 0) {
    throw new InputError({ ...loc, field: tag }, `no <member> under <${tag}>: PAN-OS requires one (<member>any</member> for any), and ruleport does not guess it`);
  }
  return list;
}

function interzoneDefault(vsys: XNode, loc: InputLocation): Action {
  const entry = entryNamed(path(vsys, 'rulebase', 'default-security-rules', 'rules'), 'interzone-default');
  const action = childText(entry, 'action');
  if (action === undefined) return 'deny';
  return ruleAction(action, { ...loc, object: `${loc.object} interzone-default`, field: 'action' });
}

function ruleAction(text: string, loc: InputLocation): Action {
  if (text === 'allow') return 'allow';
  if (DENY_ACTIONS.has(text)) return 'deny';
  throw new InputError(loc, `unknown action ${JSON.stringify(text)}`);
}

/** An address side: exact when `problems` is empty, otherwise `match` is a superset (the envelope). */
interface Side {
  readonly match: AddressMatch | 'nothing';
  readonly problems: string[];
}

interface Traffic {
  readonly protocols: Protocol[];
  readonly problems: string[];
}

/** Resolves names of one vsys (vsys objects hide shared ones of the same name). */
class VsysReader {
  constructor(private readonly config: VsysConfig) {}

  rule(entry: XNode, name: string, index: number, directions: readonly Direction[], loc: InputLocation): { action: Action; rules: Rule[]; problems: string[] } {
    const action = ruleAction(childText(entry, 'action') ?? '', { ...loc, field: 'action' });
    const problems: string[] = [];
    for (const [field, what] of [
      ['source-user', 'source users'],
      ['category', 'URL categories'],
      ['source-hip', 'source HIP profiles'],
      ['destination-hip', 'destination HIP profiles'],
      ['hip-profiles', 'HIP profiles'],
    ] as const) {
      const list = members(child(entry, field));
      if (list.length > 0 && !(list.length === 1 && list[0] === 'any')) problems.push(`${what} ${list.join(', ')}`);
    }
    if (childText(entry, 'schedule')) problems.push(`schedule ${childText(entry, 'schedule')}`);
    const source = this.side(entry, 'source', loc);
    const destination = this.side(entry, 'destination', loc);
    const traffic = this.traffic(entry, loc);
    problems.push(...source.problems, ...destination.problems, ...traffic.problems);
    const out: Rule[] = [];
    if (source.match === 'nothing' || destination.match === 'nothing') return { action, rules: out, problems };
    const description = childText(entry, 'description');
    for (const direction of directions) {
      const [peer, local] = direction === 'ingress' ? [source.match, destination.match] : [destination.match, source.match];
      for (const protocol of traffic.protocols) {
        const sides = sidesForProtocol(protocol, peer, local);
        if (!sides) continue;
        out.push({
          direction,
          action,
          protocol,
          peer: sides.peer,
          local: sides.local,
          ...(description ? { description } : {}),
          origin: { platform: PANOS, id: name, where: `${this.config.name} rule ${index}` },
        });
      }
    }
    return { action, rules: out, problems };
  }

  private side(entry: XNode, field: 'source' | 'destination', loc: InputLocation): Side {
    const names = requiredMembers(entry, field, loc);
    const negate = childText(entry, `negate-${field}`) === 'yes';
    if (names.includes('any')) return { match: negate ? 'nothing' : { kind: 'any' }, problems: [] };
    const items: AddressItem[] = [];
    const problems: string[] = [];
    for (const n of names) {
      const r = this.address(n, { ...loc, field }, new Set());
      items.push(...r.items);
      problems.push(...r.problems);
    }
    // The envelope of an inexact side: everything (a superset of the list and of its complement).
    if (problems.length > 0) return { match: { kind: 'any' }, problems };
    return { match: { kind: 'list', items: dedupe(items), ...(negate ? { negate: true } : {}) }, problems };
  }

  private address(name: string, loc: InputLocation, visiting: Set<string>): { items: AddressItem[]; problems: string[] } {
    const obj = this.lookup('address', name);
    if (obj) return this.addressObject(name, obj, loc);
    const group = this.lookup('address-group', name);
    if (group) {
      if (visiting.has(name)) throw new InputError({ ...loc, object: `address-group ${name}` }, 'group contains itself');
      const inner = new Set(visiting).add(name);
      const filter = childText(child(group, 'dynamic'), 'filter');
      if (filter !== undefined) return this.dynamicGroup(name, filter, loc);
      const out = { items: [] as AddressItem[], problems: [] as string[] };
      for (const m of members(child(group, 'static'))) {
        const r = this.address(m, loc, inner);
        out.items.push(...r.items);
        out.problems.push(...r.problems);
      }
      return out;
    }
    const literal = literalAddress(name, loc);
    if (literal) return { items: literal, problems: [] };
    return { items: [], problems: [`address ${JSON.stringify(name)} is no address object or group (a region, an external dynamic list, or missing)`] };
  }

  private addressObject(name: string, obj: XNode, loc: InputLocation): { items: AddressItem[]; problems: string[] } {
    const at = { ...loc, object: `address ${name}` };
    const netmask = childText(obj, 'ip-netmask');
    if (netmask !== undefined) return { items: [cidrItem(netmask, { ...at, field: 'ip-netmask' })], problems: [] };
    const range = childText(obj, 'ip-range');
    if (range !== undefined) {
      const [a, b, extra] = range.split('-');
      if (a === undefined || b === undefined || extra !== undefined) throw new InputError({ ...at, field: 'ip-range' }, `invalid range ${JSON.stringify(range)}`);
      return { items: [rangeItem(a, b, { ...at, field: 'ip-range' })], problems: [] };
    }
    const wildcard = childText(obj, 'ip-wildcard');
    if (wildcard !== undefined) return wildcardItems(name, wildcard, { ...at, field: 'ip-wildcard' });
    const fqdn = childText(obj, 'fqdn');
    if (fqdn !== undefined) return { items: [], problems: [`address ${name} is the FQDN ${fqdn} (ruleport does not resolve names)`] };
    throw new InputError(at, 'address object without ip-netmask, ip-range, ip-wildcard or fqdn');
  }

  private dynamicGroup(name: string, filter: string, loc: InputLocation): { items: AddressItem[]; problems: string[] } {
    let predicate;
    try {
      predicate = compileTagFilter(filter);
    } catch (e) {
      throw new InputError({ ...loc, object: `address-group ${name}`, field: 'dynamic/filter' }, `invalid filter ${JSON.stringify(filter)}: ${(e as Error).message}`);
    }
    // Registered IPs stay symbolic; tagged address objects are static members of the group.
    const out = { items: [{ kind: 'group', ref: name, name: filter } as AddressItem], problems: [] as string[] };
    const seen = new Set<string>();
    for (const scope of [this.config.vsys, this.config.shared]) {
      for (const obj of entries(child(scope, 'address'))) {
        const objName = obj.attrs.name ?? '';
        if (seen.has(objName)) continue;
        seen.add(objName);
        if (!predicate(new Set(members(child(obj, 'tag'))))) continue;
        const r = this.addressObject(objName, obj, loc);
        out.items.push(...r.items);
        out.problems.push(...r.problems);
      }
    }
    return out;
  }

  private traffic(entry: XNode, loc: InputLocation): Traffic {
    const apps = requiredMembers(entry, 'application', loc);
    const services = requiredMembers(entry, 'service', loc);
    const appDefault = services.includes('application-default');
    const set = new ProtocolSet();
    const problems: string[] = [];
    if (apps.includes('any')) {
      if (services.includes('any')) return { protocols: [{ kind: 'any' }], problems };
      if (appDefault) {
        return { protocols: [{ kind: 'any' }], problems: ['application any on application-default (the standard ports of every App-ID)'] };
      }
      for (const s of services) this.service(s, { ...loc, field: 'service' }, new Set(), set, problems);
      return { protocols: set.toProtocols(), problems };
    }
    const expanded = this.applications(apps, { ...loc, field: 'application' }, problems);
    if (!appDefault) {
      problems.push(`applications ${apps.join(', ')} on services ${services.join(', ')} (App-ID, not the port, decides)`);
      if (services.includes('any')) return { protocols: [{ kind: 'any' }], problems };
      for (const s of services) this.service(s, { ...loc, field: 'service' }, new Set(), set, problems);
      return { protocols: set.toProtocols(), problems };
    }
    for (const p of expanded) set.add(p);
    return { protocols: problems.length > 0 ? [{ kind: 'any' }] : set.toProtocols(), problems };
  }

  /** The standard ports of applications (groups expanded, custom applications read). */
  private applications(names: readonly string[], loc: InputLocation, problems: string[], visiting = new Set<string>()): Protocol[] {
    const out: Protocol[] = [];
    for (const raw of names) {
      const name = APP_ALIASES.get(raw) ?? raw;
      const group = this.lookup('application-group', name);
      if (group) {
        if (visiting.has(name)) throw new InputError({ ...loc, object: `application-group ${name}` }, 'group contains itself');
        out.push(...this.applications(members(child(group, 'members')), loc, problems, new Set(visiting).add(name)));
        continue;
      }
      if (this.lookup('application-filter', name)) {
        problems.push(`application filter ${name}`);
        continue;
      }
      const custom = this.lookup('application', name);
      if (custom) {
        out.push(...customApplicationPorts(name, custom, { ...loc, object: `application ${name}` }, problems));
        continue;
      }
      const known = APP_DEFAULT_PORTS.get(name);
      if (known) out.push(...known);
      else problems.push(`application ${name} (its standard ports are not known to ruleport)`);
    }
    return out;
  }

  private service(name: string, loc: InputLocation, visiting: Set<string>, into: ProtocolSet, problems: string[]): void {
    if (name === 'any') {
      into.add({ kind: 'any' });
      return;
    }
    const obj = this.lookup('service', name);
    if (obj) {
      serviceObject(name, obj, { ...loc, object: `service ${name}` }, into, problems);
      return;
    }
    const group = this.lookup('service-group', name);
    if (group) {
      if (visiting.has(name)) throw new InputError({ ...loc, object: `service-group ${name}` }, 'group contains itself');
      const inner = new Set(visiting).add(name);
      for (const m of members(child(group, 'members'))) this.service(m, loc, inner, into, problems);
      return;
    }
    const predefined = PREDEFINED_SERVICES.get(name);
    if (predefined) {
      into.add(predefined);
      return;
    }
    throw new InputError(loc, `unknown service ${JSON.stringify(name)}`);
  }

  private lookup(kind: string, name: string): XNode | undefined {
    return entryNamed(child(this.config.vsys, kind), name) ?? entryNamed(child(this.config.shared, kind), name);
  }
}

function dedupe(items: readonly AddressItem[]): AddressItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const key = JSON.stringify(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A host, prefix or range written inline in a rule; undefined when the text is none of them. */
function literalAddress(text: string, loc: InputLocation): AddressItem[] | undefined {
  if (/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(text) && /[.:]/.test(text)) return [cidrItem(text, loc)];
  const range = /^([0-9a-fA-F:.]+)-([0-9a-fA-F:.]+)$/.exec(text);
  if (range && /[.:]/.test(range[1]!)) return [rangeItem(range[1]!, range[2]!, loc)];
  return undefined;
}

/** `10.30.0.5/0.0.255.0`: the mask's one bits are "any value"; expanded to exact CIDRs. */
function wildcardItems(name: string, text: string, loc: InputLocation): { items: AddressItem[]; problems: string[] } {
  const [addrText, maskText] = text.split('/');
  const addr = addrText === undefined ? undefined : parseIpv4(addrText);
  const mask = maskText === undefined ? undefined : parseIpv4(maskText);
  if (addr === undefined || mask === undefined) throw new InputError(loc, `invalid IPv4 wildcard ${JSON.stringify(text)}`);
  let trailing = 0;
  while (trailing < 32 && ((mask >> BigInt(trailing)) & 1n) === 1n) trailing++;
  const free: number[] = [];
  for (let b = trailing; b < 32; b++) if (((mask >> BigInt(b)) & 1n) === 1n) free.push(b);
  if (free.length > MAX_WILDCARD_BLOCKS_LOG2) {
    return { items: [], problems: [`address ${name}: wildcard ${text} spans ${2 ** free.length} separate blocks`] };
  }
  const base = addr & ~mask & 0xffffffffn;
  const items: AddressItem[] = [];
  for (let combo = 0; combo < 2 ** free.length; combo++) {
    let value = base;
    free.forEach((bit, k) => {
      if ((combo >> k) & 1) value |= 1n << BigInt(bit);
    });
    items.push(cidrItem(`${formatIpv4(value)}/${32 - trailing}`, loc));
  }
  return { items, problems: [] };
}

function serviceObject(name: string, obj: XNode, loc: InputLocation, into: ProtocolSet, problems: string[]): void {
  const proto = child(obj, 'protocol');
  for (const kind of ['tcp', 'udp'] as const) {
    const spec = child(proto, kind);
    if (!spec) continue;
    const ports = childText(spec, 'port');
    if (ports === undefined) throw new InputError({ ...loc, field: `protocol/${kind}/port` }, 'service without ports');
    into.add({ kind, ports: parsePorts(ports, { ...loc, field: `protocol/${kind}/port` }) });
    const sourcePort = childText(spec, 'source-port');
    if (sourcePort) problems.push(`service ${name} restricts source ports (${sourcePort})`);
    return;
  }
  if (child(proto, 'sctp')) {
    into.add({ kind: 'number', number: 132 });
    problems.push(`service ${name} is SCTP with ports`);
    return;
  }
  throw new InputError(loc, 'service without tcp, udp or sctp protocol');
}

/** `80,8080,9000-9010` */
export function parsePorts(text: string, loc: InputLocation): { from: number; to: number }[] {
  return text.split(',').map((part) => {
    const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(part);
    if (!m) throw new InputError(loc, `invalid port list ${JSON.stringify(text)}`);
    return portRange(m[1], m[2] ?? m[1], loc);
  });
}

/** A custom application's `default`: ports, ICMP/ICMPv6 type (and code), or IP protocol. */
function customApplicationPorts(name: string, app: XNode, loc: InputLocation, problems: string[]): Protocol[] {
  const def = child(app, 'default');
  const out: Protocol[] = [];
  for (const m of members(child(def, 'port'))) {
    const slash = m.indexOf('/');
    const proto = m.slice(0, slash);
    if (slash < 0 || (proto !== 'tcp' && proto !== 'udp')) {
      problems.push(`application ${name} default port ${JSON.stringify(m)}`);
      continue;
    }
    out.push({ kind: proto, ports: parsePorts(m.slice(slash + 1), { ...loc, field: 'default/port' }) });
  }
  for (const [tag, kind] of [['ident-by-icmp-type', 'icmp'], ['ident-by-icmp6-type', 'icmpv6']] as const) {
    const ident = child(def, tag);
    if (!ident) continue;
    const type = childText(ident, 'type');
    const code = childText(ident, 'code');
    const field = { ...loc, field: `default/${tag}` };
    // PAN-OS requires the type; a missing one is not guessed as "every ICMP type".
    if (type === undefined || type === '') throw new InputError(field, 'no <type>: an ICMP identification needs one');
    const t = toInt(type, 0, 255, field, 'ICMP type');
    const c = code === undefined || code === '' ? undefined : toInt(code, 0, 255, field, 'ICMP code');
    out.push({ kind, icmp: c === undefined ? { type: t } : { type: t, code: c } });
  }
  const ipProto = childText(def, 'ident-by-ip-protocol');
  if (ipProto !== undefined) {
    out.push({ kind: 'number', number: toInt(ipProto, 0, 255, { ...loc, field: 'default/ident-by-ip-protocol' }, 'IP protocol') });
  }
  if (out.length === 0) problems.push(`application ${name} has no default ports`);
  return out;
}
