/**
 * `npm run bench [-- area…]`: runs the benchmark modules and prints one table. Figures, not assertions:
 * timing belongs here, never in the test suite.
 */
import { table } from '../src/cli/table.js';

/** One measured figure. */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

/** Every benchmark area; `bench/<area>.ts` exports `run(): Promise<BenchRow[]>`. */
const AREAS = ['engine', 'aws', 'panos', 'halo', 'migrate', 'admit', 'sync'] as const;

const wanted = process.argv.slice(2);
const rows: string[][] = [];
for (const area of AREAS) {
  if (wanted.length > 0 && !wanted.includes(area)) continue;
  let mod: { run(): Promise<BenchRow[]> };
  try {
    mod = (await import(`./${area}.js`)) as { run(): Promise<BenchRow[]> };
  } catch (e) {
    rows.push([area, 'not available', '', (e as Error).message.split('\n')[0]!]);
    continue;
  }
  const started = Date.now();
  process.stderr.write(`bench: ${area}…\n`);
  try {
    for (const r of await mod.run()) rows.push([area, r.name, formatValue(r.value), r.unit]);
  } catch (e) {
    rows.push([area, 'FAILED', '', (e as Error).message.split('\n')[0]!]);
    process.exitCode = 1;
  }
  process.stderr.write(`bench: ${area} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
process.stdout.write(table(['area', 'figure', 'value', 'unit'], rows));

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v < 1 ? v.toPrecision(3) : v.toFixed(2);
}
