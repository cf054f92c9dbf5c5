import type { Command } from 'commander';
import { InputError } from '../../model/index.js';
import { planHaloConversion, type HaloPlatformChoice } from '../../workflows/convert-halo.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { runConversion, type ConversionFlags } from '../convert-output.js';
import { parseRefMap } from '../ref-map.js';
import { zoneReadOptions, type ZoneFlags } from '../zone-options.js';
import type { ConvertTarget } from './convert.js';
import { addSharedOptions } from './convert-options.js';

interface ToHaloFlags extends ConversionFlags, ZoneFlags {
  readonly out?: string;
  readonly dest?: string;
  readonly destPrefix?: string;
  readonly platform?: string;
  readonly mapGroup?: string[];
  readonly resolveRefs?: boolean;
  readonly update?: boolean;
  readonly allRegions?: boolean;
}

const PLATFORMS: readonly HaloPlatformChoice[] = ['linux', 'windows', 'all'];

/**
 * `--to halo`: security groups (or any policy) → Halo firewall policies, live (`--halo-url`, `--auth`) or to a
 * policy JSON file (`--out`, no API).
 */
export const haloConvertTarget: ConvertTarget = {
  syntax: 'halo',
  matches: (to) => to === 'halo',
  addOptions(cmd: Command): void {
    addSharedOptions(cmd, 'out', 'dest', 'destPrefix', 'mapGroup', 'update', 'journal', 'allRegions', 'resolveRefs');
    cmd.option('--platform <os>', 'Halo policy platform: linux, windows, or all (two policies: -linux and -windows)', 'linux');
  },
  async run(source: string, _to: string, opts: GlobalOptions & Record<string, unknown>, env: CommandEnv): Promise<void> {
    const o = opts as ToHaloFlags;
    const platform = (o.platform ?? 'linux') as HaloPlatformChoice;
    if (!PLATFORMS.includes(platform)) throw new InputError({ field: '--platform' }, `expected linux, windows or all, got ${JSON.stringify(o.platform)}`);
    const conv = await planHaloConversion(
      {
        source,
        read: zoneReadOptions(o),
        ...(o.dest !== undefined ? { dest: o.dest } : {}),
        ...(o.destPrefix !== undefined ? { destPrefix: o.destPrefix } : {}),
        platform,
        mapRef: parseRefMap(o.mapGroup ?? []),
        resolveRefs: !!o.resolveRefs,
        update: !!o.update,
        allowLossy: !!o.allowLossy,
        allRegions: !!o.allRegions,
        ...(o.out !== undefined ? { out: o.out } : {}),
        planOnly: !!o.dryRun,
      },
      { ctx: env.context(o) },
    );
    await runConversion(conv, o, env);
  },
};
