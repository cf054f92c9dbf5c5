/**
 * Halo firewall policy JSON (live or from a file) → canonical policies. Pure.
 *
 * A Halo policy is first-match per chain: INPUT rules decide ingress (the peer is the rule's source), OUTPUT rules
 * egress (the peer is its target); ACCEPT allows, DROP and REJECT deny. Zones are comma-separated addresses,
 * CIDRs and `a-b` ranges; services a protocol with a port, a port range or an ICMP type. Server-group sources
 * stay symbolic group references (the group's name).
 *
 * What the canonical model cannot hold is never widened. Each such rule is reported as inexpressible with what
 * was done instead, always allowing less: inactive rules are left out (Halo does not enforce them); ACCEPT rules
 * from GhostPorts users or user groups, or bound to one interface, are left out; DROP/REJECT rules from users
 * become drops from anywhere, interface-bound ones apply on every interface, and those matching only
 * ESTABLISHED/RELATED packets drop the whole connection. Callers decide whether that is
 * acceptable (an error unless the user accepts a lossy result).
 *
 * Defaults: a Linux policy leaves traffic no rule matches to the host, which ruleport takes as allowed — a policy
 * that should deny the rest ends each chain with a DROP (ruleport's render does). A Windows policy's
 * `block_inbound`/`block_outbound` flags give the defaults (Halo's defaults: inbound blocked, outbound open).
 */
import {
  ANY,
  BOTH_DIRECTIONS,
  InputError,
  cidrItem,
  portRange,
  protocolFromNumber,
  rangeItem,
  toInt,
  validatePolicy,
  type Action,
  type AddressItem,
  type AddressMatch,
  type Direction,
  type InputLocation,
  type Policy,
  type Protocol,
  type Rule,
} from '../../model/index.js';
import {
  groupSchema,
  policySchema,
  serviceSchema,
  zoneSchema,
  type HaloObjectRefDoc,
  type HaloObjects,
  type HaloPeerDoc,
  type HaloPolicyDoc,
  type HaloRuleDoc,
  type HaloServiceDoc,
} from './schema.js';

export const HALO = 'halo';

/** A rule the canonical policy does not hold exactly, and what the parser did instead (always allowing less). */
export interface Inexpressible {
  /** `web-linux INPUT #3 (rule ce3d…)`. */
  readonly rule: string;
  readonly reason: string;
  readonly treatment: string;
}

export interface ParsedHaloPolicy {
  readonly policy: Policy;
  /** Rules not carried exactly (never widened). */
  readonly inexpressible: readonly Inexpressible[];
  /** Facts worth telling: rules that only match established connections, default-allow chains. */
  readonly notes: readonly string[];
}

const CHAINS = { INPUT: 'ingress', OUTPUT: 'egress' } as const satisfies Record<string, Direction>;
const ACTIONS: Readonly<Record<string, Action>> = { ACCEPT: 'allow', DROP: 'deny', REJECT: 'deny' };

/**
 * A parsed policy as commands that show or compare policies see it: the rules not carried exactly are listed in
 * `meta.inexpressible`, so a reader is told what the canonical view leaves out.
 */
export function annotatedPolicy({ policy, inexpressible }: ParsedHaloPolicy): Policy {
  if (inexpressible.length === 0) return policy;
  const text = inexpressible.map((i) => `${i.rule}: ${i.reason}, ${i.treatment}`).join('; ');
  return { ...policy, meta: { ...policy.meta, inexpressible: text } };
}

/** True for `{"firewall_policy":{…}}` or `{"firewall_policies":[…]}`. */
export function looksLikeHaloPolicies(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  return (typeof d.firewall_policy === 'object' && d.firewall_policy !== null) || Array.isArray(d.firewall_policies);
}

/**
 * Parses a Halo policy document: `{"firewall_policy":…}` or `{"firewall_policies":[…]}`, with the zones, services
 * and server groups the rules refer to inlined in the rules or given alongside (`firewall_zones`,
 * `firewall_services`, `groups`).
 * @throws InputError naming file, policy, rule and field.
 */
export function parseHaloDocument(doc: unknown, file: string): ParsedHaloPolicy[] {
  if (!looksLikeHaloPolicies(doc)) throw new InputError({ file }, 'expected {"firewall_policy":…} or {"firewall_policies":[…]}');
  const d = doc as Record<string, unknown>;
  const raw = Array.isArray(d.firewall_policies) ? d.firewall_policies : [d.firewall_policy];
  const objects: HaloObjects = {
    zones: listOf(d, 'firewall_zones', zoneSchema, file),
    services: listOf(d, 'firewall_services', serviceSchema, file),
    groups: listOf(d, 'groups', groupSchema, file),
  };
  return raw.map((item, i) => {
    const object = Array.isArray(d.firewall_policies) ? `firewall_policies[${i}]` : 'firewall_policy';
    const parsed = policySchema.safeParse(item);
    if (!parsed.success) throw new InputError({ file, object }, issueText(parsed.error));
    return parseHaloPolicy(parsed.data, objects, file);
  });
}

function listOf<T>(d: Record<string, unknown>, key: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodLikeError } }, file: string): T[] {
  const value = d[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError({ file, object: key }, 'expected a list');
  return value.map((item, i) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) throw new InputError({ file, object: `${key}[${i}]` }, issueText(parsed.error));
    return parsed.data;
  });
}

interface ZodLikeError {
  readonly issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>;
}

function issueText(error: ZodLikeError): string {
  const first = error.issues[0];
  if (!first) return 'malformed';
  const path = first.path.map(String).join('.');
  return path ? `${path}: ${first.message}` : first.message;
}

/**
 * One Halo policy → a canonical first-match policy, with what it could not carry exactly.
 * @param objects zones, services and groups the rules refer to by id or name (rules may also inline them).
 * @param file the file name for messages; undefined for live reads.
 */
export function parseHaloPolicy(doc: HaloPolicyDoc, objects: HaloObjects, file?: string): ParsedHaloPolicy {
  const inexpressible: Inexpressible[] = [];
  const notes: string[] = [];
  const rules: Rule[] = [];
  const base: InputLocation = { ...(file ? { file } : {}), object: `policy ${doc.name}` };
  const ordered = orderRules(doc.firewall_rules ?? [], base);
  for (const { rule, chain, position } of ordered) {
    const label = `${doc.name} ${chain} #${position}${rule.id ? ` (rule ${rule.id})` : ''}`;
    const loc: InputLocation = { ...base, object: `${base.object} ${chain} rule #${position}${rule.id ? ` (${rule.id})` : ''}` };
    const out = parseRule(rule, chain, objects, loc, label, inexpressible, notes);
    if (out) rules.push({ ...out, origin: { platform: HALO, id: rule.id ?? `${chain}#${position}`, where: `${chain} #${position}` } });
  }
  const os = (doc.platform ?? 'linux').toLowerCase();
  if (os !== 'linux' && os !== 'windows') throw new InputError({ ...base, field: 'platform' }, `expected linux or windows, got ${JSON.stringify(doc.platform)}`);
  const defaults: Record<Direction, Action> =
    os === 'windows'
      ? { ingress: doc.block_inbound === false ? 'allow' : 'deny', egress: doc.block_outbound === true ? 'deny' : 'allow' }
      : { ingress: 'allow', egress: 'allow' };
  for (const direction of BOTH_DIRECTIONS) {
    const last = [...rules].reverse().find((r) => r.direction === direction);
    const closed = last?.action === 'deny' && last.peer.kind === 'any' && last.protocol.kind === 'any';
    if (defaults[direction] === 'allow' && !closed) {
      const chain = direction === 'ingress' ? 'INPUT' : 'OUTPUT';
      notes.push(`${doc.name}: ${chain} traffic no rule matches is allowed (${os === 'windows' ? `block_${direction === 'ingress' ? 'inbound' : 'outbound'} is off` : 'a Linux policy leaves it to the host; end the chain with a DROP to deny it'})`);
    }
  }
  const meta: Record<string, string> = { name: doc.name, os };
  if (doc.id !== undefined) meta.id = doc.id;
  if (doc.description) meta.description = doc.description;
  const policy = validatePolicy({
    name: doc.name,
    platform: HALO,
    evaluation: 'first-match',
    stateful: true,
    defaults,
    directions: BOTH_DIRECTIONS,
    rules,
    // The groups point to their policy, not the other way round: a policy document cannot say whom it protects.
    protectsUnknown: 'it protects the servers of the server groups that use it, and a policy document does not name them',
    meta,
  });
  return { policy, inexpressible, notes };
}

type Chain = keyof typeof CHAINS;

/** Rules per chain in position order (payload order breaks ties), INPUT first. */
function orderRules(rules: readonly HaloRuleDoc[], base: InputLocation): { rule: HaloRuleDoc; chain: Chain; position: number }[] {
  const out: { rule: HaloRuleDoc; chain: Chain; position: number }[] = [];
  for (const chain of Object.keys(CHAINS) as Chain[]) {
    const inChain = rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule, index }) => chainOf(rule, { ...base, field: `firewall_rules[${index}].chain` }) === chain)
      .sort((a, b) => (a.rule.position ?? Infinity) - (b.rule.position ?? Infinity) || a.index - b.index);
    inChain.forEach(({ rule }, i) => out.push({ rule, chain, position: i + 1 }));
  }
  return out;
}

function chainOf(rule: HaloRuleDoc, loc: InputLocation): Chain {
  const chain = rule.chain.trim().toUpperCase();
  if (chain !== 'INPUT' && chain !== 'OUTPUT') throw new InputError(loc, `expected INPUT or OUTPUT, got ${JSON.stringify(rule.chain)}`);
  return chain;
}

function parseRule(
  rule: HaloRuleDoc,
  chain: Chain,
  objects: HaloObjects,
  loc: InputLocation,
  label: string,
  inexpressible: Inexpressible[],
  notes: string[],
): Omit<Rule, 'origin'> | undefined {
  const direction = CHAINS[chain];
  const actionText = rule.action.trim().toUpperCase();
  const action = ACTIONS[actionText];
  if (!action) throw new InputError({ ...loc, field: 'action' }, `expected ACCEPT, DROP or REJECT, got ${JSON.stringify(rule.action)}`);
  const lose = (reason: string, treatment: string): void => {
    inexpressible.push({ rule: label, reason, treatment });
  };
  // Checked even for rules left out, so a malformed file fails wherever the problem is.
  const protocol = serviceProtocol(rule.firewall_service ?? null, objects, { ...loc, field: 'firewall_service' });
  const peerKey = chain === 'INPUT' ? 'firewall_source' : 'firewall_target';
  const wrongKey = chain === 'INPUT' ? 'firewall_target' : 'firewall_source';
  if (rule[wrongKey] && !rule[peerKey]) {
    throw new InputError({ ...loc, field: wrongKey }, `${chain} rules take ${peerKey}, not ${wrongKey}`);
  }
  const peer = peerMatch(rule[peerKey] ?? null, objects, { ...loc, field: peerKey });

  if (rule.active === false) {
    lose('inactive', 'left out: Halo does not enforce inactive rules');
    return undefined;
  }
  const states = connectionStates(rule.connection_states, { ...loc, field: 'connection_states' });
  if (states && !states.includes('NEW')) {
    const text = states.join(', ');
    if (action === 'allow') {
      notes.push(`${label}: matches only ${text} packets of connections another rule allowed; a stateful policy allows those by itself, so the rule adds nothing`);
      return undefined;
    }
    // Leaving it out would allow more than Halo: a later ACCEPT lets the first packet in, this rule drops the
    // rest, so the connection never works. Dropping the whole connection is what a stateful policy can say.
    lose(`${actionText} of ${text} packets only`, `treated as ${actionText} of the whole connection (allows less)`);
  }
  let peerSide: AddressMatch;
  if (peer.kind === 'user') {
    if (action === 'allow') {
      lose(`${peer.text} is a GhostPorts user source`, 'left out (allows less)');
      return undefined;
    }
    lose(`${peer.text} is a GhostPorts user source`, `treated as ${actionText} from anywhere for the same service (allows less)`);
    peerSide = ANY;
  } else {
    peerSide = peer.match;
  }
  if (rule.firewall_interface !== null && rule.firewall_interface !== undefined) {
    const name = typeof rule.firewall_interface === 'string' ? rule.firewall_interface : (rule.firewall_interface.name ?? rule.firewall_interface.id ?? '?');
    if (action === 'allow') {
      lose(`bound to interface ${name}`, 'left out (allows less)');
      return undefined;
    }
    lose(`bound to interface ${name}`, `${actionText} applied on every interface (allows less)`);
  }
  return {
    direction,
    action,
    protocol,
    peer: peerSide,
    local: ANY,
    ...(rule.comment ? { description: rule.comment } : {}),
  };
}

/** `NEW, ESTABLISHED` → ['NEW', 'ESTABLISHED']; undefined for any state (null or empty). */
function connectionStates(value: string | null | undefined, loc: InputLocation): string[] | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const states = value.split(',').map((s) => s.trim().toUpperCase());
  for (const s of states) {
    if (s !== 'NEW' && s !== 'RELATED' && s !== 'ESTABLISHED') throw new InputError(loc, `unknown connection state ${JSON.stringify(s)}`);
  }
  return states;
}

type PeerResult = { readonly kind: 'match'; readonly match: AddressMatch } | { readonly kind: 'user'; readonly text: string };

function peerMatch(peer: HaloPeerDoc | null, objects: HaloObjects, loc: InputLocation): PeerResult {
  if (peer === null) return { kind: 'match', match: ANY };
  switch (peer.type) {
    case 'FirewallZone': {
      let ip = peer.ip_address;
      if (ip === undefined) {
        const zone = findObject(objects.zones, peer.id, peer.name);
        if (!zone) throw new InputError(loc, `zone ${JSON.stringify(peer.id ?? peer.name ?? '')} is not defined (give it in firewall_zones or inline its ip_address)`);
        ip = zone.ip_address;
      }
      return { kind: 'match', match: { kind: 'list', items: zoneAddresses(ip, loc) } };
    }
    case 'Group': {
      const group = peer.name === undefined ? objects.groups.find((g) => g.id === peer.id) : undefined;
      const name = peer.name ?? group?.name;
      const ref = name ?? peer.id;
      if (ref === undefined) throw new InputError(loc, 'a Group source needs an id or a name');
      return { kind: 'match', match: { kind: 'list', items: [{ kind: 'group', ref, ...(name ? { name } : {}) }] } };
    }
    case 'User':
    case 'UserGroup':
      return { kind: 'user', text: `${peer.type} ${JSON.stringify(peer.name ?? peer.id ?? '')}` };
    default:
      throw new InputError(loc, `unknown source type ${JSON.stringify(peer.type)} (expected FirewallZone, Group, User or UserGroup)`);
  }
}

function findObject<T extends { id?: string; name: string }>(items: readonly T[], id: string | undefined, name: string | undefined): T | undefined {
  if (id !== undefined) {
    const byId = items.find((i) => i.id === id);
    if (byId) return byId;
  }
  if (name !== undefined) return items.find((i) => i.name.toLowerCase() === name.toLowerCase());
  return undefined;
}

/**
 * A zone's `ip_address` → address items: comma-separated addresses (a /32 or /128), CIDRs, and `a-b` ranges.
 * @throws InputError naming the entry.
 */
export function zoneAddresses(ipAddress: string, loc: InputLocation): AddressItem[] {
  const entries = ipAddress.split(',').map((e) => e.trim());
  if (entries.some((e) => e === '')) throw new InputError(loc, `empty entry in zone addresses ${JSON.stringify(ipAddress)}`);
  return entries.map((entry) => {
    const dash = entry.indexOf('-');
    if (dash > 0 && !entry.includes('/')) return rangeItem(entry.slice(0, dash), entry.slice(dash + 1), loc);
    return cidrItem(entry, loc);
  });
}

function serviceProtocol(ref: HaloObjectRefDoc | null, objects: HaloObjects, loc: InputLocation): Protocol {
  if (ref === null) return { kind: 'any' };
  let service: Pick<HaloServiceDoc, 'protocol' | 'port'> | undefined;
  if (typeof ref === 'string') {
    service = findObject(objects.services, ref, undefined);
    if (!service) throw new InputError(loc, `service ${JSON.stringify(ref)} is not defined (give it in firewall_services or inline it)`);
  } else if (ref.protocol !== undefined) {
    service = { protocol: ref.protocol, port: ref.port ?? null };
  } else {
    service = findObject(objects.services, ref.id, ref.name);
    if (!service) throw new InputError(loc, `service ${JSON.stringify(ref.id ?? ref.name ?? '')} is not defined (give it in firewall_services or inline it)`);
  }
  return serviceMatch(service.protocol, service.port ?? null, loc);
}

/**
 * A service's protocol and port → a canonical protocol match. TCP/UDP take a port, `a:b` or `a-b` (null: all);
 * ICMP takes a type (null: all types); other protocols are given by number and match all of their traffic.
 * @throws InputError for anything else.
 */
export function serviceMatch(protocol: string | number, port: string | number | null, loc: InputLocation): Protocol {
  const p = String(protocol).trim().toUpperCase();
  const number = p === 'TCP' ? 6 : p === 'UDP' ? 17 : p === 'ICMP' ? 1 : /^\d{1,3}$/.test(p) ? toInt(p, 0, 255, loc, 'protocol number') : undefined;
  if (number === undefined) throw new InputError(loc, `unknown protocol ${JSON.stringify(protocol)} (expected TCP, UDP, ICMP or a number)`);
  const portText = port === null ? '' : String(port).trim();
  const named = protocolFromNumber(number);
  if (portText === '') return named;
  switch (named.kind) {
    case 'tcp':
    case 'udp': {
      const m = /^(\d{1,5})(?:\s*[:-]\s*(\d{1,5}))?$/.exec(portText);
      if (!m) throw new InputError(loc, `port ${JSON.stringify(port)} is not a port or a range a:b / a-b`);
      return { kind: named.kind, ports: [portRange(m[1], m[2] ?? m[1], loc)] };
    }
    case 'icmp':
      return { kind: 'icmp', icmp: { type: toInt(portText, 0, 255, loc, 'ICMP type') } };
    case 'icmpv6':
    case 'number':
    case 'any':
      throw new InputError(loc, `protocol ${p} takes no port (got ${JSON.stringify(port)})`);
    default: {
      const never: never = named;
      throw new InputError(loc, `unknown protocol ${JSON.stringify(never)}`);
    }
  }
}
