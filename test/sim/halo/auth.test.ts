/**
 * Token lifecycle and key access, against the reference: `POST /oauth/access_token?grant_type=client_credentials`
 * with Basic auth, bearer tokens, 401 `{"error":"invalid_token"}` on expiry, read-only keys may only GET.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHaloSim, type HaloSim } from '../../../sim/halo/index.js';
import { Api, basic, fetchToken, request } from './halo-client.js';

let sim: HaloSim;

beforeAll(async () => {
  sim = await startHaloSim({ port: 0, tokenTtlSeconds: 900 });
});

afterAll(async () => {
  await sim.close();
});

const tokenUrl = () => `${sim.url}/oauth/access_token?grant_type=client_credentials`;

describe('token endpoint', () => {
  test('full-access key: the reference token body', async () => {
    const res = await request(tokenUrl(), { method: 'POST', headers: { Authorization: basic(sim.keys.full) } });
    expect(res.status).toBe(200);
    // Reference: {"access_token":"…","token_type":"bearer","expires_in":900,"scope":"read+write"}
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 900, scope: 'read+write' });
    expect(res.body.access_token.length).toBeGreaterThan(16);
  });

  test('read-only key gets scope "read"', async () => {
    const res = await request(tokenUrl(), { method: 'POST', headers: { Authorization: basic(sim.keys.readOnly) } });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('read');
  });

  test('bad secret, unknown key, missing or malformed Basic header → 401', async () => {
    const bad = [
      basic({ keyId: sim.keys.full.keyId, secret: 'wrong' }),
      basic({ keyId: 'nobody', secret: sim.keys.full.secret }),
      'Basic !!!notbase64',
      `Bearer ${'x'.repeat(32)}`,
    ];
    for (const header of bad) {
      const res = await request(tokenUrl(), { method: 'POST', headers: { Authorization: header } });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_client' });
    }
    const none = await request(tokenUrl(), { method: 'POST' });
    expect(none.status).toBe(401);
  });

  test('grant_type other than client_credentials → 400', async () => {
    const res = await request(`${sim.url}/oauth/access_token?grant_type=password`, {
      method: 'POST',
      headers: { Authorization: basic(sim.keys.full) },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'unsupported_grant_type' });
  });

  test('a custom TTL is reported as expires_in', async () => {
    const short = await startHaloSim({ tokenTtlSeconds: 60 });
    try {
      const res = await request(`${short.url}/oauth/access_token?grant_type=client_credentials`, {
        method: 'POST',
        headers: { Authorization: basic(short.keys.full) },
      });
      expect(res.body.expires_in).toBe(60);
    } finally {
      await short.close();
    }
  });
});

describe('bearer tokens', () => {
  test('no token, unknown token → 401 invalid_token', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const res = await request(`${sim.url}/v1/servers`, token === undefined ? {} : { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_token' });
    }
  });

  test('expireTokens(): 401 invalid_token, then re-authentication works', async () => {
    const api = await Api.connect(sim.url, sim.keys.full);
    expect((await api.get('/v1/firewall_zones')).status).toBe(200);
    sim.expireTokens();
    const expired = await api.get('/v1/firewall_zones');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: 'invalid_token' });
    api.token = await fetchToken(sim.url, sim.keys.full);
    expect((await api.get('/v1/firewall_zones')).status).toBe(200);
  });

  test('tokens expire after tokenTtlSeconds of (simulated) time', async () => {
    const api = await Api.connect(sim.url, sim.keys.full);
    sim.advanceTime(899_000);
    expect((await api.get('/v1/groups')).status).toBe(200);
    sim.advanceTime(1_000);
    const res = await api.get('/v1/groups');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token' });
    api.token = await fetchToken(sim.url, sim.keys.full);
    expect((await api.get('/v1/groups')).status).toBe(200);
  });
});

describe('read-only keys', () => {
  test('GET works, every write is 403 and changes nothing', async () => {
    const ro = await Api.connect(sim.url, sim.keys.readOnly);
    expect((await ro.get('/v1/firewall_policies')).status).toBe(200);
    const before = sim.state.policies.length;
    const attempts = [
      ro.post('/v1/firewall_policies', { firewall_policy: { name: 'ro-attempt' } }),
      ro.put('/v1/firewall_zones/anything', { firewall_zone: { name: 'x' } }),
      ro.delete('/v1/groups/anything'),
      ro.post('/v1/servers/anything/scans', { scan: { module: 'sca' } }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ code: 403, message: 'Forbidden', details: 'this API key is read-only: only GET requests are allowed' });
    }
    expect(sim.state.policies.length).toBe(before);
  });
});

test('the request log never holds tokens or secrets', async () => {
  const token = await fetchToken(sim.url, sim.keys.full);
  await request(`${sim.url}/v1/servers?access_token=${token}`, { token });
  const text = JSON.stringify(sim.requestLog);
  expect(text).not.toContain(token);
  expect(text).not.toContain(sim.keys.full.secret);
  expect(sim.requestLog.at(-1)).toMatchObject({ method: 'GET', path: '/v1/servers', query: 'access_token=REDACTED', status: 200 });
});
