import { envelope } from './api-response.js';
import { invalidCommand } from './errors.js';
import { parseIp, type IpAddress } from './ip-address.js';
import { findVsysScope, resolveName, type Scope } from './object-lookup.js';
import type { PanosDevice } from './panos-device.js';
import { matchPolicy, ruleMembers, type PolicyQuery, type RuleMatch } from './policy-match.js';
import { childNamed, childText, el, memberList, textEl, type XmlElement } from './xml-tree.js';

const WHERE = 'test -> security-policy-match';

function ip(node: XmlElement, field: string): IpAddress {
  const text = childText(node, field);
  if (text === undefined || text === '') throw invalidCommand(`${WHERE} is missing '${field}'`);
  const parsed = parseIp(text);
  if (parsed === undefined) throw invalidCommand(`${WHERE} -> ${field} '${text}' is not a valid IP address`);
  return parsed;
}

function integer(node: XmlElement, field: string, min: number, max: number): number | undefined {
  const text = childText(node, field);
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw invalidCommand(`${WHERE} -> ${field} '${text}' is not in range ${min}-${max}`);
  }
  return Number(text);
}

function text(node: XmlElement, field: string): string | undefined {
  const value = childText(node, field);
  return value === undefined || value === '' ? undefined : value;
}

/** Reads the lookup fields; ICMP type/code travel in `icmp-type` / `icmp-code` (simulator's choice). */
export function parsePolicyQuery(node: XmlElement): { query: PolicyQuery; showAll: boolean } {
  const protocol = integer(node, 'protocol', 0, 255);
  if (protocol === undefined) throw invalidCommand(`${WHERE} is missing 'protocol'`);
  const optional = <T>(value: T | undefined, key: string): Record<string, T> => (value === undefined ? {} : { [key]: value });
  const query: PolicyQuery = {
    source: ip(node, 'source'),
    destination: ip(node, 'destination'),
    protocol,
    ...optional(text(node, 'from'), 'from'),
    ...optional(text(node, 'to'), 'to'),
    ...optional(integer(node, 'destination-port', 0, 65535), 'destinationPort'),
    ...optional(integer(node, 'source-port', 0, 65535), 'sourcePort'),
    ...optional(integer(node, 'icmp-type', 0, 255), 'icmpType'),
    ...optional(integer(node, 'icmp-code', 0, 255), 'icmpCode'),
    ...optional(text(node, 'application'), 'application'),
    ...optional(text(node, 'source-user'), 'sourceUser'),
    ...optional(text(node, 'category'), 'category'),
  };
  return { query, showAll: childText(node, 'show-all') === 'yes' };
}

/**
 * `<application_service>` lines, one per application × service: `i:application/service/protocol/port`.
 * Protocol and port are filled in for a named service object and `any` otherwise. The format is the
 * simulator's reading of the reference's `0:any/any/any/any` (unverified); clients should rely on
 * name, index and action.
 */
function applicationService(scope: Scope, rule: XmlElement): XmlElement[] {
  const lines: XmlElement[] = [];
  let index = 0;
  for (const application of ruleMembers(rule, 'application')) {
    for (const service of ruleMembers(rule, 'service', 'application-default')) {
      const resolved = resolveName(scope, 'service', service);
      const protocol = resolved?.container === 'service' ? childNamed(resolved.node, 'protocol')?.children[0] : undefined;
      const portSpec = protocol === undefined ? 'any/any' : `${protocol.name}/${childText(protocol, 'port') ?? 'any'}`;
      lines.push(textEl('application_service', `${index++}:${application}/${service}/${portSpec}`));
    }
  }
  return lines;
}

function ruleEntry(scope: Scope, match: RuleMatch): XmlElement {
  const { rule } = match;
  const joined = (field: string): string => ruleMembers(rule, field).join(';');
  return el(
    'entry',
    { name: rule.attrs['name'] ?? '' },
    textEl('index', String(match.index)),
    textEl('from', joined('from')),
    textEl('source', joined('source')),
    memberList('to', ruleMembers(rule, 'to')),
    textEl('destination', joined('destination')),
    textEl('category', joined('category')),
    ...applicationService(scope, rule),
    textEl('action', childText(rule, 'action') ?? 'allow'),
    textEl('terminal', 'yes'),
  );
}

/** `<test><security-policy-match>…` evaluated on the running rulebase of vsys1. */
export function securityPolicyMatch(device: PanosDevice, node: XmlElement): XmlElement {
  const { query, showAll } = parsePolicyQuery(node);
  const scope = findVsysScope(device.store.runningTree, device.store.predefined);
  const entries = scope === undefined ? [] : matchPolicy(scope, query, device.registry, showAll).map((match) => ruleEntry(scope, match));
  return envelope('success', undefined, el('result', {}, el('rules', {}, ...entries)));
}
