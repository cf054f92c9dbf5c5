/**
 * The seed format: a fixture that models the Application Membership Control lab loads, its references by
 * name resolve, its keys replace the defaults, and bad seeds fail with the offending entry named.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseSeed, SeedError, startHaloSim, type HaloSim, type SeedData } from '../../../sim/halo/index.js';
import { Api, basic, request } from './halo-client.js';

const fixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/halo/seed-admit.json', import.meta.url)), 'utf8'),
) as unknown;

let sim: HaloSim;
let api: Api;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0, seed: parseSeed(fixture) });
  api = await Api.connect(sim.url, sim.keys.full);
});

afterAll(async () => {
  await sim.close();
});

describe('loading the admit fixture', () => {
  test('seed keys replace the default keys', async () => {
    expect(sim.keys.full).toEqual({ keyId: 'demo-admin', secret: 'demo-admin-secret', access: 'full' });
    expect(sim.keys.readOnly.keyId).toBe('demo-auditor');
    const res = await request(`${sim.url}/oauth/access_token?grant_type=client_credentials`, {
      method: 'POST',
      headers: { Authorization: basic({ keyId: 'sim-full-access', secret: 'sim-full-access-secret' }) },
    });
    expect(res.status).toBe(401);
  });

  test('groups, paths and policies', async () => {
    const groups = (await api.get('/v1/groups')).body.groups;
    expect(groups.map((g: any) => g.group_path)).toEqual([
      'Production',
      'Production/ProdWebDirty',
      'Production/ProdWebClean',
      'Production/CriticalApplication',
    ]);
    const dirty = groups[1];
    expect(dirty.server_counts).toEqual({ active: 2, missing: 0, deactivated: 0 });
    const policy = (await api.get(`/v1/firewall_policies/${dirty.linux_firewall_policy_id}`)).body.firewall_policy;
    expect(policy.name).toBe('prod-web-dirty');
    expect(policy.used_by).toEqual([{ id: dirty.id, name: 'ProdWebDirty' }]);
    expect(policy.firewall_rules[0].firewall_source).toEqual({ id: '0000000000000000000000000000a001', type: 'FirewallZone' });
  });

  test('rules that name groups resolve, positions order the chain', async () => {
    const critical = sim.state.policies.find((p) => p.name === 'critical-application')!;
    const clean = sim.state.groups.find((g) => g.name === 'ProdWebClean')!;
    const dirty = sim.state.groups.find((g) => g.name === 'ProdWebDirty')!;
    expect(critical.firewall_rules!.map((r) => [r.position, r.action, r.firewall_source])).toEqual([
      [1, 'DROP', { id: dirty.id, type: 'Group' }],
      [2, 'ACCEPT', { id: clean.id, type: 'Group' }],
    ]);
  });

  test('scan scripts from the seed drive the scans', async () => {
    const servers = (await api.get(`/v1/servers?group_id=${sim.state.groups[1]!.id}`)).body.servers;
    for (const s of servers) {
      expect((await api.post(`/v1/servers/${s.id}/scans`, { scan: { module: 'sca' } })).status).toBe(202);
    }
    const statuses = [];
    for (const s of servers) statuses.push((await api.get(`/v1/servers/${s.id}/sca`)).body.scan.status);
    expect(statuses).toEqual(['completed_clean', 'completed_with_errors']);
  });
});

describe('bad seeds', () => {
  test('shape errors name the path', () => {
    expect(() => parseSeed({ zones: [{ name: 'z' }], servers: [{ hostname: 'h', state: 'asleep' }] })).toThrow(SeedError);
    expect(() => parseSeed({ zones: [{ name: 'z' }], typo: 1 })).toThrow(/zones\[0\]\.ip_address: .*\n.*typo/s);
  });

  test('reference errors name the entry, and the simulator does not start', async () => {
    const seed: SeedData = {
      policies: [{ name: 'p', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT', firewall_service: 'no-such-service' }] }],
    };
    await expect(startHaloSim({ seed })).rejects.toThrow('seed policies[0]: firewall_rules[0].firewall_service: Firewall service no-such-service does not exist');
    await expect(startHaloSim({ seed: { groups: [{ name: 'child', parent_id: 'later' }, { name: 'later' }] } })).rejects.toThrow(
      'seed groups[0]: parent_id: Group later does not exist',
    );
    await expect(startHaloSim({ seed: { zones: [{ name: 'any', ip_address: '10.0.0.0/8' }] } })).rejects.toThrow(
      'seed zones[0]: name: Name has already been taken',
    );
  });

  test('load() adds to a running simulator', async () => {
    sim.load({ zones: [{ name: 'late-zone', ip_address: '192.0.2.0/24' }] });
    const zones = (await api.get('/v1/firewall_zones')).body.firewall_zones.map((z: any) => z.name);
    expect(zones).toContain('late-zone');
  });
});

test('no internal errors', () => {
  expect(sim.internalErrors).toEqual([]);
});
