/**
 * Where the seed script exited: token expiry, a 429 storm and 5xx mid-run, a server that disappears, a move
 * that fails. The run must carry on and report each server truthfully.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { admitCli, placement, removeWorkspaces, server, workspace } from './harness.js';

let sim: HaloSim;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
});
afterAll(async () => {
  removeWorkspaces();
  await sim.close();
});

/** Waits until `pred` holds, polling the simulator (not a fixed delay: a loaded machine starts the CLI late). */
async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const scanned = (ids: readonly string[]) => (): boolean => {
  const scans = sim.state.scans;
  return ids.every((id) => scans.some((s) => s.server_id === id));
};

describe('ruleport admit under trouble', () => {
  it('rides out token expiry, a 429 storm and 5xx errors mid-run', async () => {
    sim.load({ groups: [{ name: 'StormDirty' }, { name: 'StormClean' }] });
    const hosts = Array.from({ length: 8 }, (_, i) => `storm-${i}`);
    const ids = hosts.map((h) => server(sim, 'StormDirty', h));
    sim.setScanDuration(400, 600);
    sim.clearRequestLog();
    const ws = workspace(sim.keys.full);
    const running = admitCli(sim, ws, ['--from', 'StormDirty', '--to', 'StormClean', '--concurrency', '8', '--poll-interval', '20ms', '--timeout', '20s', '--json']);
    await until(scanned(ids), 'every server has a scan');
    // Every scan is in flight now: the tokens lapse, then the API rate-limits and fails for a while.
    sim.expireTokens();
    sim.rateLimit({ count: 6, retryAfterSeconds: 1 });
    sim.rateLimit({ count: 8 });
    sim.failNext(4, 503);
    const r = await running;

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const where = placement(sim);
    expect(hosts.map((h) => where[h])).toEqual(hosts.map(() => 'StormClean'));
    const log = sim.requestLog;
    expect(log.filter((e) => e.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(log.filter((e) => e.status === 429)).toHaveLength(14);
    expect(log.filter((e) => e.status === 503)).toHaveLength(4);
    // One token at the start and one after expiry: concurrent 401s share a single re-authentication.
    expect(log.filter((e) => e.path === '/oauth/access_token' && e.status === 200)).toHaveLength(2);
    expect(sim.internalErrors).toEqual([]);
  });

  it('reports a server that disappears mid-run and a move that fails, and moves the others', async () => {
    sim.load({ groups: [{ name: 'TroubleDirty' }, { name: 'TroubleClean' }] });
    server(sim, 'TroubleDirty', 'fine-1');
    const vanishing = server(sim, 'TroubleDirty', 'vanishing-1');
    const stuck = server(sim, 'TroubleDirty', 'unmovable-1');
    sim.failMoves(stuck, 409);
    sim.setScanDuration(300, 300);
    const ws = workspace(sim.keys.full);
    const running = admitCli(sim, ws, ['--from', 'TroubleDirty', '--to', 'TroubleClean', '--poll-interval', '20ms', '--timeout', '10s', '--json']);
    await until(scanned([vanishing]), 'the vanishing server has a scan');
    sim.removeServer(vanishing);
    const r = await running;

    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    const s = Object.fromEntries(report.servers.map((x: any) => [x.hostname, x]));
    expect(s['fine-1']).toMatchObject({ result: 'pass', action: 'moved' });
    expect(s['vanishing-1']).toMatchObject({ result: 'gone', action: 'kept', reason: 'the server disappeared during the run' });
    expect(s['unmovable-1']).toMatchObject({ result: 'pass', action: 'move-failed' });
    expect(s['unmovable-1'].actionDetail).toContain('HTTP 409');
    expect(report.totals).toEqual({ servers: 3, admitted: 1, notAdmitted: 2, moveFailed: 1 });
    const where = placement(sim);
    expect(where['fine-1']).toBe('TroubleClean');
    expect(where['unmovable-1']).toBe('TroubleDirty');
    expect(sim.state.servers.some((x) => x.id === vanishing)).toBe(false);
    expect(sim.internalErrors).toEqual([]);
  });

  it('with --debug, tells of every retry and re-authentication but never prints the secret or a token', async () => {
    sim.load({ groups: [{ name: 'DebugDirty' }, { name: 'DebugClean' }] });
    const ids = ['debug-0', 'debug-1'].map((h) => server(sim, 'DebugDirty', h));
    sim.setScanDuration(300, 300);
    const ws = workspace(sim.keys.full);
    // The tokens the simulator hands out, read off the wire (the simulator keeps them to itself).
    const tokens: string[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const res = await realFetch(input, init);
      if (String(input instanceof Request ? input.url : input).includes('/oauth/access_token') && res.ok) {
        tokens.push(((await res.clone().json()) as { access_token: string }).access_token);
      }
      return res;
    });
    try {
      const running = admitCli(sim, ws, ['--from', 'DebugDirty', '--to', 'DebugClean', '--poll-interval', '20ms', '--timeout', '20s', '--debug']);
      await until(scanned(ids), 'both servers have a scan');
      sim.expireTokens();
      sim.rateLimit({ count: 2, retryAfterSeconds: 1 });
      sim.failNext(2, 503);
      const r = await running;
      expect(r.code).toBe(0);
      const printed = r.stdout + r.stderr;
      expect(r.stderr).toMatch(/^debug: halo .*re-authenticating once$/m);
      expect(r.stderr).toMatch(/^debug: halo .*HTTP 429, retry/m);
      expect(tokens).toHaveLength(2);
      for (const token of tokens) expect(printed).not.toContain(token);
      expect(printed).not.toContain(sim.keys.full.secret);
      expect(printed).not.toContain(Buffer.from(`${sim.keys.full.keyId}:${sim.keys.full.secret}`).toString('base64'));
    } finally {
      spy.mockRestore();
    }
  });
});
