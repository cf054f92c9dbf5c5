import type { Command } from 'commander';
import { ruleUse } from '../../engine/index.js';
import { EXIT, type Policy, type Rule } from '../../model/index.js';
import { loadPolicies, parseLocation } from '../../workflows/locations.js';
import { ALL_REGIONS_HELP } from '../all-regions-option.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { describeRule } from '../describe.js';
import { toJson } from '../io.js';
import { table } from '../table.js';
import { addZoneOptions, zoneReadOptions, type ZoneFlags } from '../zone-options.js';

export type FindingKind = 'shadowed' | 'redundant' | 'risky';

export interface Finding {
  readonly policy: string;
  /** The rule's position in the policy, from 1, as `show` and the message's `#N` number it. */
  readonly rule: number;
  /** The rule's own id where the platform has one (NACL rule number, SG rule id, PAN-OS rule name). */
  readonly ruleId?: string;
  readonly kind: FindingKind;
  readonly message: string;
}

/** Remote-administration ports that should never be open to the world. */
const ADMIN_PORTS: readonly number[] = [22, 3389];

/** `ruleport lint <loc>`: shadowed, redundant and risky rules. Exit 0 clean, 1 with findings. */
export function registerLint(program: Command, env: CommandEnv): void {
  addZoneOptions(program.command('lint'))
    .description('find shadowed, redundant and risky rules; exit 1 when there are findings')
    .argument('<location>', 'file[#selector] or live location')
    .option('--all-regions', ALL_REGIONS_HELP)
    .action(async (loc: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & ZoneFlags>();
      const policies = await loadPolicies(parseLocation(loc), env.context(opts), zoneReadOptions(opts));
      const findings = policies.flatMap(lintPolicy);
      if (opts.json) {
        env.io.stdout.write(`${toJson({ clean: findings.length === 0, findings })}\n`);
      } else if (findings.length === 0) {
        env.io.stdout.write(`clean: ${policies.length} ${policies.length === 1 ? 'policy' : 'policies'}, no findings\n`);
      } else {
        env.io.stdout.write(table(['policy', 'rule', 'finding', 'detail'], findings.map((f) => [f.policy, String(f.rule), f.kind, f.message])));
      }
      env.setExit(findings.length === 0 ? EXIT.ok : EXIT.failed);
    });
}

export function lintPolicy(policy: Policy): Finding[] {
  const use = ruleUse(policy);
  const out: Finding[] = [];
  const add = (index: number, kind: FindingKind, message: string): void => {
    const id = policy.rules[index]!.origin.id;
    out.push({ policy: policy.name, rule: index + 1, ...(id !== undefined ? { ruleId: id } : {}), kind, message });
  };
  for (const i of use.shadowed) add(i, 'shadowed', `never decides: earlier rules cover it — ${describeRule(policy, i)}`);
  for (const i of use.redundant) add(i, 'redundant', `removing it changes nothing — ${describeRule(policy, i)}`);
  policy.rules.forEach((r, i) => {
    const why = risk(r);
    if (why) add(i, 'risky', `${why} — ${describeRule(policy, i)}`);
  });
  return out.sort((a, b) => a.rule - b.rule);
}

/** Why an ingress allow from the whole internet is risky, or undefined. */
function risk(r: Rule): string | undefined {
  if (r.direction !== 'ingress' || r.action !== 'allow') return undefined;
  const world =
    r.peer.kind === 'any' ||
    (!r.peer.negate && r.peer.items.some((i) => i.kind === 'cidr' && (i.cidr === '0.0.0.0/0' || i.cidr === '::/0')));
  if (!world) return undefined;
  const p = r.protocol;
  switch (p.kind) {
    case 'any':
      return 'all protocols open to the internet';
    case 'tcp':
    case 'udp': {
      if (p.ports.some((x) => x.from === 0 && x.to === 65535)) return `all ${p.kind} ports open to the internet`;
      const admin = ADMIN_PORTS.filter((port) => p.ports.some((x) => x.from <= port && port <= x.to));
      return admin.length > 0 && p.kind === 'tcp' ? `remote administration (${admin.join(', ')}) open to the internet` : undefined;
    }
    case 'number':
      return `all of protocol ${p.number} open to the internet`;
    case 'icmp':
    case 'icmpv6':
      return undefined;
    default: {
      const never: never = p;
      return String(never);
    }
  }
}
