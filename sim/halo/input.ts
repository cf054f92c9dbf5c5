/**
 * Reading request bodies field by field. Every reader reports into a Problems collector instead of throwing,
 * so one 422 lists every problem of the request.
 */
import { badRequest, type Problems } from './errors.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"<key>":{…}}` → the inner object; anything else is a 400 (the request is not the documented shape). */
export function unwrap(body: unknown, key: string): JsonObject {
  if (!isObject(body) || !isObject(body[key])) {
    throw badRequest(`request body must be a JSON object of the form {"${key}":{…}}`);
  }
  return body[key];
}

export function has(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key) && obj[key] !== undefined;
}

/** "ip_address" → "Ip address": the wording of the reference's `"details":"Name required"`. */
export function label(field: string): string {
  const last = field.replace(/^.*\./, '').replace(/_/g, ' ');
  return last.charAt(0).toUpperCase() + last.slice(1);
}

export interface StringOptions {
  readonly required?: boolean;
  readonly nullable?: boolean;
  readonly maxLength?: number;
}

/**
 * A string field. Returns undefined when absent (or when invalid, after reporting it), null when null and
 * nullable. A required field that is absent, null or blank is `required`.
 */
export function readString(
  obj: JsonObject,
  key: string,
  problems: Problems,
  field: string,
  opts: StringOptions = {},
): string | null | undefined {
  const value = obj[key];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '' && opts.required)) {
    if (opts.required) {
      problems.add(field, value ?? null, 'required', `${label(field)} required`);
      return undefined;
    }
    if (value === null) {
      if (opts.nullable) return null;
      problems.add(field, null, 'invalid', `${label(field)} must be a string`);
    }
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.add(field, value, 'invalid', `${label(field)} must be a string`);
    return undefined;
  }
  if (opts.maxLength !== undefined && value.length > opts.maxLength) {
    problems.add(field, value, 'invalid', `${label(field)} must be at most ${opts.maxLength} characters`);
    return undefined;
  }
  return value;
}

export function readBoolean(obj: JsonObject, key: string, problems: Problems, field: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    problems.add(field, value, 'invalid', `${label(field)} must be true or false`);
    return undefined;
  }
  return value;
}

export function readEnum<T extends string>(
  obj: JsonObject,
  key: string,
  values: readonly T[],
  problems: Problems,
  field: string,
  required: boolean,
): T | undefined {
  const value = obj[key];
  if (value === undefined || value === null || value === '') {
    if (required) problems.add(field, value ?? null, 'required', `${label(field)} required`);
    return undefined;
  }
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    problems.add(field, value, 'invalid', `${label(field)} must be one of ${values.join(', ')}`);
    return undefined;
  }
  return value as T;
}

/** An id reference given as `"id"` or `{"id":"…"}` (the reference says to accept both); null = any. */
export function readIdRef(
  obj: JsonObject,
  key: string,
  problems: Problems,
  field: string,
): { id: string } | { name: string } | null | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value === 'string') return { id: value };
  if (isObject(value)) {
    if (typeof value['id'] === 'string' && value['id'] !== '') return { id: value['id'] };
    if (typeof value['name'] === 'string' && value['name'] !== '') return { name: value['name'] };
  }
  problems.add(field, value, 'invalid', `${label(field)} must be an id string or {"id":"…"}`);
  return undefined;
}
