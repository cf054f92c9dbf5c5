/**
 * Server groups and servers: reference shapes, group paths, pagination over many servers, moves and retirement.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { Api } from './halo-client.js';

let sim: HaloSim;
let api: Api;
const ids: Record<string, string> = {};

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
  api = await Api.connect(sim.url, sim.keys.full);
  for (const [name, parent, tag] of [
    ['Production', null, null],
    ['Web', 'Production', null],
    ['ProdWebDirty', 'Web', 'NewDirty'],
    ['ProdWebClean', 'Web', null],
    ['Bulk', null, null],
  ] as const) {
    const res = await api.post('/v1/groups', { group: { name, tag, parent_id: parent ? ids[parent] : null } });
    expect(res.status).toBe(201);
    ids[name] = res.body.group.id;
  }
});

afterAll(async () => {
  await sim.close();
});

describe('groups', () => {
  test('group_path is computed from the parents', async () => {
    const res = await api.get(`/v1/groups/${ids['ProdWebDirty']}`);
    expect(res.status).toBe(200);
    expect(res.body.group).toMatchObject({
      id: ids['ProdWebDirty'],
      name: 'ProdWebDirty',
      tag: 'NewDirty',
      parent_id: ids['Web'],
      linux_firewall_policy_id: null,
      windows_firewall_policy_id: null,
      policy_ids: [],
      server_counts: { active: 0, missing: 0, deactivated: 0 },
      group_path: 'Production/Web/ProdWebDirty',
    });
    // Re-parenting changes the path of the group and of its servers.
    expect((await api.put(`/v1/groups/${ids['Web']}`, { group: { parent_id: null } })).status).toBe(204);
    expect((await api.get(`/v1/groups/${ids['ProdWebDirty']}`)).body.group.group_path).toBe('Web/ProdWebDirty');
    expect((await api.put(`/v1/groups/${ids['Web']}`, { group: { parent_id: ids['Production'] } })).status).toBe(204);
  });

  test('validation: name required, parent must exist, no cycles, sibling names unique', async () => {
    const noName = await api.post('/v1/groups', { group: { name: '' } });
    expect(noName.status).toBe(422);
    // The reference's 422 body, literally.
    expect(noName.body).toEqual({ message: 'Validation Failed', errors: [{ field: 'name', value: '', code: 'required', details: 'Name required' }] });
    const orphan = await api.post('/v1/groups', { group: { name: 'x', parent_id: 'f'.repeat(32) } });
    expect(orphan.body.errors[0]).toMatchObject({ field: 'parent_id', code: 'not_found' });
    const cycle = await api.put(`/v1/groups/${ids['Production']}`, { group: { parent_id: ids['ProdWebClean'] } });
    expect(cycle.status).toBe(422);
    expect(cycle.body.errors[0]).toMatchObject({ field: 'parent_id', code: 'invalid' });
    const twin = await api.post('/v1/groups', { group: { name: 'prodwebclean', parent_id: ids['Web'] } });
    expect(twin.body.errors[0]).toMatchObject({ field: 'name', code: 'taken' });
  });

  test('firewall policy references must exist and match the platform', async () => {
    const linux = (await api.post('/v1/firewall_policies', { firewall_policy: { name: 'lin' } })).body.firewall_policy.id;
    const bad = await api.put(`/v1/groups/${ids['Web']}`, { group: { windows_firewall_policy_id: linux, linux_firewall_policy_id: 'nope' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => [e.field, e.code])).toEqual([
      ['linux_firewall_policy_id', 'not_found'],
      ['windows_firewall_policy_id', 'invalid'],
    ]);
    expect((await api.put(`/v1/groups/${ids['Web']}`, { group: { linux_firewall_policy_id: linux } })).status).toBe(204);
    expect((await api.get(`/v1/groups/${ids['Web']}`)).body.group.linux_firewall_policy_id).toBe(linux);
  });

  test('404 body for an unknown group', async () => {
    const res = await api.get('/v1/groups/0123456789abcdef0123456789abcdef');
    expect(res.status).toBe(404);
    // Reference: {"resource":"group","field":"id","value":"…"}
    expect(res.body).toEqual({ resource: 'group', field: 'id', value: '0123456789abcdef0123456789abcdef' });
  });
});

describe('servers', () => {
  test('server shape matches the reference payload', async () => {
    const added = sim.addServer({
      hostname: 'web-1',
      group_id: 'ProdWebDirty',
      primary_ip_address: '10.0.1.5',
      connecting_ip_address: '203.0.113.5',
      interfaces: [{ name: 'eth0', ip_address: '10.0.1.5' }],
    });
    const res = await api.get(`/v1/servers/${added.id}`);
    expect(res.status).toBe(200);
    // Reference: {"id","hostname","server_label","primary_ip_address","connecting_ip_address","state":"active",
    //   "platform":"centos","group_id","group_name","group_path","interfaces":[{"name":"eth0","ip_address":"10.0.1.5"}]}
    expect(res.body.server).toMatchObject({
      id: added.id,
      hostname: 'web-1',
      server_label: null,
      primary_ip_address: '10.0.1.5',
      connecting_ip_address: '203.0.113.5',
      state: 'active',
      platform: 'centos',
      group_id: ids['ProdWebDirty'],
      group_name: 'ProdWebDirty',
      group_path: 'Production/Web/ProdWebDirty',
      interfaces: [{ name: 'eth0', ip_address: '10.0.1.5' }],
    });
    // A server added by tag lands in the tagged group, like an agent started with --tag.
    expect(sim.addServer({ hostname: 'web-2', tag: 'NewDirty' }).group_id).toBe(ids['ProdWebDirty']);
  });

  test('pagination: 250 servers, per_page 100 → 3 pages, next absent on the last', async () => {
    for (let i = 0; i < 250; i++) sim.addServer({ hostname: `bulk-${i}`, group_id: ids['Bulk'] });
    const first = await api.get(`/v1/servers?group_id=${ids['Bulk']}&per_page=100`);
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(250);
    expect(first.body.servers).toHaveLength(100);
    expect(first.body.pagination.next).toBe(`${sim.url}/v1/servers?group_id=${ids['Bulk']}&per_page=100&page=2`);
    const pages = await api.walk(`/v1/servers?group_id=${ids['Bulk']}&per_page=100`);
    expect(pages.map((p) => p.servers.length)).toEqual([100, 100, 50]);
    expect(pages[2].pagination).toEqual({});
    const hostnames = pages.flatMap((p) => p.servers.map((s: any) => s.hostname));
    expect(new Set(hostnames).size).toBe(250);
    expect(hostnames[0]).toBe('bulk-0');
    expect(hostnames[249]).toBe('bulk-249');
    // The group's own server list pages the same way.
    const groupPages = await api.walk(`/v1/groups/${ids['Bulk']}/servers?state=active&per_page=100`);
    expect(groupPages.map((p) => p.servers.length)).toEqual([100, 100, 50]);
    // per_page above the maximum is clamped to 100; page past the end is empty.
    expect((await api.get(`/v1/groups/${ids['Bulk']}/servers?per_page=500`)).body.servers).toHaveLength(100);
    const past = await api.get(`/v1/groups/${ids['Bulk']}/servers?page=9`);
    expect(past.body).toEqual({ count: 250, servers: [], pagination: {} });
    const badPage = await api.get('/v1/servers?page=0');
    expect(badPage.status).toBe(422);
    expect(badPage.body.errors[0]).toMatchObject({ field: 'page', code: 'invalid' });
  });

  test('filters: state (comma-joined), platform, group_id', async () => {
    const missing = sim.addServer({ hostname: 'lost', group_id: ids['ProdWebClean'], state: 'missing' });
    const win = sim.addServer({ hostname: 'win-1', group_id: ids['ProdWebClean'], platform: 'windows' });
    const inGroup = (q: string) => api.get(`/v1/servers?group_id=${ids['ProdWebClean']}${q}`).then((r) => r.body.servers.map((s: any) => s.hostname));
    expect(await inGroup('')).toEqual(['lost', 'win-1']);
    expect(await inGroup('&state=active')).toEqual(['win-1']);
    expect(await inGroup('&state=active,missing')).toEqual(['lost', 'win-1']);
    expect(await inGroup('&platform=windows')).toEqual(['win-1']);
    expect(await inGroup('&platform=linux')).toEqual(['lost']);
    const bad = await api.get('/v1/servers?state=sleeping');
    expect(bad.status).toBe(422);
    sim.removeServer(missing.id);
    sim.removeServer(win.id);
  });

  test('move a server: PUT {"server":{"group_id":…}}', async () => {
    const s = sim.addServer({ hostname: 'mover', group_id: ids['ProdWebDirty'] });
    const res = await api.put(`/v1/servers/${s.id}`, { server: { group_id: ids['ProdWebClean'] } });
    expect(res.status).toBe(204);
    const after = (await api.get(`/v1/servers/${s.id}`)).body.server;
    expect(after).toMatchObject({ group_id: ids['ProdWebClean'], group_name: 'ProdWebClean', group_path: 'Production/Web/ProdWebClean' });
    const clean = (await api.get(`/v1/groups/${ids['ProdWebClean']}/servers?state=active`)).body.servers.map((x: any) => x.id);
    expect(clean).toContain(s.id);
    expect((await api.get(`/v1/groups/${ids['ProdWebClean']}`)).body.group.server_counts.active).toBeGreaterThanOrEqual(1);
    const nowhere = await api.put(`/v1/servers/${s.id}`, { server: { group_id: 'f'.repeat(32) } });
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.errors[0]).toMatchObject({ field: 'group_id', code: 'not_found' });
  });

  test('failMoves: the move fails with 500 and the server stays', async () => {
    const s = sim.addServer({ hostname: 'stuck', group_id: ids['ProdWebDirty'] });
    sim.failMoves(s.id);
    const res = await api.put(`/v1/servers/${s.id}`, { server: { group_id: ids['ProdWebClean'] } });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 500, message: 'Internal Server Error' });
    expect((await api.get(`/v1/servers/${s.id}`)).body.server.group_id).toBe(ids['ProdWebDirty']);
    sim.allowMoves(s.id);
    expect((await api.put(`/v1/servers/${s.id}`, { server: { group_id: ids['ProdWebClean'] } })).status).toBe(204);
  });

  test('retire; removeServer makes it vanish (404)', async () => {
    const s = sim.addServer({ hostname: 'old', group_id: ids['ProdWebDirty'] });
    expect((await api.put(`/v1/servers/${s.id}`, { server: { retire: true } })).status).toBe(204);
    expect((await api.get(`/v1/servers/${s.id}`)).body.server.state).toBe('retired');
    const listed = (await api.get(`/v1/servers?group_id=${ids['ProdWebDirty']}`)).body.servers.map((x: any) => x.id);
    expect(listed).not.toContain(s.id);
    const retired = (await api.get(`/v1/servers?group_id=${ids['ProdWebDirty']}&state=retired`)).body.servers.map((x: any) => x.id);
    expect(retired).toEqual([s.id]);
    sim.removeServer(s.id);
    const gone = await api.get(`/v1/servers/${s.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ resource: 'server', field: 'id', value: s.id });
  });

  test('a group with servers or children cannot be deleted', async () => {
    const withKids = await api.delete(`/v1/groups/${ids['Web']}`);
    expect(withKids.status).toBe(422);
    expect(withKids.body.errors[0]).toMatchObject({ code: 'in_use' });
    const withServers = await api.delete(`/v1/groups/${ids['Bulk']}`);
    expect(withServers.body.errors[0].details).toMatch(/^Group is used by servers: /);
    const empty = (await api.post('/v1/groups', { group: { name: 'Empty' } })).body.group.id;
    expect((await api.delete(`/v1/groups/${empty}`)).status).toBe(204);
  });
});

test('no internal errors', () => {
  expect(sim.internalErrors).toEqual([]);
});
