/** Vitest global setup: starts shared test services once per run and stops them at the end. */
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
