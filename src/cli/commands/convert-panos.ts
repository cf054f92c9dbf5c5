import type { Command } from 'commander';
import { InputError } from '../../model/index.js';
import { SERVICE_MODES, type ServiceMode } from '../../platforms/panos/render.js';
import { planPanosConversion } from '../../workflows/convert-panos.js';
import { parseDuration } from '../../workflows/duration.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { runConversion, type ConversionFlags } from '../convert-output.js';
import { parseRefMap } from '../ref-map.js';
import { zoneReadOptions, type ZoneFlags } from '../zone-options.js';
import type { ConvertTarget } from './convert.js';
import { addSharedOptions } from './convert-options.js';

interface ToPanosFlags extends ConversionFlags, ZoneFlags {
  readonly out?: string;
  readonly mapGroup?: string[];
  readonly resolveRefs?: boolean;
  readonly below?: string;
  readonly serviceMode?: string;
  readonly rulePrefix?: string;
  readonly profileGroup?: string;
  readonly partialCommit?: boolean;
  readonly commitTimeout?: string;
}

/**
 * `--to panos:HOST[/vsysN]`: any policy → PAN-OS security rules for a zone pair, placed above a bottom rule and
 * committed once; or `--to panos --out FILE` (configuration XML for `.xml`, CLI set commands otherwise).
 */
export const panosConvertTarget: ConvertTarget = {
  syntax: 'panos:HOST[/vsysN] | panos --out FILE',
  matches: (to) => to === 'panos' || to.startsWith('panos:'),
  addOptions(cmd: Command): void {
    addSharedOptions(cmd, 'out', 'mapGroup', 'journal', 'resolveRefs');
    cmd
      .option('--below <rule>', 'panos: place the new rules just above this rule (the bottom / clean-up rule)')
      .option('--service-mode <mode>', 'panos: application-default (App-IDs on their standard ports) or explicit (port-only service objects)', 'application-default')
      .option('--rule-prefix <prefix>', 'panos: rules are named PREFIX-1, PREFIX-2… (default: the source policy id)')
      .option('--profile-group <name>', 'panos: security-profile group set on every rule')
      .option('--partial-commit', "panos: commit only ruleport's administrator's changes")
      .option('--commit-timeout <duration>', 'panos: how long to wait for the commit job, e.g. 15m', '15m');
  },
  async run(source: string, to: string, opts: GlobalOptions & Record<string, unknown>, env: CommandEnv): Promise<void> {
    const o = opts as ToPanosFlags;
    const serviceMode = (o.serviceMode ?? 'application-default') as ServiceMode;
    if (!SERVICE_MODES.includes(serviceMode)) throw new InputError({ field: '--service-mode' }, `expected ${SERVICE_MODES.join(' or ')}, got ${JSON.stringify(o.serviceMode)}`);
    if (to === 'panos' && o.out === undefined) throw new InputError({ field: '--to' }, 'panos needs a firewall (panos:HOST) or --out FILE');
    const conv = await planPanosConversion(
      {
        source,
        to,
        zones: { from: o.fromZone ?? 'untrust', to: o.toZone ?? 'trust' },
        read: zoneReadOptions(o),
        ...(o.below !== undefined ? { below: o.below } : {}),
        serviceMode,
        ...(o.rulePrefix !== undefined ? { rulePrefix: o.rulePrefix } : {}),
        ...(o.profileGroup !== undefined ? { profileGroup: o.profileGroup } : {}),
        mapRef: parseRefMap(o.mapGroup ?? []),
        resolveRefs: !!o.resolveRefs,
        partialCommit: !!o.partialCommit,
        commitTimeoutMs: parseDuration(o.commitTimeout ?? '15m', { field: '--commit-timeout' }),
        ...(o.out !== undefined ? { out: o.out } : {}),
      },
      { ctx: env.context(o) },
    );
    await runConversion(conv, o, env);
  },
};
