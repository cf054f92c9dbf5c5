/**
 * Typed errors. Each carries where it happened (file, object, field, API call) and the process exit code
 * the CLI reports it with. The CLI prints `message` as one line; stacks only with --debug.
 */

/** Documented exit codes (README § Exit codes). */
export const EXIT = {
  ok: 0,
  /** A negative answer: policies differ, a flow is denied, lint found issues, a result is not equivalent, a run failed. */
  failed: 1,
  /** Usage or input error: bad flags, unreadable or malformed input, an untranslatable policy. Nothing was written. */
  input: 2,
  /** Partial success: some items were not processed (e.g. servers not admitted). */
  partial: 3,
  /** Interrupted: a second SIGINT/SIGTERM quits at once (128 + SIGINT, as a shell reports Ctrl-C). */
  interrupted: 130,
} as const;

export abstract class RuleportError extends Error {
  abstract readonly exitCode: number;
}

/** Where in an input a problem sits: `file`, then a path to the object, then the field. */
export interface InputLocation {
  readonly file?: string;
  readonly object?: string;
  readonly field?: string;
}

export function formatLocation(loc: InputLocation): string {
  const parts = [loc.file, loc.object, loc.field].filter((p): p is string => !!p);
  return parts.join(': ');
}

/** Malformed or inconsistent input: a file, a flag, a location, a config key. */
export class InputError extends RuleportError {
  readonly exitCode = EXIT.input;
  constructor(
    readonly location: InputLocation,
    readonly problem: string,
  ) {
    const where = formatLocation(location);
    super(where ? `${where}: ${problem}` : problem);
    this.name = 'InputError';
  }
}

/** A policy (or part of one) that the target platform cannot express without changing what it allows. */
export class UnsupportedError extends RuleportError {
  readonly exitCode = EXIT.input;
  constructor(
    readonly platform: string,
    readonly subject: string,
    readonly problem: string,
  ) {
    super(`${platform}: ${subject}: ${problem}`);
    this.name = 'UnsupportedError';
  }
}

/** A remote call that failed after the retries that were safe: names the call. */
export class RemoteError extends RuleportError {
  readonly exitCode = EXIT.failed;
  constructor(
    readonly service: string,
    readonly call: string,
    readonly problem: string,
    readonly status?: number,
  ) {
    super(`${service} ${call}: ${problem}`);
    this.name = 'RemoteError';
  }
}

/** A result that was checked and found wrong (e.g. verification after apply). */
export class VerificationError extends RuleportError {
  readonly exitCode = EXIT.failed;
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}
