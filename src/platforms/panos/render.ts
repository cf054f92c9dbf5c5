/**
 * Canonical policy → PAN-OS security rules for one zone pair, with the address objects, dynamic address groups,
 * service objects, custom applications and the `ruleport` tag they need. Pure.
 *
 * Exact or nothing:
 * - Rules with the same direction, action and addresses are merged (any order for an allow-set source, only
 *   neighbours for a first-match one); their traffic is then covered exactly:
 *   - `application-default` mode: App-IDs from the seed's port table (./app-ids.ts) wherever the rule allows
 *     every standard port of the App-ID, with `service application-default`;
 *   - `explicit` mode, and every port no App-ID covers exactly: `application any` with service objects
 *     `tcp_<ports>` / `udp_<ports>`;
 *   - ICMP has no service objects on PAN-OS: `icmp` (all ICMP), `ipv6-icmp`, `ping` (echo-request, when the rule's
 *     addresses pin the IP version or the rule also allows ICMPv6 echo-request), and otherwise custom applications
 *     identified by ICMP type and code (`rp-icmp-T[-C]`, `rp-icmp6-T[-C]`) or IP protocol (`rp-ipproto-N`) — never
 *     collapsed to `icmp`.
 *   A merged rule therefore becomes one rule for its App-IDs and one for its service objects, as needed.
 * - Addresses become objects `rp-<cidr>` / `rp-<first>-<last>`, group references dynamic address groups whose
 *   filter is the group's own tag; prefix lists are refused (resolve them first). A side that names no address (a
 *   resolved group no interface carries) matches nothing: its rule is left out, with a note.
 * - A local side `any` (a security group's or NACL's rules) is what the policy protects (`Policy.protects`): PAN-OS
 *   rules have a destination, and `any` there would reach every host behind the firewall. A protected group is the
 *   address group `groupName` maps it to, else ruleport's dynamic address group named after it
 *   (./dynamic-address-group.ts), empty until its members are registered — narrower, never wider. Protected CIDR
 *   blocks (a live NACL's subnets) are address objects like any other; a policy that protects none (an empty
 *   `protects`: a NACL with no subnet, a resolved group no interface carries) has those rules left out, each with
 *   a note. A policy whose protected endpoints are unknown (`protectsUnknown`) is refused when it has such rules.
 * - A default-allow direction ends in an allow-all rule; negation becomes negate-source/destination.
 * Whatever else cannot be written exactly raises UnsupportedError naming the rule.
 */
import { createHash } from 'node:crypto';
import {
  ANY,
  UnsupportedError,
  withProtectedLocal,
  type Action,
  type AddressItem,
  type AddressMatch,
  type Direction,
  type Policy,
  type Protocol,
  type Rule,
} from '../../model/index.js';
import { APP_DEFAULT_PORTS, RENDER_APP_ORDER } from './app-ids.js';
import { dynamicAddressGroup, dynamicGroupName } from './dynamic-address-group.js';
import { sidesForProtocol } from './icmp-family.js';
import { RULEPORT_TAG, RULEPORT_TAG_OBJECT, type PanosObject, type PanosRuleObject } from './objects.js';
import { PANOS, type ZonePair } from './parse.js';
import { ProtocolSet } from './protocol-set.js';
import { OBJECT_NAME_MAX, checkObjectName, isObjectName } from './xpath.js';

export type ServiceMode = 'application-default' | 'explicit';
export const SERVICE_MODES: readonly ServiceMode[] = ['application-default', 'explicit'];

export interface RenderOptions {
  readonly zones: ZonePair;
  readonly serviceMode: ServiceMode;
  /** Rules are named `<prefix>-1`, `<prefix>-2`… */
  readonly rulePrefix: string;
  /**
   * The address group a group reference is written as (`--map-group`); undefined (or no function) for the default:
   * a group the policy protects becomes ruleport's dynamic address group named after it, any other reference
   * a dynamic address group named as the reference itself, if that is a valid name.
   */
  readonly groupName?: (ref: string) => string | undefined;
  readonly profileGroup?: string;
}

export interface RenderedRulebase {
  /** In rulebase order. */
  readonly rules: readonly PanosRuleObject[];
  /** Every object the rules use, the `ruleport` tag first; each once. */
  readonly objects: readonly PanosObject[];
  readonly notes: readonly string[];
}

/** The ICMP App-IDs, the only ones `explicit` mode uses (ICMP has no service objects). */
const ICMP_APPS = new Set(['icmp', 'ipv6-icmp', 'ping']);
const DESCRIPTION_MAX = 1023;

interface Merged {
  readonly direction: Direction;
  readonly action: Action;
  readonly peer: AddressMatch;
  readonly local: AddressMatch;
  readonly rules: Rule[];
  readonly indexes: number[];
}

/**
 * Renders a policy as PAN-OS rules and objects for a zone pair.
 * @throws UnsupportedError naming the first rule PAN-OS cannot express exactly; InputError for a bad prefix.
 */
export function renderRulebase(source: Policy, options: RenderOptions): RenderedRulebase {
  checkObjectName(`${options.rulePrefix}-1`, 'rule prefix');
  refuseUnwritableLocalSide(source);
  const policy = withProtectedLocal(source);
  const objects = new Map<string, PanosObject>([[`tag:${RULEPORT_TAG}`, RULEPORT_TAG_OBJECT]]);
  const addObject = (o: PanosObject): string => {
    objects.set(`${o.kind}:${o.name}`, o);
    return o.name;
  };
  const notes: string[] = [];
  const protectedRefs = new Set(groupRefs(policy.protects));
  const unregistered = new Set<string>();
  const groupName = (ref: string): string => {
    const mapped = options.groupName?.(ref);
    if (mapped !== undefined) return mapped;
    if (!protectedRefs.has(ref)) return ref;
    unregistered.add(dynamicGroupName(ref));
    return dynamicGroupName(ref);
  };
  const rules: PanosRuleObject[] = [];
  const usedApps = new Set<string>();
  for (const group of mergeRules(policy)) {
    const subject = `${policy.name} ${group.direction} rule${group.indexes.length > 1 ? 's' : ''} #${group.indexes.map((i) => i + 1).join(',#')}`;
    const nowhere = matchesNoAddress(group.peer) ? 'peer' : matchesNoAddress(group.local) ? 'protected side' : undefined;
    if (nowhere !== undefined) {
      // Exact: the rule matches nothing. PAN-OS has no empty member list, and `any` would be the opposite.
      notes.push(`${subject}: left out, as its ${nowhere} is no address at all (a resolved group no network interface carries): it matches nothing`);
      continue;
    }
    const peer = addressMembers(group.peer, subject, groupName, addObject);
    const local = addressMembers(group.local, subject, groupName, addObject);
    const [source, destination] = group.direction === 'ingress' ? [peer, local] : [local, peer];
    const [from, to] = group.direction === 'ingress' ? [options.zones.from, options.zones.to] : [options.zones.to, options.zones.from];
    const traffic = coverTraffic(group, subject, options.serviceMode, addObject);
    traffic.apps.forEach((a) => usedApps.add(a));
    const description = describe(group, policy);
    const base = {
      from: [from],
      to: [to],
      source: source.members,
      destination: destination.members,
      negateSource: source.negate,
      negateDestination: destination.negate,
      action: group.action,
      description,
      tag: [RULEPORT_TAG],
      ...(options.profileGroup ? { profileGroup: options.profileGroup } : {}),
    };
    const add = (application: string[], service: string[]): void => {
      const name = checkObjectName(`${options.rulePrefix}-${rules.length + 1}`, 'rule name');
      rules.push({ name, ...base, application, service });
    };
    if (traffic.any) add(['any'], ['any']);
    if (traffic.apps.length > 0) add(traffic.apps, ['application-default']);
    if (traffic.services.length > 0) add(['any'], traffic.services);
  }
  const predefinedApps = [...usedApps].filter((a) => APP_DEFAULT_PORTS.has(a));
  if (predefinedApps.length > 0) {
    notes.push(
      `App-ID rules (${predefinedApps.join(', ')}) allow only that application on its standard ports; ruleport compares them as those ports (--service-mode explicit writes port-only rules)`,
    );
  }
  for (const d of ['ingress', 'egress'] as const) {
    if (!policy.directions.includes(d)) notes.push(`${policy.name} does not govern ${d} traffic: no ${d} rules written`);
  }
  for (const name of unregistered) {
    notes.push(
      `${policy.name}: its rules' protected side is the dynamic address group ${name} (filter '${name}'), whose members come from User-ID registrations of tag ${name} (ruleport sync panos keeps them): until they are registered, these rules match nothing`,
    );
  }
  return { rules, objects: [...objects.values()], notes };
}

/**
 * A policy protecting endpoints nobody named cannot give its rules a local side; `any` would widen them to every
 * host behind the firewall. (A policy protecting nothing — an empty `protects` — is writable: its rules match
 * nothing and are left out, each with a note.)
 * @throws UnsupportedError naming the policy.
 */
function refuseUnwritableLocalSide(policy: Policy): void {
  if (policy.protectsUnknown === undefined) return;
  const implicit =
    policy.rules.some((r) => r.local.kind === 'any') || policy.directions.some((d) => policy.defaults[d] === 'allow');
  if (!implicit) return;
  throw new UnsupportedError(
    PANOS,
    policy.name,
    `${policy.protectsUnknown}; a PAN-OS rule needs them as its destination (source for egress), and any would reach every host behind the firewall: write rules for their addresses instead, or convert the security groups of the hosts they hold`,
  );
}

/** True for a side that names no address: an empty list, not negated. */
function matchesNoAddress(m: AddressMatch): boolean {
  return m.kind === 'list' && !m.negate && m.items.length === 0;
}

/** The references of the group items of a side. */
function groupRefs(m: AddressMatch | undefined): string[] {
  return m?.kind === 'list' ? m.items.flatMap((i) => (i.kind === 'group' ? [i.ref] : [])) : [];
}

/** Groups rules that can share one PAN-OS rule, in the order their rules must be evaluated. */
function mergeRules(policy: Policy): Merged[] {
  const out: Merged[] = [];
  const key = (r: { direction: Direction; action: Action; peer: AddressMatch; local: AddressMatch }): string =>
    JSON.stringify([r.direction, r.action, r.peer, r.local]);
  const rules = [...policy.rules];
  for (const d of ['ingress', 'egress'] as const) {
    if (!policy.directions.includes(d)) continue;
    const byKey = new Map<string, Merged>();
    let last: Merged | undefined;
    rules.forEach((rule, index) => {
      if (rule.direction !== d) return;
      const k = key(rule);
      // An allow-set is order-free: any two rules with the same addresses merge. First-match: only neighbours.
      const target = policy.evaluation === 'allow-set' ? byKey.get(k) : last && key(last) === k ? last : undefined;
      if (target) {
        target.rules.push(rule);
        target.indexes.push(index);
        return;
      }
      const m: Merged = { direction: d, action: rule.action, peer: rule.peer, local: rule.local, rules: [rule], indexes: [index] };
      out.push(m);
      byKey.set(k, m);
      last = m;
    });
    if (policy.defaults[d] === 'allow') {
      // The default covers only what the policy protects, like its rules.
      const all: Rule = { direction: d, action: 'allow', protocol: { kind: 'any' }, peer: ANY, local: policy.protects ?? ANY, origin: { platform: PANOS, where: `default ${d} allow` } };
      out.push({ direction: d, action: 'allow', peer: all.peer, local: all.local, rules: [all], indexes: [policy.rules.length] });
    }
  }
  return out;
}

function describe(group: Merged, policy: Policy): string {
  const texts = [...new Set(group.rules.map((r) => r.description).filter((t): t is string => !!t))];
  const text = texts.length > 0 ? texts.join('; ') : `from ${policy.name}`;
  return text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text;
}

function addressMembers(
  m: AddressMatch,
  subject: string,
  groupName: (ref: string) => string,
  addObject: (o: PanosObject) => string,
): { members: string[]; negate: boolean } {
  if (m.kind === 'any') return { members: ['any'], negate: false };
  if (m.items.length === 0) throw new UnsupportedError(PANOS, subject, 'an empty address list matches nothing and PAN-OS cannot write it');
  return { members: [...new Set(m.items.map((i) => addressObject(i, subject, groupName, addObject)))], negate: !!m.negate };
}

function addressObject(item: AddressItem, subject: string, groupName: (ref: string) => string, addObject: (o: PanosObject) => string): string {
  switch (item.kind) {
    case 'cidr':
      return addObject({ kind: 'address', name: objectName(`rp-${item.cidr.replace('/', '_')}`), type: 'ip-netmask', value: item.cidr, tag: [RULEPORT_TAG] });
    case 'range':
      return addObject({ kind: 'address', name: objectName(`rp-${item.first}-${item.last}`), type: 'ip-range', value: `${item.first}-${item.last}`, tag: [RULEPORT_TAG] });
    case 'group': {
      const name = groupName(item.ref);
      if (!isObjectName(name)) {
        throw new UnsupportedError(
          PANOS,
          subject,
          `group reference ${JSON.stringify(item.ref)} is no valid PAN-OS name for a dynamic address group; map it to one (--map-group ${dynamicGroupName(item.ref)}=NAME), or read the groups live and resolve it to its members' addresses (--resolve-refs)`,
        );
      }
      return addObject(dynamicAddressGroup(name, [RULEPORT_TAG]));
    }
    case 'prefix-list':
      throw new UnsupportedError(PANOS, subject, `prefix list ${item.id} is not known to PAN-OS; read the groups live and resolve it to its CIDRs (--resolve-refs)`);
    default: {
      const never: never = item;
      throw new UnsupportedError(PANOS, subject, `unknown address item ${JSON.stringify(never)}`);
    }
  }
}

/** A readable object name from address text; a digest when the text is too long for PAN-OS. */
function objectName(text: string): string {
  const name = text.replace(/:/g, '-');
  if (name.length <= OBJECT_NAME_MAX) return name;
  return `rp-h-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** The App-IDs and service objects covering a merged rule's traffic exactly. */
function coverTraffic(
  group: Merged,
  subject: string,
  mode: ServiceMode,
  addObject: (o: PanosObject) => string,
): { any: boolean; apps: string[]; services: string[] } {
  const { peer, local } = group;
  for (const rule of group.rules) {
    const sides = sidesForProtocol(rule.protocol, peer, local);
    if (!sides || sides.peer !== peer || sides.local !== local) {
      throw new UnsupportedError(
        PANOS,
        subject,
        `${rule.protocol.kind === 'icmp' ? 'ICMP' : 'ICMPv6'} cannot travel between addresses of the other IP version; PAN-OS matches ICMP per IP version`,
      );
    }
  }
  const set = ProtocolSet.of(group.rules.map((r) => r.protocol));
  if (set.isAny()) return { any: true, apps: [], services: [] };
  const apps: string[] = [];
  for (const app of RENDER_APP_ORDER) {
    if (mode === 'explicit' && !ICMP_APPS.has(app)) continue;
    const needed = effectivePorts(APP_DEFAULT_PORTS.get(app)!, peer, local);
    if (needed && needed.length > 0 && needed.every((p) => set.contains(p))) {
      apps.push(app);
      needed.forEach((p) => set.remove(p));
    }
  }
  const services: string[] = [];
  for (const p of set.toProtocols()) {
    switch (p.kind) {
      case 'tcp':
      case 'udp':
        for (const r of p.ports) {
          const port = r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`;
          services.push(addObject({ kind: 'service', name: `${p.kind}_${port}`, protocol: p.kind, port, tag: [RULEPORT_TAG] }));
        }
        break;
      case 'icmp':
      case 'icmpv6': {
        const kind = p.kind === 'icmp' ? 'icmp' : 'icmp6';
        // An ICMP set other than "all" always names its types (see ProtocolSet.toProtocols).
        const type = p.icmp.type!;
        const code = p.icmp.code;
        const name = `rp-${kind}-${type}${code === undefined ? '' : `-${code}`}`;
        apps.push(addObject({ kind: 'application', name, ident: { kind, type, ...(code === undefined ? {} : { code }) }, tag: [RULEPORT_TAG] }));
        break;
      }
      case 'number':
        apps.push(addObject({ kind: 'application', name: `rp-ipproto-${p.number}`, ident: { kind: 'ip-protocol', number: p.number }, tag: [RULEPORT_TAG] }));
        break;
      case 'any':
        throw new Error('internal: any left after the any check');
      default: {
        const never: never = p;
        throw new Error(`unknown protocol ${JSON.stringify(never)}`);
      }
    }
  }
  return { any: false, apps, services };
}

/**
 * What an App-ID's standard ports amount to on these addresses (ICMP parts of the other IP version vanish,
 * as the parser reads them); undefined when a part would apply to only some of the addresses.
 */
function effectivePorts(ports: readonly Protocol[], peer: AddressMatch, local: AddressMatch): Protocol[] | undefined {
  const out: Protocol[] = [];
  for (const p of ports) {
    const sides = sidesForProtocol(p, peer, local);
    if (!sides) continue;
    if (sides.peer !== peer || sides.local !== local) return undefined;
    out.push(p);
  }
  return out;
}
