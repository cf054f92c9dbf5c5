/**
 * Scripted SCA scans: launch → command queued → pending → completed|failed, the latest result, history and
 * issues. Time is driven with advanceTime, so nothing here sleeps (one real-time check aside).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { Api } from './halo-client.js';

let sim: HaloSim;
let api: Api;
let groupId: string;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
  sim.setScanDuration(400, 400);
  api = await Api.connect(sim.url, sim.keys.full);
  groupId = (await api.post('/v1/groups', { group: { name: 'ProdWebDirty' } })).body.group.id;
});

afterAll(async () => {
  await sim.close();
});

const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

async function launch(serverId: string): Promise<any> {
  const res = await api.post(`/v1/servers/${serverId}/scans`, { scan: { module: 'sca' } });
  expect(res.status).toBe(202);
  return res.body.command;
}

async function command(serverId: string, id: string): Promise<any> {
  const res = await api.get(`/v1/servers/${serverId}/commands/${id}`);
  expect(res.status).toBe(200);
  return res.body.command;
}

describe('scan lifecycle', () => {
  test('clean: 202 queued command → pending → completed; /sca 404 until then', async () => {
    const server = sim.addServer({ hostname: 'clean-1', group_id: groupId });
    sim.scriptScan(server.id, [{ kind: 'clean' }]);
    const none = await api.get(`/v1/servers/${server.id}/sca`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ resource: 'scan', field: 'server_id', value: server.id });

    const cmd = await launch(server.id);
    // Reference: {"command":{"id","url","name":"sca","status":"queued",…}}
    expect(cmd).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      url: `${sim.url}/v1/servers/${server.id}/commands/${cmd.id}`,
      name: 'sca',
      status: 'queued',
      created_at: ISO,
      updated_at: ISO,
      result: null,
    });
    sim.advanceTime(100);
    expect((await command(server.id, cmd.id)).status).toBe('pending');
    sim.advanceTime(200);
    expect((await command(server.id, cmd.id)).status).toBe('pending');
    expect((await api.get(`/v1/servers/${server.id}/sca`)).status).toBe(404);
    sim.advanceTime(100);
    const done = await command(server.id, cmd.id);
    expect(done).toMatchObject({ status: 'completed', result: expect.any(String) });

    const sca = await api.get(`/v1/servers/${server.id}/sca`);
    expect(sca.status).toBe(200);
    // Reference: server fields plus "scan":{"id","module":"sca","status","created_at","completed_at",
    //   "critical_findings_count","non_critical_findings_count","ok_findings_count","findings":[…]}
    expect(sca.body).toMatchObject({
      id: server.id,
      hostname: 'clean-1',
      group_id: groupId,
      state: 'active',
      scan: {
        id: expect.any(String),
        module: 'sca',
        status: 'completed_clean',
        created_at: ISO,
        completed_at: ISO,
        critical_findings_count: 0,
        non_critical_findings_count: 0,
        ok_findings_count: expect.any(Number),
      },
    });
    expect(sca.body.scan.findings.every((f: any) => f.status === 'good')).toBe(true);
    expect(sca.body.scan.findings[0]).toEqual({ rule_name: expect.any(String), critical: false, status: 'good', details: expect.any(Array) });
  });

  test('findings: completed_with_errors with the scripted counts and rule names, and issues', async () => {
    const server = sim.addServer({ hostname: 'dirty-1', group_id: groupId });
    sim.scriptScan(server.id, [{ kind: 'findings', critical: 2, nonCritical: 1, failingRules: ['Ensure syslog is installed'] }]);
    const cmd = await launch(server.id);
    sim.advanceTime(400);
    expect((await command(server.id, cmd.id)).status).toBe('completed');
    const scan = (await api.get(`/v1/servers/${server.id}/sca`)).body.scan;
    expect(scan).toMatchObject({ status: 'completed_with_errors', critical_findings_count: 2, non_critical_findings_count: 1 });
    const bad = scan.findings.filter((f: any) => f.status === 'bad');
    expect(bad.map((f: any) => f.critical)).toEqual([true, true, false]);
    expect(bad[0].rule_name).toBe('Ensure syslog is installed');
    expect(new Set(bad.map((f: any) => f.rule_name)).size).toBe(3);

    const issues = await api.get(`/v1/issues?agent_id=${server.id}&status=active&issue_type=csm&critical=true`);
    expect(issues.body.count).toBe(2);
    expect(issues.body.issues[0]).toMatchObject({ issue_type: 'csm', status: 'active', critical: true, agent_id: server.id });

    // A later clean scan resolves them.
    const again = await launch(server.id);
    sim.advanceTime(400);
    expect((await command(server.id, again.id)).status).toBe('completed');
    expect((await api.get(`/v1/issues?agent_id=${server.id}&status=active`)).body.count).toBe(0);
    expect((await api.get(`/v1/issues?agent_id=${server.id}&status=resolved`)).body.count).toBe(3);
  });

  test('failed: the command fails, /sca shows the failed scan', async () => {
    const server = sim.addServer({ hostname: 'broken-1', group_id: groupId });
    sim.scriptScan(server.id, [{ kind: 'failed' }, { kind: 'clean' }]);
    const cmd = await launch(server.id);
    sim.advanceTime(400);
    expect(await command(server.id, cmd.id)).toMatchObject({ status: 'failed', result: expect.any(String) });
    expect((await api.get(`/v1/servers/${server.id}/sca`)).body.scan).toMatchObject({ status: 'failed', findings: [] });
    // A rescan takes the next scripted outcome.
    const retry = await launch(server.id);
    sim.advanceTime(400);
    expect((await command(server.id, retry.id)).status).toBe('completed');
    expect((await api.get(`/v1/servers/${server.id}/sca`)).body.scan.status).toBe('completed_clean');
  });

  test('never: the command stays pending for ever', async () => {
    const server = sim.addServer({ hostname: 'hung-1', group_id: groupId });
    sim.scriptScan(server.id, [{ kind: 'never' }]);
    const cmd = await launch(server.id);
    sim.advanceTime(24 * 3600 * 1000);
    // A day later the token has long expired: re-authenticate, as a client would.
    api = await Api.connect(sim.url, sim.keys.full);
    expect((await command(server.id, cmd.id)).status).toBe('pending');
    expect((await api.get(`/v1/servers/${server.id}/sca`)).status).toBe(404);
    const history = (await api.get(`/v1/scans?server_id=${server.id}`)).body.scans;
    expect(history.map((s: any) => s.status)).toEqual(['running']);
  });

  test('slow: takes its own duration, then its outcome', async () => {
    const server = sim.addServer({ hostname: 'slow-1', group_id: groupId });
    sim.scriptScan(server.id, [{ kind: 'slow', ms: 10_000, then: { kind: 'findings', critical: 0, nonCritical: 1 } }]);
    const cmd = await launch(server.id);
    // The simulated clock also runs in real time, so leave the test's own run time some room.
    sim.advanceTime(9_000);
    expect((await command(server.id, cmd.id)).status).toBe('pending');
    sim.advanceTime(1_000);
    expect((await command(server.id, cmd.id)).status).toBe('completed');
    expect((await api.get(`/v1/servers/${server.id}/sca`)).body.scan.status).toBe('completed_with_errors');
  });

  test('real time: with a tiny duration the scan completes without advanceTime', async () => {
    const fast = await startHaloSim();
    try {
      fast.setScanDuration(10, 30);
      const client = await Api.connect(fast.url, fast.keys.full);
      const gid = (await client.post('/v1/groups', { group: { name: 'g' } })).body.group.id;
      const server = fast.addServer({ group_id: gid });
      const cmd = (await client.post(`/v1/servers/${server.id}/scans`, { scan: { module: 'sca' } })).body.command;
      let status = cmd.status;
      // Poll until done, with no wall-clock bound of its own: a scan that never completes hits the test timeout.
      while (status !== 'completed') {
        await new Promise((r) => setTimeout(r, 10));
        status = (await client.get(`/v1/servers/${server.id}/commands/${cmd.id}`)).body.command.status;
      }
      expect(status).toBe('completed');
    } finally {
      await fast.close();
    }
  });
});

describe('scan API edges', () => {
  test('history: filters and pagination; /v1/scans/{id} has findings, the list does not', async () => {
    const server = sim.addServer({ hostname: 'hist-1', group_id: groupId });
    sim.scriptScan(server.id, [{ kind: 'clean' }, { kind: 'failed' }, { kind: 'findings', critical: 1, nonCritical: 0 }]);
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) {
      await launch(server.id);
      sim.advanceTime(400);
    }
    const all = await api.get(`/v1/scans?server_id=${server.id}&module=sca&per_page=2`);
    expect(all.body.count).toBe(3);
    expect(all.body.scans).toHaveLength(2);
    expect(all.body.pagination.next).toContain('page=2');
    expect(all.body.scans[0].findings).toBeUndefined();
    const failed = await api.get(`/v1/scans?server_id=${server.id}&status=failed,completed_with_errors`);
    expect(failed.body.scans.map((s: any) => s.status)).toEqual(['failed', 'completed_with_errors']);
    expect((await api.get(`/v1/scans?server_id=${server.id}&since=2999-01-01`)).body.count).toBe(0);
    expect((await api.get(`/v1/scans?server_id=${server.id}&since=${since}`)).body.count).toBe(3);
    expect((await api.get('/v1/scans?since=yesterday')).status).toBe(422);
    const one = await api.get(`/v1/scans/${all.body.scans[0].id}`);
    expect(one.body.scan).toMatchObject({ module: 'sca', status: 'completed_clean', server_id: server.id, findings: expect.any(Array) });
  });

  test('module must be sca; the server must be active', async () => {
    const server = sim.addServer({ hostname: 'edge-1', group_id: groupId });
    const bad = await api.post(`/v1/servers/${server.id}/scans`, { scan: { module: 'fim' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ field: 'module', code: 'invalid' });
    sim.setServerState(server.id, 'missing');
    const offline = await api.post(`/v1/servers/${server.id}/scans`, { scan: { module: 'sca' } });
    expect(offline.status).toBe(422);
    expect(offline.body.errors[0]).toMatchObject({ field: 'state', value: 'missing' });
  });

  test('a server removed mid-scan: its command and result are 404', async () => {
    const server = sim.addServer({ hostname: 'vanish-1', group_id: groupId });
    const cmd = await launch(server.id);
    sim.removeServer(server.id);
    const res = await api.get(`/v1/servers/${server.id}/commands/${cmd.id}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ resource: 'server', field: 'id', value: server.id });
  });

  test('a command of another server is 404', async () => {
    const a = sim.addServer({ group_id: groupId });
    const b = sim.addServer({ group_id: groupId });
    const cmd = await launch(a.id);
    const res = await api.get(`/v1/servers/${b.id}/commands/${cmd.id}`);
    expect(res.body).toEqual({ resource: 'command', field: 'id', value: cmd.id });
  });
});

test('no internal errors', () => {
  expect(sim.internalErrors).toEqual([]);
});
