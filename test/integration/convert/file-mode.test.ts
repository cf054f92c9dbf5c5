/**
 * File mode, no API at all: the bundled examples converted to a Halo policy file and back, as the README shows a
 * newcomer. The expected Halo rules and security group permissions are written out by hand from examples/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleportOffline } from '../../helpers/run-cli.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');
const WEB = 'sg-0a1b2c3d4e5f60001';
const APP = 'sg-0a1b2c3d4e5f60002';
const DB = 'sg-0a1b2c3d4e5f60003';
const MAP = ['--map-group', `${WEB}=web`, '--map-group', `${APP}=app`, '--map-group', `${DB}=db`];

const ruleport = ruleportOffline;

interface HaloFileRule {
  chain: string;
  action: string;
  position: number;
  firewall_source?: { name?: string; type: string; ip_address?: string } | null;
  firewall_target?: { name?: string; type: string; ip_address?: string } | null;
  firewall_service?: { name?: string; protocol?: string; port?: string | null } | null;
}

/** One line per rule of a policy in a written Halo file. */
function haloFileRules(file: string, policy: string): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { firewall_policies: { name: string; firewall_rules: HaloFileRule[] }[] };
  const p = doc.firewall_policies.find((x) => x.name === policy)!;
  return p.firewall_rules.map((r) => {
    const peer = r.chain === 'INPUT' ? r.firewall_source : r.firewall_target;
    const who = !peer ? 'any' : peer.type === 'Group' ? `group ${peer.name}` : `zone ${peer.name} [${peer.ip_address}]`;
    const s = r.firewall_service;
    const what = !s ? 'any' : `service ${s.name} [${s.protocol}${s.port ? ` ${s.port}` : ''}]`;
    return `${r.chain} ${r.position} ${r.action} ${who} ${what}`;
  });
}

/** A written describe-security-groups file's group as sorted lines. */
function sgFileRules(file: string, name: string): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { SecurityGroups: any[] };
  const g = doc.SecurityGroups.find((x) => x.GroupName === name);
  const lines = (direction: string, perms: any[]): string[] =>
    perms.flatMap((p) => {
      const what = p.IpProtocol === '-1' ? '-1' : `${p.IpProtocol} ${p.FromPort}-${p.ToPort}`;
      return [...(p.IpRanges ?? []).map((r: any) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r: any) => r.CidrIpv6), ...(p.UserIdGroupPairs ?? []).map((r: any) => r.GroupId)].map(
        (peer: string) => `${direction} ${what} ${peer}`,
      );
    });
  return [...lines('ingress', g.IpPermissions ?? []), ...lines('egress', g.IpPermissionsEgress ?? [])].sort();
}

describe('convert in file mode (no API)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-convert-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('without mappings, says which --map-group flags the bundled groups need, and writes nothing', async () => {
    const out = join(dir, 'unmapped.json');
    const r = await ruleport('convert', join(EXAMPLES, 'sgs.json'), '--to', 'halo', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`web egress rule #5 (${WEB} IpPermissionsEgress[0]) refers to ${APP}@123456789012`);
    expect(r.stderr).toContain(`map all 3 to Halo server groups (--map-group ${APP}=app --map-group ${WEB}=web --map-group ${DB}=db`);
    expect(() => readFileSync(out)).toThrow();
  });

  it('examples/sgs.json → Halo policies → security groups, each verified', async () => {
    const policies = join(dir, 'policies.json');
    const to = await ruleport('convert', join(EXAMPLES, 'sgs.json'), '--to', 'halo', '--out', policies, ...MAP);
    expect(to.stderr).toBe('');
    expect(to.code).toBe(0);
    expect(to.stdout).toContain('equivalent: web and web allow exactly the same flows (ingress, egress)');
    expect(haloFileRules(policies, 'web')).toEqual([
      'INPUT 1 ACCEPT zone any [0.0.0.0/0] service https [TCP 443]',
      'INPUT 2 ACCEPT zone web_::_0 [::/0] service https [TCP 443]',
      'INPUT 3 ACCEPT zone web_203-0-113-0_24 [203.0.113.0/24] service ssh [TCP 22]',
      'INPUT 4 ACCEPT zone web_10-0-0-0_16 [10.0.0.0/16] service ping [ICMP 8]',
      'INPUT 5 DROP any any',
      'OUTPUT 1 ACCEPT group app service web_tcp_8080 [TCP 8080]',
      'OUTPUT 2 DROP any any',
    ]);
    // app reuses web's 8080 service: one catalog for the whole conversion.
    expect(haloFileRules(policies, 'app')).toEqual([
      'INPUT 1 ACCEPT group web service web_tcp_8080 [TCP 8080]',
      'INPUT 2 ACCEPT group db service app_tcp_9090 [TCP 9090]',
      'INPUT 3 DROP any any',
      'OUTPUT 1 ACCEPT group db service app_tcp_5432 [TCP 5432]',
      'OUTPUT 2 ACCEPT zone app_10-0-0-2_32 [10.0.0.2/32] service app_udp_53 [UDP 53]',
      'OUTPUT 3 DROP any any',
    ]);
    const written = JSON.parse(readFileSync(policies, 'utf8'));
    expect(written.firewall_zones.map((z: { name: string }) => z.name)).toEqual(['web_::_0', 'web_203-0-113-0_24', 'web_10-0-0-0_16', 'app_10-0-0-2_32']);

    // The same run as JSON: the verification and the reuse counts (zone any and services https, ssh, ping reused).
    const json = await ruleport('--json', 'convert', join(EXAMPLES, 'sgs.json'), '--to', 'halo', '--out', join(dir, 'policies-2.json'), ...MAP);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.verification).toMatchObject({ readBack: true, equivalent: true });
    expect(doc.stats).toEqual({ 'zones reused': 1, 'zones created': 4, 'services reused': 3, 'services created': 4 });

    const back = join(dir, 'sgs-again.json');
    const from = await ruleport('convert', policies, '--to', 'aws-sg', '--out', back, ...MAP);
    expect(from.code).toBe(0);
    expect(from.stdout).toContain('equivalent: app and app allow exactly the same flows (ingress, egress)');
    expect(sgFileRules(back, 'web')).toEqual([
      `egress tcp 8080-8080 ${APP}`,
      'ingress icmp 8--1 10.0.0.0/16',
      'ingress tcp 22-22 203.0.113.0/24',
      'ingress tcp 443-443 0.0.0.0/0',
      'ingress tcp 443-443 ::/0',
    ]);
    expect(sgFileRules(back, 'app')).toEqual([`egress tcp 5432-5432 ${DB}`, 'egress udp 53-53 10.0.0.2/32', `ingress tcp 8080-8080 ${WEB}`, `ingress tcp 9090-9090 ${DB}`]);
  });

  it('examples/halo-policies.json → security groups: DROP between ACCEPTs and REJECT compiled exactly', async () => {
    const out = join(dir, 'from-halo.json');
    const r = await ruleport('convert', join(EXAMPLES, 'halo-policies.json'), '--to', 'aws-sg', '--out', out, '--map-group', `${APP}=AppServers`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: web-linux INPUT #6: matches only ESTABLISHED, RELATED packets');
    const siblings = ['10.0.4.0/24', '10.0.6.0/23', '10.0.0.0/22', '10.0.8.0/21', '10.0.16.0/20', '10.0.32.0/19', '10.0.64.0/18', '10.0.128.0/17', '10.1.0.0/16', '10.2.0.0/15', '10.4.0.0/14', '10.8.0.0/13', '10.16.0.0/12', '10.32.0.0/11', '10.64.0.0/10', '10.128.0.0/9'];
    expect(sgFileRules(out, 'web-linux')).toEqual(
      [
        'ingress tcp 22-22 10.0.0.0/16',
        ...siblings.map((c) => `ingress tcp 443-443 ${c}`),
        'ingress tcp 8000-8079 192.0.2.0/24',
        'ingress tcp 8081-8100 192.0.2.0/24',
        'egress udp 53-53 10.0.0.2/32',
        'egress tcp 443-443 2001:db8::/32',
      ].sort(),
    );
    expect(sgFileRules(out, 'db-linux')).toEqual(['egress -1 0.0.0.0/0', 'egress -1 ::/0', `ingress tcp 5432-5432 ${APP}`]);
  });

  it("names policies the seed's way: <region>-vpc-<group> (a VPC group without egress rules too), <region>-<group> outside a VPC, --dest-prefix, --platform all; --dest needs one group", async () => {
    const sgs = join(dir, 'naming-sgs.json');
    writeFileSync(
      sgs,
      JSON.stringify({
        SecurityGroups: [
          // A VPC group with no egress rules: the seed took it for EC2-Classic; it denies all egress.
          {
            GroupId: 'sg-0000000000000000a',
            GroupName: 'shop',
            Description: 'd',
            OwnerId: '123456789012',
            VpcId: 'vpc-0123456789abcdef0',
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }],
            IpPermissionsEgress: [],
          },
          // EC2-Classic export: no VpcId, inbound only.
          {
            GroupId: 'sg-0000000000000000b',
            GroupName: 'legacy',
            Description: 'd',
            OwnerId: '123456789012',
            IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }],
          },
        ],
      }),
    );
    const names = (file: string): string[] => (JSON.parse(readFileSync(file, 'utf8')) as { firewall_policies: { name: string }[] }).firewall_policies.map((p) => p.name);

    const regional = join(dir, 'naming-regional.json');
    const r = await ruleport('convert', sgs, '--to', 'halo', '--out', regional, '--region', 'us-east-1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(names(regional)).toEqual(['us-east-1-vpc-shop', 'us-east-1-legacy']);
    expect(haloFileRules(regional, 'us-east-1-vpc-shop')).toEqual([
      'INPUT 1 ACCEPT zone us-east-1-vpc-shop_10-0-0-0_16 [10.0.0.0/16] service https [TCP 443]',
      'INPUT 2 DROP any any',
      'OUTPUT 1 DROP any any',
    ]);
    // Outside a VPC only inbound is governed: no OUTPUT chain at all.
    expect(haloFileRules(regional, 'us-east-1-legacy')).toEqual([
      'INPUT 1 ACCEPT zone us-east-1-legacy_198-51-100-0_24 [198.51.100.0/24] service ssh [TCP 22]',
      'INPUT 2 DROP any any',
    ]);

    const prefixed = join(dir, 'naming-prefixed.json');
    const p = await ruleport('convert', sgs, '--to', 'halo', '--out', prefixed, '--region', 'us-east-1', '--dest-prefix', 'p-', '--platform', 'all');
    expect(p.code).toBe(0);
    expect(names(prefixed)).toEqual(['p-shop-linux', 'p-shop-windows', 'p-legacy-linux', 'p-legacy-windows']);

    const one = join(dir, 'naming-dest.json');
    const d = await ruleport('convert', sgs, '--to', 'halo', '--out', one, '--dest', 'only-one');
    expect(d.code).toBe(2);
    expect(d.stderr).toBe(`ruleport: --dest: names one policy, but ${sgs} holds 2 groups: use --dest-prefix\n`);
    expect(() => readFileSync(one)).toThrow();
  });
});
