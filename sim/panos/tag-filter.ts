/**
 * Dynamic address group filters: quoted tags combined with `and` / `or` and parentheses, e.g.
 * `'sg-0abc' and ('vpc-1' or 'vpc-2')`. `and` binds tighter than `or`. Tags must be quoted (single or
 * double quotes); operators are case-insensitive. A bare word that is not an operator is a syntax error,
 * so an unquoted tag in a rendered filter shows up as a client bug instead of silently matching.
 */
export type TagFilter =
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'and' | 'or'; readonly left: TagFilter; readonly right: TagFilter };

export class TagFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TagFilterError';
  }
}

type Token = { kind: 'tag'; tag: string } | { kind: 'and' | 'or' | '(' | ')' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text.charAt(pos);
    if (/\s/.test(ch)) {
      pos++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch });
      pos++;
    } else if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, pos + 1);
      if (close === -1) throw new TagFilterError(`unterminated quoted tag at offset ${pos}`);
      const tag = text.slice(pos + 1, close);
      if (tag === '') throw new TagFilterError(`empty tag at offset ${pos}`);
      tokens.push({ kind: 'tag', tag });
      pos = close + 1;
    } else {
      const word = /^[^\s()'"]+/.exec(text.slice(pos))?.[0] ?? '';
      const lower = word.toLowerCase();
      if (lower !== 'and' && lower !== 'or') throw new TagFilterError(`unquoted word '${word}' at offset ${pos}`);
      tokens.push({ kind: lower });
      pos += word.length;
    }
  }
  return tokens;
}

export function parseTagFilter(text: string): TagFilter {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const primary = (): TagFilter => {
    const token = tokens[pos++];
    if (token === undefined) throw new TagFilterError('unexpected end of filter');
    if (token.kind === 'tag') return { kind: 'tag', tag: token.tag };
    if (token.kind === '(') {
      const inner = orExpr();
      if (tokens[pos++]?.kind !== ')') throw new TagFilterError("missing ')'");
      return inner;
    }
    throw new TagFilterError(`unexpected '${token.kind}'`);
  };
  const andExpr = (): TagFilter => {
    let left = primary();
    while (peek()?.kind === 'and') {
      pos++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): TagFilter => {
    let left = andExpr();
    while (peek()?.kind === 'or') {
      pos++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const filter = orExpr();
  if (pos !== tokens.length) throw new TagFilterError(`unexpected '${tokens[pos]?.kind ?? ''}'`);
  return filter;
}

export function evaluateTagFilter(filter: TagFilter, tags: ReadonlySet<string>): boolean {
  switch (filter.kind) {
    case 'tag':
      return tags.has(filter.tag);
    case 'and':
      return evaluateTagFilter(filter.left, tags) && evaluateTagFilter(filter.right, tags);
    case 'or':
      return evaluateTagFilter(filter.left, tags) || evaluateTagFilter(filter.right, tags);
    default: {
      const exhaustive: never = filter;
      throw new Error(`unhandled filter ${JSON.stringify(exhaustive)}`);
    }
  }
}
