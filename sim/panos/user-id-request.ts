import { successResult, xmlResponse, type ApiResponse } from './api-response.js';
import { invalidCommand, malformedCommand } from './errors.js';
import { parseIp } from './ip-address.js';
import type { PanosDevice } from './panos-device.js';
import { parseXmlDocument, XmlSyntaxError } from './xml-parser.js';
import { childNamed, childrenNamed, childText, el, memberTexts, textEl, type XmlElement } from './xml-tree.js';

interface TagChange {
  readonly kind: 'register' | 'unregister';
  readonly ip: string;
  readonly tags: readonly string[];
}

function tagChanges(payload: XmlElement): TagChange[] {
  const changes: TagChange[] = [];
  for (const section of payload.children) {
    // login/logout/groups and the other User-ID sections are accepted and ignored.
    if (section.name !== 'register' && section.name !== 'unregister') continue;
    for (const entry of childrenNamed(section, 'entry')) {
      const ip = entry.attrs['ip'] ?? '';
      if (parseIp(ip) === undefined) throw invalidCommand(`uid-message -> payload -> ${section.name}: '${ip}' is not a valid IP address`);
      const tags = memberTexts(childNamed(entry, 'tag'));
      if (section.name === 'register' && tags.length === 0) throw invalidCommand(`uid-message -> payload -> register: ${ip} has no tag`);
      changes.push({ kind: section.name, ip, tags });
    }
  }
  return changes;
}

/**
 * `type=user-id`: IP-to-tag registration. Validates the whole message first, then applies it in
 * document order, so a bad entry changes nothing. Takes effect at once (no commit).
 */
export function handleUserId(device: PanosDevice, cmdText: string): ApiResponse {
  let message: XmlElement;
  try {
    message = parseXmlDocument(cmdText);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedCommand(`Malformed command: ${error.message}`);
    throw error;
  }
  if (message.name !== 'uid-message') throw invalidCommand(`${message.name} is unexpected`);
  const type = childText(message, 'type');
  if (type !== 'update') throw invalidCommand(`uid-message -> type '${type ?? ''}' is not supported (expected update)`);
  const payload = childNamed(message, 'payload');
  if (payload === undefined) throw invalidCommand('uid-message is missing payload');
  const changes = tagChanges(payload);
  for (const change of changes) {
    if (change.kind === 'register') device.registry.register(change.ip, change.tags);
    else device.registry.unregister(change.ip, change.tags);
  }
  const sections = payload.children.filter((section) => section.name === 'register' || section.name === 'unregister');
  return xmlResponse(
    successResult(el('uid-response', {}, textEl('version', '2.0'), el('payload', {}, ...sections.map((section) => el(section.name))))),
  );
}
