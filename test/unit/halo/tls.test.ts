/**
 * TLS to the Halo API, against a local HTTPS server with a certificate made for the test: verified by default
 * (an untrusted certificate fails before the key secret is sent), `--ca-file` trusted, `--insecure` explicit and
 * warned, and a redirect never followed (the token stays on the configured host).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, RemoteError } from '../../../src/model/index.js';
import { connectHalo } from '../../../src/platforms/halo/client.js';
import { makeTestCert } from '../../helpers/tls-cert.js';

describe('Halo over HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-halo-tls-'));
  const cert = makeTestCert();
  const auth = join(dir, 'halo.auth');
  const caFile = join(dir, 'ca.pem');
  /** What reached the server: method, path and whether the Basic secret came along. */
  const seen: string[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    writeFileSync(auth, 'abc123|s3cr3t\n', { mode: 0o600 });
    writeFileSync(caFile, cert.cert);
    server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      seen.push(`${req.method} ${req.url}${req.headers.authorization?.startsWith('Basic ') ? ' (secret)' : ''}`);
      if (req.url?.startsWith('/oauth/access_token')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok', expires_in: 900, scope: 'read+write' }));
      } else if (req.url === '/v1/moved') {
        res.writeHead(302, { location: 'https://elsewhere.invalid/v1/servers' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ server: { id: 's1' } }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (flags: { caFile?: string; insecure?: boolean }) => {
    const warnings: string[] = [];
    const client = await connectHalo({ haloUrl: url, auth, ...flags }, { warn: (m) => warnings.push(m), debug: () => {} }, { retry: { maxAttempts: 1 } });
    return { client, warnings };
  };

  it('refuses an untrusted certificate before the secret is sent', async () => {
    seen.length = 0;
    const { client, warnings } = await connect({});
    await expect(client.get('/v1/servers/s1')).rejects.toThrow(RemoteError);
    await expect(client.get('/v1/servers/s1')).rejects.toThrow(/cannot reach .*SELF_SIGNED/);
    expect(seen).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('trusts the CA of --ca-file', async () => {
    seen.length = 0;
    const { client, warnings } = await connect({ caFile });
    expect(await client.get('/v1/servers/s1')).toEqual({ server: { id: 's1' } });
    expect(seen).toEqual(['POST /oauth/access_token?grant_type=client_credentials (secret)', 'GET /v1/servers/s1']);
    expect(warnings).toEqual([]);
  });

  it('--insecure skips verification, with a warning', async () => {
    const { client, warnings } = await connect({ insecure: true });
    expect(await client.get('/v1/servers/s1')).toEqual({ server: { id: 's1' } });
    expect(warnings).toEqual(['--insecure: the Halo API certificate is NOT verified; anyone on the path can read the API secret and tokens and change firewall policies']);
  });

  it('refuses --ca-file with --insecure, and a file without a certificate', async () => {
    await expect(connect({ caFile, insecure: true })).rejects.toThrow('--insecure: contradicts --ca-file');
    await expect(connect({ caFile: auth })).rejects.toThrow(InputError);
  });

  it('does not follow a redirect', async () => {
    seen.length = 0;
    const { client } = await connect({ caFile });
    await expect(client.get('/v1/moved')).rejects.toThrow(/cannot reach .*REDIRECT_REFUSED/);
    expect(seen).toEqual(['POST /oauth/access_token?grant_type=client_credentials (secret)', 'GET /v1/moved']);
  });
});
