/** `panos:` targets and where credentials come from: hand-written expectations. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/model/index.js';
import { loadPanosAuth, loadPanosTls, parsePanosTarget } from '../../../src/platforms/panos/credentials.js';

describe('panos: targets', () => {
  it.each([
    ['fw.example.com', 'https://fw.example.com', 'vsys1'],
    ['fw.example.com/vsys2', 'https://fw.example.com', 'vsys2'],
    ['10.0.0.1:8443', 'https://10.0.0.1:8443', 'vsys1'],
    ['http://127.0.0.1:8080/vsys3', 'http://127.0.0.1:8080', 'vsys3'],
    ['https://fw:443', 'https://fw', 'vsys1'],
    ['[2001:db8::1]:8443/vsys1', 'https://[2001:db8::1]:8443', 'vsys1'],
  ])('%s', (spec, baseUrl, vsys) => {
    expect(parsePanosTarget(spec)).toMatchObject({ baseUrl, vsys });
  });

  it.each(['', 'ftp://fw', 'user:pw@fw', 'fw/vsys0', "fw/vsys1']/..", 'fw/other', 'fw?x=1', 'http://fw:8443/api'])('refuses %j', (spec) => {
    expect(() => parsePanosTarget(spec)).toThrow(InputError);
  });

  it.each(['admin:s3cr3t@fw.example.com', 'https://admin:s3cr3t@fw.example.com/vsys1', 'fw.example.com?key=s3cr3t', 'fw.example.com/vsys1?key=s3cr3t', 'fw#s3cr3t'])(
    'refuses %j without repeating the credential',
    (spec) => {
      expect(() => parsePanosTarget(spec)).toThrow(/no user, password, key or query/);
      expect(() => parsePanosTarget(spec)).not.toThrow(/s3cr3t/);
    },
  );
});

describe('panos: credentials', () => {
  const warn = (): void => {};
  it('--user needs PANOS_PASSWORD; PANOS_API_KEY otherwise; nothing is one line naming every source', async () => {
    await expect(loadPanosAuth({ user: 'ops' }, warn, { PANOS_PASSWORD: 'pw' })).resolves.toEqual({ kind: 'password', user: 'ops', password: 'pw', source: 'user ops (password from PANOS_PASSWORD)' });
    await expect(loadPanosAuth({ user: 'ops' }, warn, {})).rejects.toThrow('--user: needs the password in PANOS_PASSWORD');
    await expect(loadPanosAuth({}, warn, { PANOS_API_KEY: ' LUFRPTabc= ' })).resolves.toEqual({ kind: 'key', key: 'LUFRPTabc=', source: 'environment (PANOS_API_KEY)' });
    await expect(loadPanosAuth({}, warn, { PANOS_API_KEY: 'a b' })).rejects.toThrow('PANOS_API_KEY: the API key holds spaces or control characters');
    await expect(loadPanosAuth({}, warn, {})).rejects.toThrow('PAN-OS credentials: none found: pass --api-key-file FILE, set PANOS_API_KEY, or pass --user NAME with the password in PANOS_PASSWORD');
    await expect(loadPanosAuth({ apiKeyFile: '/nonexistent/key' }, warn, {})).rejects.toThrow('/nonexistent/key: no such file');
    // Both is ambiguous: refused rather than one silently winning.
    await expect(loadPanosAuth({ apiKeyFile: '/nonexistent/key', user: 'ops' }, warn, { PANOS_PASSWORD: 'pw' })).rejects.toThrow(
      '--user: give --api-key-file or --user (password in PANOS_PASSWORD), not both',
    );
  });

  it('--insecure warns and contradicts --ca-file', async () => {
    const warnings: string[] = [];
    await expect(loadPanosTls({ insecure: true }, (m) => warnings.push(m), 'https://fw.example.com')).resolves.toEqual({ insecure: true });
    expect(warnings).toHaveLength(1);
    await expect(loadPanosTls({ insecure: true, caFile: 'x' }, warn, 'https://fw.example.com')).rejects.toThrow('--insecure: contradicts --ca-file');
    await expect(loadPanosTls({}, warn, 'https://fw.example.com')).resolves.toEqual({ insecure: false });
  });

  it('over plain HTTP, TLS flags have no effect: one warning saying so and that the key travels unencrypted', async () => {
    for (const [flags, named] of [
      [{ insecure: true }, '--insecure has'],
      [{ caFile: '/nonexistent/ca.pem' }, '--ca-file has'],
    ] as const) {
      const warnings: string[] = [];
      await expect(loadPanosTls(flags, (m) => warnings.push(m), 'http://127.0.0.1:8443')).resolves.toEqual({ insecure: false });
      expect(warnings).toEqual([`${named} no effect: http://127.0.0.1:8443 is plain HTTP (no TLS), so the API key travels unencrypted`]);
    }
    const none: string[] = [];
    await expect(loadPanosTls({}, (m) => none.push(m), 'http://127.0.0.1:8443')).resolves.toEqual({ insecure: false });
    expect(none).toEqual([]);
  });
});
