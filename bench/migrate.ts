/**
 * `migrate sg` at scale against moto: 500 security groups × 20 rules that reference each other (cycles included),
 * copied from one account and region to another. Measures API calls per migrated group against the minimum
 * (one create + one authorize per direction), the read passes, and the wall time of plan, apply and verify; then
 * the converged re-run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { Journal, isEmpty, newRunId } from '../src/plan/index.js';
import { mapLimited } from '../src/platforms/aws/concurrency.js';
import type { Ec2Handle } from '../src/platforms/aws/session.js';
import { SG_SELECTION, parseSelection } from '../src/workflows/migrate-selection.js';
import { migrationSides, type MigrationSides } from '../src/workflows/migrate-sessions.js';
import { applySgMigration, prepareSgMigration, verifySgMigration } from '../src/workflows/migrate-sg.js';
import { round, startMoto } from './moto-server.js';
import type { BenchRow } from './run.js';

const GROUPS = 500;
const SRC = { account: '111111111111', region: 'us-east-1' };
const DST = { account: '222222222222', region: 'eu-west-1' };
/** Minimum writes to copy one group whose rules go both ways: one create, one authorize per direction. */
const MINIMUM_WRITES_PER_GROUP = 3;
/**
 * moto's CreateSecurityGroup is not thread-safe (concurrent creates in one VPC can fail with "dictionary changed
 * size during iteration"), so against moto the apply makes one call at a time; on AWS it runs 8 at once.
 */
const APPLY_CONCURRENCY_ON_MOTO = 1;

export async function run(): Promise<BenchRow[]> {
  const moto = await startMoto();
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-bench-migrate-'));
  try {
    const setup = sidesFor(moto.url);
    const srcVpc = await createVpc(setup.src.ec2(SRC.region), '10.0.0.0/16');
    const dstVpc = await createVpc(setup.dst.ec2(DST.region), '10.1.0.0/16');
    await buildGroups(setup.src.ec2(SRC.region), srcVpc);
    setup.src.destroy();
    setup.dst.destroy();

    const request = {
      selection: parseSelection(SG_SELECTION, { tags: ['bench=migrate'] }),
      dstVpc,
      includeReferenced: false,
      dropUnresolved: false,
      prune: false,
      prefixListMap: new Map<string, string>(),
    };
    const sides = sidesFor(moto.url);
    const t0 = performance.now();
    const m = await prepareSgMigration(request, sides);
    const planCalls = calls(sides);
    const t1 = performance.now();
    const applied = await applySgMigration(m, sides, { journal: new Journal(join(dir, 'journal.jsonl'), newRunId()), concurrency: APPLY_CONCURRENCY_ON_MOTO });
    if (applied.result.failed.length > 0) throw new Error(`bench: apply failed: ${applied.result.failed[0]!.error}`);
    const applyCalls = calls(sides) - planCalls;
    const t2 = performance.now();
    const verdict = await verifySgMigration(m, sides, applied);
    if (!verdict.equivalent) throw new Error('bench: the copies are not equivalent to their sources');
    const verifyCalls = calls(sides) - planCalls - applyCalls;
    const t3 = performance.now();
    destroy(sides);

    const again = sidesFor(moto.url);
    const r0 = performance.now();
    const second = await prepareSgMigration(request, again);
    if (!isEmpty(second.plan)) throw new Error('bench: the second run is not converged');
    if (!(await verifySgMigration(second, again)).equivalent) throw new Error('bench: the converged run does not verify');
    const rerunS = (performance.now() - r0) / 1000;
    const rerunCalls = calls(again);
    destroy(again);

    const s = (a: number, b: number) => round((b - a) / 1000);
    return [
      { name: `migrate ${GROUPS} groups × 20 rules with references, account+region → account+region: wall time`, value: s(t0, t3), unit: 's' },
      { name: '  plan (reads both sides, closes references, plans)', value: s(t0, t1), unit: 's' },
      { name: `  apply (${APPLY_CONCURRENCY_ON_MOTO} call at a time against moto)`, value: s(t1, t2), unit: 's' },
      { name: '  verify (reads copies back, engine compare per group)', value: s(t2, t3), unit: 's' },
      { name: 'write calls per migrated group', value: round(applyCalls / GROUPS), unit: 'calls' },
      { name: 'minimum possible (one create + one authorize per direction)', value: MINIMUM_WRITES_PER_GROUP, unit: 'calls' },
      { name: 'read calls while planning (whole run)', value: planCalls, unit: 'calls' },
      { name: 'read calls while verifying (whole run)', value: verifyCalls, unit: 'calls' },
      { name: 'all calls per migrated group', value: round((planCalls + applyCalls + verifyCalls) / GROUPS), unit: 'calls' },
      { name: 'converged re-run ("no changes" + verify): wall time', value: round(rerunS), unit: 's' },
      { name: 'converged re-run: calls (whole run)', value: rerunCalls, unit: 'calls' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await moto.stop();
  }
}

function sidesFor(endpointUrl: string): MigrationSides {
  return migrationSides(
    {
      src: { roleArn: `arn:aws:iam::${SRC.account}:role/bench` },
      dst: { roleArn: `arn:aws:iam::${DST.account}:role/bench` },
      srcRegion: SRC.region,
      dstRegion: DST.region,
      endpointUrl,
      session: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 },
    },
    { connection: {}, warn: () => undefined, debug: () => undefined },
  );
}

function calls(sides: MigrationSides): number {
  return sides.src.callCount + (sides.dst === sides.src ? 0 : sides.dst.callCount);
}

function destroy(sides: MigrationSides): void {
  sides.src.destroy();
  sides.dst.destroy();
}

async function createVpc(ec2: Ec2Handle, cidr: string): Promise<string> {
  return (await ec2.client.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

/**
 * Group i: 16 ingress rules (12 IPv4 CIDRs over four ports, 2 IPv6, references to groups i+1 and i+7) and 4 egress
 * rules (the automatic allow-all, 2 CIDRs, a reference to group i+3): 20 rules, references forming cycles.
 */
async function buildGroups(ec2: Ec2Handle, vpcId: string): Promise<void> {
  // One create at a time: moto's CreateSecurityGroup is not thread-safe.
  const ids = await mapLimited(Array.from({ length: GROUPS }, (_, i) => i), 1, async (i) =>
    (
      await ec2.client.send(
        new CreateSecurityGroupCommand({
          GroupName: `bench-${i}`,
          Description: `bench group ${i}`,
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'bench', Value: 'migrate' }, { Key: 'index', Value: String(i) }] }],
        }),
      )
    ).GroupId!,
  );
  await mapLimited(ids, 16, async (id, i) => {
    const ref = (d: number) => ({ GroupId: ids[(i + d) % GROUPS]! });
    const ingress: IpPermission[] = [443, 8443, 9000, 9100].map((port, p) => ({
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      IpRanges: [0, 1, 2].map((k) => ({ CidrIp: `10.${(i % 200) + p}.${k}.0/24`, Description: `net ${k}` })),
    }));
    ingress.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/48' }, { CidrIpv6: '2001:db8:1::/48' }] });
    ingress.push({ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [ref(1), ref(7)] });
    await ec2.client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: ingress }));
    await ec2.client.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: id,
        IpPermissions: [
          { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }, { CidrIp: '10.0.0.3/32' }] },
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [ref(3)] },
        ],
      }),
    );
  });
}
