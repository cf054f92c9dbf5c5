import { attrRecord, type XmlElement } from './xml-tree.js';

/** Raised for input that is not well-formed XML (the caller maps it to the right API error code). */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_.:]*/y;
/** Deeper nesting than any configuration needs is refused, so recursive tree walks cannot overflow the stack. */
const MAX_DEPTH = 256;
const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Parses a sequence of sibling elements, e.g. the `element` parameter of `set`, which may hold
 * several children (`<ip-netmask>…</ip-netmask><tag>…</tag>`).
 *
 * Deliberately small and strict: comments, processing instructions and the XML declaration are
 * skipped; DOCTYPE is refused (no entity expansion, so no billion-laughs); only the five predefined
 * entities and numeric character references are known.
 */
export function parseXmlFragment(source: string): XmlElement[] {
  return new Parser(source).parse();
}

/** Parses a document that must have exactly one root element. */
export function parseXmlDocument(source: string): XmlElement {
  const roots = parseXmlFragment(source);
  const [root] = roots;
  if (roots.length !== 1 || root === undefined) {
    throw new XmlSyntaxError(`expected exactly one root element, found ${roots.length}`, 0);
  }
  return root;
}

class Parser {
  private pos = 0;
  private readonly roots: XmlElement[] = [];
  private readonly stack: XmlElement[] = [];

  constructor(private readonly src: string) {}

  parse(): XmlElement[] {
    const { src } = this;
    while (this.pos < src.length) {
      const lt = src.indexOf('<', this.pos);
      const textEnd = lt === -1 ? src.length : lt;
      if (textEnd > this.pos) {
        this.addText(this.decode(src.slice(this.pos, textEnd), this.pos), this.pos);
        this.pos = textEnd;
        continue;
      }
      if (src.startsWith('<!--', this.pos)) this.skipPast('-->', 'unterminated comment');
      else if (src.startsWith('<![CDATA[', this.pos)) this.cdata();
      else if (src.startsWith('<?', this.pos)) this.skipPast('?>', 'unterminated processing instruction');
      else if (src.startsWith('<!', this.pos)) throw new XmlSyntaxError('DOCTYPE and markup declarations are not accepted', this.pos);
      else if (src.startsWith('</', this.pos)) this.endTag();
      else this.startTag();
    }
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) throw new XmlSyntaxError(`element <${open.name}> is not closed`, this.pos);
    return this.roots;
  }

  private skipPast(terminator: string, error: string): void {
    const end = this.src.indexOf(terminator, this.pos);
    if (end === -1) throw new XmlSyntaxError(error, this.pos);
    this.pos = end + terminator.length;
  }

  private cdata(): void {
    const start = this.pos + '<![CDATA['.length;
    const end = this.src.indexOf(']]>', start);
    if (end === -1) throw new XmlSyntaxError('unterminated CDATA section', this.pos);
    this.addText(this.src.slice(start, end), this.pos, true);
    this.pos = end + 3;
  }

  private addText(text: string, at: number, cdata = false): void {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      if (cdata || text.trim() !== '') throw new XmlSyntaxError('text outside of an element', at);
      return;
    }
    parent.text += text;
  }

  private readName(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.src);
    if (match === null) throw new XmlSyntaxError('expected a name', this.pos);
    this.pos += match[0].length;
    return match[0];
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.src.length && ' \t\r\n'.includes(this.src.charAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  private startTag(): void {
    const tagStart = this.pos;
    this.pos++;
    const node: XmlElement = { name: this.readName(), attrs: attrRecord(), children: [], text: '' };
    for (;;) {
      const spaced = this.skipSpace();
      const ch = this.src.charAt(this.pos);
      if (ch === '>' || this.src.startsWith('/>', this.pos)) break;
      if (ch === '') throw new XmlSyntaxError(`unterminated start tag <${node.name}>`, tagStart);
      if (!spaced) throw new XmlSyntaxError('expected whitespace between attributes', this.pos);
      const attrName = this.readName();
      this.skipSpace();
      if (this.src.charAt(this.pos) !== '=') throw new XmlSyntaxError(`attribute ${attrName} has no value`, this.pos);
      this.pos++;
      this.skipSpace();
      const quote = this.src.charAt(this.pos);
      if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(`attribute ${attrName} value must be quoted`, this.pos);
      const end = this.src.indexOf(quote, this.pos + 1);
      if (end === -1) throw new XmlSyntaxError(`unterminated value of attribute ${attrName}`, this.pos);
      const raw = this.src.slice(this.pos + 1, end);
      if (raw.includes('<')) throw new XmlSyntaxError(`'<' in value of attribute ${attrName}`, this.pos);
      if (Object.prototype.hasOwnProperty.call(node.attrs, attrName)) {
        throw new XmlSyntaxError(`duplicate attribute ${attrName}`, this.pos);
      }
      node.attrs[attrName] = this.decode(raw, this.pos + 1);
      this.pos = end + 1;
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) this.roots.push(node);
    else parent.children.push(node);
    if (this.src.startsWith('/>', this.pos)) {
      this.pos += 2;
    } else {
      this.pos += 1;
      if (this.stack.length >= MAX_DEPTH) throw new XmlSyntaxError(`elements nested deeper than ${MAX_DEPTH}`, tagStart);
      this.stack.push(node);
    }
  }

  private endTag(): void {
    const at = this.pos;
    this.pos += 2;
    const name = this.readName();
    this.skipSpace();
    if (this.src.charAt(this.pos) !== '>') throw new XmlSyntaxError(`malformed end tag </${name}>`, at);
    this.pos++;
    const open = this.stack.pop();
    if (open === undefined || open.name !== name) {
      throw new XmlSyntaxError(`end tag </${name}> does not match <${open?.name ?? ''}>`, at);
    }
    // Indentation between child elements is not content.
    if (open.children.length > 0 && open.text.trim() === '') open.text = '';
  }

  private decode(raw: string, at: number): string {
    if (!raw.includes('&')) return raw;
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp === -1) {
        out += raw.slice(i);
        break;
      }
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      if (semi === -1) throw new XmlSyntaxError("'&' must start an entity reference", at + amp);
      const ref = raw.slice(amp + 1, semi);
      out += this.entity(ref, at + amp);
      i = semi + 1;
    }
    return out;
  }

  private entity(ref: string, at: number): string {
    const named = PREDEFINED_ENTITIES[ref];
    if (named !== undefined && Object.prototype.hasOwnProperty.call(PREDEFINED_ENTITIES, ref)) return named;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
    if (numeric !== null) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? '', 10);
      const allowed =
        code === 0x9 || code === 0xa || code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (allowed) return String.fromCodePoint(code);
    }
    throw new XmlSyntaxError(`unknown entity &${ref};`, at);
  }
}
