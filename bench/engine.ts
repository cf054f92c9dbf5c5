/**
 * The flow-space engine on 1k, 10k and 100k-rule policies: build, single-flow query latency, compare of two
 * policies differing in one rule, shadowed/redundant analysis, and peak memory.
 * Targets (2 cores): compare of two 10k-rule policies < 1 s; a query < 20 µs after build; 100k rules < 1 GB.
 *
 * Each size runs in a fresh Node process, so that its peak RSS (the kernel's high-water mark) is its own.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compare, PolicyIndex, ruleUse } from '../src/engine/index.js';
import type { AddressItem, AddressMatch, Flow, Policy, Protocol, Rule } from '../src/model/index.js';
import { prng } from './prng.js';
import type { BenchRow } from './run.js';
import { timeWithCpu } from './timing.js';

const SIZES = [1_000, 10_000, 100_000];
const CHILD_FLAG = '--engine-bench-size';

type Rnd = () => number;
const pick = (rnd: Rnd, k: number): number => Math.floor(rnd() * k);
const oneOf = <T>(rnd: Rnd, xs: readonly T[]): T => xs[pick(rnd, xs.length)]!;

/** Picks a branch by weight. */
function weighted<T>(rnd: Rnd, branches: ReadonlyArray<readonly [number, () => T]>): T {
  const total = branches.reduce((s, [w]) => s + w, 0);
  let x = rnd() * total;
  for (const [w, f] of branches) {
    if (x < w) return f();
    x -= w;
  }
  return branches[branches.length - 1]![1]();
}

function v4Cidr(rnd: Rnd, narrow: boolean): AddressItem {
  const prefix = narrow ? oneOf(rnd, [24, 26, 28, 32]) : weighted(rnd, [[1, () => 8], [2, () => 12], [5, () => 16], [92, () => oneOf(rnd, [20, 22, 24, 24, 25, 26, 27, 28, 29, 30, 32, 32, 32, 32])]]);
  const first = weighted<number>(rnd, [
    [4, () => 10],
    [1, () => 172],
    [1, () => 192],
    [2, () => 1 + pick(rnd, 223)],
  ]);
  const value = (((first << 24) | (pick(rnd, 256) << 16) | (pick(rnd, 256) << 8) | pick(rnd, 256)) >>> 0) & ((0xffffffff << (32 - prefix)) >>> 0);
  const text = `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}/${prefix}`;
  return { kind: 'cidr', cidr: text, version: 4 };
}

function v6Cidr(rnd: Rnd, narrow: boolean): AddressItem {
  // 2001:db8:<site>:<subnet>::<host>, prefixes around the usual boundaries (and across the 64-bit half).
  const prefix = narrow ? oneOf(rnd, [64, 96, 128]) : oneOf(rnd, [48, 56, 60, 64, 64, 64, 72, 96, 127, 128, 128]);
  const hex = (n: number): string => n.toString(16);
  const groups = [0x2001, 0xdb8, pick(rnd, 64), pick(rnd, 1024), pick(rnd, 16), 0, pick(rnd, 4), pick(rnd, 65536)];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  value &= ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
  const parts: string[] = [];
  for (let i = 7; i >= 0; i--) parts.push(hex(Number((value >> BigInt(16 * i)) & 0xffffn)));
  return { kind: 'cidr', cidr: `${parts.join(':')}/${prefix}`, version: 6 };
}

/**
 * A policy like a large PAN-OS rulebase or a merged set of groups: ordered, mostly allows, some denies.
 * As in real rulebases, wide peers (0.0.0.0/0, ::/0, any) open a few ports only, and rules for every
 * protocol name narrow peers: otherwise a few early rules would shadow everything after them.
 */
function makePolicy(n: number, seed: number): Policy {
  const rnd = prng(seed);
  const peerGroups = Math.max(20, Math.floor(n / 50));
  const peerItem = (narrow: boolean): AddressItem =>
    weighted<AddressItem>(rnd, [
      [50, () => v4Cidr(rnd, narrow)],
      [20, () => v6Cidr(rnd, narrow)],
      [20, () => ({ kind: 'group', ref: `sg-${pick(rnd, peerGroups).toString(16).padStart(8, '0')}@123456789012` })],
      [4, () => ({ kind: 'prefix-list', id: `pl-${pick(rnd, 12).toString(16).padStart(8, '0')}` })],
    ]);
  const peer = (narrow: boolean): AddressMatch =>
    weighted<AddressMatch>(rnd, [
      [85, () => ({ kind: 'list', items: [peerItem(narrow)] })],
      [12, () => ({ kind: 'list', items: Array.from({ length: 2 + pick(rnd, 3) }, () => peerItem(narrow)) })],
    ]);
  const wide = (): AddressMatch =>
    weighted<AddressMatch>(rnd, [
      [3, () => ({ kind: 'list', items: [{ kind: 'cidr', cidr: '0.0.0.0/0', version: 4 }] })],
      [1, () => ({ kind: 'list', items: [{ kind: 'cidr', cidr: '::/0', version: 6 }] })],
      [1, () => ({ kind: 'any' })],
    ]);
  /** The protected side; a subnet of the peer's family when the peer names one family only. */
  const local = (remote: AddressMatch): AddressMatch => {
    const families = new Set(remote.kind === 'list' ? remote.items.map((i) => (i.kind === 'cidr' ? i.version : 0)) : [0]);
    const v6 = families.size === 1 && families.has(6) ? true : families.size === 1 && families.has(4) ? false : rnd() < 0.3;
    return weighted<AddressMatch>(rnd, [
      [55, () => ({ kind: 'any' })],
      [28, () =>
        v6
          ? { kind: 'list', items: [{ kind: 'cidr', cidr: `2001:db8:200:${pick(rnd, 20).toString(16)}::/64`, version: 6 }] }
          : { kind: 'list', items: [{ kind: 'cidr', cidr: `10.200.${pick(rnd, 40)}.0/24`, version: 4 }] }],
      [17, () => ({ kind: 'list', items: [{ kind: 'group', ref: `sg-app-${pick(rnd, 30)}@123456789012` }] })],
    ]);
  };
  const common = [22, 25, 53, 80, 443, 1433, 3306, 3389, 5432, 6379, 8080, 8443, 9200];
  const port = (): { from: number; to: number } =>
    weighted(rnd, [
      [60, () => {
        const p = oneOf(rnd, common);
        return { from: p, to: p };
      }],
      [15, () => {
        const p = oneOf(rnd, common);
        return { from: p, to: p + pick(rnd, 100) };
      }],
      [20, () => {
        const p = 1024 + pick(rnd, 60000);
        return { from: p, to: p };
      }],
      [5, () => ({ from: 0, to: 65535 })],
    ]);
  const ports = (): Array<{ from: number; to: number }> => Array.from({ length: rnd() < 0.1 ? 2 + pick(rnd, 2) : 1 }, port);
  const protocol = (): Protocol =>
    weighted<Protocol>(rnd, [
      [62, () => ({ kind: 'tcp', ports: ports() })],
      [15, () => ({ kind: 'udp', ports: ports() })],
      [6, () => ({ kind: 'icmp', icmp: oneOf(rnd, [{}, { type: 8 }, { type: 0 }, { type: 3, code: 4 }, { type: 11 }]) })],
      [3, () => ({ kind: 'icmpv6', icmp: oneOf(rnd, [{}, { type: 128 }, { type: 129 }, { type: 135, code: 0 }]) })],
      [11, () => ({ kind: 'any' })],
      [3, () => ({ kind: 'number', number: oneOf(rnd, [47, 50, 51, 132]) })],
    ]);
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const direction = rnd() < 0.7 ? 'ingress' : 'egress';
    const action = rnd() < 0.12 ? 'deny' : 'allow';
    if (rnd() < 0.03) {
      const p = oneOf(rnd, common);
      const proto: Protocol = { kind: rnd() < 0.8 ? 'tcp' : 'udp', ports: [{ from: p, to: p }] };
      const remote = wide();
      rules.push({ direction, action, protocol: proto, peer: remote, local: local(remote), origin: { platform: 'bench' } });
      continue;
    }
    const proto = protocol();
    const remote = peer(proto.kind === 'any');
    rules.push({ direction, action, protocol: proto, peer: remote, local: local(remote), origin: { platform: 'bench' } });
  }
  return {
    name: `bench-${n}`,
    platform: 'bench',
    evaluation: 'first-match',
    stateful: true,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: ['ingress', 'egress'],
    rules,
  };
}

/** Flows near the policy's addresses: IPv4 and IPv6, common and random ports, ICMP, group members. */
function makeFlows(count: number, n: number): Flow[] {
  const rnd = prng(7);
  const peerGroups = Math.max(20, Math.floor(n / 50));
  return Array.from({ length: count }, (): Flow => {
    const v6 = rnd() < 0.3;
    const remote = (): string =>
      rnd() < 0.1
        ? `@sg-${pick(rnd, peerGroups).toString(16).padStart(8, '0')}@123456789012`
        : v6
          ? `2001:db8:${pick(rnd, 64).toString(16)}:${pick(rnd, 1024).toString(16)}:${pick(rnd, 16).toString(16)}::${pick(rnd, 65536).toString(16)}`
          : `${oneOf(rnd, [10, 10, 10, 172, 192, 1 + pick(rnd, 223)])}.${pick(rnd, 256)}.${pick(rnd, 256)}.${pick(rnd, 256)}`;
    const here = v6 ? `2001:db8:200:${pick(rnd, 20).toString(16)}::5` : `10.200.${pick(rnd, 40)}.5`;
    const direction = rnd() < 0.7 ? 'ingress' : 'egress';
    const [src, dst] = direction === 'ingress' ? [remote(), here] : [here, remote()];
    const protocol = oneOf(rnd, [6, 6, 6, 6, 17, 17, v6 ? 58 : 1, 47]);
    if (protocol === 6 || protocol === 17) return { direction, protocol, src, dst, port: oneOf(rnd, [22, 80, 443, 3306, 8080, 1024 + pick(rnd, 60000)]) };
    if (protocol === 1 || protocol === 58) return { direction, protocol, src, dst, icmpType: oneOf(rnd, [0, 3, 8, 128]), icmpCode: 0 };
    return { direction, protocol, src, dst };
  });
}

/** Runs `f` once: its result, wall-clock milliseconds, and the process's CPU time as a label. */
function time<T>(f: () => T): [T, number, string] {
  const [r, ms, cpuMs] = timeWithCpu(f);
  return [r, ms, `cpu ${Math.round(cpuMs)} ms`];
}

/** Every figure of one size, measured in this process. */
function measure(n: number): BenchRow[] {
  const rows: BenchRow[] = [];
  const policy = makePolicy(n, n);
  const [index, buildMs, buildCpu] = time(() => new PolicyIndex(policy));
  rows.push({ name: `${n} rules: build query index (${buildCpu})`, value: buildMs, unit: 'ms' });

  const flows = makeFlows(20_000, n);
  let allowed = 0;
  const [, queryMs, queryCpu] = time(() => {
    for (const f of flows) if (index.allows(f).allowed) allowed++;
  });
  rows.push({ name: `${n} rules: single-flow query (mean of 20k, ${allowed} allowed; ${queryCpu} in all)`, value: (queryMs * 1000) / flows.length, unit: 'µs' });

  // The changed rule names a reference nothing else names, so no earlier rule can hide the difference.
  const changedRule = (r: Rule): Rule => ({ ...r, protocol: { kind: 'udp', ports: [{ from: 9999, to: 9999 }] }, peer: { kind: 'list', items: [{ kind: 'group', ref: 'sg-changed@123456789012' }] } });
  const changed: Policy = { ...policy, rules: policy.rules.map((r, i) => (i === Math.floor(n / 2) ? changedRule(r) : r)) };
  const [cmp, compareMs, compareCpu] = time(() => compare(policy, changed));
  rows.push({ name: `${n} rules: compare two policies differing in one rule (${cmp.equivalent ? 'equal?!' : 'different'}; ${compareCpu})`, value: compareMs, unit: 'ms' });

  const [use, shadowMs, shadowCpu] = time(() => ruleUse(policy));
  rows.push({ name: `${n} rules: shadowed + redundant (${use.shadowed.length} + ${use.redundant.length} found; ${shadowCpu})`, value: shadowMs, unit: 'ms' });
  // maxRSS is in KiB.
  rows.push({ name: `${n} rules: peak memory (RSS)`, value: Math.round(process.resourceUsage().maxRSS / 1024), unit: 'MiB' });
  return rows;
}

/** Runs one size in a fresh process and returns its rows. */
function inChild(n: number): Promise<BenchRow[]> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, String(n)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let rows: BenchRow[] | undefined;
    child.on('message', (m) => {
      rows = m as BenchRow[];
    });
    child.on('error', reject);
    child.on('exit', (code) => (rows ? resolve(rows) : reject(new Error(`engine bench for ${n} rules exited with ${code}`))));
  });
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of SIZES) rows.push(...(await inChild(n)));
  return rows;
}

const flag = process.argv.indexOf(CHILD_FLAG);
if (flag >= 0 && process.send) {
  process.send(measure(Number(process.argv[flag + 1])), () => process.disconnect());
}
