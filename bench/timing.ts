/** Runs `f` once and returns its result and the wall time it took, in milliseconds. */
export function time<T>(f: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = f();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}

/** Awaits `f` once and returns its result and the wall time it took, in milliseconds. */
export async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const r = await f();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
}
