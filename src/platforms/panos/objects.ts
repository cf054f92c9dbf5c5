/**
 * The PAN-OS configuration objects ruleport writes — security rules, addresses, dynamic address groups, services,
 * custom applications, the `ruleport` tag — as plain data (plan payloads), their `<entry>` XML, and the same
 * objects read back from a device's XML so that desired and actual compare field by field. Pure.
 */
import { CUSTOM_APP_CLASSIFICATION } from './app-ids.js';
import type { ObjectKind } from './xpath.js';
import { child, childText, escapeXml, memberList, members, path, textElement, type XNode } from './xml.js';

/** The tag on everything ruleport creates; only objects carrying it are ever changed or deleted. */
export const RULEPORT_TAG = 'ruleport';

export interface PanosRuleObject {
  readonly name: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly source: readonly string[];
  readonly destination: readonly string[];
  readonly negateSource: boolean;
  readonly negateDestination: boolean;
  readonly application: readonly string[];
  readonly service: readonly string[];
  readonly action: 'allow' | 'deny';
  readonly description: string;
  readonly tag: readonly string[];
  /** Security-profile group set on the rule (the seed's `pa_sgp`). */
  readonly profileGroup?: string;
  /** Log forwarding profile (`log-setting`) set on the rule. */
  readonly logSetting?: string;
}

export type IcmpIdent = { readonly kind: 'icmp' | 'icmp6'; readonly type: number; readonly code?: number };

export type PanosObject =
  | { readonly kind: 'address'; readonly name: string; readonly type: 'ip-netmask' | 'ip-range'; readonly value: string; readonly tag: readonly string[] }
  | { readonly kind: 'address-group'; readonly name: string; readonly filter: string; readonly tag: readonly string[] }
  | { readonly kind: 'service'; readonly name: string; readonly protocol: 'tcp' | 'udp'; readonly port: string; readonly tag: readonly string[] }
  | {
      readonly kind: 'application';
      readonly name: string;
      readonly ident: IcmpIdent | { readonly kind: 'ip-protocol'; readonly number: number };
      readonly tag: readonly string[];
    }
  | { readonly kind: 'tag'; readonly name: string; readonly color: string; readonly comments: string };

/** Where each object kind lives under a vsys. */
export const OBJECT_CONTAINER: Readonly<Record<PanosObject['kind'], ObjectKind>> = {
  address: 'address',
  'address-group': 'address-group',
  service: 'service',
  application: 'application',
  tag: 'tag',
};

/** The `ruleport` tag object. */
export const RULEPORT_TAG_OBJECT: PanosObject = { kind: 'tag', name: RULEPORT_TAG, color: 'color1', comments: 'managed by ruleport' };

function entryOpen(name: string): string {
  return `<entry name="${escapeXml(name)}">`;
}

const tagList = (tags: readonly string[]): string => (tags.length > 0 ? memberList('tag', tags) : '');

/** A security rule as an `<entry>` element. */
export function ruleXml(r: PanosRuleObject): string {
  return [
    entryOpen(r.name),
    memberList('from', r.from),
    memberList('to', r.to),
    memberList('source', r.source),
    memberList('destination', r.destination),
    memberList('source-user', ['any']),
    memberList('category', ['any']),
    memberList('application', r.application),
    memberList('service', r.service),
    textElement('action', r.action),
    r.negateSource ? textElement('negate-source', 'yes') : '',
    r.negateDestination ? textElement('negate-destination', 'yes') : '',
    r.profileGroup ? `<profile-setting>${memberList('group', [r.profileGroup])}</profile-setting>` : '',
    r.logSetting ? textElement('log-setting', r.logSetting) : '',
    tagList(r.tag),
    r.description ? textElement('description', r.description) : '',
    '</entry>',
  ].join('');
}

/** Any other object as an `<entry>` element. */
export function objectXml(o: PanosObject): string {
  switch (o.kind) {
    case 'address':
      return `${entryOpen(o.name)}${textElement(o.type, o.value)}${tagList(o.tag)}</entry>`;
    case 'address-group':
      return `${entryOpen(o.name)}<dynamic>${textElement('filter', o.filter)}</dynamic>${tagList(o.tag)}</entry>`;
    case 'service':
      return `${entryOpen(o.name)}<protocol><${o.protocol}>${textElement('port', o.port)}</${o.protocol}></protocol>${tagList(o.tag)}</entry>`;
    case 'application': {
      const c = CUSTOM_APP_CLASSIFICATION;
      const ident =
        o.ident.kind === 'ip-protocol'
          ? textElement('ident-by-ip-protocol', String(o.ident.number))
          : `<ident-by-${o.ident.kind}-type>${textElement('type', String(o.ident.type))}${o.ident.code === undefined ? '' : textElement('code', String(o.ident.code))}</ident-by-${o.ident.kind}-type>`;
      return [
        entryOpen(o.name),
        textElement('category', c.category),
        textElement('subcategory', c.subcategory),
        textElement('technology', c.technology),
        textElement('risk', c.risk),
        `<default>${ident}</default>`,
        tagList(o.tag),
        '</entry>',
      ].join('');
    }
    case 'tag':
      return `${entryOpen(o.name)}${textElement('color', o.color)}${textElement('comments', o.comments)}</entry>`;
    default: {
      const never: never = o;
      throw new Error(`unknown object ${JSON.stringify(never)}`);
    }
  }
}

/** A security rule entry read back in the shape ruleport writes (fields ruleport does not write are ignored). */
export function ruleFromXml(entry: XNode): PanosRuleObject {
  const list = (tag: string, fallback: string): string[] => {
    const m = members(child(entry, tag));
    return m.length === 0 ? [fallback] : m;
  };
  const group = members(path(entry, 'profile-setting', 'group'))[0];
  const logSetting = childText(entry, 'log-setting');
  const action = childText(entry, 'action');
  return {
    name: entry.attrs.name ?? '',
    from: list('from', 'any'),
    to: list('to', 'any'),
    source: list('source', 'any'),
    destination: list('destination', 'any'),
    negateSource: childText(entry, 'negate-source') === 'yes',
    negateDestination: childText(entry, 'negate-destination') === 'yes',
    application: list('application', 'any'),
    service: list('service', 'application-default'),
    // Anything but allow blocks; ruleport writes only allow and deny.
    action: action === 'allow' ? 'allow' : 'deny',
    description: childText(entry, 'description') ?? '',
    tag: members(child(entry, 'tag')),
    ...(group ? { profileGroup: group } : {}),
    ...(logSetting ? { logSetting } : {}),
  };
}

/**
 * An object entry read back as the kind ruleport would write, or undefined when its content is of a shape
 * ruleport never writes (then it can only be compared as "different").
 */
export function objectFromXml(kind: PanosObject['kind'], entry: XNode): PanosObject | undefined {
  const name = entry.attrs.name ?? '';
  const tag = members(child(entry, 'tag'));
  switch (kind) {
    case 'address': {
      for (const type of ['ip-netmask', 'ip-range'] as const) {
        const value = childText(entry, type);
        if (value !== undefined) return { kind, name, type, value, tag };
      }
      return undefined;
    }
    case 'address-group': {
      const filter = childText(child(entry, 'dynamic'), 'filter');
      return filter === undefined ? undefined : { kind, name, filter, tag };
    }
    case 'service': {
      for (const protocol of ['tcp', 'udp'] as const) {
        const spec = path(entry, 'protocol', protocol);
        const port = childText(spec, 'port');
        if (port !== undefined && childText(spec, 'source-port') === undefined) return { kind, name, protocol, port, tag };
      }
      return undefined;
    }
    case 'application': {
      const def = child(entry, 'default');
      const ipProto = childText(def, 'ident-by-ip-protocol');
      if (ipProto !== undefined) return { kind, name, ident: { kind: 'ip-protocol', number: Number(ipProto) }, tag };
      for (const k of ['icmp', 'icmp6'] as const) {
        const ident = child(def, `ident-by-${k}-type`);
        const type = childText(ident, 'type');
        if (ident && type !== undefined) {
          const code = childText(ident, 'code');
          return { kind, name, ident: { kind: k, type: Number(type), ...(code ? { code: Number(code) } : {}) }, tag };
        }
      }
      return undefined;
    }
    case 'tag':
      return { kind, name, color: childText(entry, 'color') ?? '', comments: childText(entry, 'comments') ?? '' };
    default: {
      const never: never = kind;
      throw new Error(`unknown object kind ${String(never)}`);
    }
  }
}

/** Objects equal for planning purposes (tag objects: existence is enough, their colour is the admin's). */
export function sameObject(a: PanosObject, b: PanosObject | undefined): boolean {
  if (!b) return false;
  if (a.kind === 'tag' && b.kind === 'tag') return a.name === b.name;
  return stableJson(a) === stableJson(b);
}

/** Rules equal for planning purposes. */
export function sameRule(a: PanosRuleObject, b: PanosRuleObject): boolean {
  return stableJson(a) === stableJson(b);
}

/** JSON with object keys sorted, so that equal data gives equal text whatever order it was built in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
