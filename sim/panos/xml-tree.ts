/**
 * The in-memory XML model shared by the config store and the API envelopes.
 *
 * PAN-OS configuration is element-only XML (no mixed content), so an element carries either one
 * text run or child elements. Attribute objects have no prototype so a name like `__proto__`
 * stays an ordinary attribute.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Creates an attribute record with no prototype. */
export function attrRecord(entries: Record<string, string> = {}): Record<string, string> {
  const attrs = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(entries)) attrs[key] = value;
  return attrs;
}

/** Builds an element; string children become its text, element children are appended in order. */
export function el(
  name: string,
  attrs: Record<string, string> = {},
  ...content: Array<XmlElement | string | undefined>
): XmlElement {
  const node: XmlElement = { name, attrs: attrRecord(attrs), children: [], text: '' };
  for (const part of content) {
    if (part === undefined) continue;
    if (typeof part === 'string') node.text += part;
    else node.children.push(part);
  }
  return node;
}

/** `<name>text</name>` */
export function textEl(name: string, text: string, attrs: Record<string, string> = {}): XmlElement {
  return el(name, attrs, text);
}

/** `<name><member>a</member>…</name>` */
export function memberList(name: string, members: readonly string[]): XmlElement {
  return el(name, {}, ...members.map((member) => textEl('member', member)));
}

export function cloneElement(node: XmlElement): XmlElement {
  return {
    name: node.name,
    attrs: attrRecord(node.attrs),
    children: node.children.map(cloneElement),
    text: node.text,
  };
}

export function childNamed(node: XmlElement | undefined, name: string): XmlElement | undefined {
  return node?.children.find((child) => child.name === name);
}

export function childrenNamed(node: XmlElement | undefined, name: string): XmlElement[] {
  return node ? node.children.filter((child) => child.name === name) : [];
}

/** The `<entry name="…">` child of `node` with that exact name. */
export function entryNamed(node: XmlElement | undefined, name: string): XmlElement | undefined {
  return node?.children.find((child) => child.name === 'entry' && child.attrs['name'] === name);
}

/** Follows a chain of element names (no predicates). */
export function descend(node: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = node;
  for (const name of names) current = childNamed(current, name);
  return current;
}

/** Trimmed text of a leaf child, or undefined when the child is absent. */
export function childText(node: XmlElement | undefined, name: string): string | undefined {
  const child = childNamed(node, name);
  return child === undefined ? undefined : child.text.trim();
}

/** Texts of the `<member>` children of `list` (trimmed, empty ones dropped). */
export function memberTexts(list: XmlElement | undefined): string[] {
  return childrenNamed(list, 'member')
    .map((member) => member.text.trim())
    .filter((text) => text !== '');
}
