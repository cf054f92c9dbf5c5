/**
 * Verification reads the destination back and does not trust the plan: when what AWS holds after the apply differs
 * from the source — narrower or wider — the verdict says where, with example flows, and the migration fails; a
 * re-run repairs the copy. The difference is injected with SDK middleware that rewrites a write call on its way.
 */
import { join } from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/model/index.js';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { applyNaclMigration, naclVerificationError, prepareNaclMigration, verifyNaclMigration } from '../../../src/workflows/migrate-nacl.js';
import { NACL_SELECTION, SG_SELECTION, parseSelection } from '../../../src/workflows/migrate-selection.js';
import { applySgMigration, prepareSgMigration, verificationError, verifySgMigration } from '../../../src/workflows/migrate-sg.js';
import { expectMigratedWorld } from './expectations.js';
import { CROSS, DST_REGION, SERIAL, aclsOf, buildNaclWorld, buildSgWorld, cli, cliEnvironment, freshSides, url, workflowSides } from './world.js';

/** Rewrites the input of every call of API action `command` the client sends, before it is signed and sent. */
function rewrite<I extends object>(client: EC2Client, command: string, change: (input: I) => I): void {
  client.middlewareStack.add(
    (next, context) => async (args) => (context.commandName === `${command}Command` ? next({ ...args, input: change(structuredClone(args.input) as I) }) : next(args)),
    { step: 'initialize', name: `ruleportTestRewrite${command}` },
  );
}

interface PermissionInput {
  IpPermissions: { FromPort?: number; IpRanges?: { CidrIp: string }[]; Ipv6Ranges?: { CidrIpv6: string }[] }[];
}

describe.skipIf(!url)('verification after apply', () => {
  const env = cliEnvironment();
  let src: Ec2Handle;
  let dst: Ec2Handle;
  const journal = () => join(env.dir(), 'journal.jsonl');

  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    ({ src, dst } = await freshSides());
  });

  it('security groups: a copy that came out narrower or wider fails, naming the flows; a re-run with --prune repairs it', async () => {
    const w = await buildSgWorld(src, dst);
    const s = workflowSides();
    const request = { selection: parseSelection(SG_SELECTION, { tags: ['env=prod'] }), dstVpc: w.dstVpc, includeReferenced: false, dropUnresolved: false, prune: false, prefixListMap: new Map() };
    const m = await prepareSgMigration(request, s);
    // web's "tcp 443 from ::/0" never arrives (narrower); app's "icmp 8/0 from 10.0.0.0/8" arrives as 0.0.0.0/0 (wider).
    rewrite<PermissionInput>(s.dst.ec2(DST_REGION).client, 'AuthorizeSecurityGroupIngress', (input) => ({
      IpPermissions: input.IpPermissions.map((p) => ({
        ...p,
        ...(p.IpRanges ? { IpRanges: p.IpRanges.map((r) => (r.CidrIp === '10.0.0.0/8' ? { ...r, CidrIp: '0.0.0.0/0' } : r)) } : {}),
        ...(p.Ipv6Ranges ? { Ipv6Ranges: p.FromPort === 443 ? p.Ipv6Ranges.filter((r) => r.CidrIpv6 !== '::/0') : p.Ipv6Ranges } : {}),
      })),
      ...Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'IpPermissions')),
    }));
    const applied = await applySgMigration(m, s, { concurrency: 1 });
    expect(applied.result).toEqual({ applied: 11, failed: [] });
    const v = await verifySgMigration(m, s, applied);
    s.src.destroy();
    s.dst.destroy();

    expect(v.equivalent).toBe(false);
    const by = Object.fromEntries(v.groups.map((g) => [g.name, g]));
    expect(by.db!.comparison.equivalent).toBe(true);
    // web: only the source allows tcp 443 from IPv6 peers.
    expect(by.web!.comparison.onlyB).toEqual([]);
    expect(by.web!.comparison.onlyA.length).toBeGreaterThan(0);
    for (const d of by.web!.comparison.onlyA) expect(d.example).toMatchObject({ direction: 'ingress', protocol: 6, port: 443, src: expect.stringContaining(':') });
    // app: only the copy allows ICMP echo, and only from outside 10.0.0.0/8.
    expect(by.app!.comparison.onlyA).toEqual([]);
    expect(by.app!.comparison.onlyB.length).toBeGreaterThan(0);
    for (const d of by.app!.comparison.onlyB) {
      expect(d.example).toMatchObject({ direction: 'ingress', protocol: 1, icmpType: 8, icmpCode: 0 });
      expect(d.example.src.split('.')[0]).not.toBe('10');
    }
    expect(v.prefixLists.map((p) => [p.missing, p.extra])).toEqual([[[], []]]);
    const error = verificationError(v);
    expect(error.exitCode).toBe(EXIT.failed);
    // Listed in source-id order, which the random ids decide.
    const listed = /^verification failed: (.*) not equivalent to the source$/.exec(error.message)![1]!.split(', ').sort();
    expect(listed).toEqual([`app (${by.app!.copyId})`, `web (${by.web!.copyId})`]);

    const repaired = await cli('migrate', 'sg', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--tag', 'env=prod', '--prune', '--yes', '--journal', journal());
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    await expectMigratedWorld(dst, w);
  });

  it('network ACLs: an entry that came out wider fails, naming the flows, and no subnet moves onto it; a re-run repairs it and moves them', async () => {
    const w = await buildNaclWorld(src, dst);
    const s = workflowSides();
    const m = await prepareNaclMigration({ selection: parseSelection(NACL_SELECTION, { ids: [w.acl] }), dstVpc: w.dstVpc, prune: false, associate: new Map(), associateBy: 'cidr' }, s);
    const [defaultAcl] = (await aclsOf(dst, w.dstVpc)).map((a) => a.NetworkAclId!);
    // Ingress #90 "deny tcp 22 from 203.0.113.0/24" arrives as an allow: the copy lets that network reach port 22.
    rewrite<{ RuleNumber: number; Egress: boolean; RuleAction: string }>(s.dst.ec2(DST_REGION).client, 'CreateNetworkAclEntry', (input) =>
      input.RuleNumber === 90 && !input.Egress ? { ...input, RuleAction: 'allow' } : input,
    );
    const applied = await applyNaclMigration(m, s, { concurrency: 1 });
    // The NACL and its 9 entries; the 2 subnet moves are held back.
    expect(applied.result).toEqual({ applied: 10, failed: [] });
    const v = await verifyNaclMigration(m, s, applied);
    s.src.destroy();
    s.dst.destroy();

    expect(v.equivalent).toBe(false);
    const [acl] = v.acls;
    expect(acl!.comparison.onlyA).toEqual([]);
    expect(acl!.comparison.onlyB.length).toBeGreaterThan(0);
    for (const d of acl!.comparison.onlyB) {
      expect(d.example).toMatchObject({ direction: 'ingress', protocol: 6, port: 22 });
      expect(d.example.src).toMatch(/^203\.0\.113\.\d+$/);
    }
    const stayed = [w.dstSubnets[0]!, w.dstSubnets[1]!].sort();
    expect(v.associations.map((a) => [a.subnetId, a.ok, a.actual]).sort()).toEqual(stayed.map((id) => [id, false, defaultAcl]));
    const error = naclVerificationError(v);
    expect(error.exitCode).toBe(EXIT.failed);
    expect(error.message).toBe(`verification failed: ${acl!.copyId}, ${v.associations.map((a) => `association of ${a.subnetId}`).join(', ')} not as the source`);

    const repaired = await cli('migrate', 'nacl', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--nacl', w.acl, '--associate-by', 'cidr', '--yes', '--journal', journal());
    expect(repaired.stderr).toBe('');
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain(`~ ingress #90 of network ACL ${acl!.copyId} (copy of ${w.acl}): allow tcp 22 from 203.0.113.0/24 → deny tcp 22 from 203.0.113.0/24`);
    const copy = (await aclsOf(dst, w.dstVpc)).find((a) => a.NetworkAclId === acl!.copyId)!;
    expect(copy.Entries!.find((e) => e.RuleNumber === 90 && !e.Egress)!.RuleAction).toBe('deny');
    expect((copy.Associations ?? []).map((a) => a.SubnetId).sort()).toEqual(stayed);
  });
});
