import type { Command } from 'commander';
import { compare, type Comparison } from '../../engine/index.js';
import { EXIT, type Policy } from '../../model/index.js';
import { comparableSides } from '../../workflows/comparable-sides.js';
import { loadPolicy, parseLocation } from '../../workflows/locations.js';
import { statefulnessCaveats } from '../../workflows/statefulness.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { describeRegion, regionJson } from '../describe.js';
import { toJson } from '../io.js';
import { parseRefMap } from '../ref-map.js';
import { addZoneOptions, zoneReadOptions, type ZoneFlags } from '../zone-options.js';

interface DiffOptions extends GlobalOptions, ZoneFlags {
  readonly mapGroup?: string[];
  readonly limit: string;
}

/**
 * `ruleport diff <a> <b>`: semantic comparison; exit 0 equal, 1 different. A security group against a PAN-OS
 * rulebase is read with the group as its rules' local side (./../../workflows/comparable-sides.ts).
 */
export function registerDiff(program: Command, env: CommandEnv): void {
  addZoneOptions(program.command('diff'))
    .description('compare what two policies allow; exit 0 when equivalent, 1 when they differ')
    .argument('<a>', 'first location')
    .argument('<b>', 'second location')
    .option('--map-group <a=b...>', 'treat group reference a (first side) as b (second side)')
    .option('--limit <n>', 'most differing regions listed per side', '50')
    .action(async (a: string, b: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DiffOptions>();
      const ctx = env.context(opts);
      const read = zoneReadOptions(opts);
      const [loadedA, loadedB] = await Promise.all([loadPolicy(parseLocation(a), ctx, read), loadPolicy(parseLocation(b), ctx, read)]);
      const { a: pa, b: pb, mapRef } = comparableSides(loadedA, loadedB, parseRefMap(opts.mapGroup ?? []));
      const result = compare(pa, pb, { mapRef, limit: Number(opts.limit) || 50 });
      env.io.stdout.write(opts.json ? `${toJson(diffJson(pa, pb, result))}\n` : renderDiff(pa, pb, result));
      env.setExit(result.equivalent ? EXIT.ok : EXIT.failed);
    });
}

export function diffJson(a: Policy, b: Policy, r: Comparison): object {
  const side = (list: Comparison['onlyA']) => list.map(regionJson);
  return {
    equivalent: r.equivalent,
    a: a.name,
    b: b.name,
    directions: r.directions,
    skippedDirections: r.skipped,
    onlyA: side(r.onlyA),
    onlyB: side(r.onlyB),
    truncated: r.truncated,
    caveats: statefulnessCaveats(a, b),
  };
}

export function renderDiff(a: Policy, b: Policy, r: Comparison): string {
  const lines: string[] = [];
  if (r.skipped.length > 0) lines.push(`note: ${r.skipped.join(', ')} not compared (only one side governs it)`);
  if (r.equivalent) {
    lines.push(`equivalent: ${a.name} and ${b.name} allow exactly the same flows (${r.directions.join(', ')})`);
  } else {
    lines.push(`different: ${a.name} and ${b.name} do not allow the same flows`);
    for (const d of r.onlyA) lines.push(`  only ${a.name} allows: ${describeRegion(d)}`);
    for (const d of r.onlyB) lines.push(`  only ${b.name} allows: ${describeRegion(d)}`);
    if (r.truncated) lines.push('  … more differences not listed (raise --limit)');
  }
  for (const c of statefulnessCaveats(a, b)) lines.push(`caveat: ${c.text}`);
  return `${lines.join('\n')}\n`;
}
