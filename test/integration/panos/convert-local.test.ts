/**
 * `ruleport convert <security groups> --to panos…` writes each group's rules with the group as their protected side
 * (destination of ingress), never `any`: app (tcp 8080 from web) and db (tcp 5432 from app), app mapped to an
 * address group with `--map-group`, db left to ruleport's dynamic address group named after it. Against sim/panos,
 * `test security-policy-match` allows a registered member and denies a host of the trust zone that is in no group;
 * a read-back destination of `any` fails verification; a NACL whose subnets have no known addresses is refused.
 * A NACL read live (moto) knows its subnets' CIDR blocks: they are its rules' destination, and a host outside them
 * is denied; a live NACL with no subnet protects nothing: its rules are left out, each named.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { useEnv } from '../../helpers/env-vars.js';
import { parseRefMap } from '../../../src/cli/ref-map.js';
import { associateSubnet, createEntry, createNetworkAcl } from '../../../src/platforms/aws-nacl/client.js';
import type { AwsSession } from '../../../src/platforms/aws/session.js';
import { PanosClient, type PolicyMatchQuery } from '../../../src/platforms/panos/client.js';
import { ruleFromXml } from '../../../src/platforms/panos/objects.js';
import { configVsyses } from '../../../src/platforms/panos/parse.js';
import { child, entries } from '../../../src/platforms/panos/xml.js';
import { planPanosConversion } from '../../../src/workflows/convert-panos.js';
import { motoSession, resetMoto } from '../../harness/moto.js';
import { createSubnet, createVpc } from '../aws/world.js';
import { cliEnvironment, url as motoUrl } from '../migrate/world.js';
import { cli } from './cli-run.js';

const CONFIG = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<zone><entry name="untrust"/><entry name="trust"/></zone>
<rulebase><security><rules>
<entry name="Clean up"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry>
</rules></security></rulebase></entry></vsys></entry></devices></config>`;

const ACCOUNT = '123456789012';
const WEB = 'sg-0000000000000e001';
const APP = 'sg-0000000000000a001';
const DB = 'sg-0000000000000d001';
const group = (id: string, name: string, port: number, from: string) => ({
  GroupId: id,
  GroupName: name,
  Description: name,
  OwnerId: ACCOUNT,
  VpcId: 'vpc-0123456789abcdef0',
  IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: from, UserId: ACCOUNT }] }],
  IpPermissionsEgress: [],
});
const GROUPS = [group(APP, 'app', 8080, WEB), group(DB, 'db', 5432, APP)];
const MAP = ['--map-group', `${WEB}=web-servers`, '--map-group', `${APP}=app-servers`];

// One member per group, and a host of the trust zone that is in none of them.
const WEB_HOST = '10.1.0.10';
const APP_HOST = '10.2.0.20';
const DB_HOST = '10.3.0.30';
const OTHER_HOST = '10.9.0.99';

let sim: PanosSim;
let dir: string;
let sgFile: string;

useEnv({ PANOS_PASSWORD: 'admin' });
beforeAll(async () => {
  sim = await startPanosSim({ config: CONFIG, commitDurationMs: 20, users: { admin: 'admin' } });
  dir = mkdtempSync(join(tmpdir(), 'rp-panos-local-'));
  sgFile = join(dir, 'sgs.json');
  writeFileSync(sgFile, JSON.stringify({ SecurityGroups: GROUPS }));
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The rules of vsys1 in a configuration text, by name: [source, destination]. */
function sidesOf(xml: string): Record<string, [string[], string[]]> {
  const vsys = configVsyses(xml, 'test').find((v) => v.name === 'vsys1')!;
  const rules = entries(child(child(child(vsys.vsys, 'rulebase'), 'security'), 'rules')).map(ruleFromXml);
  return Object.fromEntries(rules.map((r) => [r.name, [[...r.source], [...r.destination]]]));
}

describe('convert --to panos: the protected side', () => {
  it('each group is its rules\' destination: the mapped address group or its own dynamic address group', async () => {
    const r = await cli('convert', sgFile, '--to', `panos:${sim.url}`, '--user', 'admin', '--below', 'Clean up', '--journal', join(dir, 'journal.jsonl'), '--yes', ...MAP);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/db: its rules' protected side is the dynamic address group sg-0000000000000d001 \(filter 'sg-0000000000000d001'\).*User-ID.*match nothing/);
    expect(r.stdout).not.toMatch(/dynamic address group app-servers \(filter/);
    expect(r.stdout).toContain('verification (read back and compared)');

    const running = sim.runningXml();
    expect(sidesOf(running)).toEqual({
      [`${APP}-1`]: [['web-servers'], ['app-servers']],
      [`${DB}-1`]: [['app-servers'], [DB]],
      'Clean up': [['any'], ['any']],
    });
    expect(running).toMatch(new RegExp(`<entry name="${DB}">\\s*<dynamic>\\s*<filter>'${DB}'</filter>`));
  });

  it('the firewall allows a registered member and denies a trust host in no group', async () => {
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
    await client.registerIps([
      { ip: WEB_HOST, tags: ['web-servers'] },
      { ip: APP_HOST, tags: ['app-servers'] },
      { ip: DB_HOST, tags: [DB] },
    ]);
    const verdict = async (source: string, destination: string, port: number): Promise<string> => {
      const q: PolicyMatchQuery = { from: 'untrust', to: 'trust', source, destination, protocol: 6, destinationPort: port };
      const m = await client.testSecurityPolicyMatch(q);
      return `${m?.action} by ${m?.rule}`;
    };
    expect(await verdict(WEB_HOST, APP_HOST, 8080)).toBe(`allow by ${APP}-1`);
    expect(await verdict(WEB_HOST, OTHER_HOST, 8080)).toBe('deny by Clean up');
    expect(await verdict(APP_HOST, DB_HOST, 5432)).toBe(`allow by ${DB}-1`);
    expect(await verdict(APP_HOST, OTHER_HOST, 5432)).toBe('deny by Clean up');
    expect(await verdict(WEB_HOST, DB_HOST, 5432)).toBe('deny by Clean up');
    expect(await verdict(OTHER_HOST, APP_HOST, 8080)).toBe('deny by Clean up');

    // check asks the same question: a host in no group is denied, and the device agrees.
    const other = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', `tcp ${APP_HOST} -> ${OTHER_HOST}:5432`, '--confirm-on-device');
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('device agrees: DENIED by rule Clean up');
    // A member is allowed by the device through its registration, which a configuration read cannot know.
    const member = await cli('check', `panos:${sim.url}`, '--user', 'admin', '--flow', `tcp ${APP_HOST} -> ${DB_HOST}:5432`, '--confirm-on-device');
    expect(member.stdout).toContain(`DISAGREEMENT: the firewall says ALLOWED by rule ${DB}-1`);
  });

  it('--out: the XML and the set commands carry the dynamic address groups', async () => {
    const calls = sim.requestLog.length;
    const xml = join(dir, 'out.xml');
    const x = await cli('convert', sgFile, '--to', 'panos', '--out', xml, ...MAP);
    expect(x.code).toBe(0);
    expect(x.stdout).toContain('equivalent');
    const text = readFileSync(xml, 'utf8');
    expect(sidesOf(text)).toEqual({ [`${APP}-1`]: [['web-servers'], ['app-servers']], [`${DB}-1`]: [['app-servers'], [DB]] });
    expect(text).toContain(`<entry name="${DB}"><dynamic><filter>&apos;${DB}&apos;</filter></dynamic>`);
    const set = join(dir, 'out.set');
    const s = await cli('convert', sgFile, '--to', 'panos', '--out', set, '--below', 'Clean up', ...MAP);
    expect(s.code).toBe(0);
    const lines = readFileSync(set, 'utf8');
    expect(lines).toContain(`address-group ${DB} dynamic filter "'${DB}'"`);
    expect(lines).toMatch(new RegExp(`rules ${DB}-1 from untrust to trust source app-servers destination ${DB} `));
    expect(lines).toMatch(new RegExp(`rules ${APP}-1 from untrust to trust source web-servers destination app-servers `));
    expect(sim.requestLog.length).toBe(calls);
  });

  it('verification fails when the rules read back reach any destination', async () => {
    const out = join(dir, 'tampered.xml');
    const ctx = { connection: {}, warn: () => {}, debug: () => {} };
    const conv = await planPanosConversion(
      { source: sgFile, to: 'panos', zones: { from: 'untrust', to: 'trust' }, serviceMode: 'application-default', mapRef: parseRefMap(MAP.filter((_, i) => i % 2 === 1)), partialCommit: false, out },
      { ctx },
    );
    await conv.apply();
    expect((await conv.verify()).map((c) => c.comparison.equivalent)).toEqual([true, true]);
    // The bug this guards against: the db rule written with destination any.
    const written = readFileSync(out, 'utf8');
    const widened = written.replace(`<destination><member>${DB}</member></destination>`, '<destination><member>any</member></destination>');
    expect(widened).not.toBe(written);
    writeFileSync(out, widened);
    const [app, db] = await conv.verify();
    expect(app!.comparison.equivalent).toBe(true);
    expect(db!.comparison.equivalent).toBe(false);
    expect(db!.comparison.onlyA).toEqual([]);
    expect(db!.comparison.onlyB.length).toBeGreaterThan(0);
  });

  it('a NACL whose subnets have no addresses in the file is refused, naming it, and nothing is written', async () => {
    const nacl = join(dir, 'nacl.json');
    writeFileSync(
      nacl,
      JSON.stringify({
        NetworkAcls: [
          {
            NetworkAclId: 'acl-0000000000000c001',
            VpcId: 'vpc-0123456789abcdef0',
            OwnerId: ACCOUNT,
            IsDefault: false,
            Entries: [{ RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.1.0.0/16', PortRange: { From: 5432, To: 5432 } }],
            Associations: [{ NetworkAclAssociationId: 'aclassoc-1', NetworkAclId: 'acl-0000000000000c001', SubnetId: 'subnet-0000000000000c001' }],
          },
        ],
      }),
    );
    const out = join(dir, 'nacl.xml');
    const r = await cli('convert', nacl, '--to', 'panos', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ruleport: panos: acl-0000000000000c001: it protects its subnets \(subnet-0000000000000c001\), and a describe-network-acls document does not give their addresses; .*any would reach every host behind the firewall.*\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!motoUrl)('convert aws:REGION/acl-… --to panos: a live NACL protects its subnets', () => {
  const env = cliEnvironment();
  let session: AwsSession;
  let acl: string;
  let bare: string;
  // Ingress from 10.1.0.0/16 to tcp 5432 of the subnets, and the replies back (a NACL is stateless).
  const PEER = '10.1.0.0/16';
  beforeAll(async () => {
    env.install();
    await resetMoto(motoUrl);
    session = motoSession(motoUrl);
    const ec2 = session.ec2('us-east-1');
    const vpc = await createVpc(ec2, '10.0.0.0/16');
    const a = await createSubnet(ec2, vpc, '10.0.1.0/24');
    const b = await createSubnet(ec2, vpc, '10.0.2.0/24');
    await createSubnet(ec2, vpc, '10.0.9.0/24'); // in the VPC, on the default NACL
    acl = await createNetworkAcl(ec2, { vpcId: vpc });
    await createEntry(ec2, acl, { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: PEER, PortRange: { From: 5432, To: 5432 } });
    await createEntry(ec2, acl, { RuleNumber: 100, Egress: true, Protocol: '6', RuleAction: 'allow', CidrBlock: PEER, PortRange: { From: 1024, To: 65535 } });
    await associateSubnet(ec2, a, acl);
    await associateSubnet(ec2, b, acl);
    bare = await createNetworkAcl(ec2, { vpcId: vpc });
    await createEntry(ec2, bare, { RuleNumber: 100, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock: PEER, PortRange: { From: 22, To: 22 } });
  });
  afterAll(() => {
    session?.destroy();
    env.restore();
  });

  it('the subnets\' CIDR blocks are the rules\' destination (source for egress), verified, and a host outside them is denied', async () => {
    const r = await cli('convert', `aws:us-east-1/${acl}`, '--to', `panos:${sim.url}`, '--user', 'admin', '--below', 'Clean up', '--journal', join(dir, 'nacl-journal.jsonl'), '--yes', '--allow-lossy', '--service-mode', 'explicit', '--endpoint-url', motoUrl);
    // The one warning: the firewall admits replies the stateless NACL needed its egress rule for.
    expect(r.stderr).toMatch(/^warning: stateless source → stateful result: [^\n]*--allow-lossy\)\n$/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verification (read back and compared)');
    const subnets = ['rp-10.0.1.0_24', 'rp-10.0.2.0_24'];
    const sides = sidesOf(sim.runningXml());
    // Members in name order: AWS promises no order for a NACL's associations.
    const written = Object.entries(sides).filter(([name]) => name.startsWith(`${acl}-`)).map(([name, [src, dst]]) => [name, [...src].sort(), [...dst].sort()]);
    expect(written).toEqual([
      [`${acl}-1`, ['rp-10.1.0.0_16'], subnets],
      [`${acl}-2`, subnets, ['rp-10.1.0.0_16']],
    ]);
    expect(sim.runningXml()).toMatch(/<entry name="rp-10\.0\.2\.0_24">\s*<ip-netmask>10\.0\.2\.0\/24<\/ip-netmask>/);

    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'admin', password: 'admin', source: 'test' } });
    const verdict = async (source: string, destination: string, port: number): Promise<string> => {
      const m = await client.testSecurityPolicyMatch({ from: 'untrust', to: 'trust', source, destination, protocol: 6, destinationPort: port });
      return `${m?.action} by ${m?.rule}`;
    };
    expect(await verdict('10.1.0.5', '10.0.1.10', 5432)).toBe(`allow by ${acl}-1`);
    expect(await verdict('10.1.0.5', '10.0.2.20', 5432)).toBe(`allow by ${acl}-1`);
    // Same VPC, another subnet: outside what the NACL protects.
    expect(await verdict('10.1.0.5', '10.0.9.9', 5432)).toBe('deny by Clean up');
    expect(await verdict('10.1.0.5', '10.0.3.1', 5432)).toBe('deny by Clean up');
  });

  it('a live NACL with no subnet protects nothing: each rule left out with a note, never written as any', async () => {
    const out = join(dir, 'bare.xml');
    const r = await cli('convert', `aws:us-east-1/${bare}`, '--to', 'panos', '--out', out, '--allow-lossy', '--endpoint-url', motoUrl);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${bare} ingress rule #1: left out, as its protected side is no address`));
    // The file holds no security rule at all: nothing of the NACL's reaches the firewall, least of all `any`.
    expect(readFileSync(out, 'utf8')).not.toMatch(/<rules>\s*<entry/);
  });
});
