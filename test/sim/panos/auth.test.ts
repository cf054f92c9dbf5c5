import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { makeTestCert } from '../../helpers/tls-cert.js';
import { call, expectXml, keygen, parseXml, child } from './helpers.js';

// Reference payloads (panos-xml-api.md, "Transport and keys").
const KEYGEN_OK = "<response status='success'><result><key>{{*}}</key></result></response>";
const INVALID_CREDENTIAL = "<response status='error' code='403'><result><msg>Invalid Credential</msg></result></response>";
const VERSION =
  '<response status="success"><result><sw-version>10.1.0</sw-version><multi-vsys>off</multi-vsys><model>PA-VM</model><serial>{{*}}</serial></result></response>';

const PASSWORD = 's3cret-Pa55';

describe('PAN-OS sim: keys and transports', () => {
  let sim: PanosSim;
  let key: string;

  beforeAll(async () => {
    sim = await startPanosSim({ users: { admin: 'admin', 'ruleport-api': PASSWORD } });
    key = await keygen(sim, 'ruleport-api', PASSWORD);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('keygen with good credentials returns a key (GET and POST)', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const result = await call(sim, { type: 'keygen', user: 'ruleport-api', password: PASSWORD }, { method });
      expect(result.status).toBe(200);
      expect(result.contentType).toMatch(/xml/);
      const body = expectXml(result.body, KEYGEN_OK);
      expect(child(body, 'result', 'key')?.text).toBe(key); // stable per user/password
    }
  });

  it('keygen with bad credentials is HTTP 403 with the documented body', async () => {
    for (const params of [
      { user: 'ruleport-api', password: 'wrong' },
      { user: 'nobody', password: PASSWORD },
      { user: '__proto__', password: '' },
    ]) {
      const result = await call(sim, { type: 'keygen', ...params });
      expect(result.status).toBe(403);
      expectXml(result.body, INVALID_CREDENTIAL);
    }
  });

  it('accepts the key as X-PAN-KEY header, key= parameter, and HTTP Basic', async () => {
    const viaHeader = await call(sim, { type: 'version' }, { key, transport: 'header' });
    const viaParamGet = await call(sim, { type: 'version' }, { key, transport: 'param', method: 'GET' });
    const viaParamPost = await call(sim, { type: 'version' }, { key, transport: 'param' });
    const viaBasic = await call(sim, { type: 'version' }, { transport: 'basic', basic: { user: 'ruleport-api', password: PASSWORD } });
    for (const result of [viaHeader, viaParamGet, viaParamPost, viaBasic]) {
      expect(result.status).toBe(200);
      expectXml(result.body, VERSION);
    }
  });

  it('refuses a missing or invalid key with HTTP 403', async () => {
    const cases = [
      await call(sim, { type: 'version' }),
      await call(sim, { type: 'version' }, { key: `${key}x`, transport: 'header' }),
      await call(sim, { type: 'version' }, { key: 'LUFRPT', transport: 'param' }),
      await call(sim, { type: 'version' }, { transport: 'basic', basic: { user: 'ruleport-api', password: 'nope' } }),
    ];
    for (const result of cases) {
      expect(result.status).toBe(403);
      expectXml(result.body, INVALID_CREDENTIAL);
    }
  });

  it('an invalid header key is refused even with good Basic credentials', async () => {
    const response = await fetch(`${sim.url}/api/?type=version`, {
      headers: {
        'X-PAN-KEY': 'bogus',
        Authorization: `Basic ${Buffer.from(`ruleport-api:${PASSWORD}`).toString('base64')}`,
      },
    });
    expect(response.status).toBe(403);
    expectXml(await response.text(), INVALID_CREDENTIAL);
  });

  it('answers malformed requests with HTTP 400 and unknown paths with 404', async () => {
    const noType = await call(sim, {}, { key });
    expect(noType.status).toBe(400);
    expectXml(noType.body, '<response status="error" code="400"><result><msg>{{*}}</msg></result></response>');
    const badType = await call(sim, { type: 'frobnicate' }, { key });
    expect(badType.status).toBe(400);
    const badAction = await call(sim, { type: 'config', action: 'explode', xpath: '/config' }, { key });
    expect(badAction.status).toBe(400);
    const elsewhere = await fetch(`${sim.url}/php/login.php`);
    expect(elsewhere.status).toBe(404);
  });

  it('never records keys or passwords in the request log', () => {
    const log = JSON.stringify(sim.requestLog);
    expect(log).not.toContain(key);
    expect(log).not.toContain(PASSWORD);
    expect(sim.requestLog.some((entry) => entry.type === 'keygen')).toBe(true);
    expect(sim.requestLog.some((entry) => entry.type === 'version' && entry.admin === 'ruleport-api')).toBe(true);
  });

  it('injects HTTP 5xx faults for the next N requests only', async () => {
    sim.failNext(2, 503);
    expect((await call(sim, { type: 'version' }, { key })).status).toBe(503);
    expect((await call(sim, { type: 'version' }, { key })).status).toBe(503);
    expect((await call(sim, { type: 'version' }, { key })).status).toBe(200);
    sim.failNext(1, 500);
    expect((await call(sim, { type: 'version' }, { key })).status).toBe(500);
    expect(sim.requestLog.filter((entry) => entry.httpStatus >= 500)).toHaveLength(3);
  });
});

describe('PAN-OS sim: HTTPS', () => {
  it('serves the same API over TLS with the given certificate', async () => {
    const { key: tlsKey, cert } = makeTestCert();
    const sim = await startPanosSim({ tls: { key: tlsKey, cert } });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(
          `${sim.url}/api/`,
          { method: 'POST', ca: cert, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          (res) => {
            let data = '';
            res.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
            res.on('end', () => resolve(data));
          },
        );
        req.on('error', reject);
        req.end(new URLSearchParams({ type: 'keygen', user: 'admin', password: 'admin' }).toString());
      });
      expectXml(body, KEYGEN_OK);
      expect(child(parseXml(body), 'result', 'key')?.text).toMatch(/^LUFRPT/);
    } finally {
      await sim.close();
    }
  });
});
