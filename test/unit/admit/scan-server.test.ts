/**
 * The scan lifecycle against a scripted fake API on virtual time: poll backoff, retries, timeouts, stale and
 * missing results, servers that vanish. Expected call sequences are worked out by hand from the timing.
 */
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../../src/model/index.js';
import type { HaloCommand, HaloServer, HaloServersApi, ScaScan } from '../../../src/platforms/halo/servers-client.js';
import { deadlineSignal, scanServer, type Clock, type ScanTiming } from '../../../src/workflows/admit/scan-server.js';

const T0 = Date.parse('2026-01-10T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function virtualClock(): Clock & { slept: number[] } {
  let now = T0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const server: HaloServer = { id: 's1', hostname: 'web-1', platform: 'centos', state: 'active', groupId: 'g1', ips: ['10.0.0.1'] };
const timing: ScanTiming = { timeoutMs: 60_000, retries: 1, pollInitialMs: 1000, pollMaxMs: 4000 };

/** Each launched scan finishes `after` ms later with `ends` ('completed' + result, or 'failed'), or never. */
type Plan = { after: number; ends: 'clean' | 'failed' | 'never' | 'dirty' };

function fakeApi(clock: Clock, plans: Plan[], opts: { staleResult?: boolean; noResult?: boolean; vanishAfterLaunch?: boolean } = {}) {
  const calls: string[] = [];
  const launches: { at: number; plan: Plan; id: string }[] = [];
  let gone = false;
  const api: HaloServersApi = {
    requireWrite: async () => undefined,
    listGroups: async () => [],
    getGroup: async () => {
      throw new Error('unused');
    },
    firewallPolicyName: async () => 'unused',
    listActiveServers: async () => [],
    getServer: async () => {
      calls.push('getServer');
      return gone ? undefined : server;
    },
    launchScan: async () => {
      calls.push('launch');
      const plan = plans[launches.length] ?? { after: 0, ends: 'clean' };
      const id = `cmd-${launches.length + 1}`;
      launches.push({ at: clock.now(), plan, id });
      if (opts.vanishAfterLaunch) gone = true;
      return { id, status: 'queued', createdAt: iso(clock.now()) };
    },
    getCommand: async (_s, id): Promise<HaloCommand> => {
      calls.push('poll');
      if (gone) throw new RemoteError('halo', `GET /v1/servers/s1/commands/${id}`, 'not found', 404);
      const l = launches.find((x) => x.id === id)!;
      const done = l.plan.ends !== 'never' && clock.now() >= l.at + l.plan.after;
      const status = !done ? 'pending' : l.plan.ends === 'failed' ? 'failed' : 'completed';
      return { id, status, createdAt: iso(l.at) };
    },
    latestSca: async (): Promise<ScaScan | undefined> => {
      calls.push('sca');
      if (opts.noResult) return undefined;
      const l = launches[launches.length - 1]!;
      const createdAt = opts.staleResult ? iso(T0 - 3_600_000) : iso(l.at);
      const dirty = l.plan.ends === 'dirty';
      return {
        id: `scan-${launches.length}`,
        status: dirty ? 'completed_with_errors' : 'completed_clean',
        createdAt,
        completedAt: iso(clock.now()),
        critical: 0,
        nonCritical: dirty ? 1 : 0,
        findings: [],
      };
    },
    moveServer: async () => undefined,
  };
  return { api, calls, launches };
}

describe('scanServer', () => {
  it('polls with doubling delays (within ±20 % jitter), capped, until the command completes', async () => {
    const clock = virtualClock();
    const { api, calls } = fakeApi(clock, [{ after: 9000, ends: 'clean' }]);
    const ev = await scanServer(api, server, timing, clock, iso(T0));
    expect(ev).toMatchObject({ kind: 'result', attempts: 1, notBefore: iso(T0), scan: { status: 'completed_clean' } });
    // Nominal delays 1000, 2000, 4000, 4000 → done at ≥ 9000 after 4 polls (jitter ±20 % keeps the count:
    // 0.8×11000 = 8800 is short of 9000 only if every delay is at the low end; allow 4 or 5 polls).
    const polls = calls.filter((c) => c === 'poll').length;
    expect(polls === 4 || polls === 5).toBe(true);
    const nominal = [1000, 2000, 4000, 4000, 4000];
    clock.slept.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(nominal[i]! * 0.8 - 1);
      expect(ms).toBeLessThanOrEqual(nominal[i]! * 1.2 + 1);
    });
    expect(calls.at(-1)).toBe('sca');
  });

  it('re-launches a failed scan up to the retry budget', async () => {
    const clock = virtualClock();
    const { api, calls } = fakeApi(clock, [{ after: 500, ends: 'failed' }, { after: 500, ends: 'clean' }]);
    const ev = await scanServer(api, server, timing, clock, iso(T0));
    expect(ev).toMatchObject({ kind: 'result', attempts: 2 });
    expect(calls).toEqual(['launch', 'poll', 'launch', 'poll', 'sca']);

    const clock2 = virtualClock();
    const failing = fakeApi(clock2, [{ after: 500, ends: 'failed' }, { after: 500, ends: 'failed' }, { after: 500, ends: 'clean' }]);
    expect(await scanServer(failing.api, server, timing, clock2, iso(T0))).toEqual({ kind: 'scan-failed', attempts: 2 });
    expect(failing.calls.filter((c) => c === 'launch')).toHaveLength(2);
  });

  it('gives up at the per-server timeout, polling one last time at the deadline', async () => {
    const clock = virtualClock();
    const { api } = fakeApi(clock, [{ after: 0, ends: 'never' }]);
    const ev = await scanServer(api, server, { ...timing, timeoutMs: 10_000 }, clock, iso(T0));
    expect(ev).toEqual({ kind: 'timeout', timeoutMs: 10_000, status: 'pending', attempts: 1 });
    expect(clock.now() - T0).toBe(10_000);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('hands a result older than our command to judge as such, after re-reading it', async () => {
    const clock = virtualClock();
    const { api, calls } = fakeApi(clock, [{ after: 500, ends: 'clean' }], { staleResult: true });
    const ev = await scanServer(api, server, timing, clock, iso(T0));
    expect(ev).toMatchObject({ kind: 'result', notBefore: iso(T0), scan: { createdAt: iso(T0 - 3_600_000) } });
    expect(calls.filter((c) => c === 'sca')).toHaveLength(3);
  });

  it('reports a missing result', async () => {
    const clock = virtualClock();
    const { api } = fakeApi(clock, [{ after: 500, ends: 'clean' }], { noResult: true });
    expect(await scanServer(api, server, timing, clock, iso(T0))).toEqual({ kind: 'missing', attempts: 1 });
  });

  it('reports a server that disappears mid-scan as gone, and other API failures as errors', async () => {
    const clock = virtualClock();
    const { api } = fakeApi(clock, [{ after: 5000, ends: 'clean' }], { vanishAfterLaunch: true });
    expect(await scanServer(api, server, timing, clock, iso(T0))).toEqual({ kind: 'gone', detail: 'the server disappeared during the run' });

    const broken: HaloServersApi = {
      ...api,
      launchScan: async () => {
        throw new RemoteError('halo', 'POST /v1/servers/s1/scans', 'HTTP 500 after 4 attempts', 500);
      },
    };
    expect(await scanServer(broken, server, timing, virtualClock(), iso(T0))).toEqual({
      kind: 'error',
      message: 'halo POST /v1/servers/s1/scans: HTTP 500 after 4 attempts',
    });

    const inactive: HaloServersApi = {
      ...api,
      launchScan: async () => {
        throw new RemoteError('halo', 'POST /v1/servers/s1/scans', 'Validation Failed', 422);
      },
      getServer: async () => ({ ...server, state: 'missing' }),
    };
    expect(await scanServer(inactive, server, timing, virtualClock(), iso(T0))).toEqual({ kind: 'gone', detail: 'the server became missing during the run' });
  });
});

describe('deadlineSignal', () => {
  it('aborts a deadline it can time, and never aborts at once for one longer than a timer holds (--timeout 1000h)', async () => {
    // Past what a timer holds (2^31-1 ms) there is no signal at all, rather than one that fires at once.
    expect(deadlineSignal(1000 * 3_600_000)).toBeUndefined();
    const short = deadlineSignal(60_000)!;
    const soon = deadlineSignal(1)!;
    expect(short.aborted).toBe(false);
    // Wait for the event itself (no fixed sleep): a 1 ms deadline ends, a minute-long one has not by then.
    await new Promise((resolve) => soon.addEventListener('abort', resolve, { once: true }));
    expect(soon.aborted).toBe(true);
    expect(short.aborted).toBe(false);
  });
});
