/**
 * The PAN-OS client against sim/panos: keys, retries, config calls, commits (full, partial, failing, contended),
 * the change batch's revert, hostile names, User-ID, policy lookups and TLS. Expectations come from the simulator's
 * own state (its candidate/running XML, pending-change list and registrations), never from the client itself.
 */
import { createServer } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { InputError, RemoteError } from '../../../src/model/index.js';
import { PanosChangeBatch } from '../../../src/platforms/panos/change-batch.js';
import { PanosApiError, PanosClient, PanosCommitError } from '../../../src/platforms/panos/client.js';
import { entries } from '../../../src/platforms/panos/xml.js';
import { entryXpath, objectContainerXpath, rulesXpath } from '../../../src/platforms/panos/xpath.js';
import { makeTestCert } from '../../helpers/tls-cert.js';

const ADDR = objectContainerXpath({ vsys: 'vsys1' }, 'address');
const RULES = rulesXpath('vsys1');
const fast = { sleep: () => Promise.resolve(), retry: { baseDelayMs: 1, maxDelayMs: 2 } };
const users = { ruleport: 'rp-secret', alice: 'alice-secret' };

function rule(name: string, extra = ''): string {
  return `<entry name="${name}"><from><member>untrust</member></from><to><member>trust</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>allow</action>${extra}</entry>`;
}

const asUser = (sim: PanosSim, user: keyof typeof users): PanosClient =>
  new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user, password: users[user], source: 'test' }, ...fast });

let sim: PanosSim;
beforeAll(async () => {
  sim = await startPanosSim({ users, commitDurationMs: 20 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  sim.releaseCommitLock();
  sim.releaseConfigLock();
  sim.setCommitDuration(20);
  // Start each test from a clean candidate: revert everyone's pending edits through the API.
  await asUser(sim, 'ruleport').op('<load><config><from>running-config.xml</from></config></load>');
});

describe('PAN-OS client: keys', () => {
  it('generates a key from user and password and sends it only in the X-PAN-KEY header', async () => {
    const seen: Array<{ url: string; key: string | undefined; body: string }> = [];
    const fake = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', key: req.headers['x-pan-key'] as string | undefined, body });
        res.setHeader('content-type', 'application/xml');
        res.end(body.includes('type=keygen') ? "<response status='success'><result><key>SECRETKEY123</key></result></response>" : '<response status="success"><result><system><hostname>fw</hostname></system></result></response>');
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const port = (fake.address() as { port: number }).port;
      const client = new PanosClient({ baseUrl: `http://127.0.0.1:${port}`, auth: { kind: 'password', user: 'u', password: 'pw!', source: 'test' } });
      expect(await client.systemInfo()).toEqual({ hostname: 'fw' });
      expect(seen).toHaveLength(2);
      expect(seen.every((s) => s.url === '/api/')).toBe(true);
      expect(seen[0]!.body).toBe('type=keygen&user=u&password=pw%21');
      expect(seen[1]!.key).toBe('SECRETKEY123');
      expect(seen[1]!.body).not.toContain('SECRETKEY123');
    } finally {
      fake.close();
    }
  });

  it('a wrong key is one clear error that does not show the key', async () => {
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'key', key: 'LUFRPTwrongkey', source: 'environment (PANOS_API_KEY)' }, ...fast });
    const e = await client.systemInfo().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe(
      `PAN-OS API key (environment (PANOS_API_KEY)): rejected by ${sim.url} (HTTP 403: Invalid Credential): check the key, or generate one with --user and PANOS_PASSWORD`,
    );
    expect((e as Error).message).not.toContain('LUFRPTwrongkey');
  });

  it('a wrong password is one clear error naming the user', async () => {
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'alice', password: 'nope', source: 'test' }, ...fast });
    await expect(client.systemInfo()).rejects.toThrow(`PAN-OS user alice: ${sim.url} refused the user name or password (HTTP 403: Invalid Credential)`);
  });
});

describe('PAN-OS client: transport', () => {
  it('retries 5xx answers and then succeeds', async () => {
    const client = asUser(sim, 'ruleport');
    await client.systemInfo();
    sim.failNext(2, 503);
    expect((await client.systemInfo()).hostname).toBe('PA-VM');
    expect(client.stats.retries).toBe(2);
  });

  it('gives up after the retry budget with an error naming the call', async () => {
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'ruleport', password: users.ruleport, source: 'test' }, sleep: fast.sleep, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    await client.systemInfo();
    sim.failNext(3, 502);
    await expect(client.systemInfo()).rejects.toThrow('panos op show system info: HTTP 502 after 3 attempts');
  });

  it('a refused connection is retried, then reported', async () => {
    const client = new PanosClient({ baseUrl: 'http://127.0.0.1:1', auth: { kind: 'key', key: 'k', source: 'test' }, sleep: fast.sleep, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(client.get(RULES)).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\) after 2 attempts/);
  });
});

describe('PAN-OS client: config and commits', () => {
  it('set, get, edit, move, delete and multi-config reach the candidate; commit makes them running', async () => {
    const c = asUser(sim, 'ruleport');
    await c.set(RULES, rule('r1') + rule('r2'));
    await c.edit(entryXpath(RULES, 'r3'), rule('r3'));
    await c.move(entryXpath(RULES, 'r3'), 'top');
    await c.move(entryXpath(RULES, 'r1'), 'after', 'r2');
    await c.multiConfig([
      { action: 'set', xpath: ADDR, element: '<entry name="h1"><ip-netmask>10.0.0.1/32</ip-netmask></entry>' },
      { action: 'delete', xpath: entryXpath(RULES, 'r2') },
    ]);
    const rules = (await c.get(RULES))!.children.get('rules')![0]!;
    expect(entries(rules).map((e) => e.attrs.name)).toEqual(['r3', 'r1']);
    expect(await c.get(entryXpath(ADDR, 'missing'))).toBeUndefined();
    expect(await c.show(entryXpath(RULES, 'r1'))).toBeUndefined();
    expect(await c.hasPendingChanges()).toBe(true);
    const outcome = await c.commit({ pollMs: 5 });
    expect(outcome.kind).toBe('committed');
    expect(sim.runningXml()).toMatch(/<entry name="r3">[\s\S]*<entry name="r1">/);
    expect(await c.commit({ pollMs: 5 })).toEqual({ kind: 'nothing-to-commit' });
  });

  it('a strict multi-config that fails changes nothing', async () => {
    const c = asUser(sim, 'ruleport');
    const e = await c
      .multiConfig([
        { action: 'set', xpath: ADDR, element: '<entry name="h2"><ip-netmask>10.0.0.2/32</ip-netmask></entry>' },
        { action: 'move', xpath: entryXpath(RULES, 'nope'), where: 'top' },
      ])
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PanosApiError);
    expect((e as PanosApiError).code).toBe(13);
    expect(sim.candidateXml()).not.toContain('h2');
  });

  it('partial commit takes only ruleport\'s edits; other admins\' stay pending', async () => {
    const c = asUser(sim, 'ruleport');
    sim.editAsAdmin('alice', 'set', RULES, rule('alice-rule'));
    const batch = new PanosChangeBatch(c);
    await batch.put(RULES, 'rp-1', rule('rp-1'));
    const outcome = await batch.commit({ partial: true, pollMs: 5 });
    expect(outcome.kind).toBe('committed');
    expect(sim.runningXml()).toContain('rp-1');
    expect(sim.runningXml()).not.toContain('alice-rule');
    expect(sim.pendingChanges().map((p) => p.admin)).toEqual(['alice']);
  });

  it('a key without --user: the partial commit admin is read from the edited entry', async () => {
    const key = await (async () => {
      const res = await fetch(`${sim.url}/api/`, { method: 'POST', body: new URLSearchParams({ type: 'keygen', user: 'ruleport', password: users.ruleport }) });
      return /<key>([^<]+)<\/key>/.exec(await res.text())![1]!;
    })();
    const c = new PanosClient({ baseUrl: sim.url, auth: { kind: 'key', key, source: 'test' }, ...fast });
    sim.editAsAdmin('alice', 'set', RULES, rule('alice-2'));
    const batch = new PanosChangeBatch(c);
    await batch.put(RULES, 'rp-k', rule('rp-k'));
    await batch.commit({ partial: true, pollMs: 5 });
    expect(sim.runningXml()).toContain('rp-k');
    expect(sim.pendingChanges().map((p) => p.admin)).toEqual(['alice']);
  });

  it('a key without --user: a batch of deletions or moves only still commits just its own changes; with none left, the error says what to do', async () => {
    const ruleport = asUser(sim, 'ruleport');
    await ruleport.set(RULES, rule('rp-d1') + rule('rp-d2') + rule('anchor'));
    await ruleport.commit({ pollMs: 5 });
    const res = await fetch(`${sim.url}/api/`, { method: 'POST', body: new URLSearchParams({ type: 'keygen', user: 'ruleport', password: users.ruleport }) });
    const c = new PanosClient({ baseUrl: sim.url, auth: { kind: 'key', key: /<key>([^<]+)<\/key>/.exec(await res.text())![1]!, source: 'test' }, ...fast });
    sim.editAsAdmin('alice', 'set', RULES, rule('alice-3'));
    const running = () => {
      const xml = sim.runningXml();
      return [...xml.slice(xml.indexOf('<rules>'), xml.indexOf('</rules>')).matchAll(/<entry name="(rp-d\d|anchor)"/g)].map((m) => m[1]);
    };

    const deletes = new PanosChangeBatch(c);
    await deletes.remove(RULES, 'rp-d1');
    expect((await deletes.commit({ partial: true, pollMs: 5 })).kind).toBe('committed');
    expect(running()).toEqual(['rp-d2', 'anchor']);

    const moves = new PanosChangeBatch(c);
    await moves.move(RULES, 'anchor', 'top');
    expect((await moves.commit({ partial: true, pollMs: 5 })).kind).toBe('committed');
    expect(running()).toEqual(['anchor', 'rp-d2']);
    expect(sim.pendingChanges().map((p) => p.admin)).toEqual(['alice']);

    // A deletion made earlier and never committed: this batch edits nothing, so nothing names the administrator.
    await c.delete(entryXpath(RULES, 'rp-d2'));
    const e = await new PanosChangeBatch(c).commit({ partial: true, pollMs: 5 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RemoteError);
    expect((e as Error).message).toMatch(/cannot tell which administrator the API key belongs to: .*commit partial admin NAME.*--user NAME and its password in PANOS_PASSWORD/);
    expect(running()).toEqual(['anchor', 'rp-d2']);
  });

  it('a failed commit job reverts ruleport\'s changes exactly, and leaves other admins\' alone', async () => {
    const c = asUser(sim, 'ruleport');
    await c.set(RULES, rule('keep-a') + rule('keep-b') + rule('keep-c'));
    await c.set(ADDR, '<entry name="web"><ip-netmask>10.1.1.1/32</ip-netmask><description>before</description></entry>');
    await c.commit({ pollMs: 5 });
    const running = sim.runningXml();
    sim.editAsAdmin('alice', 'set', ADDR, '<entry name="alice-host"><ip-netmask>10.9.9.9/32</ip-netmask></entry>');

    const batch = new PanosChangeBatch(c);
    await batch.put(RULES, 'rp-new', rule('rp-new'));
    await batch.move(RULES, 'rp-new', 'before', 'keep-c');
    await batch.put(ADDR, 'web', '<entry name="web"><ip-netmask>10.1.1.2/32</ip-netmask></entry>');
    await batch.remove(RULES, 'keep-b');
    await batch.move(RULES, 'keep-a', 'bottom');
    sim.failNextCommit(['Validation Error:', 'rulebase -> security -> rules -> rp-new is invalid']);
    const e = await batch.commit({ partial: true, pollMs: 5 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PanosCommitError);
    expect((e as PanosCommitError).reverted).toBe(true);
    expect((e as Error).message).toContain('ended FAIL: Validation Error:; rulebase -> security -> rules -> rp-new is invalid');
    expect((e as Error).message).toContain("ruleport's 5 candidate change(s) were reverted");
    // The candidate is the running config again, plus alice's pending address.
    const candidate = sim.candidateXml();
    expect(candidate).toContain('alice-host');
    const names = [...candidate.matchAll(/<entry name="(keep-[a-c]|rp-new)"/g)].map((m) => m[1]);
    expect(names).toEqual(['keep-a', 'keep-b', 'keep-c']);
    expect(candidate).toContain('<description>before</description>');
    expect(sim.runningXml()).toBe(running);
  });

  it('waits for another commit to finish, then commits', async () => {
    const c = asUser(sim, 'ruleport');
    const alice = asUser(sim, 'alice');
    await alice.set(ADDR, '<entry name="a1"><ip-netmask>10.2.0.1/32</ip-netmask></entry>');
    sim.setCommitDuration(60_000);
    const first = await alice.call({ type: 'commit', cmd: '<commit></commit>' }, 'commit', false);
    expect(first.code).toBe(19);
    await c.set(ADDR, '<entry name="r1"><ip-netmask>10.2.0.2/32</ip-netmask></entry>');
    let polls = 0;
    const waiting = new PanosClient({
      baseUrl: sim.url,
      auth: { kind: 'password', user: 'ruleport', password: users.ruleport, source: 'test' },
      sleep: async () => {
        if (++polls === 3) sim.setCommitDuration(1);
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    expect((await waiting.commit({ pollMs: 5, timeoutMs: 30_000 })).kind).toBe('committed');
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(sim.runningXml()).toContain('10.2.0.2');
  });

  it('a held commit lock: a clear error, and the batch is reverted', async () => {
    const c = asUser(sim, 'ruleport');
    const batch = new PanosChangeBatch(c);
    await batch.put(ADDR, 'locked-host', '<entry name="locked-host"><ip-netmask>10.3.0.1/32</ip-netmask></entry>');
    sim.holdCommitLock('bob');
    const e = await batch.commit({ pollMs: 5 }).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(/Commit lock is already held by bob.*reverted/);
    expect(sim.candidateXml()).not.toContain('locked-host');
  });

  it('a job still running at the timeout is reported, not reverted', async () => {
    const c = asUser(sim, 'ruleport');
    const batch = new PanosChangeBatch(c);
    await batch.put(ADDR, 'slow', '<entry name="slow"><ip-netmask>10.4.0.1/32</ip-netmask></entry>');
    sim.setCommitDuration(60_000);
    const e = await batch.commit({ pollMs: 5, timeoutMs: 30 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PanosCommitError);
    expect((e as Error).message).toMatch(/job \d+ still ACT .* follow it with "show jobs id \d+"/);
    expect((e as PanosCommitError).reverted).toBe(false);
    sim.setCommitDuration(1);
    await c.waitForJob((e as PanosCommitError).job!.id, { pollMs: 5 });
    expect(sim.runningXml()).toContain('slow');
  });
});

describe('PAN-OS client: hostile names', () => {
  it("a name holding ]/../ and a quote addresses only itself", async () => {
    const c = asUser(sim, 'ruleport');
    await c.set(ADDR, '<entry name="victim"><ip-netmask>10.5.0.1/32</ip-netmask></entry>');
    const hostile = "x']/../entry[@name='victim";
    await c.edit(entryXpath(ADDR, hostile), `<entry name="${hostile.replace(/'/g, '&apos;')}"><ip-netmask>10.5.0.2/32</ip-netmask></entry>`);
    await c.delete(entryXpath(ADDR, hostile));
    const victim = entries(await c.get(entryXpath(ADDR, 'victim')))[0];
    expect(victim?.children.get('ip-netmask')?.[0]?.text).toBe('10.5.0.1/32');
  });

  it('a name with both quote characters is refused before any call', () => {
    expect(() => entryXpath(ADDR, `a'b"c`)).toThrow(InputError);
  });
});

describe('PAN-OS client: op commands and User-ID', () => {
  it('registers and unregisters IP tags, which dynamic groups follow without a commit', async () => {
    const c = asUser(sim, 'ruleport');
    await c.registerIps([{ ip: '10.6.0.1', tags: ['web', 'prod'] }, { ip: '10.6.0.2', tags: ['web'] }]);
    await c.unregisterIps([{ ip: '10.6.0.2', tags: ['web'] }]);
    expect(sim.registeredIps()).toEqual([{ ip: '10.6.0.1', tags: ['web', 'prod'] }]);
    expect(await c.registeredIps()).toEqual([{ ip: '10.6.0.1', tags: ['web', 'prod'] }]);
    await c.unregisterIps([{ ip: '10.6.0.1', tags: [] }]);
    expect(sim.registeredIps()).toEqual([]);
  });

  it('test security-policy-match names the first matching rule, or none', async () => {
    const c = asUser(sim, 'ruleport');
    await c.set(RULES, rule('m-deny', '').replace('<action>allow</action>', '<action>deny</action>').replace('<service><member>any</member></service>', '<service><member>service-https</member></service>') + rule('m-allow'));
    // Earlier tests left committed rules: put these two first.
    await c.move(entryXpath(RULES, 'm-allow'), 'top');
    await c.move(entryXpath(RULES, 'm-deny'), 'top');
    await c.commit({ pollMs: 5 });
    expect(await c.testSecurityPolicyMatch({ from: 'untrust', to: 'trust', source: '1.2.3.4', destination: '10.0.0.1', protocol: 6, destinationPort: 443 })).toMatchObject({ rule: 'm-deny', action: 'deny' });
    expect(await c.testSecurityPolicyMatch({ from: 'untrust', to: 'trust', source: '1.2.3.4', destination: '10.0.0.1', protocol: 17, destinationPort: 53 })).toMatchObject({ rule: 'm-allow', action: 'allow' });
    expect(await c.testSecurityPolicyMatch({ from: 'trust', to: 'untrust', source: '1.2.3.4', destination: '10.0.0.1', protocol: 6, destinationPort: 443 })).toBeUndefined();
  });

  it('an unknown op command is an API error with the device\'s code', async () => {
    const e = await asUser(sim, 'ruleport').op('<show><nonsense/></show>').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PanosApiError);
    expect((e as PanosApiError).code).toBe(17);
    expect(e).toBeInstanceOf(RemoteError);
  });
});

describe('PAN-OS client: TLS', () => {
  const pem = makeTestCert();
  let tlsSim: PanosSim;
  beforeAll(async () => {
    tlsSim = await startPanosSim({ users, tls: pem });
  });
  afterAll(async () => {
    await tlsSim.close();
  });
  const auth = { kind: 'password', user: 'ruleport', password: users.ruleport, source: 'test' } as const;

  it('verifies the certificate by default: an unknown CA is refused, without retries', async () => {
    const c = new PanosClient({ baseUrl: tlsSim.url, auth, ...fast });
    await expect(c.systemInfo()).rejects.toThrow(/SELF_SIGNED|certificate is not trusted/);
    expect(c.stats.requests).toBe(1);
  });

  it('trusts the CA given, and works with explicit --insecure', async () => {
    expect((await new PanosClient({ baseUrl: tlsSim.url, auth, tls: { ca: pem.cert, insecure: false }, ...fast }).systemInfo()).hostname).toBe('PA-VM');
    expect((await new PanosClient({ baseUrl: tlsSim.url, auth, tls: { insecure: true }, ...fast }).systemInfo()).hostname).toBe('PA-VM');
  });
});
