/**
 * PAN-OS on a 10k-rule rulebase: parsing the running-config.xml, building the query index, a local `check`
 * (engine) query, and a `test security-policy-match` round trip to the simulator over HTTP for comparison.
 */
import { startPanosSim } from '../sim/panos/index.js';
import { PolicyIndex } from '../src/engine/index.js';
import type { Flow } from '../src/model/index.js';
import { PanosClient } from '../src/platforms/panos/client.js';
import { readRunningConfig } from '../src/platforms/panos/parse.js';
import { prng } from './prng.js';
import type { BenchRow } from './run.js';
import { time, timeAsync } from './timing.js';

const RULES = 10_000;
const LOCAL_QUERIES = 20_000;
/** The simulator evaluates each lookup by walking the whole rulebase: a few dozen lookups give a stable mean. */
const DEVICE_QUERIES = 40;

/** A rulebase like an estate's: address objects and groups, service objects, App-IDs, some denies, a bottom rule. */
function makeConfig(n: number): string {
  const r = prng(n);
  const pick = (k: number): number => Math.floor(r() * k);
  const addresses: string[] = [];
  const services: string[] = [];
  const rules: string[] = [];
  for (let i = 0; i < n / 10; i++) addresses.push(`<entry name="net-${i}"><ip-netmask>10.${pick(256)}.${pick(256)}.0/24</ip-netmask></entry>`);
  for (let i = 0; i < 200; i++) services.push(`<entry name="svc-${i}"><protocol><${i % 5 === 0 ? 'udp' : 'tcp'}><port>${1024 + i * 7}${i % 3 === 0 ? `-${1030 + i * 7}` : ''}</port></${i % 5 === 0 ? 'udp' : 'tcp'}></protocol></entry>`);
  const groups = Array.from({ length: 50 }, (_v, i) => `<entry name="grp-${i}"><static>${Array.from({ length: 5 }, () => `<member>net-${pick(n / 10)}</member>`).join('')}</static></entry>`);
  for (let i = 0; i < n - 1; i++) {
    const inbound = pick(4) !== 0;
    const src = pick(3) === 0 ? `<member>grp-${pick(50)}</member>` : `<member>${pick(200) + 1}.${pick(256)}.${pick(256)}.0/24</member>`;
    const dst = pick(2) === 0 ? `<member>net-${pick(n / 10)}</member>` : `<member>10.${pick(256)}.${pick(256)}.${pick(256)}</member>`;
    const app = pick(3) === 0 ? ['ssl', 'ssh', 'web-browsing', 'dns', 'mysql'][pick(5)]! : 'any';
    const svc = app === 'any' ? `svc-${pick(200)}` : 'application-default';
    rules.push(
      `<entry name="r-${i}"><from><member>${inbound ? 'untrust' : 'trust'}</member></from><to><member>${inbound ? 'trust' : 'untrust'}</member></to><source>${inbound ? src : dst}</source><destination>${inbound ? dst : src}</destination><application><member>${app}</member></application><service><member>${svc}</member></service><action>${pick(10) === 0 ? 'deny' : 'allow'}</action></entry>`,
    );
  }
  rules.push('<entry name="Clean up"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry>');
  return `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><address>${addresses.join('')}</address><address-group>${groups.join('')}</address-group><service>${services.join('')}</service><rulebase><security><rules>${rules.join('')}</rules></security></rulebase></entry></vsys></entry></devices></config>`;
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const xml = makeConfig(RULES);
  const [readings, parseMs] = time(() => readRunningConfig(xml, 'bench.xml', { zones: { from: 'untrust', to: 'trust' } }));
  const policy = readings[0]!.policy;
  rows.push({ name: `parse a ${RULES}-rule running-config.xml (${Math.round(xml.length / 1024)} KiB, ${policy.rules.length} canonical rules)`, value: parseMs, unit: 'ms' });
  const [index, buildMs] = time(() => new PolicyIndex(policy));
  rows.push({ name: `${RULES} rules: build the check index`, value: buildMs, unit: 'ms' });

  // Half the flows aim at a rule (its first addresses and port), half are random.
  const rnd = prng(3);
  const inbound = policy.rules.filter((x) => x.direction === 'ingress' && x.protocol.kind === 'tcp' && x.peer.kind === 'list' && x.local.kind === 'list');
  const first = (m: (typeof inbound)[number]['peer']): string | undefined => {
    const item = m.kind === 'list' ? m.items[0] : undefined;
    return item?.kind === 'cidr' ? item.cidr.split('/')[0]!.replace(/\.0$/, '.9') : undefined;
  };
  const flows: Flow[] = Array.from({ length: LOCAL_QUERIES }, (_v, i) => {
    const target = i % 2 === 0 ? inbound[Math.floor(rnd() * inbound.length)] : undefined;
    const src = target ? first(target.peer) : undefined;
    const dst = target ? first(target.local) : undefined;
    const port = target?.protocol.kind === 'tcp' ? target.protocol.ports[0]!.from : undefined;
    return {
      direction: 'ingress',
      protocol: 6,
      src: src ?? `${1 + Math.floor(rnd() * 200)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.9`,
      dst: dst ?? `10.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`,
      port: port ?? [22, 443, 1024, 1100, 2000][Math.floor(rnd() * 5)]!,
    };
  });
  let allowed = 0;
  const [, localMs] = time(() => {
    for (const f of flows) if (index.allows(f).allowed) allowed++;
  });
  rows.push({ name: `${RULES} rules: local check, one flow (mean of ${LOCAL_QUERIES}, ${allowed} allowed)`, value: (localMs * 1000) / flows.length, unit: 'µs' });

  const [sim, loadMs] = await timeAsync(() => startPanosSim({ config: xml }));
  rows.push({ name: `simulator: load the ${RULES}-rule config`, value: loadMs, unit: 'ms' });
  try {
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'bench' } });
    await client.systemInfo();
    const [agree, totalMs] = await timeAsync(async () => {
      let n = 0;
      for (const f of flows.slice(0, DEVICE_QUERIES)) {
        const m = await client.testSecurityPolicyMatch({ from: 'untrust', to: 'trust', source: f.src, destination: f.dst, protocol: 6, destinationPort: f.port! });
        if ((m?.action === 'allow') === index.allows(f).allowed) n++;
      }
      return n;
    });
    const deviceMs = totalMs / DEVICE_QUERIES;
    rows.push({ name: `${RULES} rules: test security-policy-match round trip to the simulator (mean of ${DEVICE_QUERIES}, ${agree} agree with local)`, value: deviceMs, unit: 'ms' });
    rows.push({ name: `${RULES} rules: local check speed-up over a device round trip`, value: Math.round((deviceMs * 1000) / ((localMs * 1000) / flows.length)), unit: '×' });
  } finally {
    await sim.close();
  }
  return rows;
}
