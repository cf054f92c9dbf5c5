/**
 * How an error is written into the response envelope:
 * - `lines`: `<response status="error" code="N"><msg><line>…</line></msg></response>` (HTTP 200, config/op errors);
 * - `result-msg`: `<response status="error" code="N"><result><msg>…</msg></result></response>` (auth and
 *   malformed-request errors, which carry a non-200 HTTP status).
 */
export type ErrorShape = 'lines' | 'result-msg';

/** An API-level failure, carrying everything the envelope needs. Thrown by handlers, rendered by the router. */
export class PanosApiError extends Error {
  readonly code: number | undefined;
  readonly httpStatus: number;
  readonly lines: readonly string[];
  readonly shape: ErrorShape;

  constructor(
    code: number | undefined,
    lines: string | readonly string[],
    options: { httpStatus?: number; shape?: ErrorShape } = {},
  ) {
    const all = typeof lines === 'string' ? [lines] : lines;
    super(all.join('\n'));
    this.name = 'PanosApiError';
    this.code = code;
    this.lines = all;
    this.httpStatus = options.httpStatus ?? 200;
    this.shape = options.shape ?? 'lines';
  }
}

/** The documented numeric codes the simulator emits (reference: "Error codes"). */
export const ErrorCode = {
  UnknownCommand: 1,
  BadXpath: 6,
  ObjectNotPresent: 7,
  ObjectNotUnique: 8,
  ReferenceCountNotZero: 10,
  InvalidObject: 12,
  ObjectNotFound: 13,
  OperationNotPossible: 14,
  InvalidCommand: 17,
  MalformedCommand: 18,
} as const;

export const badXpath = (detail: string): PanosApiError => new PanosApiError(ErrorCode.BadXpath, `Bad xpath: ${detail}`);
export const notUnique = (detail: string): PanosApiError => new PanosApiError(ErrorCode.ObjectNotUnique, detail);
export const invalidObject = (detail: string): PanosApiError => new PanosApiError(ErrorCode.InvalidObject, detail);
export const objectNotFound = (detail: string): PanosApiError => new PanosApiError(ErrorCode.ObjectNotFound, detail);
export const notPossible = (detail: string): PanosApiError => new PanosApiError(ErrorCode.OperationNotPossible, detail);
export const invalidCommand = (detail: string): PanosApiError => new PanosApiError(ErrorCode.InvalidCommand, detail);
export const malformedCommand = (detail: string): PanosApiError => new PanosApiError(ErrorCode.MalformedCommand, detail);

/** Lock and busy conditions: no code, clients recognise them by the documented message text. */
export const contention = (message: string): PanosApiError => new PanosApiError(undefined, message);

/** HTTP 400 for requests the API cannot even route (missing/illegal parameters). */
export const badRequest = (message: string): PanosApiError =>
  new PanosApiError(400, message, { httpStatus: 400, shape: 'result-msg' });

/** HTTP 403 with the documented body. */
export const invalidCredential = (): PanosApiError =>
  new PanosApiError(403, 'Invalid Credential', { httpStatus: 403, shape: 'result-msg' });
