import type { Command } from 'commander';
import type { Policy } from '../../model/index.js';
import { loadPolicies, parseLocation } from '../../workflows/locations.js';
import { ALL_REGIONS_HELP } from '../all-regions-option.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { describeAddresses, describeProtocol } from '../describe.js';
import { toJson } from '../io.js';
import { table } from '../table.js';
import { addZoneOptions, zoneReadOptions, type ZoneFlags } from '../zone-options.js';

/** `ruleport show <loc>`: the canonical view of each policy. */
export function registerShow(program: Command, env: CommandEnv): void {
  const cmd = program
    .command('show')
    .description('show the canonical view of the policies at a location')
    .argument('<location>', 'file[#selector] or live location')
    .option('--all-regions', ALL_REGIONS_HELP);
  addZoneOptions(cmd).action(async (loc: string, _o: unknown, c: Command) => {
    const opts = c.optsWithGlobals<GlobalOptions & ZoneFlags>();
    const policies = await loadPolicies(parseLocation(loc), env.context(opts), zoneReadOptions(opts));
    if (opts.json) env.io.stdout.write(`${toJson({ policies })}\n`);
    // An empty location (a fresh simulator, an empty export) would otherwise print nothing at all.
    else env.io.stdout.write(policies.length > 0 ? policies.map(renderPolicy).join('\n') : `${loc}: no policies\n`);
  });
}

export function renderPolicy(p: Policy): string {
  const meta = Object.entries(p.meta ?? {})
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('  ');
  const head = [
    `${p.name}  (${p.platform}, ${p.evaluation}, ${p.stateful ? 'stateful' : 'stateless'}, default ${p.defaults.ingress} in / ${p.defaults.egress} out${p.directions.length < 2 ? `, governs ${p.directions.join(' ')} only` : ''})`,
    meta ? `  ${meta}` : '',
  ].filter(Boolean);
  const rows = p.rules.map((r, i) => [
    String(i + 1),
    r.origin.id ?? '',
    r.direction,
    r.action,
    describeProtocol(r.protocol),
    describeAddresses(r.peer),
    describeAddresses(r.local),
    r.description ?? '',
  ]);
  return `${head.join('\n')}\n${table(['#', 'id', 'direction', 'action', 'protocol', 'peer', 'local', 'description'], rows)}`;
}
