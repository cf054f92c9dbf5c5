/**
 * The CLI on `panos:` locations against sim/panos: show, check (with --confirm-on-device, including a real
 * disagreement), diff against security groups, credentials and TLS, and `ruleport sim`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEnv } from '../../helpers/env-vars.js';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { run } from '../../../src/cli/run.js';
import { PanosClient } from '../../../src/platforms/panos/client.js';
import { cli } from './cli-run.js';
import { makeTestCert } from '../../helpers/tls-cert.js';

const FIXTURE = new URL('../../fixtures/panos/running-config.xml', import.meta.url).pathname;
let sim: PanosSim;
let dir: string;

beforeAll(async () => {
  const { readFileSync } = await import('node:fs');
  sim = await startPanosSim({ config: readFileSync(FIXTURE, 'utf8'), commitDurationMs: 20 });
  dir = mkdtempSync(join(tmpdir(), 'rp-panos-cli-'));
});
useEnv({ PANOS_PASSWORD: 'admin', PANOS_API_KEY: undefined });
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ruleport show / check / diff on panos:', () => {
  it('show reads the running rulebase of a zone pair; the same as the file it came from', async () => {
    const live = await cli('show', `panos:${sim.url}/vsys1`, '--user', 'admin', '--json');
    expect(live.code).toBe(0);
    const ids = (JSON.parse(live.stdout) as { policies: { rules: { origin: { id: string } }[] }[] }).policies[0]!.rules.map((r) => r.origin.id);
    expect([...new Set(ids)]).toEqual(['allow-web-in', 'allow-web-out', 'deny-cleartext-auth', 'deny-ssh-non-partners', 'allow-ssh-partners', 'allow-app-servers', 'drop-dns-except-corp', 'allow-ping-out', 'Clean up']);
    expect(live.stderr).toContain('disabled rules skipped: legacy-allow-all');
    const other = await cli('show', `panos:${sim.url}`, '--user', 'admin', '--from-zone', 'dmz', '--to-zone', 'trust');
    expect(other.stdout).toContain('allow-reporting');
    const lint = await cli('lint', `panos:${sim.url}`, '--user', 'admin', '--from-zone', 'untrust', '--to-zone', 'trust');
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('redundant  removing it changes nothing — #13 [Clean up]');
    const half = await cli('show', `panos:${sim.url}`, '--user', 'admin', '--from-zone', 'dmz');
    expect(half.stderr).toBe('ruleport: --to-zone: give --from-zone and --to-zone together\n');
    const diff = await cli('diff', `panos:${sim.url}`, FIXTURE, '--user', 'admin');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^equivalent: /);
  });

  it('check --confirm-on-device: agreement, and a real disagreement (a registered IP the local copy cannot know)', async () => {
    const keygens = sim.requestLog.filter((e) => e.type === 'keygen').length;
    const ok = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', 'tcp 198.51.100.7 -> 172.20.10.5:22', '--confirm-on-device');
    expect(ok.code).toBe(0);
    expect(sim.requestLog.filter((e) => e.type === 'keygen').length).toBe(keygens + 1);
    expect(ok.stdout).toContain('device agrees: ALLOWED by rule allow-ssh-partners');
    const denied = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', 'tcp 192.0.2.1 -> 172.20.10.5:22', '--confirm-on-device');
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain('device agrees: DENIED by rule deny-ssh-non-partners');
    const egress = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', 'tcp 172.20.200.224 -> 8.8.8.8:443', '--direction', 'egress', '--confirm-on-device');
    expect(egress.code).toBe(0);
    expect(egress.stdout).toContain('device agrees: ALLOWED by rule allow-web-out');

    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
    await client.registerIps([{ ip: '10.50.0.1', tags: ['app', 'prod'] }]);
    const r = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', 'tcp 203.0.113.9 -> 10.50.0.1:443', '--confirm-on-device', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { allowed: boolean; device: { allowed: boolean; rule: string; agrees: boolean } };
    expect(out.allowed).toBe(false);
    expect(out.device).toEqual({ allowed: true, rule: 'allow-app-servers', action: 'allow', agrees: false });
    const text = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', 'tcp 203.0.113.9 -> 10.50.0.1:443', '--confirm-on-device');
    expect(text.stdout).toContain('DISAGREEMENT: the firewall says ALLOWED by rule allow-app-servers');
    await client.unregisterIps([{ ip: '10.50.0.1', tags: [] }]);
  });

  it('--confirm-on-device needs a panos: location and one flow', async () => {
    const file = await cli('check', FIXTURE, '--flow', 'tcp 1.2.3.4 -> 10.0.0.1:22', '--confirm-on-device');
    expect(file.code).toBe(2);
    expect(file.stderr).toBe('ruleport: --confirm-on-device: needs a panos: location\n');
    const pattern = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', 'tcp 1.2.3.4 -> 10.0.0.1', '--confirm-on-device');
    expect(pattern.code).toBe(2);
  });

  it('diff between a PAN-OS rulebase and security groups for a zone pair', async () => {
    const fresh = await startPanosSim({ commitDurationMs: 20 });
    try {
      const sgs = join(dir, 'sg.json');
      writeFileSync(
        sgs,
        JSON.stringify({
          SecurityGroups: [
            {
              GroupId: 'sg-0000000000000ccc3',
              GroupName: 'api',
              Description: 'api',
              OwnerId: '123456789012',
              VpcId: 'vpc-1',
              IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
              IpPermissionsEgress: [],
            },
          ],
        }),
      );
      const client = new PanosClient({ baseUrl: fresh.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
      await client.set(
        "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules",
        '<entry name="bottom"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry>',
      );
      await client.commit();
      const before = await cli('diff', `panos:${fresh.url}`, sgs, '--user', 'admin');
      expect(before.code).toBe(1);
      // The group's rules reach its members only: read against a rulebase, the group is their destination.
      expect(before.stdout).toContain('only api allows: ingress IPv4 tcp 8443 from any to @sg-0000000000000ccc3 ');
      const conv = await cli('convert', sgs, '--to', `panos:${fresh.url}`, '--user', 'admin', '--below', 'bottom', '--yes', '--journal', join(dir, 'j.jsonl'));
      expect(conv.code).toBe(0);
      const after = await cli('diff', `panos:${fresh.url}`, sgs, '--user', 'admin', '--from-zone', 'untrust', '--to-zone', 'trust');
      expect(after.code).toBe(0);
      const otherPair = await cli('diff', `panos:${fresh.url}`, sgs, '--user', 'admin', '--from-zone', 'dmz', '--to-zone', 'trust');
      expect(otherPair.code).toBe(1);
      // The same rule with destination any opens the port to every host in trust: wider than the group.
      await client.edit(
        "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules/entry[@name='sg-0000000000000ccc3-1']/destination",
        '<destination><member>any</member></destination>',
      );
      await client.commit();
      const widened = await cli('diff', `panos:${fresh.url}`, sgs, '--user', 'admin');
      expect(widened.code).toBe(1);
      expect(widened.stdout).toMatch(/only panos:\S+ vsys1 untrust->trust allows: ingress IPv4 tcp 8443 from any to any/);
      expect(widened.stdout).not.toContain('only api allows');
    } finally {
      await fresh.close();
    }
  });
});

describe('PAN-OS credentials and TLS on the command line', () => {
  it('a wrong key is one clear line, exit 2', async () => {
    process.env.PANOS_API_KEY = 'LUFRPTnot-a-key';
    try {
      const r = await cli('show', `panos:${sim.url}`);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`ruleport: PAN-OS API key (environment (PANOS_API_KEY)): rejected by ${sim.url} (HTTP 403: Invalid Credential): check the key, or generate one with --user and PANOS_PASSWORD\n`);
    } finally {
      delete process.env.PANOS_API_KEY;
    }
  });

  it('--api-key-file: works, and warns when others can read it', async () => {
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
    await client.systemInfo();
    const res = await fetch(`${sim.url}/api/`, { method: 'POST', body: new URLSearchParams({ type: 'keygen', user: 'admin', password: 'admin' }) });
    const key = /<key>([^<]+)<\/key>/.exec(await res.text())![1]!;
    const file = join(dir, 'key');
    writeFileSync(file, `${key}\n`);
    chmodSync(file, 0o644);
    const loose = await cli('show', `panos:${sim.url}`, '--api-key-file', file);
    expect(loose.code).toBe(0);
    expect(loose.stderr).toContain(`warning: ${file} holds a PAN-OS API key and is readable by others (mode 644): chmod 600 ${file}`);
    chmodSync(file, 0o600);
    const tight = await cli('show', `panos:${sim.url}`, '--api-key-file', file);
    expect(tight.stderr).not.toContain('readable');
    expect(tight.stdout + tight.stderr).not.toContain(key);
  });

  it('no credentials: one line saying where they can come from', async () => {
    const saved = process.env.PANOS_PASSWORD;
    delete process.env.PANOS_PASSWORD;
    try {
      const r = await cli('show', `panos:${sim.url}`, '--user', 'admin');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('ruleport: --user: needs the password in PANOS_PASSWORD (it is never taken from the command line)\n');
    } finally {
      process.env.PANOS_PASSWORD = saved;
    }
  });

  it('verifies TLS by default; --ca-file trusts a private CA; --insecure is explicit and warned about', async () => {
    const pem = makeTestCert();
    const tls = await startPanosSim({ tls: pem });
    try {
      const ca = join(dir, 'ca.pem');
      writeFileSync(ca, pem.cert);
      const refused = await cli('show', `panos:${tls.url}`, '--user', 'admin');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/certificate is not trusted; pass --ca-file with its CA, or --insecure/);
      const trusted = await cli('show', `panos:${tls.url}`, '--user', 'admin', '--ca-file', ca);
      expect(trusted.code).toBe(0);
      const insecure = await cli('show', `panos:${tls.url}`, '--user', 'admin', '--insecure');
      expect(insecure.code).toBe(0);
      expect(insecure.stderr).toContain('warning: --insecure: the firewall certificate is NOT verified');
      // https is the default scheme: host:port alone is TLS.
      const bare = await cli('show', `panos:${tls.url.replace('https://', '')}`, '--user', 'admin', '--ca-file', ca);
      expect(bare.code).toBe(0);
    } finally {
      await tls.close();
    }
  });

  it('TLS flags with an http:// firewall: one warning that they have no effect and the key travels unencrypted', async () => {
    const plain = await cli('show', `panos:${sim.url}`, '--user', 'admin', '--insecure');
    expect(plain.code).toBe(0);
    const origin = new URL(sim.url).origin;
    const warnings = plain.stderr.split('\n').filter((l) => l.startsWith('warning:') && !l.includes('disabled rules'));
    expect(warnings).toEqual([`warning: --insecure has no effect: ${origin} is plain HTTP (no TLS), so the API key travels unencrypted`]);
  });
});

describe('ruleport sim', () => {
  async function runUntilListening(args: string[], pattern: RegExp): Promise<{ url: string; out: () => string; done: Promise<number> }> {
    let stdout = '';
    let listening: (url: string) => void = () => undefined;
    const announced = new Promise<string>((resolve) => (listening = resolve));
    const write = (s: string): boolean => {
      stdout += s;
      const url = pattern.exec(stdout)?.[1];
      if (url) listening(url);
      return true;
    };
    const done = run(args, { stdout: { write }, stderr: { write: () => true } });
    // Wait for the announcement itself, however long a loaded machine takes; a command that ends without one fails here.
    const url = await Promise.race([announced, done.then((code) => Promise.reject(new Error(`exited ${code} before listening: ${stdout}`)))]);
    return { url, out: () => stdout, done };
  }

  it('sim panos serves a config, prints its URL and accounts, and stops on SIGINT', async () => {
    const s = await runUntilListening(['sim', 'panos', '--port', '0', '--config', FIXTURE, '--account', 'ops:pw1', '--quiet'], /listening on (http:\/\/127\.0\.0\.1:\d+)\/api\//);
    expect(s.out()).toContain('administrators (keygen): ops');
    expect(s.out()).toContain(`try: PANOS_PASSWORD=pw1 ruleport show panos:${s.url} --user ops`);
    process.env.PANOS_PASSWORD = 'pw1';
    try {
      const show = await cli('show', `panos:${s.url}`, '--user', 'ops');
      expect(show.stdout).toContain('allow-web-in');
    } finally {
      process.env.PANOS_PASSWORD = 'admin';
      process.emit('SIGINT');
    }
    expect(await s.done).toBe(0);
    await expect(fetch(`${s.url}/api/`)).rejects.toThrow();
  });

  it('sim halo prints its URL and keys, and stops on SIGTERM', async () => {
    const s = await runUntilListening(['sim', 'halo', '--port', '0', '--quiet'], /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(s.out()).toContain('full-access key: sim-full-access / sim-full-access-secret');
    const token = await fetch(`${s.url}/oauth/access_token?grant_type=client_credentials`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from('sim-read-only:sim-read-only-secret').toString('base64')}` },
    });
    expect(token.status).toBe(200);
    process.emit('SIGTERM');
    expect(await s.done).toBe(0);
  });

  it('a bad seed or config is one clear error', async () => {
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, '{"servers": 5}');
    const r = await cli('sim', 'halo', '--port', '0', '--seed', seed);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^ruleport: ${seed}: `));
    const missing = await cli('sim', 'panos', '--port', '0', '--config', join(dir, 'nope.xml'));
    expect(missing.stderr).toBe(`ruleport: ${join(dir, 'nope.xml')}: no such file\n`);
  });
});
