/**
 * ruleport's reading of a realistic rulebase against the simulator's own evaluator (sim/panos shares no code with
 * src/): `check` (the engine on the parsed rulebase) must name the same rule and verdict as the firewall's
 * `test security-policy-match` on thousands of random flows; and the rulebase read → rendered → loaded on a
 * second simulator must decide every flow as the original does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../../bench/prng.js';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { allows, compare } from '../../../src/engine/index.js';
import type { Flow, Policy } from '../../../src/model/index.js';
import { PanosClient, flowQuery } from '../../../src/platforms/panos/client.js';
import { toConfigXml } from '../../../src/platforms/panos/config-text.js';
import { readRunningConfig } from '../../../src/platforms/panos/parse.js';
import { renderRulebase } from '../../../src/platforms/panos/render.js';

const FIXTURE = readFileSync(new URL('../../fixtures/panos/running-config.xml', import.meta.url), 'utf8');
const ZONES = { from: 'untrust', to: 'trust' };
const FLOWS = 2000;

/** Addresses near every object of the fixture (inside, on the edges, just outside) and some at random. */
function randomFlows(count: number, seed: number): Flow[] {
  const r = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const octet = (): number => Math.floor(r() * 256);
  const addresses = [
    () => `172.20.200.${pick([223, 224, 225, 226, 227])}`,
    () => `172.20.10.${pick([4, 5, 6])}`,
    () => `198.51.100.${octet()}`,
    () => `198.51.${pick([99, 101])}.${octet()}`,
    () => `203.0.113.${pick([9, 10, 15, 20, 21, octet()])}`,
    () => `10.20.1.${octet()}`,
    () => `10.20.2.${pick([9, 10, 15, 20, 21])}`,
    () => `10.30.${octet()}.${pick([4, 5, 6])}`,
    () => `10.40.0.${pick([6, 7, 8])}`,
    () => `10.0.0.${pick([1, 2, 3])}`,
    () => `${1 + Math.floor(r() * 222)}.${octet()}.${octet()}.${octet()}`,
  ];
  const address = (): string => pick(addresses)();
  addresses.push(() => `${pick(['198.51.100', '203.0.113'])}.${pick([10, 12, 20, 77])}`);
  const tcpPorts = [21, 22, 23, 25, 53, 79, 80, 81, 82, 443, 636, 3306, 7999, 8000, 8080, 8443, 9000, 9005, 9010, 9011];
  const out: Flow[] = [];
  for (let i = 0; i < count; i++) {
    const direction = r() < 0.5 ? 'ingress' : 'egress';
    const kind = r();
    // A third of the flows aim at the servers the rules protect, on their ports.
    const aimed = r() < 0.35;
    const server = pick(['172.20.10.5', '172.20.200.224', '172.20.200.226', '10.40.0.7']);
    const src = address();
    const base = { direction, src: aimed && direction === 'egress' ? server : src, dst: aimed && direction === 'ingress' ? server : address() } as const;
    if (aimed && kind < 0.6) out.push({ ...base, protocol: 6, port: pick([22, 80, 443, 8080, 53]) });
    else if (kind < 0.6) out.push({ ...base, protocol: 6, port: r() < 0.85 ? pick(tcpPorts) : 1 + Math.floor(r() * 65535) });
    else if (kind < 0.85) out.push({ ...base, protocol: 17, port: pick([53, 123, 389, 514, 515, 1 + Math.floor(r() * 65535)]) });
    else if (kind < 0.95) out.push({ ...base, protocol: 1, icmpType: pick([0, 3, 8, 8, 11]), icmpCode: 0 });
    else {
      // IPv6: ICMPv6 (ping is echo-request on both versions) and TCP.
      const v6 = { direction, src: `2001:db8:${octet().toString(16)}::${octet().toString(16)}`, dst: `2001:db8:ff::${octet().toString(16)}` } as const;
      out.push(r() < 0.6 ? { ...v6, protocol: 58, icmpType: pick([128, 129, 1]), icmpCode: 0 } : { ...v6, protocol: 6, port: pick([21, 22, 443]) });
    }
  }
  return out;
}

/** The simulator's verdict and rule for each flow (no rule: the interzone default denies). */
async function deviceVerdicts(client: PanosClient, flows: readonly Flow[]): Promise<Array<{ allowed: boolean; rule: string | undefined }>> {
  const out: Array<{ allowed: boolean; rule: string | undefined }> = [];
  for (let i = 0; i < flows.length; i += 25) {
    const chunk = await Promise.all(flows.slice(i, i + 25).map((f) => client.testSecurityPolicyMatch(flowQuery(f, ZONES))));
    out.push(...chunk.map((m) => ({ allowed: m?.action === 'allow', rule: m?.rule })));
  }
  return out;
}

const describeFlow = (f: Flow): string =>
  `${f.direction} proto ${f.protocol} ${f.src} -> ${f.dst}${f.port !== undefined ? `:${f.port}` : ''}${f.icmpType !== undefined ? ` type ${f.icmpType}` : ''}`;

let original: PanosSim;
let client: PanosClient;
let policy: Policy;
beforeAll(async () => {
  original = await startPanosSim({ config: FIXTURE });
  client = new PanosClient({ baseUrl: original.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
  policy = readRunningConfig(FIXTURE, 'running-config.xml', { zones: ZONES })[0]!.policy;
});
afterAll(async () => {
  await original.close();
});

describe('PAN-OS: check agrees with the firewall', () => {
  it(`names the same verdict and rule as test security-policy-match on ${FLOWS} random flows`, async () => {
    const flows = randomFlows(FLOWS, 20261203);
    const device = await deviceVerdicts(client, flows);
    const disagreements: string[] = [];
    flows.forEach((flow, i) => {
      const d = allows(policy, flow);
      const rule = d.byDefault ? undefined : d.rule?.origin.id;
      const dev = device[i]!;
      if (d.allowed !== dev.allowed || rule !== dev.rule) {
        disagreements.push(`${describeFlow(flow)}: ruleport ${d.allowed ? 'allow' : 'deny'} by ${rule ?? 'default'}, device ${dev.allowed ? 'allow' : 'deny'} by ${dev.rule ?? 'default'}`);
      }
    });
    expect(disagreements.slice(0, 10)).toEqual([]);
    // The sample reaches every rule of the zone pair and both verdicts.
    const hit = new Set(device.map((d) => d.rule));
    for (const name of ['allow-web-in', 'allow-web-out', 'deny-cleartext-auth', 'deny-ssh-non-partners', 'allow-ssh-partners', 'allow-app-servers', 'drop-dns-except-corp', 'allow-ping-out', 'Clean up']) {
      expect(hit, name).toContain(name);
    }
  });
});

describe('PAN-OS: round trip of a realistic rulebase', () => {
  it('read → model → render → load on a second firewall decides every flow as the original', async () => {
    const rendered = renderRulebase(policy, { zones: ZONES, serviceMode: 'application-default', rulePrefix: 'rt' });
    const xml = toConfigXml(rendered, 'vsys1');
    // The model read back from what was rendered is the model it was rendered from.
    const again = readRunningConfig(xml, 'rendered.xml', { zones: ZONES })[0]!.policy;
    expect(compare(policy, again).equivalent).toBe(true);
    // Independent of ruleport's engine: two simulated firewalls, original and rendered, answer alike.
    const copy = await startPanosSim({ config: xml });
    try {
      const copyClient = new PanosClient({ baseUrl: copy.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
      const flows = randomFlows(600, 7);
      const [a, b] = await Promise.all([deviceVerdicts(client, flows), deviceVerdicts(copyClient, flows)]);
      const differ = flows.filter((_f, i) => a[i]!.allowed !== b[i]!.allowed).map(describeFlow);
      expect(differ.slice(0, 10)).toEqual([]);
      expect(a.filter((v) => v.allowed).length).toBeGreaterThan(50);
    } finally {
      await copy.close();
    }
  });
});
