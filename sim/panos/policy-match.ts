import { addressMemberContains } from './address-match.js';
import { APPLICATION_DEFAULTS, canonicalApplication, isApplicationDefault } from './app-defaults.js';
import type { IpAddress } from './ip-address.js';
import { resolveName, securityRules, type Scope } from './object-lookup.js';
import type { RegisteredIps } from './registered-ips.js';
import { serviceMemberMatches, type ServiceFlow } from './service-match.js';
import { childNamed, childText, memberTexts, type XmlElement } from './xml-tree.js';

/** The fields of `test security-policy-match`. Absent optional fields are "not part of the question". */
export interface PolicyQuery extends ServiceFlow {
  readonly from?: string;
  readonly to?: string;
  readonly source: IpAddress;
  readonly destination: IpAddress;
  readonly application?: string;
  readonly sourceUser?: string;
  readonly category?: string;
  readonly icmpCode?: number;
}

export interface RuleMatch {
  /** 1-based position in the rulebase, disabled rules included. */
  readonly index: number;
  readonly rule: XmlElement;
}

type RuleType = 'universal' | 'intrazone' | 'interzone';

function ruleType(rule: XmlElement): RuleType {
  const value = childText(rule, 'rule-type');
  return value === 'intrazone' || value === 'interzone' ? value : 'universal';
}

/** Member list with the schema default (`any`) when empty or absent. */
export function ruleMembers(rule: XmlElement, field: string, fallback = 'any'): string[] {
  const members = memberTexts(childNamed(rule, field));
  return members.length === 0 ? [fallback] : members;
}

function zoneIn(members: readonly string[], zone: string | undefined): boolean {
  return zone === undefined || members.includes('any') || members.includes(zone);
}

function zonesMatch(rule: XmlElement, query: PolicyQuery): boolean {
  const fromOk = zoneIn(ruleMembers(rule, 'from'), query.from);
  const bothKnown = query.from !== undefined && query.to !== undefined;
  const type = ruleType(rule);
  switch (type) {
    case 'universal':
      return fromOk && zoneIn(ruleMembers(rule, 'to'), query.to);
    case 'intrazone':
      // An intrazone rule has no destination zone of its own: it is the source zone.
      return fromOk && (!bothKnown || query.from === query.to);
    case 'interzone':
      return fromOk && zoneIn(ruleMembers(rule, 'to'), query.to) && (!bothKnown || query.from !== query.to);
    default: {
      const exhaustive: never = type;
      throw new Error(`unhandled rule-type ${String(exhaustive)}`);
    }
  }
}

function addressesMatch(scope: Scope, rule: XmlElement, field: 'source' | 'destination', ip: IpAddress, registry: RegisteredIps): boolean {
  const covered = ruleMembers(rule, field).some((member) => addressMemberContains(scope, member, ip, registry));
  const negated = childText(rule, `negate-${field}`) === 'yes';
  return covered !== negated;
}

/**
 * source-user: `any` always; `known-user` needs a user in the query; `unknown` matches a query
 * without a user; a user name matches itself; `pre-logon` never (a lookup has no pre-logon state).
 */
function userMatches(rule: XmlElement, user: string | undefined): boolean {
  return ruleMembers(rule, 'source-user').some((member) => {
    if (member === 'any') return true;
    if (member === 'known-user') return user !== undefined;
    if (member === 'unknown') return user === undefined;
    return member === user;
  });
}

/** URL category: `any`, or the category the query names. */
function categoryMatches(rule: XmlElement, category: string | undefined): boolean {
  const members = ruleMembers(rule, 'category');
  return members.includes('any') || (category !== undefined && members.includes(category));
}

/** The rule's applications with groups expanded and aliases folded; undefined = `any`. */
function ruleApplications(scope: Scope, rule: XmlElement): Set<string> | undefined {
  const members = ruleMembers(rule, 'application');
  if (members.includes('any')) return undefined;
  const out = new Set<string>();
  const expand = (from: Scope, name: string, visiting: ReadonlySet<XmlElement>): void => {
    const group = resolveName(from, 'application', name);
    if (group === undefined) {
      out.add(canonicalApplication(name));
      return;
    }
    if (visiting.has(group.node)) return;
    const inner = new Set(visiting).add(group.node);
    for (const member of memberTexts(childNamed(group.node, 'members'))) expand(group.scope, member, inner);
  };
  for (const member of members) expand(scope, member, new Set());
  return out;
}

/**
 * Application and service together, because `application-default` ties the port to the application:
 * - the query names an application: the rule must allow it (or `any`); `application-default` then
 *   means that application's standard ports;
 * - the query names none: a rule with `any` application matches on its services (with
 *   `application-default` = the standard ports of any application in the table); a rule naming
 *   applications matches only through `application-default`, on the standard ports of one of them.
 *   With explicit services such a rule cannot be decided without the application, so it does not match.
 */
function applicationAndServiceMatch(scope: Scope, rule: XmlElement, query: PolicyQuery): boolean {
  const applications = ruleApplications(scope, rule);
  const services = ruleMembers(rule, 'service', 'application-default');
  const namedServiceMatches = (): boolean =>
    services.some((service) => service !== 'any' && service !== 'application-default' && serviceMemberMatches(scope, service, query));
  if (query.application !== undefined) {
    const application = canonicalApplication(query.application);
    if (applications !== undefined && !applications.has(application)) return false;
    if (services.includes('any')) return true;
    if (services.includes('application-default')) return isApplicationDefault(application, query);
    return namedServiceMatches();
  }
  if (applications === undefined) {
    if (services.includes('any')) return true;
    if (services.includes('application-default')) {
      return [...APPLICATION_DEFAULTS.keys()].some((name) => isApplicationDefault(name, query));
    }
    return namedServiceMatches();
  }
  return services.includes('application-default') && [...applications].some((name) => isApplicationDefault(name, query));
}

export function ruleMatches(scope: Scope, rule: XmlElement, query: PolicyQuery, registry: RegisteredIps): boolean {
  return (
    childText(rule, 'disabled') !== 'yes' &&
    zonesMatch(rule, query) &&
    addressesMatch(scope, rule, 'source', query.source, registry) &&
    addressesMatch(scope, rule, 'destination', query.destination, registry) &&
    userMatches(rule, query.sourceUser) &&
    categoryMatches(rule, query.category) &&
    applicationAndServiceMatch(scope, rule, query)
  );
}

/**
 * First-match lookup over the vsys security rulebase: the first enabled rule whose every field
 * matches (or, with `showAll`, every such rule). No match → empty list; the implicit
 * intrazone/interzone defaults are not reported.
 */
export function matchPolicy(scope: Scope, query: PolicyQuery, registry: RegisteredIps, showAll = false): RuleMatch[] {
  const matches: RuleMatch[] = [];
  const rules = securityRules(scope);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as XmlElement;
    if (!ruleMatches(scope, rule, query, registry)) continue;
    matches.push({ index: i + 1, rule });
    if (!showAll) break;
  }
  return matches;
}
