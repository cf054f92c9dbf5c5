import { dagMembers } from './address-match.js';
import { envelope, msgLines, successResult, xmlResponse, type ApiResponse } from './api-response.js';
import { invalidCommand, malformedCommand } from './errors.js';
import type { LockKind } from './locks.js';
import { findVsysScope, scopeEntries } from './object-lookup.js';
import type { PanosDevice } from './panos-device.js';
import { securityPolicyMatch } from './security-policy-match.js';
import { deviceTime } from './device-time.js';
import { parseXmlDocument, XmlSyntaxError } from './xml-parser.js';
import { childNamed, childText, el, memberList, textEl, type XmlElement } from './xml-tree.js';

const RUNNING_CONFIG_FILE = 'running-config.xml';

/** The one child a command node needs to go on (`show` → `system` → `info`). */
function next(node: XmlElement, path: readonly string[]): XmlElement {
  const child = node.children[0];
  if (child === undefined) throw invalidCommand(`${[...path, node.name].join(' -> ')} is incomplete`);
  return child;
}

function unexpected(path: readonly string[], node: XmlElement): never {
  throw invalidCommand(`${[...path, node.name].join(' -> ')} is unexpected`);
}

function uptime(device: PanosDevice): string {
  const seconds = Math.floor((Date.now() - device.startedAt) / 1000);
  const days = Math.floor(seconds / 86400);
  const hh = Math.floor((seconds % 86400) / 3600);
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${days} days, ${hh}:${mm}:${ss}`;
}

function systemInfo(device: PanosDevice): XmlElement {
  return successResult(
    el(
      'system',
      {},
      textEl('hostname', device.hostname()),
      textEl('ip-address', device.managementIp),
      textEl('netmask', '255.255.255.0'),
      textEl('time', new Date().toUTCString()),
      textEl('uptime', uptime(device)),
      textEl('devicename', device.hostname()),
      textEl('family', 'vm'),
      textEl('model', device.model),
      textEl('serial', device.serial),
      textEl('sw-version', device.swVersion),
      textEl('multi-vsys', 'off'),
      textEl('operational-mode', 'normal'),
    ),
  );
}

function showJobs(device: PanosDevice, selector: XmlElement): XmlElement {
  switch (selector.name) {
    case 'all':
      return successResult(...device.jobs.all().map((job) => device.jobs.toXml(job)));
    case 'id': {
      const idText = selector.text.trim();
      const job = /^[0-9]+$/.test(idText) ? device.jobs.get(Number(idText)) : undefined;
      if (job === undefined) return envelope('error', undefined, msgLines([`job ${idText} not found`]));
      return successResult(device.jobs.toXml(job));
    }
    default:
      return unexpected(['show', 'jobs'], selector);
  }
}

function registeredIps(device: PanosDevice): XmlElement {
  const entries = device.registry
    .list()
    .map((entry) => el('entry', { ip: entry.ip, from_agent: '0', persistent: '1' }, memberList('tag', entry.tags)));
  return successResult(...entries, textEl('count', String(entries.length)));
}

/** `show object dynamic-address-group all|name X` over the running config of vsys1 (shape unverified). */
function dynamicGroups(device: PanosDevice, selector: XmlElement): XmlElement {
  const scope = findVsysScope(device.store.runningTree, device.store.predefined);
  const wanted = selector.name === 'name' ? selector.text.trim() : undefined;
  if (selector.name !== 'all' && selector.name !== 'name') unexpected(['show', 'object', 'dynamic-address-group'], selector);
  const entries: XmlElement[] = [];
  for (let current = scope; current !== undefined; current = current.parent) {
    for (const group of scopeEntries(current, 'address-group')) {
      const name = group.attrs['name'] ?? '';
      if (childNamed(group, 'dynamic') === undefined || (wanted !== undefined && name !== wanted)) continue;
      const members = dagMembers(current, group, device.registry);
      entries.push(
        el(
          'entry',
          {},
          textEl('vsys', current.label),
          textEl('group-name', name),
          textEl('filter', childText(childNamed(group, 'dynamic'), 'filter') ?? ''),
          el(
            'member-list',
            {},
            ...members.registeredIps.map((ip) => el('entry', { name: ip, type: 'registered-ip' })),
            ...members.addressObjects.map((address) => el('entry', { name: address.attrs['name'] ?? '', type: 'address-object' })),
          ),
        ),
      );
    }
  }
  return successResult(el('dyn-addr-grp', {}, ...entries));
}

function showLocks(device: PanosDevice, kind: LockKind): XmlElement {
  const holder = device.locks.holder(kind);
  const container = kind === 'config' ? 'config-locks' : 'commit-locks';
  return successResult(
    el(
      container,
      {},
      holder === undefined
        ? undefined
        : el('entry', { name: holder.admin }, textEl('name', holder.admin), textEl('created', deviceTime(holder.since)), textEl('comment', holder.comment)),
    ),
  );
}

function show(device: PanosDevice, node: XmlElement): XmlElement {
  const what = next(node, []);
  switch (what.name) {
    case 'system': {
      const sub = next(what, ['show']);
      return sub.name === 'info' ? systemInfo(device) : unexpected(['show', 'system'], sub);
    }
    case 'jobs':
      return showJobs(device, next(what, ['show']));
    case 'object': {
      const sub = next(what, ['show']);
      if (sub.name === 'registered-ip') return registeredIps(device);
      if (sub.name === 'dynamic-address-group') return dynamicGroups(device, next(sub, ['show', 'object']));
      return unexpected(['show', 'object'], sub);
    }
    case 'config': {
      const sub = next(what, ['show']);
      if (sub.name === 'running') return successResult(device.store.readRunning('/config')[0] ?? el('config'));
      if (sub.name === 'candidate') return successResult(device.store.readCandidate('/config')[0] ?? el('config'));
      return unexpected(['show', 'config'], sub);
    }
    case 'config-locks':
      return showLocks(device, 'config');
    case 'commit-locks':
      return showLocks(device, 'commit');
    default:
      return unexpected(['show'], what);
  }
}

function revert(device: PanosDevice, admin: string): XmlElement {
  device.locks.assertMayEdit(admin);
  device.store.revert();
  return successResult(el('msg', {}, textEl('line', `Config loaded from ${RUNNING_CONFIG_FILE}`)));
}

function load(device: PanosDevice, admin: string, node: XmlElement): XmlElement {
  const config = next(node, []);
  if (config.name !== 'config') unexpected(['load'], config);
  const from = next(config, ['load']);
  if (from.name !== 'from') unexpected(['load', 'config'], from);
  const file = from.text.trim();
  // Only the running config can be loaded: the simulator keeps no saved snapshots.
  if (file !== RUNNING_CONFIG_FILE) return envelope('error', undefined, msgLines([`${file} does not exist`]));
  return revert(device, admin);
}

function requestLock(device: PanosDevice, admin: string, node: XmlElement): XmlElement {
  const lock = next(node, []);
  const kind: LockKind | undefined = lock.name === 'config-lock' ? 'config' : lock.name === 'commit-lock' ? 'commit' : undefined;
  if (kind === undefined) return unexpected(['request'], lock);
  const verb = next(lock, ['request']);
  switch (verb.name) {
    case 'add':
      return successResult(device.locks.add(kind, admin, childText(verb, 'comment') ?? ''));
    case 'remove':
      return successResult(device.locks.remove(kind, admin, childText(verb, 'admin')));
    default:
      return unexpected(['request', lock.name], verb);
  }
}

/** `type=op`: the operational commands the simulator implements; anything else is code 17. */
export function handleOp(device: PanosDevice, admin: string, cmdText: string): ApiResponse {
  let cmd: XmlElement;
  try {
    cmd = parseXmlDocument(cmdText);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedCommand(`Malformed command: ${error.message}`);
    throw error;
  }
  switch (cmd.name) {
    case 'show':
      return xmlResponse(show(device, cmd));
    case 'check': {
      const sub = next(cmd, []);
      if (sub.name !== 'pending-changes') unexpected(['check'], sub);
      return xmlResponse(successResult(device.store.hasPendingChanges() ? 'yes' : 'no'));
    }
    case 'load':
      return xmlResponse(load(device, admin, cmd));
    case 'revert': {
      const sub = next(cmd, []);
      if (sub.name !== 'config') unexpected(['revert'], sub);
      return xmlResponse(revert(device, admin));
    }
    case 'request':
      return xmlResponse(requestLock(device, admin, cmd));
    case 'test': {
      const sub = next(cmd, []);
      if (sub.name !== 'security-policy-match') unexpected(['test'], sub);
      return xmlResponse(securityPolicyMatch(device, sub));
    }
    default:
      return unexpected([], cmd);
  }
}

