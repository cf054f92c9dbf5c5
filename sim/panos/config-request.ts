import { envelope, errorElement, successMsg, xmlResponse, type ApiResponse } from './api-response.js';
import type { ConfigOp, MoveWhere } from './config-actions.js';
import { badRequest, invalidObject, PanosApiError } from './errors.js';
import type { PanosDevice } from './panos-device.js';
import { parseXmlDocument, XmlSyntaxError } from './xml-parser.js';
import { serializeXml } from './xml-serializer.js';
import { attrRecord, el, textEl, type XmlElement } from './xml-tree.js';

type Lookup = (name: string) => string | undefined;

const MOVE_WHERE: readonly MoveWhere[] = ['before', 'after', 'top', 'bottom'];

function required(get: Lookup, name: string): string {
  const value = get(name);
  if (value === undefined) throw badRequest(`Missing parameter "${name}".`);
  return value;
}

/** Builds a config edit from request parameters (or multi-config attributes). */
export function opFromParams(action: string, get: Lookup): ConfigOp {
  const xpath = required(get, 'xpath');
  switch (action) {
    case 'set':
    case 'edit':
      return { action, xpath, element: required(get, 'element') };
    case 'delete':
      return { action, xpath };
    case 'move': {
      const where = required(get, 'where');
      if (!(MOVE_WHERE as readonly string[]).includes(where)) throw badRequest(`Illegal value for parameter "where" [${where}].`);
      const dst = get('dst');
      return dst === undefined ? { action, xpath, where: where as MoveWhere } : { action, xpath, where: where as MoveWhere, dst };
    }
    case 'rename':
      return { action, xpath, newname: required(get, 'newname') };
    case 'clone':
      return { action, xpath, from: required(get, 'from'), newname: required(get, 'newname') };
    default:
      throw badRequest(`Illegal value for parameter "action" [${action}].`);
  }
}

function mutationResponse(device: PanosDevice, admin: string, op: ConfigOp): XmlElement {
  const outcome = device.edit(admin, op);
  return outcome.changed ? successMsg(20, 'command succeeded') : successMsg(7, "Object doesn't exist");
}

function getResponse(device: PanosDevice, xpath: string): XmlElement {
  const nodes = device.store.readCandidate(xpath);
  if (nodes.length === 0) return envelope('success', 7, el('result'));
  const count = String(nodes.length);
  return envelope('success', 19, el('result', { 'total-count': count, count }, ...nodes));
}

function showResponse(device: PanosDevice, xpath: string): XmlElement {
  const nodes = device.store.readRunning(xpath);
  if (nodes.length === 0) return envelope('error', undefined, el('msg', {}, textEl('line', 'No such node')));
  return envelope('success', undefined, el('result', {}, ...nodes));
}

function withId(response: XmlElement, id: string | undefined): XmlElement {
  if (id !== undefined) response.attrs = attrRecord({ id, ...response.attrs });
  return response;
}

/**
 * multi-config: sub-actions run in order and stop at the first failure. Without strict-transactional
 * the earlier successes stay in the candidate; with it, the candidate is put back as it was.
 */
function multiConfig(device: PanosDevice, admin: string, element: string, strict: boolean): XmlElement {
  let root: XmlElement;
  try {
    root = parseXmlDocument(element);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw invalidObject(`Malformed element: ${error.message}`);
    throw error;
  }
  if (root.name !== 'multi-config') throw invalidObject(`expected <multi-config>, got <${root.name}>`);
  device.locks.assertMayEdit(admin);
  const rollback = strict ? device.store.beginTransaction() : undefined;
  const nested: XmlElement[] = [];
  for (const action of root.children) {
    const id = action.attrs['id'];
    try {
      const get: Lookup = (name) =>
        name === 'element' ? action.children.map((child) => serializeXml(child)).join('') : action.attrs[name];
      nested.push(withId(mutationResponse(device, admin, opFromParams(action.name, get)), id));
    } catch (error) {
      if (!(error instanceof PanosApiError)) throw error;
      nested.push(withId(errorElement(error), id));
      rollback?.();
      return envelope('error', error.code, ...nested);
    }
  }
  return envelope('success', 20, ...nested);
}

/** `type=config`. */
export function handleConfig(device: PanosDevice, admin: string, params: Lookup): ApiResponse {
  const action = required(params, 'action');
  switch (action) {
    case 'get':
      return xmlResponse(getResponse(device, required(params, 'xpath')));
    case 'show':
      return xmlResponse(showResponse(device, required(params, 'xpath')));
    case 'multi-config':
      return xmlResponse(multiConfig(device, admin, required(params, 'element'), params('strict-transactional') === 'yes'));
    case 'set':
    case 'edit':
    case 'delete':
    case 'move':
    case 'rename':
    case 'clone':
      return xmlResponse(mutationResponse(device, admin, opFromParams(action, params)));
    default:
      throw badRequest(`Illegal value for parameter "action" [${action}].`);
  }
}

