/**
 * `ruleport convert aws:… --to halo` against moto and the Halo simulator: the expected Halo rules are written out
 * by hand and compared with the simulator's own account state.
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { createPrefixList, createSubnet, runInstance } from '../aws/world.js';
import { cli, convertFixture, createGroup, dropAutomaticEgress, egress, haloRules, ingress, REGION, startHaloWorld, url, writes, type HaloWorld } from './world.js';

const POLICY = 'us-east-1-vpc-web';

describe.skipIf(!url)('convert security groups → Halo', () => {
  const f = convertFixture({ zones: [{ name: 'office', ip_address: '203.0.113.0/24' }], groups: [{ name: 'AppServers' }] });
  let ec2: Ec2Handle;
  let vpc: string;
  let web: string;
  let app: string;
  let world: HaloWorld;

  beforeEach(async () => {
    ({ ec2, vpc, app, world } = f);
    web = await createGroup(ec2, vpc, 'web', 'web tier');
    // One permission per peer, so that each becomes one Halo rule whatever order AWS lists them in.
    await ingress(ec2, web, [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24' }] },
      { IpProtocol: 'tcp', FromPort: 8000, ToPort: 8100, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] },
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '198.51.100.7/32' }] },
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '10.0.0.0/16' }] },
      { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: app }] },
    ]);
    await dropAutomaticEgress(ec2, web);
    await egress(ec2, web, [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] }]);
  });

  /** The rules `web` becomes with sg-app mapped to AppServers (ACCEPTs in any order, each chain closed by a DROP). */
  const EXPECTED_INPUT = [
    'ACCEPT zone us-east-1-vpc-web_2001:db8::_32 [2001:db8::/32] service https [TCP 443]',
    'ACCEPT group AppServers service http-alt [TCP 8080]',
    'ACCEPT zone office [203.0.113.0/24] service ssh [TCP 22]',
    'ACCEPT zone us-east-1-vpc-web_10-0-0-0_16 [10.0.0.0/16] service ping [ICMP 8]',
    'ACCEPT zone us-east-1-vpc-web_10-0-0-0_16 [10.0.0.0/16] service us-east-1-vpc-web_tcp_8000-8100 [TCP 8000:8100]',
    'ACCEPT zone us-east-1-vpc-web_10-0-0-0_16 [10.0.0.0/16] service us-east-1-vpc-web_udp_all [UDP]',
    'ACCEPT zone us-east-1-vpc-web_198-51-100-7_32 [198.51.100.7/32] any',
  ].sort();

  function expectWebPolicy(name: string): void {
    const rules = haloRules(world.sim, name);
    const input = rules.filter((r) => r.startsWith('INPUT'));
    const output = rules.filter((r) => r.startsWith('OUTPUT'));
    expect(input.slice(0, -1).map((r) => r.replace(/^INPUT \d+ /, '')).sort()).toEqual(EXPECTED_INPUT);
    expect(input.at(-1)).toBe('INPUT 8 DROP any any');
    expect(output).toEqual(['OUTPUT 1 ACCEPT zone us-east-1-vpc-web_10-0-0-2_32 [10.0.0.2/32] service dns [UDP 53]', 'OUTPUT 2 DROP any any']);
  }

  it('writes a mapped group, IPv6, ICMP type, port ranges, -1, 0-65535 and egress, reusing zones and services, and verifies', async () => {
    const r = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectWebPolicy(POLICY);
    // Existing zone `office` and the system services were reused; only what was missing was created, once each.
    const zones = world.sim.state.zones.filter((z) => !z.system).map((z) => z.name).sort();
    expect(zones).toEqual(['office', 'us-east-1-vpc-web_10-0-0-0_16', 'us-east-1-vpc-web_10-0-0-2_32', 'us-east-1-vpc-web_198-51-100-7_32', 'us-east-1-vpc-web_2001:db8::_32']);
    expect(world.sim.state.services.filter((s) => !s.system).map((s) => s.name).sort()).toEqual(['us-east-1-vpc-web_tcp_8000-8100', 'us-east-1-vpc-web_udp_all']);
    const policy = world.sim.state.policies.find((p) => p.name === POLICY)!;
    expect(policy.platform).toBe('linux');
    expect(policy.description).toContain(web);
    expect(r.stdout).toContain('verification (read back and compared)');
    expect(r.stdout).toMatch(new RegExp(`equivalent: web and ${POLICY} allow exactly the same flows`));
  });

  it('resolves a reference to the private IPs of the interfaces carrying the group (--resolve-refs), reported as a snapshot', async () => {
    const subnet = await createSubnet(ec2, vpc, '10.0.1.0/24');
    const instance = await runInstance(ec2, subnet, [app]);
    const described = await ec2.client.send(new DescribeInstancesCommand({ InstanceIds: [instance] }));
    const ip = described.Reservations![0]!.Instances![0]!.PrivateIpAddress!;
    const r = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--resolve-refs');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`--resolve-refs: ${app} is ${ip}`);
    expect(r.stdout).toContain('a snapshot');
    const input = haloRules(world.sim, POLICY).filter((l) => l.startsWith('INPUT'));
    expect(input).toContainEqual(expect.stringMatching(new RegExp(`^INPUT \\d+ ACCEPT zone ${POLICY}_${app} \\[${ip.replace(/\./g, '\\.')}/32\\] service http-alt \\[TCP 8080\\]$`)));
    expect(input.some((l) => /ACCEPT any service http-alt/.test(l))).toBe(false);
  });

  it('refuses a prefix list, and with --resolve-refs writes its entries as one zone', async () => {
    const office = await createPrefixList(ec2, 'office', ['198.51.100.0/24', '203.0.113.0/25']);
    await ingress(ec2, web, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, PrefixListIds: [{ PrefixListId: office }] }]);
    const refused = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`prefix list ${office} has no Halo zone: resolve it to its CIDRs (--resolve-refs)`);
    expect(writes(world.sim)).toEqual([]);

    const r = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, '--resolve-refs');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`--resolve-refs: ${office} (office) is 198.51.100.0/24, 203.0.113.0/25`);
    expect(haloRules(world.sim, POLICY)).toContainEqual(expect.stringMatching(new RegExp(`^INPUT \\d ACCEPT zone ${POLICY}_${office} \\[198\\.51\\.100\\.0/24,203\\.0\\.113\\.0/25\\] service http \\[TCP 80\\]$`)));
  });

  it('refuses an unmapped reference naming the rule, before writing anything', async () => {
    const before = world.sim.state;
    const r = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`web ingress rule #\\d+ \\(${web} IpPermissions\\[\\d\\]\\) refers to ${app}`));
    expect(r.stderr).toContain(`--map-group ${app}=GROUP`);
    expect(r.stderr).toContain('never becomes "any source"');
    expect(writes(world.sim)).toEqual([]);
    expect(world.sim.state.policies).toEqual(before.policies);
  });

  it('refuses an ICMP code Halo cannot express; --allow-lossy leaves the rule out and the verification shows the difference', async () => {
    await ingress(ec2, web, [{ IpProtocol: 'icmp', FromPort: 3, ToPort: 4, IpRanges: [{ CidrIp: '192.0.2.0/24' }] }]);
    const refused = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Halo services match an ICMP type, not a code (type 3 code 4)');
    expect(writes(world.sim)).toEqual([]);

    const lossy = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, '--allow-lossy');
    expect(lossy.code).toBe(0);
    expect(lossy.stdout).toContain('LOSSY:');
    expect(lossy.stdout).toMatch(/only web allows: ingress IPv4 icmp 3\/4 from 192\.0\.2\.0\/24/);
    expect(lossy.stderr).toContain('allow less than their source (accepted with --allow-lossy)');
    // Never widened: the policy is exactly the one without the ICMP rule.
    expectWebPolicy(POLICY);
  });

  it('--platform all writes a -linux and a -windows policy sharing zones and services', async () => {
    const r = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--platform', 'all', '--map-group', `${app}=AppServers`);
    expect(r.code).toBe(0);
    expectWebPolicy(`${POLICY}-linux`);
    expectWebPolicy(`${POLICY}-windows`);
    const windows = world.sim.state.policies.find((p) => p.name === `${POLICY}-windows`)!;
    expect([windows.platform, windows.block_inbound, windows.block_outbound]).toEqual(['windows', true, true]);
    expect(world.sim.state.policies.find((p) => p.name === `${POLICY}-linux`)!.platform).toBe('linux');
    expect(world.sim.state.zones.filter((z) => !z.system)).toHaveLength(5);
    expect(world.sim.state.services.filter((s) => !s.system)).toHaveLength(2);
    expect(r.stdout.match(/equivalent: web and /g)).toHaveLength(2);
  });

  it('leaves an existing policy of the same name alone; --update converges only its own, and a second run plans nothing', async () => {
    world.sim.load({ policies: [{ name: POLICY, firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT', firewall_service: 'ssh' }] }] });
    const theirs = haloRules(world.sim, POLICY);
    const kept = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`policy ${POLICY} exists: left alone (--update converges it)`);
    // Nothing was compared, so nothing is claimed to match.
    expect(kept.stdout).toContain('nothing written: every target exists and was left alone');
    expect(kept.stdout).not.toMatch(/already matches|verification/);
    expect(haloRules(world.sim, POLICY)).toEqual(theirs);
    expect(writes(world.sim)).toEqual([]);

    const notOurs = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, '--update');
    expect(notOurs.code).toBe(2);
    expect(notOurs.stderr).toContain('was not made by ruleport');
    expect(haloRules(world.sim, POLICY)).toEqual(theirs);

    // A policy of ruleport's own, then a change to the group: --update converges it.
    const mine = 'converted-web';
    expect((await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, '--dest', mine)).code).toBe(0);
    await ingress(ec2, web, [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }]);
    const stale = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, '--dest', mine);
    expect(stale.stdout).toContain(`policy ${mine} exists: left alone`);
    expect(haloRules(world.sim, mine).some((l) => l.includes('mysql'))).toBe(false);

    world.sim.clearRequestLog();
    const update = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, '--dest', mine, '--update');
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(new RegExp(`~ halo policy ${mine} \\(linux, 9 INPUT \\+ 2 OUTPUT rules\\) \\(replacing its rules\\)`));
    expect(writes(world.sim)).toEqual([expect.stringMatching(/^PUT \/v1\/firewall_policies\/[^/]+ 204$/)]);
    expect(haloRules(world.sim, mine)).toContainEqual(expect.stringMatching(/^INPUT \d ACCEPT zone converted-web_10-0-0-0_16 \[10\.0\.0\.0\/16\] service mysql \[TCP 3306\]$/));

    world.sim.clearRequestLog();
    const again = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, '--dest', mine, '--update');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes: the target already matches');
    expect(again.stdout).toContain('equivalent');
    expect(writes(world.sim)).toEqual([]);
  });

  it('survives a token expiry mid-run and a storm of 429s, creating each object once', async () => {
    let expired = false;
    world.onRequest((line) => {
      // Right after the first object is written, every token is revoked: the next call gets a 401.
      if (!expired && /^POST \/v1\/firewall_zones 201$/.test(line)) {
        expired = true;
        world.sim.expireTokens();
      }
    });
    world.sim.rateLimit({ count: 5, retryAfterSeconds: 0, match: { method: 'POST', path: '/v1/firewall_services' } });
    world.sim.rateLimit({ count: 5, retryAfterSeconds: 0, match: { method: 'POST', path: '/v1/firewall_policies' } });
    world.sim.rateLimit({ count: 3, retryAfterSeconds: 0, match: { method: 'GET' } });
    const r = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`);
    expect(r.code).toBe(0);
    expect(expired).toBe(true);
    const log = world.sim.requestLog;
    expect(log.filter((e) => e.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(log.filter((e) => e.status === 429)).toHaveLength(13);
    expectWebPolicy(POLICY);
    expect(world.sim.state.policies.filter((p) => p.name === POLICY)).toHaveLength(1);
    const created = log.filter((e) => e.method === 'POST' && e.status === 201).map((e) => e.path);
    expect(created.sort()).toEqual([...Array(4).fill('/v1/firewall_zones'), '/v1/firewall_policies', '/v1/firewall_services', '/v1/firewall_services'].sort());
  });

  it('a read-only key is a clear error before anything is read or written', async () => {
    const r = await world.ruleport('--auth', world.readOnlyAuth, 'convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ruleport: Halo API key \(file .*halo-read-only\.auth\): is read-only .*needs a full-access \(read\+write\) key\. Nothing was written\n$/);
    expect(r.stderr).not.toContain(world.sim.keys.readOnly.secret);
    expect(world.sim.requestLog.map((e) => `${e.method} ${e.path}`)).toEqual(['POST /oauth/access_token']);
    // Planning alone (--dry-run) is fine with a read-only key.
    const plan = await world.ruleport('--auth', world.readOnlyAuth, '--dry-run', 'convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('dry run: nothing written');
    expect(writes(world.sim)).toEqual([]);
  });

  /**
   * Runs a conversion during which someone replaces the new policy's rules between the write and the read-back
   * (the read-back waits on a 429 long enough for that to land).
   */
  async function tamperedRun(rules: unknown[], ...args: string[]) {
    const basic = Buffer.from(`${world.sim.keys.full.keyId}:${world.sim.keys.full.secret}`).toString('base64');
    const tokenRes = await fetch(`${world.sim.url}/oauth/access_token?grant_type=client_credentials`, { method: 'POST', headers: { Authorization: `Basic ${basic}` } });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    let tampering: Promise<Response> | undefined;
    world.onRequest((line) => {
      if (tampering || !/^POST \/v1\/firewall_policies 201$/.test(line)) return;
      world.sim.rateLimit({ count: 1, retryAfterSeconds: 1, match: { method: 'GET', path: /^\/v1\/firewall_policies\/[^/]+$/ } });
      const id = world.sim.state.policies.find((p) => p.name === POLICY)!.id;
      tampering = fetch(`${world.sim.url}/v1/firewall_policies/${id}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ firewall_policy: { firewall_rules: rules } }),
      });
    });
    const r = await world.ruleport('convert', `aws:${REGION}/${web}`, '--to', 'halo', '--map-group', `${app}=AppServers`, ...args);
    expect((await tampering!).status).toBe(204);
    return r;
  }

  it('reads back what was written: a wider policy is reported with the differing flows and exit 1, even with --allow-lossy', async () => {
    const r = await tamperedRun([{ chain: 'INPUT', action: 'ACCEPT' }], '--allow-lossy');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`only ${POLICY} allows: ingress IPv4 tcp`));
    expect(r.stderr).toContain(`not equivalent: ${POLICY}`);
    expect(r.stderr).toContain('the result allows flows the source does not');
  });

  it('reads back what was written: a narrower policy is exit 1, or accepted with --allow-lossy with the difference printed', async () => {
    const narrower = [{ chain: 'INPUT', action: 'DROP' }, { chain: 'OUTPUT', action: 'DROP' }];
    const r = await tamperedRun(narrower);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/only web allows: ingress IPv4 tcp 22 from 203\.0\.113\.0\/24/);
    expect(r.stderr).toContain('--allow-lossy accepts a narrower result');

    await world.sim.close();
    f.world = world = await startHaloWorld(f.dir(), { groups: [{ name: 'AppServers' }] });
    const accepted = await tamperedRun(narrower, '--allow-lossy');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/only web allows: egress IPv4 udp 53 from any to 10\.0\.0\.2\/32/);
    expect(accepted.stderr).toContain(`allow less than their source (accepted with --allow-lossy): ${POLICY}`);
  });

  it('takes the key and the API URL from the environment, and reads every enabled region with --all-regions', async () => {
    process.env.HALO_API_URL = world.sim.url;
    process.env.HALO_API_KEY_ID = world.sim.keys.full.keyId;
    process.env.HALO_API_SECRET_KEY = world.sim.keys.full.secret;
    try {
      // Default groups reference themselves: --resolve-refs turns those into their (here: no) members' addresses.
      const r = await cli('--region', REGION, '--dry-run', 'convert', 'aws:', '--all-regions', '--to', 'halo', '--resolve-refs', '--map-group', `${app}=AppServers`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`+ halo policy ${POLICY} (linux, 8 INPUT + 2 OUTPUT rules)`);
      expect(r.stdout).toMatch(/\+ halo policy eu-west-1-vpc-default \(linux, 1 INPUT \+ 2 OUTPUT rules\)/);
      // us-east-1 has two VPCs, each with a group named default: the VPC id tells them apart.
      expect(r.stdout).toContain(`+ halo policy us-east-1-${vpc}-default (linux`);
      expect(r.stdout).toContain(`named us-east-1-${vpc}-default, as other groups would also be us-east-1-vpc-default`);
      expect(r.stdout).toContain('dry run: nothing written');
      expect(writes(world.sim)).toEqual([]);
      const refused = await cli('--dry-run', 'convert', `aws:${REGION}`, '--all-regions', '--to', 'halo');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--all-regions: reads every group of every enabled region: give the source as aws: alone');
    } finally {
      delete process.env.HALO_API_URL;
      delete process.env.HALO_API_KEY_ID;
      delete process.env.HALO_API_SECRET_KEY;
    }
  });
});
