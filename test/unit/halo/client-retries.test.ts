/**
 * The Halo transport against scripted answers (no network): Retry-After is honoured as asked, 5xx backs off
 * within the policy's cap, a token is renewed before it lapses and once more on a 401, a non-idempotent write
 * is not repeated after a 5xx, a read-only token scope is refused before any write, and pagination follows
 * `next` on the configured host only (the bearer token never leaves it). Expected waits and request sequences follow
 * from the reference (halo-api: "honour Retry-After when present, else exponential backoff with jitter";
 * "expired token → 401 invalid_token: re-authenticate once and retry").
 */
import { describe, expect, it } from 'vitest';
import { InputError, RemoteError } from '../../../src/model/index.js';
import { HaloClient } from '../../../src/platforms/halo/client.js';

const BASE = 'https://halo.test';
type Scripted = { status: number; body?: unknown; headers?: Record<string, string> };

/** A client whose fetch answers from `script` per path (token requests answered separately), recording every call. */
function scripted(script: Record<string, Scripted[]>, scope = 'read+write') {
  const calls: string[] = [];
  /** Full URLs of the API requests (not the token requests), to see hosts and queries. */
  const urls: string[] = [];
  const slept: number[] = [];
  const clock = { now: Date.parse('2026-01-10T10:00:00Z') };
  let tokens = 0;
  const fetchFake = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const auth = (init?.headers as Record<string, string> | undefined)?.Authorization ?? '';
    if (url.pathname === '/oauth/access_token') {
      tokens++;
      calls.push(`token ${tokens}`);
      return Response.json({ access_token: `t${tokens}`, token_type: 'bearer', expires_in: 900, scope });
    }
    calls.push(`${init?.method ?? 'GET'} ${url.pathname} ${auth}`);
    urls.push(url.href);
    const next = script[url.pathname]?.shift();
    if (!next) throw new Error(`unscripted ${url.pathname}`);
    return new Response(next.body === undefined ? null : JSON.stringify(next.body), { status: next.status, headers: next.headers ?? {} });
  }) as typeof fetch;
  const client = new HaloClient({
    baseUrl: BASE,
    credentials: { keyId: 'k', secret: 's', source: 'test' },
    fetch: fetchFake,
    sleep: async (ms) => void slept.push(ms),
    now: () => clock.now,
  });
  return { client, calls, urls, slept, clock };
}

describe('HaloClient retries', () => {
  it('waits as long as Retry-After says, backs off on 5xx, and renews an expired token once', async () => {
    const { client, calls, slept } = scripted({
      '/v1/servers/s1': [
        { status: 429, body: { code: 429, message: 'Too Many Requests' }, headers: { 'Retry-After': '3' } },
        { status: 503, body: { code: 503, message: 'Service Unavailable' } },
        { status: 401, body: { error: 'invalid_token' } },
        { status: 200, body: { server: { id: 's1' } } },
      ],
    });
    expect(await client.get('/v1/servers/s1')).toEqual({ server: { id: 's1' } });
    expect(calls).toEqual([
      'token 1',
      'GET /v1/servers/s1 Bearer t1',
      'GET /v1/servers/s1 Bearer t1',
      'GET /v1/servers/s1 Bearer t1',
      'token 2',
      'GET /v1/servers/s1 Bearer t2',
    ]);
    expect(slept).toHaveLength(2);
    expect(slept[0]).toBe(3000);
    // Second attempt: full jitter in [0, 250 × 2].
    expect(slept[1]).toBeGreaterThanOrEqual(0);
    expect(slept[1]).toBeLessThanOrEqual(500);
    expect(client.stats).toEqual({ requests: 6, retries: 2, tokens: 2 });
  });

  it('renews the token before it expires, without waiting for a 401', async () => {
    const ok = { status: 200, body: { groups: [] } };
    const { client, calls, clock } = scripted({ '/v1/groups': [ok, ok, ok] });
    await client.get('/v1/groups');
    clock.now += 860_000; // 900 s token: still 40 s left, more than the 30 s margin
    await client.get('/v1/groups');
    clock.now += 15_000; // 25 s left: renewed first
    await client.get('/v1/groups');
    expect(calls).toEqual(['token 1', 'GET /v1/groups Bearer t1', 'GET /v1/groups Bearer t1', 'token 2', 'GET /v1/groups Bearer t2']);
  });

  it('takes an HTTP-date Retry-After too', async () => {
    const { client, slept } = scripted({
      '/v1/groups': [
        { status: 429, headers: { 'Retry-After': 'Sat, 10 Jan 2026 10:00:07 GMT' } },
        { status: 200, body: { groups: [] } },
      ],
    });
    await client.get('/v1/groups');
    expect(slept).toEqual([7000]);
  });

  it('fails after a second 401, and does not repeat a POST after a 5xx unless told it is idempotent', async () => {
    const twice = scripted({ '/v1/groups': [{ status: 401, body: { error: 'invalid_token' } }, { status: 401, body: { error: 'invalid_token' } }] });
    await expect(twice.client.get('/v1/groups')).rejects.toThrow('halo GET /v1/groups: HTTP 401: invalid_token');
    expect(twice.calls.filter((c) => c.startsWith('token'))).toHaveLength(2);

    const post = scripted({ '/v1/servers/s1/scans': [{ status: 500, body: { code: 500, message: 'Internal Server Error' } }] });
    const err = await post.client.post('/v1/servers/s1/scans', { scan: { module: 'sca' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).status).toBe(500);
    expect(post.calls).toEqual(['token 1', 'POST /v1/servers/s1/scans Bearer t1']);

    const retried = scripted({
      '/v1/servers/s1/scans': [{ status: 500 }, { status: 202, body: { command: { id: 'c1', status: 'queued' } } }],
    });
    expect(await retried.client.post('/v1/servers/s1/scans', {}, { idempotent: true })).toEqual({ command: { id: 'c1', status: 'queued' } });
  });

  it('refuses a read-only key before writing anything', async () => {
    const { client, calls } = scripted({}, 'read');
    const err = await client.requireWrite('admit (moving servers)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain('is read-only (token scope "read"); admit (moving servers) needs a full-access (read+write) key');
    expect(calls).toEqual(['token 1']);
  });
});

describe('HaloClient pagination', () => {
  it('asks for full pages and follows pagination.next to the end', async () => {
    const { client, urls } = scripted({
      '/v1/servers': [
        { status: 200, body: { count: 3, servers: [{ id: 'a' }, { id: 'b' }], pagination: { next: `${BASE}/v1/servers?group_id=g1&per_page=100&page=2` } } },
        { status: 200, body: { count: 3, servers: [{ id: 'c' }], pagination: {} } },
      ],
    });
    expect(await client.list('/v1/servers?group_id=g1', 'servers')).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(urls).toEqual([`${BASE}/v1/servers?group_id=g1&per_page=100`, `${BASE}/v1/servers?group_id=g1&per_page=100&page=2`]);
  });

  it('never sends the token to a pagination.next on another host', async () => {
    const { client, calls, urls } = scripted({
      '/v1/servers': [{ status: 200, body: { count: 2, servers: [{ id: 'a' }], pagination: { next: 'https://elsewhere.test/v1/servers?page=2' } } }],
    });
    const err = await client.list('/v1/servers', 'servers').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as Error).message).toContain('pagination.next points to https://elsewhere.test, not the configured https://halo.test; refusing to send the token there');
    expect(calls).toEqual(['token 1', 'GET /v1/servers Bearer t1']);
    expect(urls.every((u) => u.startsWith(`${BASE}/`))).toBe(true);
  });
});
