/**
 * Xpaths into a firewall's configuration, built only from checked names. Pure.
 *
 * Every name that reaches an xpath goes through {@link xpathLiteral}: XPath 1.0 string literals have no
 * escapes, so a name is quoted with the quote character it does not contain, and a name holding both cannot be
 * addressed at all. Quoted that way, `a']/../entry[@name='b` is one (odd) name, never a path. Names ruleport
 * creates are held to the PAN-OS naming rule as well ({@link checkObjectName}), so they are plain on every
 * device and in set commands.
 */
import { InputError } from '../../model/index.js';

/** PAN-OS object names: 63 characters, starting with a letter or digit; letters, digits, space, `.`, `_`, `-`. */
export const OBJECT_NAME_MAX = 63;
const OBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;
const VSYS_NAME = /^vsys[1-9][0-9]{0,2}$/;

/** The device entry every firewall (non-Panorama) configuration is under. */
export const DEVICE_XPATH = "/config/devices/entry[@name='localhost.localdomain']";
export const SHARED_XPATH = '/config/shared';

/** Object containers ruleport reads or writes. */
export type ObjectKind = 'address' | 'address-group' | 'service' | 'service-group' | 'application' | 'application-group' | 'tag';

/**
 * A name as an XPath string literal: `'name'`, or `"name"` when it holds a single quote.
 * @throws InputError when the name holds both quote characters (no XPath 1.0 literal can carry it) or is empty.
 */
export function xpathLiteral(name: string, what = 'name'): string {
  if (name === '') throw new InputError({ object: what }, 'empty name');
  if (!name.includes("'")) return `'${name}'`;
  if (!name.includes('"')) return `"${name}"`;
  throw new InputError({ object: `${what} ${JSON.stringify(name)}` }, 'a name holding both quote characters cannot be addressed safely');
}

/** True when `name` follows the PAN-OS naming rule. */
export function isObjectName(name: string): boolean {
  return name.length <= OBJECT_NAME_MAX && OBJECT_NAME.test(name);
}

/**
 * Checks a name ruleport creates or is given on the command line (rule prefix, `--below`).
 * @throws InputError naming `what` when the name breaks the PAN-OS naming rule.
 */
export function checkObjectName(name: string, what: string): string {
  if (!isObjectName(name)) {
    throw new InputError(
      { object: what },
      `invalid PAN-OS name ${JSON.stringify(name)}: at most ${OBJECT_NAME_MAX} characters, starting with a letter or digit, then letters, digits, space, '.', '_' or '-'`,
    );
  }
  return name;
}

/** Checks a virtual system name (`vsys1`…`vsys999`). */
export function checkVsysName(name: string): string {
  if (!VSYS_NAME.test(name)) throw new InputError({ object: 'vsys' }, `invalid virtual system ${JSON.stringify(name)} (expected vsysN)`);
  return name;
}

/** `…/entry[@name=…]` for an entry of a container. */
export function entryXpath(container: string, name: string, what = 'name'): string {
  return `${container}/entry[@name=${xpathLiteral(name, what)}]`;
}

/** The xpath of a virtual system. */
export function vsysXpath(vsys: string): string {
  return entryXpath(`${DEVICE_XPATH}/vsys`, checkVsysName(vsys), 'vsys');
}

/** The container of one kind of object in a vsys, or in shared. */
export function objectContainerXpath(scope: { readonly vsys: string } | 'shared', kind: ObjectKind): string {
  return `${scope === 'shared' ? SHARED_XPATH : vsysXpath(scope.vsys)}/${kind}`;
}

/** The security rules container of a vsys. */
export function rulesXpath(vsys: string): string {
  return `${vsysXpath(vsys)}/rulebase/security/rules`;
}
