/**
 * Turns the first zod issue of an AWS describe-* document into an InputError naming the file, the object
 * (`SecurityGroups[3] (sg-0abc) IpPermissions[1]`) and the field (`IpRanges[0].CidrIp`).
 */
import type { z } from 'zod';
import { InputError } from '../../model/index.js';

/** How one AWS document names its top-level list and its nested rule lists. */
export interface ShapeNames {
  /** Top-level key, e.g. `SecurityGroups`. */
  readonly listKey: string;
  /** Singular used when the document is one bare object, e.g. `SecurityGroup`. */
  readonly singular: string;
  /** Key of an item's id, shown next to its index, e.g. `GroupId`. */
  readonly idKey: string;
  /** Keys of nested lists that are objects of their own in messages, e.g. `IpPermissions`. */
  readonly nestedKeys: readonly string[];
}

/** The label of the i-th item: `SecurityGroups[3] (sg-0abc)`, `[3] (sg-0abc)` for a bare array. */
export function itemLabel(names: ShapeNames, form: DocumentForm, index: number, raw: unknown): string {
  const id = idOf(raw, names.idKey);
  const base = form === 'document' ? `${names.listKey}[${index}]` : form === 'array' ? `[${index}]` : names.singular;
  return id ? `${base} (${id})` : base;
}

/** Which of the accepted wrappings a document used. */
export type DocumentForm = 'document' | 'array' | 'single';

/**
 * Splits the items out of a document: `{List:[…]}`, a bare array, or one bare item. Throws an InputError
 * naming the file when the document is none of these.
 */
export function documentItems(doc: unknown, names: ShapeNames, file: string): { form: DocumentForm; items: unknown[] } {
  if (Array.isArray(doc)) return { form: 'array', items: doc };
  if (doc && typeof doc === 'object') {
    const rec = doc as Record<string, unknown>;
    if (names.listKey in rec) {
      const list = rec[names.listKey];
      if (!Array.isArray(list)) throw new InputError({ file, field: names.listKey }, 'expected a list');
      return { form: 'document', items: list };
    }
    if (names.idKey in rec) return { form: 'single', items: [doc] };
  }
  throw new InputError(
    { file },
    `not an AWS ${names.listKey} document: expected {"${names.listKey}": [...]}, a list of them, or one ${names.singular}`,
  );
}

/**
 * Every item of a describe-* document (any accepted wrapping), checked against `schema` and turned into a result
 * by `convert`, which gets the item's label for its own messages.
 * @throws InputError naming file, item and field for any malformed value.
 */
export function parseDocumentItems<T, R>(doc: unknown, names: ShapeNames, file: string, schema: z.ZodType<T>, convert: (item: T, label: string) => R): R[] {
  const { form, items } = documentItems(doc, names, file);
  return items.map((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw shapeError(file, names, form, index, raw, parsed.error);
    return convert(parsed.data, itemLabel(names, form, index, raw));
  });
}

/** True when `doc` looks like a describe-* document of `listKey` items, a list of items, or one item. */
export function looksLikeDocument(doc: unknown, listKey: string, isItem: (v: unknown) => boolean): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && doc.every(isItem);
  if (!doc || typeof doc !== 'object') return false;
  if (listKey in doc) return Array.isArray((doc as Record<string, unknown>)[listKey]);
  return isItem(doc);
}

/** The InputError for the first issue of a failed item parse. */
export function shapeError(
  file: string,
  names: ShapeNames,
  form: DocumentForm,
  index: number,
  raw: unknown,
  error: z.ZodError,
): InputError {
  const issue = error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p));
  let object = itemLabel(names, form, index, raw);
  let rest = path;
  const [head, idx] = path;
  if (typeof head === 'string' && names.nestedKeys.includes(head) && typeof idx === 'number' && path.length > 2) {
    object = `${object} ${head}[${idx}]`;
    rest = path.slice(2);
  }
  const field = formatPath(rest);
  return new InputError({ file, object, ...(field ? { field } : {}) }, issue?.message ?? 'invalid shape');
}

/** `['IpRanges', 0, 'CidrIp']` → `IpRanges[0].CidrIp`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out;
}

function idOf(raw: unknown, key: string): string | undefined {
  if (raw && typeof raw === 'object') {
    const v = (raw as Record<string, unknown>)[key];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}
