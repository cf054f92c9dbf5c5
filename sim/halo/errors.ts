/**
 * HTTP errors in Halo's documented body shapes. Handlers throw these; the HTTP layer turns them into responses,
 * so a failed write never leaves half an object behind (validation runs before anything is stored).
 */
import { STATUS_CODES } from 'node:http';

/** The `code` of one 422 error item. See README § Validation. */
export type ValidationCode =
  /** A required field is absent or empty. */
  | 'required'
  /** A field has the wrong type, an unknown enum value, or a malformed value. */
  | 'invalid'
  /** A name (or tag) another object already has. */
  | 'taken'
  /** A referenced object (zone, service, interface, group, policy) does not exist. */
  | 'not_found'
  /** A delete (or platform change) refused because other objects still use this one. */
  | 'in_use'
  /** A system object, which cannot be modified or deleted. */
  | 'system_object';

/** One item of a 422 `errors` array: `{"field","value","code","details"}`. */
export interface ValidationItem {
  readonly field: string;
  readonly value: unknown;
  readonly code: ValidationCode;
  readonly details: string;
}

/** An HTTP error response: a status, a JSON body (or none) and extra headers. */
export class HaloHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = 'HaloHttpError';
  }
}

/** `{"code":N,"message":"<reason phrase>"}` — the reference's 500 body, used for every generic status. */
export function statusBody(status: number, details?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { code: status, message: STATUS_CODES[status] ?? 'Error' };
  if (details !== undefined) body['details'] = details;
  return body;
}

export function statusError(status: number, details?: string, headers?: Record<string, string>): HaloHttpError {
  return new HaloHttpError(status, statusBody(status, details), headers);
}

/** 404 `{"resource":"group","field":"id","value":"…"}`. */
export function notFound(resource: string, value: string, field = 'id'): HaloHttpError {
  return new HaloHttpError(404, { resource, field, value });
}

/** 422 `{"message":"Validation Failed","errors":[…]}`. */
export function validationFailed(errors: readonly ValidationItem[]): HaloHttpError {
  return new HaloHttpError(422, { message: 'Validation Failed', errors });
}

export function badRequest(details: string): HaloHttpError {
  return statusError(400, details);
}

/**
 * Collects every validation problem of one request so the 422 lists them all at once, as Halo does,
 * instead of making a client fix them one round trip at a time.
 */
export class Problems {
  private readonly items: ValidationItem[] = [];

  add(field: string, value: unknown, code: ValidationCode, details: string): void {
    // JSON drops `undefined`; the reference always has a `value` key.
    this.items.push({ field, value: value === undefined ? null : value, code, details });
  }

  get count(): number {
    return this.items.length;
  }

  /** Throws the 422 when anything was added. */
  throwIfAny(): void {
    if (this.items.length > 0) throw validationFailed([...this.items]);
  }
}
