/**
 * Error bodies and injected faults: 404/422/500 as the reference writes them, 429 with and without
 * Retry-After, 5xx, malformed requests, unknown routes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { Api, basic, request } from './halo-client.js';

let sim: HaloSim;
let api: Api;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0 });
  api = await Api.connect(sim.url, sim.keys.full);
});

afterAll(async () => {
  await sim.close();
});

describe('reference error bodies', () => {
  test('404 {"resource","field","value"} on every resource', async () => {
    const id = 'be28aaaabbbbccccddddeeeeffff0000';
    const cases: [string, string][] = [
      [`/v1/firewall_policies/${id}`, 'firewall_policy'],
      [`/v1/firewall_zones/${id}`, 'firewall_zone'],
      [`/v1/firewall_services/${id}`, 'firewall_service'],
      [`/v1/firewall_interfaces/${id}`, 'firewall_interface'],
      [`/v1/groups/${id}`, 'group'],
      [`/v1/servers/${id}`, 'server'],
      [`/v1/scans/${id}`, 'scan'],
      [`/v1/issues/${id}`, 'issue'],
    ];
    for (const [path, resource] of cases) {
      const res = await api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).toEqual({ resource, field: 'id', value: id });
    }
  });

  test('422 {"message":"Validation Failed","errors":[…]}', async () => {
    const res = await api.post('/v1/firewall_policies', { firewall_policy: { name: '' } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ message: 'Validation Failed', errors: [{ field: 'name', value: '', code: 'required', details: 'Name required' }] });
  });

  test('500 {"code":500,"message":"Internal Server Error"} via failNext', async () => {
    sim.failNext(1, 500);
    const res = await api.get('/v1/groups');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 500, message: 'Internal Server Error' });
    expect((await api.get('/v1/groups')).status).toBe(200);
  });

  test('other 5xx statuses, N in a row, then recovery', async () => {
    sim.failNext(2, 503);
    const a = await api.get('/v1/groups');
    const b = await api.get('/v1/groups');
    expect([a.status, b.status]).toEqual([503, 503]);
    expect(a.body).toEqual({ code: 503, message: 'Service Unavailable' });
    expect((await api.get('/v1/groups')).status).toBe(200);
  });

  test('failNext can target one method and path', async () => {
    sim.failNext(1, 502, { method: 'POST', path: /^\/v1\/firewall_zones$/ });
    expect((await api.get('/v1/firewall_zones')).status).toBe(200);
    const res = await api.post('/v1/firewall_zones', { firewall_zone: { name: 'z', ip_address: '10.0.0.1' } });
    expect(res.status).toBe(502);
    expect(sim.state.zones.some((z) => z.name === 'z')).toBe(false);
  });
});

describe('rate limiting', () => {
  test('429 with Retry-After for the next N requests', async () => {
    sim.rateLimit({ count: 2, retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i++) {
      const res = await api.get('/v1/servers');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(res.body).toEqual({ code: 429, message: 'Too Many Requests' });
    }
    expect((await api.get('/v1/servers')).status).toBe(200);
  });

  test('429 without Retry-After when none is configured', async () => {
    sim.rateLimit({ count: 1 });
    const res = await api.get('/v1/servers');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  test('the token endpoint is rate limited too', async () => {
    sim.rateLimit({ count: 1, retryAfterSeconds: 1 });
    const res = await request(`${sim.url}/oauth/access_token?grant_type=client_credentials`, {
      method: 'POST',
      headers: { Authorization: basic(sim.keys.full) },
    });
    expect(res.status).toBe(429);
  });
});

describe('malformed requests', () => {
  test('invalid JSON → 400', async () => {
    const res = await request(`${sim.url}/v1/firewall_zones`, { method: 'POST', token: api.token, body: '{"firewall_zone":' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message: 'Bad Request', details: 'request body is not valid JSON' });
  });

  test('missing wrapper object → 400', async () => {
    const res = await api.post('/v1/firewall_zones', { name: 'unwrapped', ip_address: '10.0.0.1' });
    expect(res.status).toBe(400);
    expect(res.body.details).toBe('request body must be a JSON object of the form {"firewall_zone":{…}}');
  });

  test('token endpoint only takes POST', async () => {
    const res = await request(`${sim.url}/oauth/access_token?grant_type=client_credentials`, { headers: { Authorization: basic(sim.keys.full) } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  test('a body over the limit → 413', async () => {
    const huge = JSON.stringify({ firewall_zone: { name: 'big', ip_address: '10.0.0.1', description: 'x'.repeat(5 * 1024 * 1024) } });
    const res = await request(`${sim.url}/v1/firewall_zones`, { method: 'POST', token: api.token, body: huge }).catch(() => undefined);
    // The server may close the connection before the client finishes sending; either way nothing is created.
    if (res) expect(res.status).toBe(413);
    expect(sim.state.zones.some((z) => z.name === 'big')).toBe(false);
  });

  test('unknown route → 404; wrong method → 405 with Allow', async () => {
    const unknown = await api.get('/v1/nothing_here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ resource: 'route', field: 'path', value: '/v1/nothing_here' });
    const wrong = await api.delete('/v1/servers');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});

describe('eventual consistency (opt-in)', () => {
  test('off by default: a created object reads back at once', async () => {
    const z = await api.post('/v1/firewall_zones', { firewall_zone: { name: 'fresh', ip_address: '10.9.9.9' } });
    expect((await api.get(`/v1/firewall_zones/${z.body.firewall_zone.id}`)).status).toBe(200);
  });

  test('with eventualConsistencyMs a new object 404s until the window passes', async () => {
    const ec = await startHaloSim({ eventualConsistencyMs: 5_000 });
    try {
      const client = await Api.connect(ec.url, ec.keys.full);
      const created = await client.post('/v1/firewall_policies', { firewall_policy: { name: 'later' } });
      expect(created.status).toBe(201);
      const id = created.body.firewall_policy.id;
      expect((await client.get(`/v1/firewall_policies/${id}`)).status).toBe(404);
      expect((await client.get('/v1/firewall_policies')).body.count).toBe(0);
      ec.advanceTime(5_000);
      expect((await client.get(`/v1/firewall_policies/${id}`)).status).toBe(200);
    } finally {
      await ec.close();
    }
  });
});

test('request log records method, path and status of every request', async () => {
  sim.clearRequestLog();
  await api.get('/v1/groups?page=1');
  await api.get('/v1/nope');
  expect(sim.requestLog.map((e) => [e.method, e.path, e.query, e.status])).toEqual([
    ['GET', '/v1/groups', 'page=1', 200],
    ['GET', '/v1/nope', '', 404],
  ]);
});

test('no internal errors', () => {
  expect(sim.internalErrors).toEqual([]);
});
