import { badXpath, notUnique } from './errors.js';
import { el, type XmlElement } from './xml-tree.js';

/** One location step: an element name and, optionally, the `[@name='…']` predicate. */
export interface XpathStep {
  readonly name: string;
  readonly entryName?: string;
}

const STEP_NAME = /[A-Za-z_][-A-Za-z0-9_.]*/y;
const PREDICATE_OPEN = '[@name=';

/**
 * Parses the strict xpath subset PAN-OS clients use: an absolute path of element steps, each with
 * an optional `[@name='x']` or `[@name="x"]` predicate. The quoted value is taken literally (XPath 1.0
 * has no escapes), so `[@name='a]/../b']` names the entry `a]/../b`. Anything else — relative paths,
 * `//`, `..`, `*`, positional or other predicates, functions, whitespace — is code 6.
 */
export function parseXpath(xpath: string): XpathStep[] {
  if (!xpath.startsWith('/')) throw badXpath(`'${xpath}' is not an absolute path`);
  const steps: XpathStep[] = [];
  let pos = 0;
  while (pos < xpath.length) {
    if (xpath.charAt(pos) !== '/') throw badXpath(`expected '/' at offset ${pos}`);
    pos++;
    STEP_NAME.lastIndex = pos;
    const match = STEP_NAME.exec(xpath);
    if (match === null) throw badXpath(`expected an element name at offset ${pos}`);
    const name = match[0];
    pos += name.length;
    if (xpath.charAt(pos) !== '[') {
      steps.push({ name });
      continue;
    }
    if (!xpath.startsWith(PREDICATE_OPEN, pos)) {
      throw badXpath(`only [@name='…'] predicates are supported (offset ${pos})`);
    }
    pos += PREDICATE_OPEN.length;
    const quote = xpath.charAt(pos);
    if (quote !== "'" && quote !== '"') throw badXpath(`predicate value must be quoted (offset ${pos})`);
    const close = xpath.indexOf(quote, pos + 1);
    if (close === -1) throw badXpath(`unterminated quoted name (offset ${pos})`);
    const entryName = xpath.slice(pos + 1, close);
    pos = close + 1;
    if (xpath.charAt(pos) !== ']') throw badXpath(`expected ']' after the quoted name (offset ${pos})`);
    pos++;
    steps.push({ name, entryName });
  }
  if (steps.length === 0) throw badXpath('empty path');
  return steps;
}

/** Quotes a name for a predicate; a name holding both quote characters cannot be addressed in XPath 1.0. */
export function quoteName(name: string): string {
  if (!name.includes("'")) return `'${name}'`;
  if (!name.includes('"')) return `"${name}"`;
  throw badXpath('a name containing both quote characters cannot be addressed');
}

export function formatXpath(steps: readonly XpathStep[]): string {
  return steps
    .map((step) => (step.entryName === undefined ? `/${step.name}` : `/${step.name}[@name=${quoteName(step.entryName)}]`))
    .join('');
}

function stepMatches(node: XmlElement, step: XpathStep): boolean {
  return node.name === step.name && (step.entryName === undefined || node.attrs['name'] === step.entryName);
}

/** A selected node with its ancestors (root first), so callers can reach the parent and nearest entry. */
export interface XpathHit {
  readonly node: XmlElement;
  readonly ancestors: readonly XmlElement[];
}

/** Every node the path selects (reads may select several, e.g. `…/address/entry`). */
export function selectAll(root: XmlElement, steps: readonly XpathStep[]): XpathHit[] {
  const [first, ...rest] = steps;
  if (first === undefined || !stepMatches(root, first)) return [];
  let hits: XpathHit[] = [{ node: root, ancestors: [] }];
  for (const step of rest) {
    const next: XpathHit[] = [];
    for (const hit of hits) {
      const ancestors = [...hit.ancestors, hit.node];
      for (const child of hit.node.children) if (stepMatches(child, step)) next.push({ node: child, ancestors });
    }
    hits = next;
  }
  return hits;
}

/**
 * The single node a mutation addresses, or undefined when absent. More than one match is code 8:
 * a write must never fan out over nodes the caller did not name.
 */
export function selectOne(root: XmlElement, steps: readonly XpathStep[]): XpathHit | undefined {
  const hits = selectAll(root, steps);
  if (hits.length > 1) throw notUnique(`${formatXpath(steps)} matches ${hits.length} nodes`);
  return hits[0];
}

/**
 * Like {@link selectOne}, but creates missing nodes along the path the way `set`/`edit` do. A missing
 * `entry` step without a name predicate cannot be created (code 6).
 */
export function selectOrCreate(root: XmlElement, steps: readonly XpathStep[]): XpathHit {
  const [first, ...rest] = steps;
  if (first === undefined || !stepMatches(root, first)) throw badXpath(`the path must start at /${root.name}`);
  let node = root;
  const ancestors: XmlElement[] = [];
  // Walk the existing part first so that no node is created when the path is rejected.
  let index = 0;
  for (; index < rest.length; index++) {
    const step = rest[index] as XpathStep;
    const matches = node.children.filter((child) => stepMatches(child, step));
    if (matches.length > 1) throw notUnique(`${formatXpath(steps)} matches more than one <${step.name}>`);
    const next = matches[0];
    if (next === undefined) break;
    ancestors.push(node);
    node = next;
  }
  const missing = rest.slice(index);
  const unnamed = missing.find((step) => step.name === 'entry' && step.entryName === undefined);
  if (unnamed !== undefined) throw badXpath(`cannot create an entry without a name (${formatXpath(steps)})`);
  for (const step of missing) {
    const created = el(step.name, step.entryName === undefined ? {} : { name: step.entryName });
    node.children.push(created);
    ancestors.push(node);
    node = created;
  }
  return { node, ancestors };
}
