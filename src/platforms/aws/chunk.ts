/** Splits a list into chunks of at most `size` (AWS caps ids and filter values per request). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The most values AWS accepts in one filter or id list. */
export const MAX_FILTER_VALUES = 200;
