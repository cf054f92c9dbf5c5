/**
 * `ruleport convert aws:… --to panos… --resolve-refs` against moto and sim/panos: web and app have one instance
 * each (RunInstances), db none. The protected side and the group and prefix-list peers become address objects of
 * the members' current addresses, read here from DescribeInstances (never from ruleport); the simulator's
 * `test security-policy-match` allows a member and denies a trust host in no group; the rules that need db (its
 * own, and app's rule from db) are left out and reported; the plan notes each resolution with its time; a file
 * source is one clear error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { useEnv } from '../../helpers/env-vars.js';
import { PanosClient, type PolicyMatchQuery } from '../../../src/platforms/panos/client.js';
import { ruleFromXml } from '../../../src/platforms/panos/objects.js';
import { configVsyses } from '../../../src/platforms/panos/parse.js';
import { child, entries } from '../../../src/platforms/panos/xml.js';
import type { AwsSession, Ec2Handle } from '../../../src/platforms/aws/session.js';
import { parseRefMap } from '../../../src/cli/ref-map.js';
import { planPanosConversion } from '../../../src/workflows/convert-panos.js';
import { motoSession, resetMoto } from '../../harness/moto.js';
import { createPrefixList, createSubnet, createVpc, runInstance } from '../aws/world.js';
import { cli, cliEnvironment, createGroup, dropAutomaticEgress, ingress, url } from '../migrate/world.js';

const REGION = 'us-east-1';
const CONFIG = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<zone><entry name="untrust"/><entry name="trust"/></zone>
<rulebase><security><rules>
<entry name="Clean up"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry>
</rules></security></rulebase></entry></vsys></entry></devices></config>`;
// A host of the trust zone that carries none of the groups (the subnet is 10.0.1.0/24, moto numbers from .4 up).
const OTHER_HOST = '10.0.1.250';
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

/** The rules of vsys1 in a configuration text, by name: [source, destination]. */
function sidesOf(xml: string): Record<string, [string[], string[]]> {
  const vsys = configVsyses(xml, 'test').find((v) => v.name === 'vsys1')!;
  const rules = entries(child(child(child(vsys.vsys, 'rulebase'), 'security'), 'rules')).map(ruleFromXml);
  return Object.fromEntries(rules.map((r) => [r.name, [[...r.source], [...r.destination]]]));
}

describe.skipIf(!url)('convert security groups → PAN-OS with --resolve-refs', () => {
  const env = cliEnvironment();
  let session: AwsSession;
  let ec2: Ec2Handle;
  let sim: PanosSim;
  let web: string;
  let app: string;
  let db: string;
  let office: string;
  let webIp: string;
  let appIp: string;
  let source: string;

  /** The private IPv4 address of an instance, as EC2 itself reports it. */
  async function privateIp(instance: string): Promise<string> {
    const out = await ec2.client.send(new DescribeInstancesCommand({ InstanceIds: [instance] }));
    return out.Reservations![0]!.Instances![0]!.PrivateIpAddress!;
  }

  useEnv({ PANOS_PASSWORD: 'admin' });
  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    await resetMoto(url);
    session = motoSession(url);
    ec2 = session.ec2(REGION);
    const vpc = await createVpc(ec2, '10.0.0.0/16');
    const subnet = await createSubnet(ec2, vpc, '10.0.1.0/24');
    web = await createGroup(ec2, vpc, 'web', 'web tier');
    app = await createGroup(ec2, vpc, 'app', 'app tier');
    db = await createGroup(ec2, vpc, 'db', 'db tier');
    office = await createPrefixList(ec2, 'office', ['198.51.100.0/24', '203.0.113.0/25']);
    await ingress(ec2, web, [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: office }] }]);
    // One permission per peer: app's rule from db must be one rule of its own.
    await ingress(ec2, app, [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: web }] }]);
    await ingress(ec2, app, [{ IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000, UserIdGroupPairs: [{ GroupId: db }] }]);
    await ingress(ec2, db, [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: app }] }]);
    // app keeps its automatic egress (all to 0.0.0.0/0): the protected side is then the rule's source.
    await dropAutomaticEgress(ec2, web);
    await dropAutomaticEgress(ec2, db);
    webIp = await privateIp(await runInstance(ec2, subnet, [web]));
    appIp = await privateIp(await runInstance(ec2, subnet, [app]));
    source = `aws:${REGION}/${web},${app},${db}`;
    sim = await startPanosSim({ config: CONFIG, commitDurationMs: 20, users: { admin: 'admin' } });
  });
  afterEach(async () => {
    session.destroy();
    await sim.close();
  });

  it("writes the members' addresses as the rules' sides, leaves out what needs db, and verifies", async () => {
    // db has no instance: moto reports no interface carrying it (the premise of this test).
    const groups = await ec2.client.send(new DescribeSecurityGroupsCommand({ GroupIds: [db] }));
    expect(groups.SecurityGroups).toHaveLength(1);

    const r = await cli('convert', source, '--to', `panos:${sim.url}`, '--user', 'admin', '--below', 'Clean up', '--resolve-refs', '--journal', join(env.dir(), 'journal.jsonl'), '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    const webObj = `rp-${webIp}_32`;
    const appObj = `rp-${appIp}_32`;
    const running = sim.runningXml();
    expect(sidesOf(running)).toEqual({
      [`${web}-1`]: [['rp-198.51.100.0_24', 'rp-203.0.113.0_25'], [webObj]],
      [`${app}-1`]: [[webObj], [appObj]],
      [`${app}-2`]: [[appObj], ['rp-0.0.0.0_0']],
      'Clean up': [['any'], ['any']],
    });
    // Static address objects, ruleport's; no dynamic address group is left to wait for registrations.
    expect(running).toMatch(new RegExp(`<entry name="${webObj.replace(/\./g, '\\.')}">\\s*<ip-netmask>${webIp.replace(/\./g, '\\.')}/32</ip-netmask>\\s*<tag>\\s*<member>ruleport</member>`));
    expect(running).not.toContain('<dynamic>');

    // Every resolution is a plan note with its time; the rules needing db are left out, each reported.
    expect(r.stdout).toMatch(new RegExp(`--resolve-refs: ${web} is ${webIp.replace(/\./g, '\\.')} \\(1 network interface in ${REGION}\\) as of ${ISO}; a snapshot`));
    expect(r.stdout).toMatch(new RegExp(`--resolve-refs: ${app} is ${appIp.replace(/\./g, '\\.')} \\(1 network interface in ${REGION}\\) as of ${ISO}; a snapshot`));
    expect(r.stdout).toMatch(new RegExp(`--resolve-refs: no network interface in ${REGION} carries ${db} as of ${ISO}`));
    expect(r.stdout).toMatch(new RegExp(`--resolve-refs: ${office} \\(office\\) is 198\\.51\\.100\\.0/24, 203\\.0\\.113\\.0/25 as of ${ISO}`));
    expect(r.stdout).toMatch(/app ingress rule #\d: left out, as its peer is no address at all/);
    expect(r.stdout).toMatch(/db ingress rule #1: left out, as its protected side is no address at all/);
    expect(r.stdout).toContain('verification (read back and compared)');
    expect(r.stdout.match(/equivalent: (web|app|db) and /g)).toHaveLength(3);

    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
    const verdict = async (from: string, to: string, src: string, dst: string, port: number): Promise<string> => {
      const q: PolicyMatchQuery = { from, to, source: src, destination: dst, protocol: 6, destinationPort: port };
      const m = await client.testSecurityPolicyMatch(q);
      return `${m?.action} by ${m?.rule}`;
    };
    expect(await verdict('untrust', 'trust', webIp, appIp, 8080)).toBe(`allow by ${app}-1`);
    expect(await verdict('untrust', 'trust', webIp, OTHER_HOST, 8080)).toBe('deny by Clean up');
    expect(await verdict('untrust', 'trust', OTHER_HOST, appIp, 8080)).toBe('deny by Clean up');
    expect(await verdict('untrust', 'trust', '198.51.100.7', webIp, 443)).toBe(`allow by ${web}-1`);
    expect(await verdict('untrust', 'trust', '198.51.100.7', OTHER_HOST, 443)).toBe('deny by Clean up');
    expect(await verdict('untrust', 'trust', '203.0.113.200', webIp, 443)).toBe('deny by Clean up');
    // db's rule was left out: its port is reached on no host.
    expect(await verdict('untrust', 'trust', appIp, OTHER_HOST, 5432)).toBe('deny by Clean up');
    // app's egress: its member may reach out, another trust host may not.
    expect(await verdict('trust', 'untrust', appIp, '192.0.2.1', 25)).toBe(`allow by ${app}-2`);
    expect(await verdict('trust', 'untrust', OTHER_HOST, '192.0.2.1', 25)).toBe('deny by Clean up');
  });

  it('a --map-group group stays that address group; verification fails when a resolved destination is widened', async () => {
    const out = join(env.dir(), 'resolved.xml');
    const ctx = { connection: { region: REGION }, warn: () => {}, debug: () => {} };
    const conv = await planPanosConversion(
      {
        source,
        to: 'panos',
        zones: { from: 'untrust', to: 'trust' },
        serviceMode: 'explicit',
        mapRef: parseRefMap([`${web}=web-servers`]),
        resolveRefs: true,
        partialCommit: false,
        out,
      },
      { ctx, aws: session },
    );
    await conv.apply();
    expect((await conv.verify()).map((c) => c.comparison.equivalent)).toEqual([true, true, true]);
    const written = readFileSync(out, 'utf8');
    expect(sidesOf(written)).toEqual({
      [`${web}-1`]: [['rp-198.51.100.0_24', 'rp-203.0.113.0_25'], ['web-servers']],
      [`${app}-1`]: [['web-servers'], [`rp-${appIp}_32`]],
      [`${app}-2`]: [[`rp-${appIp}_32`], ['rp-0.0.0.0_0']],
    });
    const widened = written.replace(`<destination><member>rp-${appIp}_32</member></destination>`, '<destination><member>any</member></destination>');
    expect(widened).not.toBe(written);
    writeFileSync(out, widened);
    const [, appCheck] = await conv.verify();
    expect(appCheck!.comparison.equivalent).toBe(false);
    expect(appCheck!.comparison.onlyA).toEqual([]);
    expect(appCheck!.comparison.onlyB.length).toBeGreaterThan(0);
  });

  it('a file source is one clear error (exit 2), and nothing is written', async () => {
    const file = join(env.dir(), 'sgs.json');
    const exported = await cli('--region', REGION, 'export', source);
    expect(exported.code).toBe(0);
    writeFileSync(file, exported.stdout);
    const out = join(env.dir(), 'file.xml');
    const r = await cli('--region', REGION, 'convert', file, '--to', 'panos', '--out', out, '--resolve-refs');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ruleport: --resolve-refs: asks AWS for the current members of security groups: read the groups live (aws:REGION[/sg-…]), not ${file}\n`);
    expect(existsSync(out)).toBe(false);
  });
});
