import { InputError } from '../model/index.js';

/**
 * `--map-group a=b` pairs: references named `a` on one side stand for `b` on the other. Both names are
 * rewritten to one canonical key so that either side's spelling meets.
 */
export function parseRefMap(pairs: readonly string[]): (key: string) => string {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new InputError({ field: '--map-group' }, `expected a=b, got ${JSON.stringify(pair)}`);
    const from = pair.slice(0, eq);
    const to = pair.slice(eq + 1);
    map.set(from, to);
  }
  return (key: string): string => {
    const colon = key.indexOf(':');
    const ref = key.slice(colon + 1);
    const bare = ref.split('@')[0]!;
    const target = map.get(ref) ?? map.get(bare);
    return target === undefined ? key : `${key.slice(0, colon)}:${target}`;
  };
}
