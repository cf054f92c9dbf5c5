import type { XmlElement } from './xml-tree.js';

/** Escapes character data; `>` is escaped too so `]]>` can never appear in output. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

/** Escapes an attribute value for double quotes; line breaks become references so they survive re-parsing. */
export function escapeAttr(value: string): string {
  return value.replace(/[&<>"\t\n\r]/g, (ch) => {
    switch (ch) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case '\t': return '&#9;';
      case '\n': return '&#10;';
      default: return '&#13;';
    }
  });
}

export interface SerializeOptions {
  /** Indent nested elements by two spaces per level (for humans; API responses are compact). */
  readonly pretty?: boolean;
}

export function serializeXml(node: XmlElement, options: SerializeOptions = {}): string {
  const out: string[] = [];
  write(node, options.pretty === true ? 0 : -1, out);
  return out.join(options.pretty === true ? '\n' : '');
}

function write(node: XmlElement, depth: number, out: string[]): void {
  const pad = depth >= 0 ? '  '.repeat(depth) : '';
  let open = `<${node.name}`;
  for (const [key, value] of Object.entries(node.attrs)) open += ` ${key}="${escapeAttr(value)}"`;
  if (node.children.length === 0) {
    out.push(node.text === '' ? `${pad}${open}/>` : `${pad}${open}>${escapeText(node.text)}</${node.name}>`);
    return;
  }
  if (depth < 0) {
    out.push(`${open}>${escapeText(node.text)}`);
    for (const child of node.children) write(child, depth, out);
    out.push(`</${node.name}>`);
    return;
  }
  out.push(`${pad}${open}>${escapeText(node.text)}`);
  for (const child of node.children) write(child, depth + 1, out);
  out.push(`${pad}</${node.name}>`);
}
