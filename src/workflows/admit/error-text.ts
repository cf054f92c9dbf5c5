/** The one-line message of anything thrown, for a report row or a warning. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
