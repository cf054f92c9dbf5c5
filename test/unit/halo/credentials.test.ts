/** Halo credentials and base URL: the seed's auth file, the environment, precedence, and permissions. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectHalo } from '../../../src/platforms/halo/client.js';
import { DEFAULT_HALO_URL, haloBaseUrl, loadHaloCredentials, parseAuthFile } from '../../../src/platforms/halo/credentials.js';

describe('parseAuthFile', () => {
  it('reads key_id|secret, skipping comments and blank lines, first key wins', () => {
    expect(parseAuthFile('# Halo key\n\n  abc123 | s3cr3t#x \nother|key\n', 'f')).toEqual({ keyId: 'abc123', secret: 's3cr3t#x' });
  });

  it('names the line, never its content', () => {
    let message = '';
    try {
      parseAuthFile('# c\nabc123-no-bar-s3cr3t\n', 'transform.auth');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('transform.auth: line 2: expected "key_id|secret"');
    expect(() => parseAuthFile('# only comments\n', 'f')).toThrow(/holds no key/);
    expect(() => parseAuthFile('id|\n', 'f')).toThrow(/line 1/);
  });
});

describe('loadHaloCredentials', () => {
  let dir: string;
  const cwd = process.cwd();
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-halo-cred-'));
    warnings.length = 0;
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prefers --auth, then the environment, then transform.auth in the working directory', async () => {
    const file = join(dir, 'k.auth');
    writeFileSync(file, 'file-id|file-secret\n', { mode: 0o600 });
    writeFileSync(join(dir, 'transform.auth'), 'default-id|default-secret\n', { mode: 0o600 });
    const env = { HALO_API_KEY_ID: 'env-id', HALO_API_SECRET_KEY: 'env-secret' };
    expect(await loadHaloCredentials({ auth: file }, warn, env)).toEqual({ keyId: 'file-id', secret: 'file-secret', source: `file ${file}` });
    process.chdir(dir);
    expect((await loadHaloCredentials({}, warn, env)).keyId).toBe('env-id');
    expect(await loadHaloCredentials({}, warn, {})).toEqual({ keyId: 'default-id', secret: 'default-secret', source: 'file transform.auth' });
    expect(warnings).toEqual([]);
  });

  it('says what is missing', async () => {
    process.chdir(dir);
    await expect(loadHaloCredentials({}, warn, {})).rejects.toThrow(/none found: pass --auth FILE/);
    await expect(loadHaloCredentials({}, warn, { HALO_API_KEY_ID: 'x' })).rejects.toThrow(/HALO_API_SECRET_KEY is not set/);
    await expect(loadHaloCredentials({ auth: join(dir, 'nope') }, warn, {})).rejects.toThrow(/nope: no such file/);
  });

  it.skipIf(process.platform === 'win32')('warns when the file is readable by group or others', async () => {
    const file = join(dir, 'k.auth');
    writeFileSync(file, 'id|secret\n');
    chmodSync(file, 0o644);
    await loadHaloCredentials({ auth: file }, warn, {});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/readable by others \(mode 644\): chmod 600/);
    expect(warnings[0]).not.toContain('secret\n');
    chmodSync(file, 0o640);
    await loadHaloCredentials({ auth: file }, warn, {});
    expect(warnings[1]).toMatch(/readable by its group/);
  });
});

describe('haloBaseUrl', () => {
  it('takes --halo-url, then HALO_API_URL, then the public API', () => {
    expect(haloBaseUrl({ haloUrl: 'https://grid.example.com/' }, { HALO_API_URL: 'https://x' })).toBe('https://grid.example.com');
    expect(haloBaseUrl({}, { HALO_API_URL: 'http://127.0.0.1:9000' })).toBe('http://127.0.0.1:9000');
    expect(haloBaseUrl({}, {})).toBe(DEFAULT_HALO_URL);
  });

  it('refuses what is not an http(s) base URL', () => {
    expect(() => haloBaseUrl({ haloUrl: 'ftp://x' }, {})).toThrow(/--halo-url: "ftp:\/\/x" is not an http\(s\) URL/);
    expect(() => haloBaseUrl({ haloUrl: 'https://id:pw@x' }, {})).toThrow(/no credentials/);
  });
});

describe('connectHalo over plain HTTP', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-halo-http-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('warns, in one line, that TLS flags have no effect and the key travels unencrypted', async () => {
    const auth = join(dir, 'halo.auth');
    writeFileSync(auth, 'abc123|s3cr3t\n', { mode: 0o600 });
    const warnings: string[] = [];
    const io = { warn: (m: string) => warnings.push(m), debug: () => {} };
    await connectHalo({ haloUrl: 'http://127.0.0.1:9000', auth, caFile: 'ca.pem' }, io);
    await connectHalo({ haloUrl: 'http://127.0.0.1:9000', auth, insecure: true }, io);
    expect(warnings).toEqual([
      '--ca-file has no effect: http://127.0.0.1:9000 is plain HTTP (no TLS), so the API key travels unencrypted',
      '--insecure has no effect: http://127.0.0.1:9000 is plain HTTP (no TLS), so the API key travels unencrypted',
    ]);
    warnings.length = 0;
    await connectHalo({ haloUrl: 'http://127.0.0.1:9000', auth }, io);
    expect(warnings).toEqual([]);
  });
});
