/**
 * `ruleport convert halo:… --to aws:REGION --vpc …` against the Halo simulator and moto: ordered ACCEPT/DROP/REJECT
 * policies become allow-only security groups. The expected permissions are worked out by hand below and compared
 * with what DescribeSecurityGroups returns.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SeedData } from '../../../sim/halo/index.js';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { convertFixture, createGroup, groupsOf, REGION, sgRules, url, type HaloWorld } from './world.js';

const SEED: SeedData = {
  zones: [
    { name: 'lan', ip_address: '10.0.0.0/16' },
    { name: 'quarantine', ip_address: '10.0.5.0/24' },
    { name: 'corp', ip_address: '10.0.0.0/8' },
    { name: 'partners', ip_address: '192.0.2.0/24' },
    { name: 'resolver', ip_address: '10.0.0.2' },
    { name: 'docs-v6', ip_address: '2001:db8::/32' },
  ],
  services: [{ name: 'app-range', protocol: 'TCP', port: '8000:8100' }],
  groups: [{ name: 'AppServers' }],
  policies: [
    {
      name: 'web-linux',
      firewall_rules: [
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'lan', type: 'FirewallZone' }, firewall_service: 'ssh' },
        { chain: 'INPUT', action: 'DROP', firewall_source: { name: 'quarantine', type: 'FirewallZone' } },
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'corp', type: 'FirewallZone' }, firewall_service: 'https' },
        { chain: 'INPUT', action: 'REJECT', firewall_service: 'http-alt' },
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'partners', type: 'FirewallZone' }, firewall_service: 'app-range' },
        { chain: 'INPUT', action: 'DROP' },
        { chain: 'OUTPUT', action: 'ACCEPT', firewall_target: { name: 'resolver', type: 'FirewallZone' }, firewall_service: 'dns' },
        { chain: 'OUTPUT', action: 'ACCEPT', firewall_target: { name: 'any', type: 'FirewallZone' }, firewall_service: 'ping' },
        { chain: 'OUTPUT', action: 'ACCEPT', firewall_target: { name: 'docs-v6', type: 'FirewallZone' }, firewall_service: 'https' },
        { chain: 'OUTPUT', action: 'DROP' },
      ],
    },
    {
      name: 'db-linux',
      firewall_rules: [
        { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'AppServers', type: 'Group' }, firewall_service: 'postgresql' },
        { chain: 'INPUT', action: 'DROP' },
      ],
    },
    { name: 'default', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT' }] },
  ],
};

/**
 * web-linux by hand. 22 from 10.0.0.0/16 (rule 1 decides before the quarantine DROP). 443 from 10.0.0.0/8 minus
 * 10.0.5.0/24: the sibling at every prefix length from /24 up to /9. 8000-8100 from 192.0.2.0/24 minus port 8080
 * (REJECTed first). Egress: DNS to the resolver, ICMP echo (all codes) anywhere in IPv4, 443 to 2001:db8::/32.
 */
const WEB = [
  'ingress tcp 22-22 10.0.0.0/16',
  ...['10.0.4.0/24', '10.0.6.0/23', '10.0.0.0/22', '10.0.8.0/21', '10.0.16.0/20', '10.0.32.0/19', '10.0.64.0/18', '10.0.128.0/17', '10.1.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9'].map(
    (c) => `ingress tcp 443-443 ${c}`,
  ),
  'ingress tcp 8000-8079 192.0.2.0/24',
  'ingress tcp 8081-8100 192.0.2.0/24',
  'egress udp 53-53 10.0.0.2/32',
  'egress icmp 8--1 0.0.0.0/0',
  'egress tcp 443-443 2001:db8::/32',
].sort();

describe.skipIf(!url)('convert Halo policies → security groups', () => {
  const f = convertFixture(SEED);
  let ec2: Ec2Handle;
  let vpc: string;
  let app: string;
  let world: HaloWorld;
  beforeEach(() => {
    ({ ec2, vpc, app, world } = f);
  });

  const toAws = (...args: string[]) => world.ruleport('convert', ...args, '--to', `aws:${REGION}`, '--vpc', vpc);
  const groupId = async (name: string): Promise<string | undefined> => (await groupsOf(ec2, vpc)).find((g) => g.GroupName === name)?.GroupId;

  it('compiles DROP between ACCEPTs, REJECT, ranges, ICMP, IPv6 and egress into an exact allow-only group, and verifies', async () => {
    const r = await toAws('halo:policy/web-linux');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const id = await groupId('web-linux');
    expect(await sgRules(ec2, id!)).toEqual(WEB);
    expect(r.stdout).toContain('equivalent: web-linux and web-linux allow exactly the same flows (ingress, egress)');

    // A second run converges on what is there: nothing to do.
    const again = await toAws('halo:policy/web-linux', '--update');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes: the target already matches');
  });

  it('maps a server-group source back with --map-group, refuses it without, and skips the default policy', async () => {
    const refused = await toAws('halo:policy/db-linux');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('db-linux ingress rule #1 (INPUT #1): server group "AppServers" has no security group: map it with --map-group sg-…=AppServers');
    expect(await groupId('db-linux')).toBeUndefined();

    // A mapping to a group that does not exist is refused before the new group is created.
    const missing = await toAws('halo:policy/db-linux', '--map-group', 'sg-0123456789abcdef0=AppServers');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--map-group: security group sg-0123456789abcdef0 does not exist in ${REGION}`);
    expect(await groupId('db-linux')).toBeUndefined();

    const r = await toAws('halo:', '--dest-prefix', 'copy-', '--map-group', `${app}=AppServers`);
    expect(r.code).toBe(0);
    const names = (await groupsOf(ec2, vpc)).map((g) => g.GroupName).sort();
    expect(names).toEqual(['app', 'copy-db-linux', 'copy-web-linux', 'default']);
    expect(await sgRules(ec2, (await groupId('copy-web-linux'))!)).toEqual(WEB);
    // db-linux has no OUTPUT rules: a Linux policy leaves that traffic alone, so the group allows all egress.
    expect(await sgRules(ec2, (await groupId('copy-db-linux'))!)).toEqual(['egress -1 0.0.0.0/0', 'egress -1 ::/0', `ingress tcp 5432-5432 ${app}`]);
    expect(r.stdout).toContain('db-linux: OUTPUT traffic no rule matches is allowed');
  });

  it('reports user sources, inactive and state-only rules as not expressible and never widens them', async () => {
    world.sim.load({
      policies: [
        {
          name: 'ops-linux',
          firewall_rules: [
            { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'All GhostPorts users', type: 'UserGroup' }, firewall_service: 'ssh' },
            { chain: 'INPUT', action: 'ACCEPT', active: false, firewall_source: { name: 'lan', type: 'FirewallZone' }, firewall_service: 'http' },
            { chain: 'INPUT', action: 'ACCEPT', connection_states: 'ESTABLISHED, RELATED' },
            { chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'lan', type: 'FirewallZone' }, firewall_service: 'https' },
            { chain: 'INPUT', action: 'DROP' },
            { chain: 'OUTPUT', action: 'DROP' },
          ],
        },
      ],
    });
    const refused = await toAws('halo:policy/ops-linux');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('not expressible in a security group: ops-linux INPUT #1');
    expect(refused.stderr).toContain('UserGroup "All GhostPorts users" is a GhostPorts user source');
    expect(await groupId('ops-linux')).toBeUndefined();

    const r = await toAws('halo:policy/ops-linux', '--allow-lossy');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/LOSSY: ops-linux INPUT #1 .*GhostPorts user source; left out \(allows less\)/);
    expect(r.stdout).toMatch(/LOSSY: ops-linux INPUT #2 .*inactive; left out/);
    expect(r.stdout).toMatch(/note: ops-linux INPUT #3 .*matches only ESTABLISHED, RELATED packets/);
    expect(await sgRules(ec2, (await groupId('ops-linux'))!)).toEqual(['ingress tcp 443-443 10.0.0.0/16']);
    expect(r.stderr).toContain('warning: 2 part(s) of the source were not carried over (LOSSY above, accepted with --allow-lossy)');
  });

  it('a group over the 60-rule quota is an error in the plan, and nothing is written', async () => {
    const many = Array.from({ length: 61 }, (_, i) => `10.9.${i}.1`).join(',');
    world.sim.load({
      zones: [{ name: 'many', ip_address: many }],
      policies: [{ name: 'wide-linux', firewall_rules: [{ chain: 'INPUT', action: 'ACCEPT', firewall_source: { name: 'many', type: 'FirewallZone' }, firewall_service: 'ssh' }, { chain: 'INPUT', action: 'DROP' }] }],
    });
    const r = await toAws('halo:policy/wide-linux');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+ security group wide-linux');
    expect(r.stdout).toContain('ERROR: wide-linux: 61 ingress IPv4 rules exceed the quota of 60 per group');
    expect(await groupId('wide-linux')).toBeUndefined();
  });

  it('leaves an existing group of the same name alone unless --update, and converges only its own', async () => {
    const theirs = await createGroup(ec2, vpc, 'web-linux', 'made by hand');
    const before = await sgRules(ec2, theirs);
    const kept = await toAws('halo:policy/web-linux');
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`security group web-linux (${theirs}) exists in ${vpc}: left alone (--update converges it)`);
    // Nothing was compared, so nothing is claimed to match.
    expect(kept.stdout).toContain('nothing written: every target exists and was left alone');
    expect(kept.stdout).not.toMatch(/already matches|verification/);
    expect(await sgRules(ec2, theirs)).toEqual(before);
    const refused = await toAws('halo:policy/web-linux', '--update');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('was not made by ruleport');
    expect(await sgRules(ec2, theirs)).toEqual(before);
  });
});
