/**
 * `ruleport convert <security groups> --to panos:…` against sim/panos: placement above the bottom rule among
 * other administrators' rules, equivalence judged by the simulator's own evaluator against a brute-force
 * security-group evaluator written here (a group's rules reach only its members, registered through User-ID with
 * the group id as tag), idempotency, commit failure and contention (ruleport's candidate changes
 * reverted, other admins' untouched), hostile names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { useEnv } from '../../helpers/env-vars.js';
import { PanosClient } from '../../../src/platforms/panos/client.js';
import { RemoteError } from '../../../src/model/index.js';
import { parseRefMap } from '../../../src/cli/ref-map.js';
import { planPanosConversion } from '../../../src/workflows/convert-panos.js';
import { cli, type Result } from './cli-run.js';

const HOSTILE = "evil']/../../entry[@name='Clean up";
const rule = (name: string, from: string, to: string, dst: string, service: string, action = 'allow'): string =>
  `<entry name="${name.replace(/'/g, '&apos;')}"><from><member>${from}</member></from><to><member>${to}</member></to><source><member>any</member></source><destination><member>${dst}</member></destination><application><member>any</member></application><service><member>${service}</member></service><action>${action}</action><log-end>yes</log-end></entry>`;

const CONFIG = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<zone><entry name="untrust"/><entry name="trust"/><entry name="dmz"/></zone>
<service><entry name="smtp-25"><protocol><tcp><port>25</port></tcp></protocol></entry></service>
<rulebase><security><rules>
${rule('admin-mail', 'untrust', 'trust', '10.99.0.1', 'smtp-25')}
${rule('admin-dmz', 'dmz', 'trust', 'any', 'any')}
${rule(HOSTILE, 'dmz', 'untrust', 'any', 'any', 'deny')}
${rule('Clean up', 'any', 'any', 'any', 'any', 'deny')}
</rules></security></rulebase></entry></vsys></entry></devices></config>`;

interface Perm {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: { CidrIp: string }[];
}
const perm = (IpProtocol: string, from: number | undefined, to: number | undefined, ...cidrs: string[]): Perm => ({
  IpProtocol,
  ...(from !== undefined ? { FromPort: from, ToPort: to } : {}),
  IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
});
const group = (id: string, name: string, ingress: Perm[], egress: Perm[]) => ({
  GroupId: id,
  GroupName: name,
  Description: name,
  OwnerId: '123456789012',
  VpcId: 'vpc-0123456789abcdef0',
  IpPermissions: ingress.map((p) => ({ ...p, Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] })),
  IpPermissionsEgress: egress.map((p) => ({ ...p, Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] })),
});
const GROUPS = [
  group('sg-0000000000000aaa1', 'web', [perm('tcp', 443, 443, '0.0.0.0/0'), perm('tcp', 22, 22, '203.0.113.0/24'), perm('tcp', 8000, 8100, '10.0.0.0/8'), perm('icmp', 8, -1, '10.0.0.0/16')], [perm('-1', undefined, undefined, '0.0.0.0/0')]),
  group('sg-0000000000000bbb2', 'db', [perm('tcp', 3306, 3306, '10.20.1.0/24'), perm('udp', 53, 53, '10.0.0.0/8')], []),
];

/** The groups' members behind the firewall; 172.16.0.1 is in trust too, but in no group. */
const MEMBERS: Record<string, string[]> = { 'sg-0000000000000aaa1': ['10.0.1.5'], 'sg-0000000000000bbb2': ['10.20.1.9'] };

/**
 * Brute-force security-group evaluation: the union of every group's rules over the group's own members (the peer
 * is the flow's far side, the member its near side).
 */
function sgAllows(groups: typeof GROUPS, f: { direction: 'ingress' | 'egress'; protocol: number; src: string; dst: string; port?: number; icmpType?: number }): boolean {
  const toInt = (ip: string): number => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const inCidr = (ip: string, cidr: string): boolean => {
    const [base, bits] = cidr.split('/') as [string, string];
    const size = 2 ** (32 - Number(bits));
    return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
  };
  const [peer, local] = f.direction === 'ingress' ? [f.src, f.dst] : [f.dst, f.src];
  return groups.some((g) =>
    (MEMBERS[g.GroupId] ?? []).includes(local) &&
    (f.direction === 'ingress' ? g.IpPermissions : g.IpPermissionsEgress).some((p) => {
      if (!p.IpRanges.some((r) => inCidr(peer, r.CidrIp))) return false;
      if (p.IpProtocol === '-1') return true;
      const proto = { tcp: 6, udp: 17, icmp: 1 }[p.IpProtocol as 'tcp' | 'udp' | 'icmp'];
      if (proto !== f.protocol) return false;
      if (proto === 1) return p.FromPort === -1 || p.FromPort === f.icmpType;
      return f.port! >= p.FromPort! && f.port! <= p.ToPort!;
    }),
  );
}

let sim: PanosSim;
let dir: string;
let sgFile: string;
let journal: string;
const convert = (...extra: string[]): Promise<Result> =>
  cli('convert', sgFile, '--to', `panos:${sim.url}`, '--user', 'admin', '--below', 'Clean up', '--from-zone', 'untrust', '--to-zone', 'trust', '--journal', journal, '--yes', ...extra);
const ruleOrder = (xml: string): string[] => [...xml.matchAll(/<entry name="([^"]*)">\s*<from>/g)].map((m) => m[1]!.replace(/&apos;/g, "'"));

useEnv({ PANOS_PASSWORD: 'admin' });
beforeAll(async () => {
  sim = await startPanosSim({ config: CONFIG, commitDurationMs: 20, users: { admin: 'admin', alice: 'alice' } });
  dir = mkdtempSync(join(tmpdir(), 'rp-panos-'));
  sgFile = join(dir, 'sgs.json');
  journal = join(dir, 'journal.jsonl');
  writeFileSync(sgFile, JSON.stringify({ SecurityGroups: GROUPS }));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('convert security groups --to panos:', () => {
  it('places the rules above the bottom rule, commits once, and the firewall then allows exactly what the groups allow', async () => {
    const before = sim.runningXml();
    const r = await convert('--partial-commit');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/committed: job \d+ OK \(partial commit/);
    expect(r.stdout).toContain('verification (read back and compared)');
    expect(sim.requestLog.filter((e) => e.type === 'commit')).toHaveLength(1);

    const order = ruleOrder(sim.runningXml());
    const ours = order.filter((n) => n.startsWith('sg-'));
    expect(ours.length).toBeGreaterThan(3);
    expect(order).toEqual(['admin-mail', 'admin-dmz', HOSTILE, ...ours, 'Clean up']);
    expect(ours).toEqual([...ours].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    // Other administrators' rules are byte-for-byte as they were.
    for (const name of ['admin-mail', 'admin-dmz', 'Clean up']) {
      const entry = (xml: string) => new RegExp(`<entry name="${name}">[\\s\\S]*?</entry>\\s*(?=<entry|</rules>)`).exec(xml)?.[0];
      expect(entry(sim.runningXml()), name).toBe(entry(before));
    }

    // Each group's rules reach its dynamic address group, empty until its members are registered: nothing passes.
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
    const https = { from: 'untrust', to: 'trust', source: '8.8.8.8', destination: '10.0.1.5', protocol: 6, destinationPort: 443 };
    expect((await client.testSecurityPolicyMatch(https))?.rule).toBe('Clean up');
    await client.registerIps(Object.entries(MEMBERS).flatMap(([id, ips]) => ips.map((ip) => ({ ip, tags: [id] }))));
    expect((await client.testSecurityPolicyMatch(https))?.action).toBe('allow');

    // Equivalence for the zone pair, decided by the simulator and by a brute-force SG evaluator.
    const srcs = ['203.0.113.7', '203.0.114.7', '10.0.3.4', '10.1.0.9', '10.20.1.50', '10.20.2.50', '192.0.2.1', '8.8.8.8'];
    const dsts = ['10.0.1.5', '10.20.1.9', '172.16.0.1'];
    const probes: Array<{ protocol: number; port?: number; icmpType?: number }> = [
      ...[22, 25, 80, 443, 3306, 7999, 8000, 8050, 8100, 8101].map((port) => ({ protocol: 6, port })),
      ...[53, 54, 123].map((port) => ({ protocol: 17, port })),
      { protocol: 1, icmpType: 8 },
      { protocol: 1, icmpType: 0 },
    ];
    let allowed = 0;
    let checked = 0;
    for (const direction of ['ingress', 'egress'] as const) {
      for (const a of srcs) {
        for (const b of dsts) {
          const [src, dst] = direction === 'ingress' ? [a, b] : [b, a];
          const answers = await Promise.all(
            probes.map((p) =>
              client.testSecurityPolicyMatch({
                from: direction === 'ingress' ? 'untrust' : 'trust',
                to: direction === 'ingress' ? 'trust' : 'untrust',
                source: src,
                destination: dst,
                protocol: p.protocol,
                ...(p.port !== undefined ? { destinationPort: p.port } : {}),
                ...(p.icmpType !== undefined ? { icmpType: p.icmpType, icmpCode: 0 } : {}),
              }),
            ),
          );
          probes.forEach((p, i) => {
            const device = answers[i]?.action === 'allow';
            const expected = sgAllows(GROUPS, { direction, src, dst, ...p });
            expect(device, `${direction} ${p.protocol}/${p.port ?? p.icmpType} ${src} -> ${dst}`).toBe(expected);
            if (device) allowed++;
            checked++;
          });
        }
      }
    }
    expect(checked).toBe(2 * 8 * 3 * probes.length);
    expect(allowed).toBeGreaterThan(100);
  });

  it('a second run plans nothing and changes nothing', async () => {
    const running = sim.runningXml();
    const r = await convert();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan: 0 to create, 0 to update, 0 to delete, 0 to move');
    expect(r.stdout).toContain('no changes: the target already matches');
    expect(sim.runningXml()).toBe(running);
  });

  it('a failed commit: clear error, ruleport\'s candidate changes reverted, another admin\'s pending change untouched', async () => {
    const running = sim.runningXml();
    writeFileSync(sgFile, JSON.stringify({ SecurityGroups: [group('sg-0000000000000aaa1', 'web', [perm('tcp', 8443, 8443, '198.51.100.0/24')], []), GROUPS[1]] }));
    sim.editAsAdmin('alice', 'set', "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/address", '<entry name="alice-host"><ip-netmask>10.77.0.1/32</ip-netmask></entry>');
    sim.failNextCommit(['Validation Error:', 'rules -> sg-0000000000000aaa1-1 is invalid']);
    const r = await convert('--partial-commit');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ruleport: panos commit \(partial: admin\): job \d+ ended FAIL: Validation Error:; rules -> sg-0000000000000aaa1-1 is invalid; ruleport's \d+ candidate change\(s\) were reverted, other administrators' changes are untouched\n$/);
    expect(sim.runningXml()).toBe(running);
    const candidate = sim.candidateXml();
    expect(candidate).toContain('alice-host');
    expect(candidate).not.toContain('tcp_8443');
    expect(ruleOrder(candidate)).toEqual(ruleOrder(running));
    const last = JSON.parse(readFileSync(journal, 'utf8').trim().split('\n').pop()!) as { object: string; result: string; detail: { reverted: boolean } };
    expect(last).toMatchObject({ object: 'commit', result: 'failed', detail: { reverted: true } });
  });

  it('another admin holding the commit lock: clear error, reverted', async () => {
    sim.holdCommitLock('bob');
    try {
      const r = await convert();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Commit lock is already held by bob.*reverted/);
      expect(sim.candidateXml()).not.toContain('tcp_8443');
    } finally {
      sim.releaseCommitLock();
    }
    // With the lock gone the same command goes through (alice's change is still hers, pending).
    const r = await convert('--partial-commit');
    expect(r.code).toBe(0);
    expect(sim.runningXml()).toContain('tcp_8443');
    expect(sim.runningXml()).not.toContain('alice-host');
    // The rule that is no longer wanted (the group lost rules) was deleted: only ruleport's rules of that prefix.
    expect(ruleOrder(sim.runningXml()).filter((n) => n.startsWith('sg-0000000000000aaa1'))).toEqual(['sg-0000000000000aaa1-1']);
  });

  it('a run that lost its commit answer leaves its edits pending; the next run converges and commits them', async () => {
    writeFileSync(sgFile, JSON.stringify({ SecurityGroups: [group('sg-0000000000000aaa1', 'web', [perm('tcp', 9443, 9443, '192.0.2.0/24')], []), GROUPS[1]] }));
    class LostCommit extends PanosClient {
      override async commit(): Promise<never> {
        throw new RemoteError('panos', 'commit', 'cannot reach the firewall (ECONNRESET)');
      }
    }
    const lost = new LostCommit({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
    const ctx = { connection: {}, warn: () => {}, debug: () => {} };
    const conv = await planPanosConversion(
      { source: sgFile, to: `panos:${sim.url}`, zones: { from: 'untrust', to: 'trust' }, below: 'Clean up', serviceMode: 'application-default', mapRef: parseRefMap([]), partialCommit: true },
      { ctx, client: lost },
    );
    await expect(conv.apply()).rejects.toThrow(/may or may not have been enqueued and ruleport's candidate changes are still there/);
    expect(sim.candidateXml()).toContain('tcp_9443');
    expect(sim.runningXml()).not.toContain('tcp_9443');
    const r = await convert('--partial-commit');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/committed: job \d+ OK/);
    expect(sim.runningXml()).toContain('tcp_9443');
    expect((await convert()).stdout).toContain('no changes: the target already matches');
  });

  it('hostile or invalid names are refused before any call', async () => {
    const calls = sim.requestLog.length;
    for (const args of [
      ['--below', "Clean up']/../entry[@name='admin-dmz"],
      ['--below', 'Clean up', '--rule-prefix', "a'b"],
    ]) {
      const r = await cli('convert', `${sgFile}#sg-0000000000000bbb2`, '--to', `panos:${sim.url}`, '--user', 'admin', '--yes', '--journal', journal, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^ruleport: .*invalid PAN-OS name/);
    }
    const bad = await cli('show', `panos:${sim.url}/vsys1']/..`, '--user', 'admin');
    expect(bad.code).toBe(2);
    expect(sim.requestLog.length).toBe(calls);
  });

  it('--out writes set commands or an XML configuration without calling any firewall', async () => {
    const calls = sim.requestLog.length;
    const xml = join(dir, 'out.xml');
    const r = await cli('convert', sgFile, '--to', 'panos', '--out', xml, '--below', 'Clean up');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('equivalent');
    const set = join(dir, 'out.set');
    const s = await cli('convert', sgFile, '--to', 'panos', '--out', set, '--below', 'Clean up', '--service-mode', 'explicit');
    expect(s.code).toBe(0);
    const show = await cli('show', xml);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('sg-0000000000000bbb2-1');
    expect(sim.requestLog.length).toBe(calls);
  });
});
