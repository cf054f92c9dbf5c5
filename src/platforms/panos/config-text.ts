/**
 * Rendered PAN-OS objects as text for files: a `<config>` document (readable back by the running-config
 * reader) or CLI `set` commands to paste into configure mode. Pure.
 */
import { CUSTOM_APP_CLASSIFICATION } from './app-ids.js';
import { objectXml, ruleXml, type PanosObject, type PanosRuleObject } from './objects.js';
import type { RenderedRulebase } from './render.js';
import { escapeXml } from './xml.js';

const SECTION_ORDER: readonly PanosObject['kind'][] = ['tag', 'address', 'address-group', 'service', 'application'];

/** A configuration document holding the objects and rules in one vsys. */
export function toConfigXml(rendered: RenderedRulebase, vsys: string): string {
  const sections = SECTION_ORDER.map((kind) => {
    const list = rendered.objects.filter((o) => o.kind === kind);
    return list.length === 0 ? '' : `          <${kind}>\n${list.map((o) => `            ${objectXml(o)}\n`).join('')}          </${kind}>\n`;
  }).join('');
  const rules = rendered.rules.map((r) => `                ${ruleXml(r)}\n`).join('');
  return [
    '<?xml version="1.0"?>',
    '<config version="10.1.0">',
    '  <devices>',
    '    <entry name="localhost.localdomain">',
    '      <vsys>',
    `        <entry name="${escapeXml(vsys)}">`,
    `${sections}          <rulebase>`,
    '            <security>',
    '              <rules>',
    `${rules}              </rules>`,
    '            </security>',
    '          </rulebase>',
    '        </entry>',
    '      </vsys>',
    '    </entry>',
    '  </devices>',
    '</config>',
    '',
  ].join('\n');
}

/**
 * A CLI token: quoted when it holds spaces or is empty. The file is pasted line by line, so text from a source
 * policy (a description) must not end the command early: line breaks and other control characters become one
 * space, double quotes single ones, and backslashes slashes (no escape can reopen or close the quotes).
 */
function token(text: string): string {
  if (/^[^\s"'[\]\\\x00-\x1f\x7f]+$/.test(text)) return text;
  return `"${text.replace(/[\x00-\x1f\x7f\u2028\u2029]+/g, ' ').replace(/"/g, "'").replace(/\\/g, '/')}"`;
}

function list(values: readonly string[]): string {
  return values.length === 1 ? token(values[0]!) : `[ ${values.map(token).join(' ')} ]`;
}

/**
 * `set` commands creating the objects and rules; with `below`, each rule is then moved above that rule in order.
 */
export function toSetCommands(rendered: RenderedRulebase, vsys: string, below?: string): string {
  const prefix = vsys === 'vsys1' ? '' : `vsys ${token(vsys)} `;
  const out: string[] = [];
  const set = (text: string): void => {
    out.push(`set ${prefix}${text}`);
  };
  for (const kind of SECTION_ORDER) {
    for (const o of rendered.objects.filter((x) => x.kind === kind)) objectCommands(o, set);
  }
  for (const r of rendered.rules) ruleCommands(r, set);
  if (below !== undefined) for (const r of rendered.rules) out.push(`move ${prefix}rulebase security rules ${token(r.name)} before ${token(below)}`);
  return `${out.join('\n')}\n`;
}

function objectCommands(o: PanosObject, set: (text: string) => void): void {
  const tags = (kind: string, name: string, tag: readonly string[]): void => {
    if (tag.length > 0) set(`${kind} ${token(name)} tag ${list(tag)}`);
  };
  switch (o.kind) {
    case 'tag':
      set(`tag ${token(o.name)} color ${token(o.color)} comments ${token(o.comments)}`);
      return;
    case 'address':
      set(`address ${token(o.name)} ${o.type} ${token(o.value)}`);
      tags('address', o.name, o.tag);
      return;
    case 'address-group':
      set(`address-group ${token(o.name)} dynamic filter ${token(o.filter)}`);
      tags('address-group', o.name, o.tag);
      return;
    case 'service':
      set(`service ${token(o.name)} protocol ${o.protocol} port ${token(o.port)}`);
      tags('service', o.name, o.tag);
      return;
    case 'application': {
      const c = CUSTOM_APP_CLASSIFICATION;
      set(`application ${token(o.name)} category ${c.category} subcategory ${c.subcategory} technology ${c.technology} risk ${c.risk}`);
      const ident =
        o.ident.kind === 'ip-protocol'
          ? `ident-by-ip-protocol ${o.ident.number}`
          : `ident-by-${o.ident.kind}-type type ${o.ident.type}${o.ident.code === undefined ? '' : ` code ${o.ident.code}`}`;
      set(`application ${token(o.name)} default ${ident}`);
      tags('application', o.name, o.tag);
      return;
    }
    default: {
      const never: never = o;
      throw new Error(`unknown object ${JSON.stringify(never)}`);
    }
  }
}

function ruleCommands(r: PanosRuleObject, set: (text: string) => void): void {
  const at = `rulebase security rules ${token(r.name)}`;
  set(
    `${at} from ${list(r.from)} to ${list(r.to)} source ${list(r.source)} destination ${list(r.destination)} source-user any category any application ${list(r.application)} service ${list(r.service)} action ${r.action}`,
  );
  if (r.negateSource) set(`${at} negate-source yes`);
  if (r.negateDestination) set(`${at} negate-destination yes`);
  if (r.profileGroup) set(`${at} profile-setting group ${token(r.profileGroup)}`);
  if (r.tag.length > 0) set(`${at} tag ${list(r.tag)}`);
  if (r.description) set(`${at} description ${token(r.description)}`);
}
