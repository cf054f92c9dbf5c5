/**
 * Reading security groups from AWS (moto) at scale: 2,000 groups × 20 rules in one region, as `show aws:REGION`
 * reads them (DescribeSecurityGroups, every page, parsed), then the same 2,000 groups spread over 4 regions, read
 * one region after another and in parallel (as `--all-regions` does). Each row gives the API calls made (pages
 * included) and the wall time. (The rule API read, DescribeSecurityGroupRules, is left out: moto's group-id filter
 * takes minutes at this size, which would measure moto, not ruleport.)
 */
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { loadAwsLocation, loadAwsRegions } from '../src/platforms/aws/live-location.js';
import { mapLimited } from '../src/platforms/aws/concurrency.js';
import { AwsSession, type Ec2Handle } from '../src/platforms/aws/session.js';
import { round, startMoto } from './moto-server.js';
import type { BenchRow } from './run.js';

const GROUPS = 2000;
const ONE_REGION = 'us-east-1';
const FOUR_REGIONS = ['ap-southeast-2', 'eu-central-1', 'eu-west-1', 'us-west-2'] as const;

export async function run(): Promise<BenchRow[]> {
  const moto = await startMoto();
  try {
    const setup = session(moto.url);
    // Regions are separate in moto: building them side by side is safe (within one VPC it is not, see buildGroups).
    await Promise.all([buildGroups(setup.ec2(ONE_REGION), GROUPS), ...FOUR_REGIONS.map((r) => buildGroups(setup.ec2(r), GROUPS / FOUR_REGIONS.length))]);
    setup.destroy();

    const rows: BenchRow[] = [];
    const region = { target: { kind: 'region' } } as const;
    const one = await measure(moto.url, (s) => loadAwsLocation(s, { ...region, region: ONE_REGION }));
    rows.push(...describe(`read ${GROUPS} groups × 20 rules, 1 region (show aws:REGION: describe + parse)`, one, GROUPS));
    const sequential = await measure(moto.url, async (s) => {
      const out = [];
      for (const r of FOUR_REGIONS) out.push(...(await loadAwsLocation(s, { ...region, region: r })));
      return out;
    });
    rows.push(...describe(`read ${GROUPS} groups × 20 rules over 4 regions, one region after another`, sequential, GROUPS));
    const parallel = await measure(moto.url, (s) => loadAwsRegions(s, region, FOUR_REGIONS));
    rows.push(...describe(`read ${GROUPS} groups × 20 rules over 4 regions in parallel (--all-regions)`, parallel, GROUPS));
    return rows;
  } finally {
    await moto.stop();
  }
}

interface Measured {
  readonly seconds: number;
  readonly calls: number;
  /** Groups read (the VPCs' default groups included). */
  readonly groups: number;
}

/** Runs one read with a fresh session (no cached clients or credentials), counting its calls. */
async function measure(url: string, read: (s: AwsSession) => Promise<readonly unknown[]>): Promise<Measured> {
  const s = session(url);
  try {
    const t0 = performance.now();
    const out = await read(s);
    return { seconds: (performance.now() - t0) / 1000, calls: s.callCount, groups: out.length };
  } finally {
    s.destroy();
  }
}

function describe(name: string, m: Measured, expected: number): BenchRow[] {
  // Each region read also returns the default groups of its VPCs; fewer than asked for means a lost page.
  if (m.groups < expected) throw new Error(`bench: ${name}: read ${m.groups} groups, expected at least ${expected}`);
  return [
    { name: `${name}: wall time`, value: round(m.seconds), unit: 's' },
    { name: '  API calls (pages included)', value: m.calls, unit: 'calls' },
    { name: '  groups read (default groups included)', value: m.groups, unit: 'groups' },
  ];
}

function session(endpointUrl: string): AwsSession {
  return new AwsSession({ endpointUrl, region: ONE_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/**
 * `count` groups in a new VPC of the handle's region, each with 19 ingress rules (16 IPv4 CIDR rules over four
 * ports, 2 IPv6, a reference to the next group) plus the automatic allow-all egress: 20 rules.
 */
async function buildGroups(ec2: Ec2Handle, count: number): Promise<void> {
  const vpcId = (await ec2.client.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  // One create at a time: moto's CreateSecurityGroup is not thread-safe (authorize is).
  const ids = await mapLimited(Array.from({ length: count }, (_, i) => i), 1, async (i) =>
    (await ec2.client.send(new CreateSecurityGroupCommand({ GroupName: `bench-${i}`, Description: `bench group ${i}`, VpcId: vpcId }))).GroupId!,
  );
  await mapLimited(ids, 16, async (id, i) => {
    const perms: IpPermission[] = [443, 8443, 9000, 9100].map((port, p) => ({
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      IpRanges: [0, 1, 2, 3].map((k) => ({ CidrIp: `10.${(i % 60) + p}.${k}.0/24` })),
    }));
    perms.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/48' }, { CidrIpv6: '2001:db8:1::/48' }] });
    perms.push({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: ids[(i + 1) % count]! }] });
    await ec2.client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: perms }));
  });
}
