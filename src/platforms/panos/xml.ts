/**
 * A small uniform view of PAN-OS XML (configuration files and API responses) on top of fast-xml-parser,
 * and the escaping every XML text ruleport writes goes through. Pure.
 */
import { XMLParser } from 'fast-xml-parser';

/** One element: attributes, text, and children by tag name in document order. */
export interface XNode {
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: ReadonlyMap<string, readonly XNode[]>;
}

const EMPTY: XNode = { attrs: {}, text: '', children: new Map() };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: () => true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Parses XML text into its root element (`<config>`, `<response>`…).
 * @throws Error with the parser's one-line reason when the text is not well-formed XML.
 */
export function parseXml(text: string): { readonly tag: string; readonly node: XNode } {
  if (/<!DOCTYPE/i.test(text)) throw new Error('XML with a DOCTYPE is not accepted');
  const raw = parser.parse(text, true) as Record<string, unknown>;
  const tags = Object.keys(raw).filter((k) => k !== '@' && k !== '#text');
  if (tags.length !== 1) throw new Error(`expected one root element, found ${tags.length}`);
  const tag = tags[0]!;
  const list = raw[tag] as unknown[];
  return { tag, node: toNode(list[0]) };
}

function toNode(raw: unknown): XNode {
  if (raw === undefined || raw === null) return EMPTY;
  if (typeof raw !== 'object') return { attrs: {}, text: String(raw), children: new Map() };
  const obj = raw as Record<string, unknown>;
  const children = new Map<string, XNode[]>();
  let text = '';
  let attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === '@') {
      const group = (Array.isArray(v) ? v[0] : v) as Record<string, unknown>;
      attrs = Object.fromEntries(Object.entries(group ?? {}).map(([a, b]) => [a, String(b)]));
    } else if (k === '#text') {
      text = (Array.isArray(v) ? v : [v]).map(String).join('');
    } else {
      children.set(k, (v as unknown[]).map(toNode));
    }
  }
  return { attrs, text, children };
}

/** The first child with this tag, or undefined. */
export function child(node: XNode | undefined, tag: string): XNode | undefined {
  return node?.children.get(tag)?.[0];
}

/** Every child with this tag, in document order. */
export function childrenOf(node: XNode | undefined, tag: string): readonly XNode[] {
  return node?.children.get(tag) ?? [];
}

/** Follows a path of tags (first child at each step). */
export function path(node: XNode | undefined, ...tags: string[]): XNode | undefined {
  let cur = node;
  for (const t of tags) cur = child(cur, t);
  return cur;
}

/** The trimmed text of a child element, or undefined when absent. */
export function childText(node: XNode | undefined, tag: string): string | undefined {
  const c = child(node, tag);
  return c === undefined ? undefined : c.text.trim();
}

/** `<entry name="…">` children, in order. */
export function entries(node: XNode | undefined): readonly XNode[] {
  return childrenOf(node, 'entry');
}

/** The entry with this name among a container's entries. */
export function entryNamed(node: XNode | undefined, name: string): XNode | undefined {
  return entries(node).find((e) => e.attrs.name === name);
}

/** `<member>` texts of a list element; empty when absent. */
export function members(node: XNode | undefined): string[] {
  return childrenOf(node, 'member').map((m) => m.text.trim());
}

/** `<line>` texts of a message element, or its own text. */
export function lines(node: XNode | undefined): string[] {
  if (!node) return [];
  const ls = childrenOf(node, 'line').map((l) => (l.text || flattenText(l)).trim());
  if (ls.length > 0) return ls.filter((l) => l !== '');
  const t = flattenText(node).trim();
  return t ? [t] : [];
}

function flattenText(node: XNode): string {
  let out = node.text;
  for (const list of node.children.values()) for (const c of list) out += ` ${flattenText(c)}`;
  return out.replace(/\s+/g, ' ');
}

/** Escapes text for element content or a double- or single-quoted attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** `<tag>escaped text</tag>` */
export function textElement(tag: string, text: string): string {
  return `<${tag}>${escapeXml(text)}</${tag}>`;
}

/** `<tag><member>a</member>…</tag>` */
export function memberList(tag: string, values: readonly string[]): string {
  return `<${tag}>${values.map((v) => textElement('member', v)).join('')}</${tag}>`;
}

/** Attributes a device adds to entries with uncommitted edits; never written back. */
const BOOKKEEPING_ATTRS = new Set(['admin', 'dirtyId', 'time']);

/**
 * An element as XML text again (children grouped by tag, which PAN-OS's schema-ordered configuration permits),
 * without the device's bookkeeping attributes. Used to restore an entry exactly as it was read.
 */
export function toXml(tag: string, node: XNode): string {
  const attrs = Object.entries(node.attrs)
    .filter(([k]) => !BOOKKEEPING_ATTRS.has(k))
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  let inner = escapeXml(node.text);
  for (const [childTag, list] of node.children) for (const c of list) inner += toXml(childTag, c);
  return `<${tag}${attrs}>${inner}</${tag}>`;
}
