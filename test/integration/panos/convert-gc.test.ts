/**
 * `ruleport convert … --to panos:` deletes ruleport's own objects once nothing refers to them, against sim/panos:
 * after the source dropped rules, exactly the now-unused tagged objects go (shown in the plan first); one still
 * named by an administrator's rule, NAT rule, address group or service group stays, and so does every object
 * without the `ruleport` tag, used or not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { useEnv } from '../../helpers/env-vars.js';
import { PanosClient } from '../../../src/platforms/panos/client.js';
import { configVsyses } from '../../../src/platforms/panos/parse.js';
import { child, entries } from '../../../src/platforms/panos/xml.js';
import { cli } from './cli-run.js';

const VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";
const tagged = (tag: string): string => `<tag><member>${tag}</member></tag>`;

// The administrator's objects: none carries the ruleport tag except one of a shape ruleport never writes.
const CONFIG = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<zone><entry name="untrust"/><entry name="trust"/></zone>
<tag><entry name="web"><color>color3</color></entry></tag>
<address>
<entry name="orphan-admin"><ip-netmask>192.0.2.99/32</ip-netmask></entry>
<entry name="rp-legacy"><ip-netmask>192.0.2.98/32</ip-netmask></entry>
<entry name="web-vip"><ip-netmask>192.0.2.97/32</ip-netmask>${tagged('web')}</entry>
<entry name="rp-fqdn"><fqdn>updates.example.com</fqdn>${tagged('ruleport')}</entry>
</address>
<service><entry name="svc-unused"><protocol><tcp><port>9999</port></tcp></protocol></entry></service>
<rulebase><security><rules>
<entry name="Clean up"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry>
</rules></security></rulebase></entry></vsys></entry></devices></config>`;

interface Perm {
  IpProtocol: string;
  FromPort: number;
  ToPort: number;
  IpRanges: { CidrIp: string }[];
}
const perm = (IpProtocol: string, from: number, to: number, cidr: string): Perm => ({ IpProtocol, FromPort: from, ToPort: to, IpRanges: [{ CidrIp: cidr }] });
const group = (id: string, ingress: Perm[]) => ({
  GroupId: id,
  GroupName: id,
  Description: id,
  OwnerId: '123456789012',
  VpcId: 'vpc-0123456789abcdef0',
  IpPermissions: ingress.map((p) => ({ ...p, Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] })),
  IpPermissionsEgress: [],
});
const HTTPS = perm('tcp', 443, 443, '0.0.0.0/0');
// HTTPS comes last, so that the second run rewrites the rule that held the SSH rule's objects under its name.
const WEB_V1 = group('sg-0000000000000aaa1', [
  perm('tcp', 22, 22, '203.0.113.0/24'),
  perm('tcp', 8080, 8080, '198.51.100.0/24'),
  perm('udp', 53, 53, '10.0.0.0/8'),
  perm('tcp', 3306, 3306, '192.0.2.0/24'),
  perm('icmp', 13, -1, '10.0.0.0/16'),
  HTTPS,
]);
const WEB_V2 = group('sg-0000000000000aaa1', [HTTPS]);
// Another ruleport rulebase (its own prefix) that keeps using the MySQL service.
const DB = group('sg-0000000000000bbb2', [perm('tcp', 3306, 3306, '10.20.1.0/24')]);

let sim: PanosSim;
let dir: string;
let sgFile: string;
const convert = (...extra: string[]) =>
  cli('convert', sgFile, '--to', `panos:${sim.url}`, '--user', 'admin', '--below', 'Clean up', '--from-zone', 'untrust', '--to-zone', 'trust', '--service-mode', 'explicit', '--yes', '--partial-commit', ...extra);

/** Object names per container of vsys1 in the running configuration. */
function runningObjects(): Record<string, string[]> {
  const vsys = configVsyses(sim.runningXml(), 'running')[0]!.vsys;
  const names = (kind: string): string[] => entries(child(vsys, kind)).map((e) => e.attrs.name ?? '').sort();
  return { address: names('address'), service: names('service'), application: names('application'), tag: names('tag') };
}

useEnv({ PANOS_PASSWORD: 'admin' });
beforeAll(async () => {
  sim = await startPanosSim({ config: CONFIG, commitDurationMs: 20, users: { admin: 'admin', alice: 'alice' } });
  dir = mkdtempSync(join(tmpdir(), 'rp-panos-gc-'));
  sgFile = join(dir, 'sgs.json');
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("convert --to panos: ruleport's unused objects", () => {
  it('the first run creates every object its rules need and deletes nothing', async () => {
    writeFileSync(sgFile, JSON.stringify({ SecurityGroups: [WEB_V1, DB] }));
    const r = await convert();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(' 0 to delete');
    // Named by hand from the rendering rules: rp-<cidr>, <proto>_<port>, rp-icmp-<type>.
    expect(runningObjects()).toEqual({
      address: ['orphan-admin', 'rp-0.0.0.0_0', 'rp-10.0.0.0_16', 'rp-10.0.0.0_8', 'rp-10.20.1.0_24', 'rp-192.0.2.0_24', 'rp-198.51.100.0_24', 'rp-203.0.113.0_24', 'rp-fqdn', 'rp-legacy', 'web-vip'],
      service: ['svc-unused', 'tcp_22', 'tcp_3306', 'tcp_443', 'tcp_8080', 'udp_53'],
      application: ['rp-icmp-13'],
      tag: ['ruleport', 'web'],
    });
  });

  it('after the source dropped rules: exactly the unused tagged objects are deleted, in the same commit', async () => {
    // Alice starts using four of ruleport's objects, each through another kind of reference, and commits.
    const admin = (xpath: string, element: string): void => sim.editAsAdmin('alice', 'set', `${VSYS}/${xpath}`, element);
    admin(
      'rulebase/security/rules',
      '<entry name="alice-ssh"><from><member>untrust</member></from><to><member>trust</member></to><source><member>rp-203.0.113.0_24</member></source><destination><member>any</member></destination><application><member>ssh</member></application><service><member>application-default</member></service><action>allow</action></entry>',
    );
    admin('address-group', '<entry name="partners"><static><member>rp-198.51.100.0_24</member></static></entry>');
    admin('service-group', '<entry name="dns-all"><members><member>udp_53</member></members></entry>');
    // NAT names its service and translated address as plain text, not as members.
    admin(
      'rulebase/nat/rules',
      '<entry name="alice-nat"><from><member>untrust</member></from><to><member>untrust</member></to><source><member>any</member></source><destination><member>any</member></destination><service>tcp_8080</service><destination-translation><translated-address>rp-192.0.2.0_24</translated-address></destination-translation></entry>',
    );
    const alice = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'alice', password: 'alice', source: 'test' } });
    expect((await alice.commit({ partialAdmins: ['alice'], pollMs: 10 })).kind).toBe('committed');

    writeFileSync(sgFile, JSON.stringify({ SecurityGroups: [WEB_V2, DB] }));
    const unused = ['address rp-10.0.0.0_16', 'address rp-10.0.0.0_8', 'application rp-icmp-13', 'service tcp_22'];

    // The plan shows the deletions; a dry run writes nothing.
    const running = sim.runningXml();
    const candidate = sim.candidateXml();
    const dry = await convert('--dry-run', '--json');
    expect(dry.code).toBe(0);
    const plan = (JSON.parse(dry.stdout) as { plan: { changes: { kind: string; object: string }[] } }).plan;
    expect(plan.changes.filter((c) => c.kind === 'delete' && !c.object.startsWith('rule ')).map((c) => c.object).sort()).toEqual(unused);
    expect(sim.runningXml()).toBe(running);
    expect(sim.candidateXml()).toBe(candidate);

    const commits = sim.requestLog.filter((e) => e.type === 'commit').length;
    const r = await convert();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const o of unused) expect(r.stdout).toContain(`- ${o}`);
    expect(sim.requestLog.filter((e) => e.type === 'commit')).toHaveLength(commits + 1);
    expect(runningObjects()).toEqual({
      address: ['orphan-admin', 'rp-0.0.0.0_0', 'rp-10.20.1.0_24', 'rp-192.0.2.0_24', 'rp-198.51.100.0_24', 'rp-203.0.113.0_24', 'rp-fqdn', 'rp-legacy', 'web-vip'],
      service: ['svc-unused', 'tcp_3306', 'tcp_443', 'tcp_8080', 'udp_53'],
      application: [],
      tag: ['ruleport', 'web'],
    });
    expect((await convert()).stdout).toContain('no changes: the target already matches');
  });

  it('an object the administrator stops using goes on the next run', async () => {
    sim.editAsAdmin('alice', 'delete', `${VSYS}/rulebase/security/rules/entry[@name='alice-ssh']`);
    const alice = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'alice', password: 'alice', source: 'test' } });
    await alice.commit({ partialAdmins: ['alice'], pollMs: 10 });
    const r = await convert();
    expect(r.code).toBe(0);
    expect(runningObjects().address).toEqual(['orphan-admin', 'rp-0.0.0.0_0', 'rp-10.20.1.0_24', 'rp-192.0.2.0_24', 'rp-198.51.100.0_24', 'rp-fqdn', 'rp-legacy', 'web-vip']);
  });
});
