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

/**
 * Runs `f` once: its result, the wall time and the CPU time the process used meanwhile, both in milliseconds. The
 * CPU time tells how much of the wall time was spent waiting for a core on a busy machine (GC threads count in both).
 */
export function timeWithCpu<T>(f: () => T): [T, number, number] {
  const c = process.cpuUsage();
  const [r, ms] = time(f);
  const used = process.cpuUsage(c);
  return [r, ms, (used.user + used.system) / 1000];
}
