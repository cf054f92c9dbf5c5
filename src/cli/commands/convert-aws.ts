import type { Command } from 'commander';
import { InputError } from '../../model/index.js';
import { planSgConversion, type SgTarget } from '../../workflows/convert-to-sg.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { runConversion, type ConversionFlags } from '../convert-output.js';
import { parseRefMap } from '../ref-map.js';
import { zoneReadOptions, type ZoneFlags } from '../zone-options.js';
import type { ConvertTarget } from './convert.js';
import { addSharedOptions } from './convert-options.js';

interface ToSgFlags extends ConversionFlags, ZoneFlags {
  readonly out?: string;
  readonly vpc?: string;
  readonly dest?: string;
  readonly destPrefix?: string;
  readonly mapGroup?: string[];
  readonly update?: boolean;
}

const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * `--to aws:REGION --vpc vpc-…` (live security groups) or `--to aws-sg --out sgs.json` (a describe-security-groups
 * file, no API): Halo policies (or any policy) → security groups.
 */
export const awsConvertTarget: ConvertTarget = {
  syntax: 'aws:REGION (with --vpc) | aws-sg (with --out)',
  matches: (to) => to === 'aws-sg' || to.startsWith('aws:'),
  addOptions(cmd: Command): void {
    addSharedOptions(cmd, 'out', 'dest', 'destPrefix', 'mapGroup', 'update', 'journal');
    cmd.option('--vpc <id>', 'the VPC the security groups go into (aws:REGION targets)');
  },
  async run(source: string, to: string, opts: GlobalOptions & Record<string, unknown>, env: CommandEnv): Promise<void> {
    const o = opts as ToSgFlags;
    if (o.vpc !== undefined && !VPC_ID.test(o.vpc)) throw new InputError({ field: '--vpc' }, `${JSON.stringify(o.vpc)} is not a VPC id`);
    let target: SgTarget;
    if (to === 'aws-sg') {
      if (o.out === undefined) throw new InputError({ field: '--out' }, '--to aws-sg writes a file: give --out FILE (or --to aws:REGION --vpc vpc-… for live groups)');
      target = { kind: 'file', out: o.out, ...(o.vpc !== undefined ? { vpc: o.vpc } : {}) };
    } else {
      if (o.out !== undefined) throw new InputError({ field: '--out' }, 'writes a file: use --to aws-sg --out FILE');
      const region = to.slice('aws:'.length) || o.region;
      if (!region) throw new InputError({ field: '--to' }, 'name the region: --to aws:REGION');
      if (o.vpc === undefined) throw new InputError({ field: '--vpc' }, `required with --to ${to}: the VPC the security groups go into`);
      target = { kind: 'live', region, vpc: o.vpc };
    }
    // --map-group pairs are written sg=group; read from the Halo side they map group → sg.
    const pairs = o.mapGroup ?? [];
    parseRefMap(pairs);
    const reversed = pairs.map((p) => `${p.slice(p.indexOf('=') + 1)}=${p.slice(0, p.indexOf('='))}`);
    const conv = await planSgConversion(
      {
        source,
        read: zoneReadOptions(o),
        target,
        ...(o.dest !== undefined ? { dest: o.dest } : {}),
        ...(o.destPrefix !== undefined ? { destPrefix: o.destPrefix } : {}),
        mapRef: parseRefMap(reversed),
        update: !!o.update,
        allowLossy: !!o.allowLossy,
      },
      { ctx: env.context(o) },
    );
    await runConversion(conv, o, env);
  },
};
