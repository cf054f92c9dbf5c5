/**
 * `--timeout` is the per-server deadline for everything, the Halo client's own retry waits included: a 429 storm
 * whose Retry-After asks for two minutes must end in `timeout` when the deadline passes, not hold the run.
 * A simulator of its own, so that whatever is left of the storm reaches no other test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { admitCli, removeWorkspaces, server, workspace } from './harness.js';

let sim: HaloSim;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
});
afterAll(async () => {
  removeWorkspaces();
  await sim.close();
});

describe('ruleport admit --timeout', () => {
  it('cuts the client\'s Retry-After waits short and reports the server as timed out', async () => {
    sim.load({ groups: [{ name: 'SlowDirty' }, { name: 'SlowClean' }] });
    const id = server(sim, 'SlowDirty', 'slow-1');
    sim.setScanDuration(200, 200);
    const ws = workspace(sim.keys.full);
    // Every poll of the scan command, up to the client's attempt limit, is rate-limited with Retry-After: 120.
    sim.rateLimit({ count: 8, retryAfterSeconds: 120, match: { method: 'GET', path: /\/commands\// } });
    const r = await admitCli(sim, ws, ['--from', 'SlowDirty', '--to', 'SlowClean', '--poll-interval', '20ms', '--timeout', '1s', '--json']);

    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as { servers: Record<string, unknown>[] };
    expect(report.servers).toHaveLength(1);
    expect(report.servers[0]).toMatchObject({ hostname: 'slow-1', result: 'timeout', action: 'kept' });
    expect(sim.state.scans.some((x) => x.server_id === id)).toBe(true);
    expect(sim.requestLog.filter((e) => e.status === 429 && /\/commands\//.test(e.path)).length).toBeGreaterThan(0);
  }, 30_000);
});
