/**
 * Converting 1,000 security groups to Halo firewall policies against the Halo simulator: wall time of planning,
 * writing and reading back, API requests, and how many zones and services were reused rather than created.
 *
 * The groups look like a real estate: every group allows SSH from one admin network and HTTPS from anywhere (an
 * existing zone and system services: reused), an application port from one of 20 internal /16s (zones made once,
 * then shared), one of 50 application ports (services made once, then shared), and DNS egress to the resolver.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaloSim } from '../sim/halo/index.js';
import { HaloClient } from '../src/platforms/halo/client.js';
import { HaloFirewall } from '../src/platforms/halo/firewall-client.js';
import { planHaloConversion } from '../src/workflows/convert-halo.js';
import type { BenchRow } from './run.js';

const GROUPS = 1000;

function securityGroups(): unknown {
  const cidr = (CidrIp: string) => ({ CidrIp });
  return {
    SecurityGroups: Array.from({ length: GROUPS }, (_, i) => ({
      GroupId: `sg-${(i + 1).toString(16).padStart(17, '0')}`,
      GroupName: `bench-${i}`,
      Description: 'bench',
      OwnerId: '123456789012',
      VpcId: 'vpc-0123456789abcdef0',
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [cidr('198.51.100.0/24')] },
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [cidr('0.0.0.0/0')] },
        { IpProtocol: 'tcp', FromPort: 9000 + (i % 50), ToPort: 9000 + (i % 50), IpRanges: [cidr(`10.${i % 20}.0.0/16`)] },
      ],
      IpPermissionsEgress: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [cidr('10.0.0.2/32')] }],
    })),
  };
}

export async function run(): Promise<BenchRow[]> {
  const sim = await startHaloSim({ port: 0, seed: { zones: [{ name: 'admin-net', ip_address: '198.51.100.0/24' }] } });
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-bench-halo-'));
  try {
    const source = join(dir, 'sgs.json');
    writeFileSync(source, JSON.stringify(securityGroups()));
    const http = new HaloClient({ baseUrl: sim.url, credentials: { keyId: sim.keys.full.keyId, secret: sim.keys.full.secret, source: 'bench' } });
    const firewall = new HaloFirewall(http);
    const ctx = { connection: { region: 'us-east-1' }, warn: () => undefined, debug: () => undefined };

    const t0 = performance.now();
    const conv = await planHaloConversion(
      { source, platform: 'linux', mapRef: (k) => k, resolveRefs: false, update: false, allowLossy: false, allRegions: false, planOnly: false },
      { ctx, firewall },
    );
    const t1 = performance.now();
    const applied = await conv.apply();
    const t2 = performance.now();
    const checks = await conv.verify();
    const t3 = performance.now();
    conv.close();
    if (applied.failed.length > 0) throw new Error(`bench: ${applied.failed.length} changes failed: ${applied.failed[0]!.error}`);
    const equivalent = checks.filter((c) => c.comparison.equivalent).length;
    if (equivalent !== GROUPS) throw new Error(`bench: only ${equivalent} of ${GROUPS} policies equivalent after read-back`);

    const stats = conv.stats();
    const log = sim.requestLog;
    const writes = log.filter((e) => e.method !== 'GET' && e.path !== '/oauth/access_token').length;
    const s = (ms: number) => Math.round(ms) / 1000;
    return [
      { name: `convert ${GROUPS} groups → Halo: total (plan + write + read back and compare)`, value: s(t3 - t0), unit: 's' },
      { name: 'plan (read groups, list Halo objects, render, check)', value: s(t1 - t0), unit: 's' },
      { name: 'write (zones, services, policies)', value: s(t2 - t1), unit: 's' },
      { name: 'read back and compare', value: s(t3 - t2), unit: 's' },
      { name: 'API requests (all, tokens included)', value: log.length, unit: 'calls' },
      { name: 'API writes', value: writes, unit: 'calls' },
      { name: 'API requests per group', value: Math.round((log.length / GROUPS) * 100) / 100, unit: 'calls' },
      { name: 'zones reused', value: stats['zones reused'] ?? 0, unit: 'zones' },
      { name: 'zones created', value: stats['zones created'] ?? 0, unit: 'zones' },
      { name: 'services reused', value: stats['services reused'] ?? 0, unit: 'services' },
      { name: 'services created', value: stats['services created'] ?? 0, unit: 'services' },
    ];
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
