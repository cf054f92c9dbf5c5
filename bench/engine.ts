/**
 * The flow-space engine on 1k, 10k and 100k-rule policies: build, single-flow query latency, compare of two
 * policies differing in one rule, shadowed/redundant analysis, and peak memory.
 * Targets (2 cores): compare of two 10k-rule policies < 1 s; a query < 20 µs after build; 100k rules < 1 GB.
 */
import { compare, PolicyIndex, ruleUse } from '../src/engine/index.js';
import type { Flow, Policy, Rule } from '../src/model/index.js';
import { prng } from './prng.js';
import type { BenchRow } from './run.js';
import { time } from './timing.js';

/** A security-group-like rule set: specific ports from varied CIDRs, some ranges, some ICMP, both directions. */
function makePolicy(n: number, seed: number): Policy {
  const rnd = prng(seed);
  const pick = (k: number): number => Math.floor(rnd() * k);
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const prefix = [8, 16, 24, 24, 28, 32, 32][pick(7)]!;
    const ip = [10, pick(256), pick(256), pick(256)];
    const mask = prefix === 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
    const value = ((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) & mask;
    const cidr = `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}/${prefix}`;
    const kind = pick(10);
    const port = [22, 80, 443, 3306, 5432, 8080, 8443][pick(7)]! + (kind === 0 ? pick(1000) : 0);
    rules.push({
      direction: pick(4) === 0 ? 'egress' : 'ingress',
      action: 'allow',
      protocol:
        kind === 9
          ? { kind: 'icmp', icmp: { type: 8 } }
          : { kind: kind === 8 ? 'udp' : 'tcp', ports: [{ from: port, to: kind === 1 ? port + pick(100) : port }] },
      peer: { kind: 'list', items: [{ kind: 'cidr', cidr, version: 4 }] },
      local: { kind: 'any' },
      origin: { platform: 'bench' },
    });
  }
  return {
    name: `bench-${n}`,
    platform: 'bench',
    evaluation: 'allow-set',
    stateful: true,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: ['ingress', 'egress'],
    rules,
  };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of [1_000, 10_000, 100_000]) {
    const policy = makePolicy(n, n);
    let peak = process.memoryUsage().rss;
    const sample = (): void => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };
    const [index, buildMs] = time(() => new PolicyIndex(policy));
    sample();
    rows.push({ name: `${n} rules: build query index`, value: buildMs, unit: 'ms' });

    const rnd = prng(7);
    const flows: Flow[] = Array.from({ length: 20_000 }, () => ({
      direction: 'ingress',
      protocol: 6,
      src: `10.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`,
      dst: '10.200.0.1',
      port: [22, 80, 443, 8080][Math.floor(rnd() * 4)]!,
    }));
    let allowed = 0;
    const [, queryMs] = time(() => {
      for (const f of flows) if (index.allows(f).allowed) allowed++;
    });
    rows.push({ name: `${n} rules: single-flow query (mean of 20k, ${allowed} allowed)`, value: (queryMs * 1000) / flows.length, unit: 'µs' });

    const changed: Policy = { ...policy, rules: policy.rules.map((r, i) => (i === Math.floor(n / 2) ? { ...r, protocol: { kind: 'udp', ports: [{ from: 9999, to: 9999 }] } } : r)) };
    const [cmp, compareMs] = time(() => compare(policy, changed));
    sample();
    rows.push({ name: `${n} rules: compare two policies differing in one rule (${cmp.equivalent ? 'equal?!' : 'different'})`, value: compareMs, unit: 'ms' });

    const [use, shadowMs] = time(() => ruleUse(policy));
    sample();
    rows.push({ name: `${n} rules: shadowed + redundant (${use.shadowed.length} + ${use.redundant.length} found)`, value: shadowMs, unit: 'ms' });
    rows.push({ name: `${n} rules: peak memory (RSS)`, value: Math.round(peak / 2 ** 20), unit: 'MiB' });
  }
  return rows;
}
