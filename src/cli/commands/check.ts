import type { Command } from 'commander';
import { allows, coverage } from '../../engine/index.js';
import { InputError, isConcrete, parseFlow, type Direction, type FlowPattern } from '../../model/index.js';
import { loadPolicy, parseLocation } from '../../workflows/locations.js';
import { deviceMatch } from '../../workflows/panos-location.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { describeRegion, describeRule } from '../describe.js';
import { toJson } from '../io.js';
import { addZoneOptions, zoneReadOptions, type ZoneFlags } from '../zone-options.js';
import { EXIT } from '../../model/index.js';

interface CheckOptions extends GlobalOptions, ZoneFlags {
  readonly flow: string;
  readonly direction: Direction;
  readonly confirmOnDevice?: boolean;
}

/** `ruleport check <loc> --flow "tcp a -> b:443"`: does the policy allow it, and which rule decides. */
export function registerCheck(program: Command, env: CommandEnv): void {
  addZoneOptions(
    program
      .command('check')
      .description('decide whether a policy allows a flow (or all flows of a pattern)')
      .argument('<location>', 'file[#selector] or live location')
      .requiredOption('--flow <flow>', 'e.g. "tcp 203.0.113.9 -> 10.0.1.5:443", "icmp 8/0 a -> b", "any a -> b"')
      .option('--direction <direction>', 'ingress or egress', 'ingress')
      .option('--confirm-on-device', 'panos: locations: also ask the firewall (test security-policy-match) and flag any disagreement'),
  ).action(async (loc: string, _o: unknown, cmd: Command) => {
    const opts = cmd.optsWithGlobals<CheckOptions>();
    if (opts.direction !== 'ingress' && opts.direction !== 'egress') {
      throw new InputError({ field: '--direction' }, `expected ingress or egress, got ${JSON.stringify(opts.direction)}`);
    }
    let pattern: FlowPattern;
    try {
      pattern = parseFlow(opts.flow, opts.direction);
    } catch (e) {
      throw new InputError({ field: '--flow' }, (e as Error).message);
    }
    const location = parseLocation(loc);
    const read = zoneReadOptions(opts);
    const ctx = env.context(opts);
    if (opts.confirmOnDevice && !(location.kind === 'live' && location.scheme === 'panos')) {
      throw new InputError({ field: '--confirm-on-device' }, 'needs a panos: location');
    }
    if (opts.confirmOnDevice && !isConcrete(pattern)) {
      throw new InputError({ field: '--confirm-on-device' }, 'the firewall is asked about one flow: give the protocol, the port (tcp/udp) or the ICMP type');
    }
    const policy = await loadPolicy(location, ctx, read);
    const out = env.io.stdout;
    if (isConcrete(pattern)) {
      const d = allows(policy, pattern);
      const by = d.ungoverned
        ? `${policy.name} does not govern ${pattern.direction} traffic`
        : d.byDefault
          ? `default ${policy.defaults[pattern.direction]}`
          : describeRule(policy, d.ruleIndex!);
      let device: { allowed: boolean; rule: string | undefined; action: string | undefined; agrees: boolean } | undefined;
      if (opts.confirmOnDevice && location.kind === 'live') {
        const match = await deviceMatch(location.spec, pattern, read.zones, ctx);
        // No rule matching: the interzone default decides, as read from the same configuration.
        const allowed = match ? match.action === 'allow' : policy.defaults[pattern.direction] === 'allow';
        const localRule = d.byDefault || d.ungoverned ? undefined : d.rule?.origin.id;
        device = { allowed, rule: match?.rule, action: match?.action, agrees: allowed === d.allowed && match?.rule === localRule };
      }
      if (opts.json) {
        out.write(`${toJson({ allowed: d.allowed, policy: policy.name, flow: pattern, byDefault: d.byDefault, ruleIndex: d.ruleIndex, rule: d.rule, ...(device ? { device } : {}) })}\n`);
      } else {
        out.write(`${d.allowed ? 'ALLOWED' : 'DENIED'}  ${opts.flow}  by ${by}\n`);
        if (device) {
          const said = `${device.allowed ? 'ALLOWED' : 'DENIED'} by ${device.rule === undefined ? 'no rule (interzone default)' : `rule ${device.rule}`}`;
          out.write(device.agrees ? `device agrees: ${said}\n` : `DISAGREEMENT: the firewall says ${said}\n`);
        }
      }
      env.setExit(device && !device.agrees ? EXIT.failed : d.allowed ? EXIT.ok : EXIT.failed);
      return;
    }
    const c = coverage(policy, pattern);
    const allowed = c.verdict === 'all';
    if (opts.json) {
      out.write(`${toJson({ allowed, verdict: c.verdict, policy: policy.name, flow: pattern, deniedExamples: c.denied.map((d) => d.example), deniedTruncated: c.deniedTruncated, allowedExamples: c.allowed.map((d) => d.example) })}\n`);
    } else {
      const word = { all: 'ALLOWED', none: 'DENIED', some: 'PARTLY ALLOWED' }[c.verdict];
      out.write(`${word}  ${opts.flow}\n`);
      if (c.verdict === 'some') {
        for (const d of c.denied) out.write(`  denied: ${describeRegion(d)}\n`);
        if (c.deniedTruncated) out.write('  … more denied flows not listed\n');
      }
    }
    env.setExit(allowed ? EXIT.ok : EXIT.failed);
  });
}
