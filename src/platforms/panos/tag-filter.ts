/**
 * Dynamic address group filters: quoted tags joined by `and` / `or` (case-insensitive) with parentheses;
 * `and` binds tighter. Pure.
 */

type Filter =
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'and' | 'or'; readonly left: Filter; readonly right: Filter };

/** A compiled filter: true when a set of tags satisfies it. */
export type TagPredicate = (tags: ReadonlySet<string>) => boolean;

/**
 * Compiles a filter such as `'app' and ('prod' or 'staging')`.
 * @throws Error with a one-line reason when the filter does not parse.
 */
export function compileTagFilter(text: string): TagPredicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const expr = (): Filter => {
    let left = term();
    while (peek()?.toLowerCase() === 'or') {
      pos++;
      left = { kind: 'or', left, right: term() };
    }
    return left;
  };
  const term = (): Filter => {
    let left = factor();
    while (peek()?.toLowerCase() === 'and') {
      pos++;
      left = { kind: 'and', left, right: factor() };
    }
    return left;
  };
  const factor = (): Filter => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error('filter ends too early');
    if (t === '(') {
      const inner = expr();
      if (tokens[pos++] !== ')') throw new Error('missing )');
      return inner;
    }
    if (t.startsWith('\x00')) return { kind: 'tag', tag: t.slice(1) };
    throw new Error(`unexpected ${JSON.stringify(t)} (tags are quoted)`);
  };
  const tree = expr();
  if (pos !== tokens.length) throw new Error(`unexpected ${JSON.stringify(tokens[pos])}`);
  return (tags) => evaluate(tree, tags);
}

function evaluate(f: Filter, tags: ReadonlySet<string>): boolean {
  switch (f.kind) {
    case 'tag':
      return tags.has(f.tag);
    case 'and':
      return evaluate(f.left, tags) && evaluate(f.right, tags);
    case 'or':
      return evaluate(f.left, tags) || evaluate(f.right, tags);
    default: {
      const never: never = f;
      throw new Error(`unknown filter ${JSON.stringify(never)}`);
    }
  }
}

/** Tokens: `(`, `)`, words, and quoted tags marked with a leading NUL. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push(c);
      i++;
    } else if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error('unterminated quoted tag');
      out.push(`\x00${text.slice(i + 1, end)}`);
      i = end + 1;
    } else {
      const m = /^[^\s()'"]+/.exec(text.slice(i))!;
      out.push(m[0]);
      i += m[0].length;
    }
  }
  return out;
}
