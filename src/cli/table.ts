import { printableLine } from './printable.js';

/** A plain aligned text table: headings, a rule line, rows. Cells are single-line: a line break in one is shown as `\n`. */
export function table(headings: readonly string[], givenRows: ReadonlyArray<readonly string[]>): string {
  const rows = givenRows.map((r) => r.map(printableLine));
  const widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headings), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
