/**
 * Moving a server and reading it back: a move only counts once a read shows the destination group. The fake
 * API's answers are scripted by hand; the expected outcome and call sequence follow from them.
 */
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../../src/model/index.js';
import type { HaloServer, HaloServersApi } from '../../../src/platforms/halo/servers-client.js';
import { moveAndConfirm } from '../../../src/workflows/admit/move-server.js';
import type { Clock } from '../../../src/workflows/admit/scan-server.js';

const DEST = { id: 'g-clean', name: 'WebClean' };
const server = (groupId: string): HaloServer => ({ id: 's1', hostname: 'web-1', platform: 'centos', state: 'active', groupId, ips: [] });

/** `reads`: what each read-back answers, in order (a group id, 'gone', or an Error to throw). */
function fakeApi(reads: (string | 'gone' | Error)[], put: () => Promise<void> = async () => undefined) {
  const calls: string[] = [];
  const unused = async (): Promise<never> => {
    throw new Error('unused');
  };
  const api: HaloServersApi = {
    requireWrite: unused,
    listGroups: unused,
    getGroup: unused,
    firewallPolicyName: unused,
    listActiveServers: unused,
    launchScan: unused,
    getCommand: unused,
    latestSca: unused,
    moveServer: async (id, groupId) => {
      calls.push(`PUT ${id} ${groupId}`);
      await put();
    },
    getServer: async (id) => {
      calls.push(`GET ${id}`);
      const next = reads.shift();
      if (next === undefined) throw new Error('more reads than scripted');
      if (next instanceof Error) throw next;
      return next === 'gone' ? undefined : server(next);
    },
  };
  return { api, calls };
}

function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => 0, sleep: async (ms) => void slept.push(ms) };
}

describe('moveAndConfirm', () => {
  it('confirms a move once a read-back shows the destination, waiting out a lagging read', async () => {
    const { api, calls } = fakeApi(['g-dirty', 'g-clean']);
    const clock = instantClock();
    expect(await moveAndConfirm(api, 's1', DEST, clock)).toEqual({ ok: true });
    expect(calls).toEqual(['PUT s1 g-clean', 'GET s1', 'GET s1']);
    expect(clock.slept).toEqual([500]);
  });

  it('reports a move the read-backs never confirm, naming the group seen', async () => {
    const { api, calls } = fakeApi(['g-dirty', new RemoteError('halo', 'GET /v1/servers/s1', 'HTTP 500', 500), 'g-dirty']);
    const clock = instantClock();
    expect(await moveAndConfirm(api, 's1', DEST, clock)).toEqual({ ok: false, detail: 'moved, but reading it back shows group g-dirty, not WebClean' });
    expect(calls).toEqual(['PUT s1 g-clean', 'GET s1', 'GET s1', 'GET s1']);
    expect(clock.slept).toEqual([500, 500]);
  });

  it('reports a server that vanishes around the move, and a refused PUT, without reading back', async () => {
    const vanished = fakeApi(['gone']);
    expect(await moveAndConfirm(vanished.api, 's1', DEST, instantClock())).toEqual({ ok: false, detail: 'the server disappeared right after the move' });

    const notFound = fakeApi([], async () => {
      throw new RemoteError('halo', 'PUT /v1/servers/s1', 'HTTP 404', 404);
    });
    expect(await moveAndConfirm(notFound.api, 's1', DEST, instantClock())).toEqual({ ok: false, detail: 'the server disappeared before it could be moved' });
    expect(notFound.calls).toEqual(['PUT s1 g-clean']);

    const refused = fakeApi([], async () => {
      throw new RemoteError('halo', 'PUT /v1/servers/s1', 'HTTP 403: the API key may be read-only', 403);
    });
    expect(await moveAndConfirm(refused.api, 's1', DEST, instantClock())).toEqual({ ok: false, detail: 'halo PUT /v1/servers/s1: HTTP 403: the API key may be read-only' });
  });
});
