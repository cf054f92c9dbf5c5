/**
 * What the simulator records about each request, for tests to assert on call patterns (retries, pagination,
 * concurrency). It never holds credentials: headers are not recorded and sensitive query values are redacted.
 */

export interface RequestLogEntry {
  /** Simulated time the request arrived, ISO 8601. */
  readonly time: string;
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  /** The query string without `?`, sensitive values replaced by `REDACTED`; '' when none. */
  readonly query: string;
  readonly status: number;
}

const SENSITIVE = /token|secret|password|key/i;

/** The query string with the value of any parameter whose name looks sensitive replaced. */
export function redactQuery(search: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const [name, value] of search) out.append(name, SENSITIVE.test(name) ? 'REDACTED' : value);
  return out.toString();
}
