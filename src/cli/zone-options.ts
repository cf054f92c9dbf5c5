/**
 * `--from-zone`, `--to-zone` and `--drop-inexpressible`: how a zone-based rulebase (PAN-OS) is read by the commands
 * that read policies. Other formats ignore them.
 */
import type { Command } from 'commander';
import { InputError } from '../model/index.js';
import type { FileParseOptions } from '../platforms/platform.js';

export interface ZoneFlags {
  readonly fromZone?: string;
  readonly toZone?: string;
  readonly dropInexpressible?: boolean;
}

/** Adds the reading flags to a command. */
export function addZoneOptions(cmd: Command): Command {
  return cmd
    .option('--from-zone <zone>', 'PAN-OS: the zone traffic comes from (ingress); default untrust')
    .option('--to-zone <zone>', 'PAN-OS: the zone traffic goes to (ingress); default trust')
    .option('--drop-inexpressible', 'PAN-OS: read rules ruleport cannot express narrower (allow rules dropped, deny rules widened) instead of failing');
}

/** The reading options the flags ask for. */
export function zoneReadOptions(flags: ZoneFlags): FileParseOptions {
  if ((flags.fromZone === undefined) !== (flags.toZone === undefined)) {
    throw new InputError({ field: flags.fromZone === undefined ? '--from-zone' : '--to-zone' }, 'give --from-zone and --to-zone together');
  }
  return {
    ...(flags.fromZone !== undefined && flags.toZone !== undefined ? { zones: { from: flags.fromZone, to: flags.toZone } } : {}),
    ...(flags.dropInexpressible ? { dropInexpressible: true } : {}),
  };
}
