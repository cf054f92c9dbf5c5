/**
 * Firewall policies, rules, zones, services and interfaces: shapes compared with the reference payloads
 * (written out literally here, not taken from the simulator), positions, validation and system objects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { Api } from './halo-client.js';

let sim: HaloSim;
let api: Api;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
  api = await Api.connect(sim.url, sim.keys.full);
});

afterAll(async () => {
  await sim.close();
});

const HEX32 = expect.stringMatching(/^[0-9a-f]{32}$/);

async function zoneNamed(name: string): Promise<any> {
  const [page] = await api.walk('/v1/firewall_zones');
  return page.firewall_zones.find((z: any) => z.name === name);
}

async function serviceNamed(name: string): Promise<any> {
  const pages = await api.walk('/v1/firewall_services');
  return pages.flatMap((p) => p.firewall_services).find((s: any) => s.name === name);
}

describe('system objects', () => {
  test('the `any` zone matches the reference payload', async () => {
    const any = await zoneNamed('any');
    const res = await api.get(`/v1/firewall_zones/${any.id}`);
    expect(res.status).toBe(200);
    // Reference: {"firewall_zone":{"id":"…","name":"any","ip_address":"0.0.0.0/0","system":true,"shared":true,"used_by":[]}}
    expect(res.body).toMatchObject({
      firewall_zone: { id: HEX32, name: 'any', ip_address: '0.0.0.0/0', system: true, shared: true, used_by: [] },
    });
  });

  test('about 27 system services, ssh matching the reference payload', async () => {
    const pages = await api.walk('/v1/firewall_services');
    const system = pages.flatMap((p) => p.firewall_services).filter((s: any) => s.system);
    expect(system.length).toBe(27);
    const ssh = system.find((s: any) => s.name === 'ssh');
    const res = await api.get(`/v1/firewall_services/${ssh.id}`);
    // Reference: {"firewall_service":{"id":"…","name":"ssh","protocol":"TCP","port":"22","system":true}}
    expect(res.body).toMatchObject({ firewall_service: { id: HEX32, name: 'ssh', protocol: 'TCP', port: '22', system: true } });
    const byName = Object.fromEntries(system.map((s: any) => [s.name, [s.protocol, s.port]]));
    expect(byName).toMatchObject({
      http: ['TCP', '80'],
      https: ['TCP', '443'],
      ping: ['ICMP', '8'],
      dns: ['UDP', '53'],
      'dns-tcp': ['TCP', '53'],
      smtp: ['TCP', '25'],
      rdp: ['TCP', '3389'],
      mysql: ['TCP', '3306'],
    });
  });

  test('system interfaces lo, eth0, eth0:1…eth0:4, eth1', async () => {
    const res = await api.get('/v1/firewall_interfaces');
    expect(res.body.firewall_interfaces.map((i: any) => i.name)).toEqual(['lo', 'eth0', 'eth0:1', 'eth0:2', 'eth0:3', 'eth0:4', 'eth1']);
  });

  test('system objects cannot be modified or deleted → 422 system_object', async () => {
    const any = await zoneNamed('any');
    const ssh = await serviceNamed('ssh');
    const eth0 = (await api.get('/v1/firewall_interfaces')).body.firewall_interfaces[1];
    const attempts = [
      api.put(`/v1/firewall_zones/${any.id}`, { firewall_zone: { ip_address: '10.0.0.0/8' } }),
      api.delete(`/v1/firewall_zones/${any.id}`),
      api.put(`/v1/firewall_services/${ssh.id}`, { firewall_service: { port: '2222' } }),
      api.delete(`/v1/firewall_services/${ssh.id}`),
      api.delete(`/v1/firewall_interfaces/${eth0.id}`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ message: 'Validation Failed', errors: [{ field: 'system', value: true, code: 'system_object' }] });
    }
    expect((await zoneNamed('any')).ip_address).toBe('0.0.0.0/0');
  });
});

describe('zones and services', () => {
  test('ip_address is a comma-separated string; bad entries → 422', async () => {
    const ok = await api.post('/v1/firewall_zones', { firewall_zone: { name: 'office', ip_address: '203.0.113.0/24, 198.51.100.7,10.0.0.1-10.0.0.9' } });
    expect(ok.status).toBe(201);
    expect(ok.body.firewall_zone).toMatchObject({ name: 'office', ip_address: '203.0.113.0/24, 198.51.100.7,10.0.0.1-10.0.0.9', system: false, used_by: [] });
    expect(ok.headers.get('location')).toBe(ok.body.firewall_zone.url);
    const bad = await api.post('/v1/firewall_zones', { firewall_zone: { name: 'bad', ip_address: '10.0.0.0/33,nope' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ field: 'ip_address', code: 'invalid' });
  });

  test('services: protocol TCP|UDP|ICMP|number, port a / a:b / a-b / ICMP type', async () => {
    const good = [
      { name: 'app', protocol: 'TCP', port: '8443' },
      { name: 'app-range-colon', protocol: 'TCP', port: '8000:8100' },
      { name: 'app-range-dash', protocol: 'udp', port: '5000-5010' },
      { name: 'echo-reply', protocol: 'ICMP', port: '0' },
      { name: 'gre', protocol: '47', port: null },
      { name: 'all-tcp', protocol: 'TCP', port: null },
    ];
    for (const s of good) {
      const res = await api.post('/v1/firewall_services', { firewall_service: s });
      expect(res.status, s.name).toBe(201);
      expect(res.body.firewall_service).toMatchObject({ name: s.name, protocol: s.protocol.toUpperCase(), port: s.port, system: false });
    }
    const bad = [
      { name: 'b1', protocol: 'SCTP', port: '1' },
      { name: 'b2', protocol: 'TCP', port: '70000' },
      { name: 'b3', protocol: 'TCP', port: '90:80' },
      { name: 'b4', protocol: 'ICMP', port: '300' },
      { name: 'b5', protocol: '47', port: '10' },
    ];
    for (const s of bad) {
      const res = await api.post('/v1/firewall_services', { firewall_service: s });
      expect(res.status, s.name).toBe(422);
      expect(res.body.message).toBe('Validation Failed');
    }
  });

  test('names are unique (case-insensitive) → 422 taken', async () => {
    const res = await api.post('/v1/firewall_services', { firewall_service: { name: 'SSH', protocol: 'TCP', port: '22' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'name', value: 'SSH', code: 'taken', details: 'Name has already been taken' }]);
  });
});

describe('policies and rules', () => {
  let zone: any;
  let service: any;
  let policyId: string;

  beforeAll(async () => {
    zone = (await api.post('/v1/firewall_zones', { firewall_zone: { name: 'z-web', ip_address: '10.1.0.0/16' } })).body.firewall_zone;
    service = await serviceNamed('https');
  });

  test('create with inline firewall_rules; GET matches the reference payload', async () => {
    const created = await api.post('/v1/firewall_policies', {
      firewall_policy: {
        name: 'us-east-1-vpc-web',
        platform: 'linux',
        description: '',
        firewall_rules: [
          {
            chain: 'INPUT',
            action: 'ACCEPT',
            active: true,
            firewall_source: { id: zone.id, type: 'FirewallZone' },
            firewall_service: { id: service.id },
            connection_states: 'NEW, ESTABLISHED',
            log: false,
            position: 1,
          },
          // The id-string form of a service reference is accepted too.
          { chain: 'OUTPUT', action: 'ACCEPT', firewall_target: null, firewall_service: service.id },
        ],
      },
    });
    expect(created.status).toBe(201);
    policyId = created.body.firewall_policy.id;
    await api.post('/v1/groups', { group: { name: 'web', linux_firewall_policy_id: policyId } });

    const res = await api.get(`/v1/firewall_policies/${policyId}`);
    expect(res.status).toBe(200);
    // Reference payload, ids replaced by what this test created.
    expect(res.body).toMatchObject({
      firewall_policy: {
        id: policyId,
        name: 'us-east-1-vpc-web',
        platform: 'linux',
        description: '',
        shared: true,
        ignore_forwarding_rules: false,
        used_by: [{ id: HEX32, name: 'web' }],
        firewall_rules: [
          {
            id: HEX32,
            chain: 'INPUT',
            action: 'ACCEPT',
            active: true,
            firewall_source: { id: zone.id, type: 'FirewallZone' },
            firewall_service: { id: service.id },
            connection_states: 'NEW, ESTABLISHED',
            log: false,
            log_prefix: '',
            comment: '',
            position: 1,
          },
          { chain: 'OUTPUT', firewall_target: null, firewall_service: { id: service.id }, position: 1 },
        ],
      },
    });
    const rule = res.body.firewall_policy.firewall_rules[0];
    // List/summary form: bare references, no nested details.
    expect(rule.firewall_source).toEqual({ id: zone.id, type: 'FirewallZone' });
    expect(rule.firewall_service).toEqual({ id: service.id });
    expect(Object.keys(rule).sort()).toEqual(
      ['id', 'url', 'chain', 'action', 'active', 'firewall_source', 'firewall_service', 'firewall_interface', 'connection_states', 'log', 'log_prefix', 'comment', 'position'].sort(),
    );
  });

  test('the policy list leaves rules out; zone and service report used_by', async () => {
    const list = await api.get('/v1/firewall_policies');
    const summary = list.body.firewall_policies.find((p: any) => p.id === policyId);
    expect(summary).toBeDefined();
    expect(summary.firewall_rules).toBeUndefined();
    expect((await api.get(`/v1/firewall_zones/${zone.id}`)).body.firewall_zone.used_by).toEqual([{ id: policyId, name: 'us-east-1-vpc-web' }]);
  });

  test('per-rule GET carries the nested details', async () => {
    const rules = (await api.get(`/v1/firewall_policies/${policyId}/firewall_rules`)).body;
    expect(rules.count).toBe(2);
    const res = await api.get(`/v1/firewall_policies/${policyId}/firewall_rules/${rules.firewall_rules[0].id}`);
    expect(res.status).toBe(200);
    expect(res.body.firewall_rule.firewall_source).toMatchObject({ id: zone.id, name: 'z-web', type: 'FirewallZone', ip_address: '10.1.0.0/16' });
    expect(res.body.firewall_rule.firewall_service).toMatchObject({ id: service.id, name: 'https', protocol: 'TCP', port: '443' });
  });

  test('insert at a position shifts the rules after it; delete shifts them back', async () => {
    const ssh = await serviceNamed('ssh');
    const http = await serviceNamed('http');
    const base = `/v1/firewall_policies/${policyId}/firewall_rules`;
    const drop = await api.post(base, { firewall_rule: { chain: 'INPUT', action: 'DROP', firewall_source: null, firewall_service: null } });
    expect(drop.status).toBe(201);
    expect(drop.body.firewall_rule.position).toBe(2); // appended
    const inserted = await api.post(base, {
      firewall_rule: { chain: 'INPUT', action: 'ACCEPT', position: 1, firewall_source: { name: 'All Active Servers', type: 'Group' }, firewall_service: ssh.id },
    });
    expect(inserted.status).toBe(201);
    expect(inserted.body.firewall_rule.position).toBe(1);
    expect(inserted.body.firewall_rule.firewall_source).toEqual({ name: 'All Active Servers', type: 'Group' });
    const middle = await api.post(base, { firewall_rule: { chain: 'INPUT', action: 'ACCEPT', position: 2, firewall_service: http.id } });
    expect(middle.body.firewall_rule.position).toBe(2);

    const order = async () =>
      (await api.get(`/v1/firewall_policies/${policyId}`)).body.firewall_policy.firewall_rules
        .filter((r: any) => r.chain === 'INPUT')
        .map((r: any) => [r.position, r.action, r.firewall_service?.id ?? null]);
    expect(await order()).toEqual([
      [1, 'ACCEPT', ssh.id],
      [2, 'ACCEPT', http.id],
      [3, 'ACCEPT', service.id],
      [4, 'DROP', null],
    ]);
    // OUTPUT positions are their own sequence.
    const output = (await api.get(`/v1/firewall_policies/${policyId}`)).body.firewall_policy.firewall_rules.filter((r: any) => r.chain === 'OUTPUT');
    expect(output.map((r: any) => r.position)).toEqual([1]);

    expect((await api.delete(`${base}/${inserted.body.firewall_rule.id}`)).status).toBe(204);
    expect((await order()).map((r: any) => r[0])).toEqual([1, 2, 3]);

    // PUT with a position moves the rule.
    expect((await api.put(`${base}/${drop.body.firewall_rule.id}`, { firewall_rule: { position: 1 } })).status).toBe(204);
    expect((await order())[0]).toEqual([1, 'DROP', null]);

    const tooFar = await api.post(base, { firewall_rule: { chain: 'INPUT', action: 'ACCEPT', position: 9 } });
    expect(tooFar.status).toBe(422);
    expect(tooFar.body.errors).toEqual([{ field: 'position', value: 9, code: 'invalid', details: 'Position must be between 1 and 4' }]);
  });

  test('references must exist; source/target must fit the chain → 422 listing every problem', async () => {
    const res = await api.post(`/v1/firewall_policies/${policyId}/firewall_rules`, {
      firewall_rule: {
        chain: 'INPUT',
        action: 'ALLOW',
        firewall_source: { id: 'f'.repeat(32), type: 'FirewallZone' },
        firewall_target: { id: zone.id, type: 'FirewallZone' },
        firewall_service: { id: 'missing-service' },
        firewall_interface: 'missing-interface',
        connection_states: 'NEW, BOGUS',
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toBe('Validation Failed');
    const fields = res.body.errors.map((e: any) => [e.field, e.code]);
    expect(fields).toEqual(
      expect.arrayContaining([
        ['action', 'invalid'],
        ['firewall_source', 'not_found'],
        ['firewall_target', 'invalid'],
        ['firewall_service', 'not_found'],
        ['firewall_interface', 'not_found'],
        ['connection_states', 'invalid'],
      ]),
    );
  });

  test('inline rules are validated as a whole: nothing is created on error', async () => {
    const before = sim.state.policies.length;
    const res = await api.post('/v1/firewall_policies', {
      firewall_policy: { name: 'broken', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT' }, { action: 'DROP' }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'firewall_rules[1].chain', value: null, code: 'required', details: 'Chain required' }]);
    expect(sim.state.policies.length).toBe(before);
  });

  test('inline positions order the chain even when listed out of order', async () => {
    const res = await api.post('/v1/firewall_policies', {
      firewall_policy: {
        name: 'ordered',
        firewall_rules: [
          { chain: 'INPUT', action: 'DROP', position: 2 },
          { chain: 'INPUT', action: 'ACCEPT', position: 1, comment: 'first' },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.firewall_policy.firewall_rules.map((r: any) => [r.position, r.action])).toEqual([
      [1, 'ACCEPT'],
      [2, 'DROP'],
    ]);
  });

  test('PUT replaces the rule list when firewall_rules is given, and keeps it otherwise', async () => {
    const id = (await api.post('/v1/firewall_policies', { firewall_policy: { name: 'replace-me', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT' }] } })).body.firewall_policy.id;
    expect((await api.put(`/v1/firewall_policies/${id}`, { firewall_policy: { description: 'new text' } })).status).toBe(204);
    let got = (await api.get(`/v1/firewall_policies/${id}`)).body.firewall_policy;
    expect(got).toMatchObject({ name: 'replace-me', description: 'new text' });
    expect(got.firewall_rules).toHaveLength(1);
    const put = await api.put(`/v1/firewall_policies/${id}`, {
      firewall_policy: { name: 'replace-me', firewall_rules: [{ chain: 'OUTPUT', action: 'DROP' }, { chain: 'INPUT', action: 'REJECT' }] },
    });
    expect(put.status).toBe(204);
    got = (await api.get(`/v1/firewall_policies/${id}`)).body.firewall_policy;
    expect(got.firewall_rules.map((r: any) => [r.chain, r.action, r.position])).toEqual([
      ['INPUT', 'REJECT', 1],
      ['OUTPUT', 'DROP', 1],
    ]);
    expect((await api.delete(`/v1/firewall_policies/${id}`)).status).toBe(204);
    expect((await api.get(`/v1/firewall_policies/${id}`)).status).toBe(404);
  });

  test('delete of a zone, service or policy in use → 422 in_use', async () => {
    const z = await api.delete(`/v1/firewall_zones/${zone.id}`);
    expect(z.status).toBe(422);
    expect(z.body).toEqual({
      message: 'Validation Failed',
      errors: [{ field: 'id', value: zone.id, code: 'in_use', details: 'Firewall zone is used by firewall policies: us-east-1-vpc-web' }],
    });
    const p = await api.delete(`/v1/firewall_policies/${policyId}`);
    expect(p.status).toBe(422);
    expect(p.body.errors[0]).toMatchObject({ code: 'in_use', details: 'Firewall policy is used by groups: web' });
    // An unused zone can go.
    const spare = (await api.post('/v1/firewall_zones', { firewall_zone: { name: 'spare', ip_address: '192.0.2.1' } })).body.firewall_zone;
    expect((await api.delete(`/v1/firewall_zones/${spare.id}`)).status).toBe(204);
  });

  test('PUT moving a rule to the other chain keeps its peer as the new side', async () => {
    const created = await api.post('/v1/firewall_policies', {
      firewall_policy: {
        name: 'chain-move',
        firewall_rules: [
          { chain: 'INPUT', action: 'ACCEPT', firewall_source: { id: zone.id, type: 'FirewallZone' } },
          { chain: 'OUTPUT', action: 'DROP' },
        ],
      },
    });
    const policy = created.body.firewall_policy;
    const input = policy.firewall_rules[0];
    const base = `/v1/firewall_policies/${policy.id}/firewall_rules`;
    const wrongSide = await api.put(`${base}/${input.id}`, { firewall_rule: { chain: 'OUTPUT', firewall_source: { id: zone.id, type: 'FirewallZone' } } });
    expect(wrongSide.status).toBe(422);
    expect(wrongSide.body.errors[0]).toMatchObject({ field: 'firewall_source', code: 'invalid' });
    expect((await api.put(`${base}/${input.id}`, { firewall_rule: { chain: 'OUTPUT', position: 1 } })).status).toBe(204);
    const rules = (await api.get(`/v1/firewall_policies/${policy.id}`)).body.firewall_policy.firewall_rules;
    expect(rules.map((r: any) => [r.chain, r.position, r.action])).toEqual([
      ['OUTPUT', 1, 'ACCEPT'],
      ['OUTPUT', 2, 'DROP'],
    ]);
    expect(rules[0].firewall_target).toEqual({ id: zone.id, type: 'FirewallZone' });
    expect(rules[0].firewall_source).toBeUndefined();
    expect((await api.delete(`/v1/firewall_policies/${policy.id}`)).status).toBe(204);
  });

  test('interfaces: create, reference from a rule, delete refused while in use', async () => {
    const eth2 = await api.post('/v1/firewall_interfaces', { firewall_interface: { name: 'eth2' } });
    expect(eth2.status).toBe(201);
    const id = eth2.body.firewall_interface.id;
    const p = await api.post('/v1/firewall_policies', {
      firewall_policy: { name: 'iface', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT', firewall_interface: { id } }] },
    });
    expect(p.body.firewall_policy.firewall_rules[0].firewall_interface).toEqual({ id });
    const refused = await api.delete(`/v1/firewall_interfaces/${id}`);
    expect(refused.body.errors[0]).toMatchObject({ code: 'in_use', details: 'Firewall interface is used by firewall policies: iface' });
    expect((await api.post('/v1/firewall_interfaces', { firewall_interface: { name: 'bad name!' } })).status).toBe(422);
  });

  test('windows policies carry the windows flags', async () => {
    const res = await api.post('/v1/firewall_policies', { firewall_policy: { name: 'win', platform: 'windows', log_dropped: true } });
    expect(res.body.firewall_policy).toMatchObject({ platform: 'windows', log_allowed: false, log_dropped: true, block_inbound: true, block_outbound: false });
  });
});

test('no internal errors', () => {
  expect(sim.internalErrors).toEqual([]);
});
