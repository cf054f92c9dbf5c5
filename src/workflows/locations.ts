/**
 * Locations name where a policy lives: a file (`sgs.json`, `sgs.json#sg-0abc`) or a live system
 * (`aws:us-east-1/sg-0abc`, `halo:policy/NAME`, `panos:fw.example.com/vsys1`).
 */
import { InputError, type Policy } from '../model/index.js';
import type { FileParseOptions } from '../platforms/platform.js';
import { FILE_FORMATS } from '../platforms/registry.js';
import type { WorkflowContext } from './context.js';
import { LIVE_SCHEMES } from './live-schemes.js';
import { readInputFile } from '../platforms/read-input.js';

export type Location =
  | { readonly kind: 'file'; readonly path: string; readonly selector?: string; readonly text: string }
  | { readonly kind: 'live'; readonly scheme: string; readonly spec: string; readonly text: string };

/** A live system ruleport can read policies from. */
export interface LiveScheme {
  readonly scheme: string;
  /** One line for help text: the spec syntax. */
  readonly syntax: string;
  load(spec: string, ctx: WorkflowContext, read?: FileParseOptions): Promise<Policy[]>;
}

export function parseLocation(text: string): Location {
  const colon = text.indexOf(':');
  if (colon > 0) {
    const scheme = text.slice(0, colon);
    if (LIVE_SCHEMES.some((s) => s.scheme === scheme)) return { kind: 'live', scheme, spec: text.slice(colon + 1), text };
  }
  const hash = text.lastIndexOf('#');
  if (hash >= 0) return { kind: 'file', path: text.slice(0, hash), selector: text.slice(hash + 1), text };
  return { kind: 'file', path: text, text };
}

/**
 * Reads every policy of a location (narrowed by its selector).
 * @param read reading choices for the formats that have them (the zone pair of a PAN-OS rulebase).
 */
export async function loadPolicies(location: Location, ctx: WorkflowContext, read: FileParseOptions = {}): Promise<Policy[]> {
  const options: FileParseOptions = { warn: (m) => ctx.warn(m), ...read };
  if (location.kind === 'live') {
    const scheme = LIVE_SCHEMES.find((s) => s.scheme === location.scheme)!;
    return scheme.load(location.spec, ctx, options);
  }
  const policies = await loadFile(location.path, options);
  if (location.selector === undefined) return policies;
  const picked = policies.filter((p) => p.meta?.id === location.selector || p.name === location.selector);
  if (picked.length === 0) {
    const known = policies.map((p) => p.meta?.id ?? p.name).join(', ');
    throw new InputError({ file: location.path, object: `#${location.selector}` }, `selector matches no policy (have: ${known || 'none'})`);
  }
  return picked;
}

/** Exactly one policy, or an error asking for a selector. */
export async function loadPolicy(location: Location, ctx: WorkflowContext, read: FileParseOptions = {}): Promise<Policy> {
  const policies = await loadPolicies(location, ctx, read);
  if (policies.length !== 1) {
    const names = policies.map((p) => p.meta?.id ?? p.name).join(', ');
    throw new InputError(
      { file: location.text },
      policies.length === 0 ? 'holds no policy' : `holds ${policies.length} policies (${names}): pick one with #selector`,
    );
  }
  return policies[0]!;
}

async function loadFile(path: string, options: FileParseOptions): Promise<Policy[]> {
  const text = await readInputFile(path);
  let doc: unknown = undefined;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new InputError({ file: path }, `malformed JSON: ${(e as Error).message}`);
    }
  }
  const format = FILE_FORMATS.find((f) => f.detect(doc, text));
  if (!format) {
    const kinds = FILE_FORMATS.map((f) => f.platform).join(', ');
    throw new InputError({ file: path }, `unknown format (expected one of: ${kinds})`);
  }
  return format.parse(doc, text, path, options);
}
