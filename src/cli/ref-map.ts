import { InputError } from '../model/index.js';

/**
 * `--map-group a=b` pairs: references named `a` on one side stand for `b` on the other. Both names are
 * rewritten to one canonical key so that either side's spelling meets: a security group reference read from
 * AWS carries its owner (`sg-0abc@123456789012`), and matches a target written without it (`b` = `sg-0abc`).
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
  const targets = new Set(map.values());
  return (key: string): string => {
    const colon = key.indexOf(':');
    const ref = key.slice(colon + 1);
    const bare = ref.split('@')[0]!;
    const target = map.get(ref) ?? map.get(bare) ?? (targets.has(bare) ? bare : undefined);
    return target === undefined ? key : `${key.slice(0, colon)}:${target}`;
  };
}
