/**
 * `--from` / `--to`: a group id, a name, or a path (`prod/web`). Halo compares names case-insensitively and
 * lets two groups under different parents share a name, so a bare name that matches several is an error
 * that lists their paths.
 */
import { InputError } from '../../model/index.js';
import type { HaloGroup } from '../../platforms/halo/servers-client.js';

export function resolveGroup(groups: readonly HaloGroup[], ref: string, flag: string): HaloGroup {
  const wanted = ref.trim();
  const byId = groups.find((g) => g.id === wanted);
  if (byId) return byId;
  const lower = wanted.toLowerCase().replace(/^\/+|\/+$/g, '');
  const matches = wanted.includes('/')
    ? groups.filter((g) => g.path.toLowerCase() === lower)
    : groups.filter((g) => g.name.toLowerCase() === lower);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new InputError({ field: flag }, `group ${JSON.stringify(ref)} is ambiguous: ${matches.map((g) => g.path).join(', ')} (give the path or id)`);
  }
  const known = groups.map((g) => g.path).sort();
  const shown = known.length > 20 ? `${known.slice(0, 20).join(', ')}, …` : known.join(', ');
  throw new InputError({ field: flag }, `no Halo group ${JSON.stringify(ref)} (have: ${shown || 'none'})`);
}
