/**
 * Test helpers for the PAN-OS simulator conformance tests. XML is compared structurally (after
 * parsing with fast-xml-parser, not with the simulator's own parser), so quote style and whitespace
 * between elements do not matter. In expected XML, a text or attribute value of `{{*}}` matches
 * anything.
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { PanosSim } from '../../../sim/panos/index.js';

export const WILDCARD = '{{*}}';

export const VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";
export const RULES = `${VSYS}/rulebase/security/rules`;
export const ADDRESS = `${VSYS}/address`;
export const ADDRESS_GROUP = `${VSYS}/address-group`;

export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/panos/${name}`, import.meta.url), 'utf8');
}

export interface Node {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: Node[];
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

type Parsed = Array<Record<string, unknown>>;

function convert(item: Record<string, unknown>): Node | undefined {
  const name = Object.keys(item).find((key) => key !== ':@');
  if (name === undefined || name === '#text') return undefined;
  const attrs = { ...((item[':@'] as Record<string, string> | undefined) ?? {}) };
  const node: Node = { name, attrs, text: '', children: [] };
  for (const child of item[name] as Parsed) {
    if ('#text' in child) node.text += String(child['#text']);
    else {
      const converted = convert(child);
      if (converted !== undefined) node.children.push(converted);
    }
  }
  return node;
}

export function parseXml(xml: string): Node {
  const roots = (parser.parse(xml) as Parsed).map(convert).filter((node): node is Node => node !== undefined);
  expect(roots, `one root element in: ${xml}`).toHaveLength(1);
  return roots[0] as Node;
}

/** Copies wildcard positions from `actual` into `expected`, so `toEqual` diffs only real differences. */
function fillWildcards(expected: Node, actual: Node | undefined): Node {
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(expected.attrs)) {
    attrs[key] = value === WILDCARD && actual?.attrs[key] !== undefined ? actual.attrs[key] : value;
  }
  return {
    name: expected.name,
    attrs,
    text: expected.text === WILDCARD && actual !== undefined ? actual.text : expected.text,
    children: expected.children.map((child, i) => fillWildcards(child, actual?.children[i])),
  };
}

/** Exact structural equality (modulo wildcards). */
export function expectXml(actualXml: string, expectedXml: string): Node {
  const actual = parseXml(actualXml);
  expect(actual).toEqual(fillWildcards(parseXml(expectedXml), actual));
  return actual;
}

/**
 * Every element and attribute of `expected` appears in `actual`, children in the same relative
 * order (extra fields in `actual` are allowed: devices add bookkeeping fields).
 */
function subset(expected: Node, actual: Node, path: string): void {
  expect(actual.name, path).toBe(expected.name);
  for (const [key, value] of Object.entries(expected.attrs)) {
    if (value === WILDCARD) expect(actual.attrs[key], `${path}/@${key}`).toBeDefined();
    else expect(actual.attrs[key], `${path}/@${key}`).toBe(value);
  }
  if (expected.text !== WILDCARD) expect(actual.text, `${path} text`).toBe(expected.text);
  let from = 0;
  for (const child of expected.children) {
    const index = actual.children.findIndex((candidate, i) => i >= from && candidate.name === child.name);
    expect(index, `${path}/${child.name} present`).toBeGreaterThanOrEqual(0);
    subset(child, actual.children[index] as Node, `${path}/${child.name}`);
    from = index + 1;
  }
}

export function expectXmlSubset(actualXml: string, expectedXml: string): Node {
  const actual = parseXml(actualXml);
  subset(parseXml(expectedXml), actual, actual.name);
  return actual;
}

export function child(node: Node | undefined, ...names: string[]): Node | undefined {
  let current = node;
  for (const name of names) current = current?.children.find((c) => c.name === name);
  return current;
}

export function texts(node: Node | undefined, name: string): string[] {
  return (node?.children ?? []).filter((c) => c.name === name).map((c) => c.text);
}

export interface ApiResult {
  status: number;
  body: string;
  contentType: string | null;
}

export type Transport = 'header' | 'param' | 'basic' | 'none';

export interface CallOptions {
  key?: string;
  transport?: Transport;
  basic?: { user: string; password: string };
  method?: 'GET' | 'POST';
}

/** One API call. POST with a form body by default (what a careful client does). */
export async function call(sim: PanosSim, params: Record<string, string>, options: CallOptions = {}): Promise<ApiResult> {
  const headers: Record<string, string> = {};
  const all = { ...params };
  const transport = options.transport ?? (options.key === undefined ? 'none' : 'header');
  if (transport === 'header' && options.key !== undefined) headers['X-PAN-KEY'] = options.key;
  if (transport === 'param' && options.key !== undefined) all['key'] = options.key;
  if (transport === 'basic' && options.basic !== undefined) {
    headers['Authorization'] = `Basic ${Buffer.from(`${options.basic.user}:${options.basic.password}`).toString('base64')}`;
  }
  const form = new URLSearchParams(all);
  const response =
    options.method === 'GET'
      ? await fetch(`${sim.url}/api/?${form.toString()}`, { headers })
      : await fetch(`${sim.url}/api/`, { method: 'POST', headers, body: form });
  return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') };
}

export async function keygen(sim: PanosSim, user = 'admin', password = 'admin'): Promise<string> {
  const result = await call(sim, { type: 'keygen', user, password });
  const key = child(parseXml(result.body), 'result', 'key')?.text;
  if (key === undefined) throw new Error(`keygen failed: ${result.body}`);
  return key;
}

/** A client bound to one key. */
export function client(sim: PanosSim, key: string) {
  const run = async (params: Record<string, string>): Promise<ApiResult> => call(sim, params, { key });
  return {
    run,
    config: (action: string, params: Record<string, string>) => run({ type: 'config', action, ...params }),
    op: (cmd: string) => run({ type: 'op', cmd }),
    commit: (cmd = '<commit></commit>') => run({ type: 'commit', cmd }),
    userId: (cmd: string) => run({ type: 'user-id', cmd }),
    /** Commits and waits for the job to finish; returns the final `<job>`. */
    async commitAndWait(cmd = '<commit></commit>'): Promise<Node> {
      const enqueued = parseXml((await run({ type: 'commit', cmd })).body);
      const id = child(enqueued, 'result', 'job')?.text;
      if (id === undefined) throw new Error(`commit was not enqueued: ${JSON.stringify(enqueued)}`);
      return waitForJob(run, id);
    },
  };
}

/**
 * Polls `show jobs` until the job is FIN. No wall-clock cap of its own: a loaded machine may take long, and a job
 * that never finishes is caught by the test's timeout.
 */
export async function waitForJob(run: (params: Record<string, string>) => Promise<ApiResult>, id: string): Promise<Node> {
  for (;;) {
    const job = child(parseXml((await run({ type: 'op', cmd: `<show><jobs><id>${id}</id></jobs></show>` })).body), 'result', 'job');
    if (job === undefined) throw new Error(`no job ${id}`);
    if (child(job, 'status')?.text === 'FIN') return job as Node;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `<test><security-policy-match>` with the given fields (field names as in the XML). */
export function policyMatchCmd(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => `<${name}>${String(value)}</${name}>`)
    .join('');
  return `<test><security-policy-match>${body}</security-policy-match></test>`;
}
