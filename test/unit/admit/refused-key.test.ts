/**
 * A read-only key whose token does not say so (no scope): the first refused scan launch (403) stops the run
 * with the key named, instead of failing every server one by one. Counts follow from the concurrency bound.
 */
import { describe, expect, it } from 'vitest';
import { InputError, RemoteError } from '../../../src/model/index.js';
import type { HaloGroup, HaloServer, HaloServersApi } from '../../../src/platforms/halo/servers-client.js';
import { admit, type AdmitRequest } from '../../../src/workflows/admit.js';
import type { Clock } from '../../../src/workflows/admit/scan-server.js';

const group = (id: string): HaloGroup => ({ id, name: id, path: id, linuxFirewallPolicyId: null, windowsFirewallPolicyId: null });
const servers: HaloServer[] = Array.from({ length: 5 }, (_, i) => ({
  id: `s${i}`,
  hostname: `web-${i}`,
  platform: 'centos',
  state: 'active',
  groupId: 'dirty',
  ips: [],
}));

function fakeApi() {
  const launches: string[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('unused');
  };
  const api: HaloServersApi = {
    requireWrite: async () => undefined, // the token had no scope: writable as far as anyone can tell
    listGroups: async () => [group('dirty'), group('clean')],
    getGroup: unused,
    firewallPolicyName: unused,
    listActiveServers: async () => servers,
    getServer: unused,
    launchScan: async (id) => {
      launches.push(id);
      throw new RemoteError('halo', `POST /v1/servers/${id}/scans`, 'HTTP 403: the API key may be read-only', 403);
    },
    getCommand: unused,
    latestSca: unused,
    moveServer: unused,
  };
  return { api, launches };
}

const request: AdmitRequest = {
  from: 'dirty',
  to: 'clean',
  criteria: { requiredRules: [] },
  timing: { timeoutMs: 60_000, retries: 2, pollInitialMs: 1000, pollMaxMs: 4000 },
  concurrency: 2,
  dryRun: true,
};
const clock: Clock = { now: () => 0, sleep: async () => undefined };
const ctx = { connection: {}, warn: () => undefined, debug: () => undefined };

describe('admit with a key Halo refuses', () => {
  it('stops at the first refused launch: only the servers already in flight tried, exit 2 naming the key', async () => {
    const { api, launches } = fakeApi();
    const err = await admit(request, { api, ctx, run: 'r1', clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      'Halo API key: was refused a scan launch (halo POST /v1/servers/s0/scans: HTTP 403: the API key may be read-only); admit needs a full-access (read+write) key. Servers not scanned yet were left alone',
    );
    // Two in flight at once (concurrency 2), neither retried; the three queued were never started.
    expect(launches).toEqual(['s0', 's1']);
  });

  it('ends a watch the same way, without waiting for the next interval', async () => {
    const { api, launches } = fakeApi();
    // The interval wait ends only when the watch's stop signal aborts: the test hangs if the refusal does not.
    const watchClock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) => (signal?.aborted ? Promise.resolve() : new Promise((r) => signal?.addEventListener('abort', () => r()))),
    };
    const err = await admit({ ...request, watchIntervalMs: 300_000 }, { api, ctx, run: 'r2', clock: watchClock, stop: new AbortController().signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(launches).toEqual(['s0', 's1']);
  });
});
