/**
 * Re-running `migrate nacl` after the source changed, onto a copy that subnets already use. The source's change
 * is made so that editing the copy entry by entry would widen it for a while: the copy holds
 *   #90 deny tcp 22 from 203.0.113.0/24, #100 allow tcp 22-443 from anywhere
 * and the source now holds #90 allow tcp 8080 from 203.0.113.0/24, #100 allow tcp 443 from anywhere. With #90
 * replaced before #100, ssh from 203.0.113.0/24 is let through — which neither rule set allows.
 *
 * A watcher on the destination client reads every NACL after each write ruleport makes (with the test's own
 * client), and the test checks that each subnet's NACL held exactly the old entries or exactly the new ones at
 * every point; a run stopped midway is re-run the same way and must converge.
 */
import { join } from 'node:path';
import { DeleteNetworkAclEntryCommand, ReplaceNetworkAclAssociationCommand, ReplaceNetworkAclEntryCommand, type EC2Client, type NetworkAcl } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { applyNaclMigration, prepareNaclMigration, verifyNaclMigration, type MigrateNaclRequest } from '../../../src/workflows/migrate-nacl.js';
import { NACL_SELECTION, parseSelection } from '../../../src/workflows/migrate-selection.js';
import {
  CROSS,
  DST_REGION,
  NACL_WORLD_ENTRIES,
  SERIAL,
  aclsOf,
  buildNaclWorld,
  cli,
  cliEnvironment,
  destinationSnapshot,
  entryLine,
  failAfter,
  freshSides,
  url,
  workflowSides,
  type NaclWorld,
} from './world.js';

/** The copy before the source changed: the world's source entries. */
const OLD = NACL_WORLD_ENTRIES;

/** The changed source (written out by hand): #90 and #100 replaced, #140 gone. */
const NEW = [
  'ingress 90 allow 6 203.0.113.0/24 8080-8080',
  'ingress 100 allow 6 0.0.0.0/0 443-443',
  'ingress 110 allow 6 ::/0 443-443',
  'ingress 120 allow 1 10.0.0.0/8',
  'ingress 130 allow 58 ::/0',
  'egress 100 allow -1 0.0.0.0/0',
  'egress 101 allow -1 ::/0',
  'egress 200 allow 47 192.0.2.0/24',
].sort();

const own = (a: NetworkAcl): string[] => (a.Entries ?? []).filter((e) => e.RuleNumber! < 32767).map(entryLine).sort();
const isCopy = (a: NetworkAcl): boolean => !!a.Tags?.some((t) => t.Key === 'ruleport:source');

/** Where each watched subnet is and what its NACL holds, at one point of a run. */
interface Moment {
  readonly after: string;
  readonly subnets: ReadonlyArray<{ readonly subnet: string; readonly acl: string; readonly entries: string[] }>;
}

/**
 * Records each call the destination client makes (name and input) and, after each write it makes, the NACL of
 * every watched subnet as the test's own client reads it.
 */
function watch(client: EC2Client, dst: Ec2Handle, vpcId: string, subnets: readonly string[]): { calls: { name: string; input: Record<string, unknown> }[]; moments: Moment[]; look(after: string): Promise<void> } {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const moments: Moment[] = [];
  const look = async (after: string): Promise<void> => {
    const acls = await aclsOf(dst, vpcId);
    moments.push({
      after,
      subnets: subnets.map((subnet) => {
        const acl = acls.find((a) => a.Associations?.some((s) => s.SubnetId === subnet))!;
        return { subnet, acl: acl.NetworkAclId!, entries: own(acl) };
      }),
    });
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName).replace(/Command$/, '');
      const out = await next(args);
      calls.push({ name, input: args.input as Record<string, unknown> });
      if (!name.startsWith('Describe')) await look(name);
      return out;
    },
    { step: 'initialize', name: 'ruleportTestWatch' },
  );
  return { calls, moments, look };
}

/** The moments at which a subnet's NACL held anything but exactly the old or exactly the new entries. */
function mixed(moments: readonly Moment[]): string[] {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  return moments.flatMap((m) => m.subnets.filter((s) => !same(s.entries, OLD) && !same(s.entries, NEW)).map((s) => `after ${m.after}: ${s.subnet} on ${s.acl} holds ${s.entries.join('; ')}`));
}

describe.skipIf(!url)('migrate nacl onto a copy in use', () => {
  const env = cliEnvironment();
  let src: Ec2Handle;
  let dst: Ec2Handle;
  let w: NaclWorld;
  const journal = () => join(env.dir(), 'journal.jsonl');
  const migrate = (...extra: string[]) => cli('migrate', 'nacl', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--nacl', w.acl, '--journal', journal(), ...extra);
  const inUse = () => [w.dstSubnets[0]!, w.dstSubnets[1]!];
  const request = (associateBy?: 'cidr'): MigrateNaclRequest => ({
    selection: parseSelection(NACL_SELECTION, { ids: [w.acl] }),
    dstVpc: w.dstVpc,
    prune: true,
    associate: new Map(),
    ...(associateBy ? { associateBy } : {}),
  });

  /** Migrates with the subnets moved onto the copy, then changes the source. @returns the copy's id. */
  async function copyInUseThenChangeSource(): Promise<string> {
    expect((await migrate('--associate-by', 'cidr', '--yes')).code).toBe(0);
    const [copy, ...more] = (await aclsOf(dst, w.dstVpc)).filter(isCopy);
    expect(more).toHaveLength(0);
    expect(copy!.Associations?.map((a) => a.SubnetId).sort()).toEqual([...inUse()].sort());
    expect(own(copy!)).toEqual(OLD);
    const replace = (RuleNumber: number, CidrBlock: string, From: number, To: number) =>
      src.client.send(new ReplaceNetworkAclEntryCommand({ NetworkAclId: w.acl, RuleNumber, Egress: false, Protocol: '6', RuleAction: 'allow', CidrBlock, PortRange: { From, To } }));
    await replace(90, '203.0.113.0/24', 8080, 8080);
    await replace(100, '0.0.0.0/0', 443, 443);
    await src.client.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: w.acl, RuleNumber: 140, Egress: false }));
    return copy!.NetworkAclId!;
  }

  /** The destination holds one copy, with the new entries and both subnets, and not `old`. */
  async function expectConverged(old: string): Promise<string> {
    const acls = await aclsOf(dst, w.dstVpc);
    const copies = acls.filter(isCopy);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.NetworkAclId).not.toBe(old);
    expect(acls.map((a) => a.NetworkAclId)).not.toContain(old);
    expect(own(copies[0]!)).toEqual(NEW);
    expect(copies[0]!.Associations?.map((a) => a.SubnetId).sort()).toEqual([...inUse()].sort());
    const again = await migrate('--associate-by', 'cidr', '--prune', '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes');
    return copies[0]!.NetworkAclId!;
  }

  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    ({ src, dst } = await freshSides());
    w = await buildNaclWorld(src, dst);
  });

  it('moves the subnets onto a new, proven copy: each subnet only ever sees the old or the new entries', async () => {
    const old = await copyInUseThenChangeSource();
    const s = workflowSides();
    const m = await prepareNaclMigration(request('cidr'), s);
    const seen = watch(s.dst.ec2(DST_REGION).client, dst, w.dstVpc, inUse());
    await seen.look('start');
    const out = await applyNaclMigration(m, s, { concurrency: 1 });
    expect(out.result.failed).toEqual([]);
    expect((await verifyNaclMigration(m, s, out)).equivalent).toBe(true);
    s.src.destroy();
    s.dst.destroy();

    expect(mixed(seen.moments)).toEqual([]);
    // The old copy got no entry write; the new one all of its entries before the first subnet moved; the old
    // copy was deleted last, once empty.
    const writes = seen.calls.filter((c) => !c.name.startsWith('Describe'));
    const fresh = out.ids.resolve(m.copies[0]!.slot);
    expect(writes.map((c) => (c.name.includes('Entry') ? `${c.name} ${String(c.input.NetworkAclId)}` : c.name))).toEqual([
      'CreateNetworkAcl',
      ...Array.from({ length: NEW.length }, () => `CreateNetworkAclEntry ${fresh}`),
      'ReplaceNetworkAclAssociation',
      'ReplaceNetworkAclAssociation',
      'DeleteNetworkAcl',
    ]);
    expect(writes.at(-1)!.input).toEqual({ NetworkAclId: old });
    // The watcher did see the switch-over: one subnet on the new copy while the other was still on the old one.
    expect(seen.moments.some((mo) => mo.subnets.map((x) => x.acl).sort().join() === [fresh, old].sort().join())).toBe(true);
    expect(await expectConverged(old)).toBe(fresh);
  });

  it('--dry-run and --json show the new copy, the subnet moves and the old copy deleted, and write nothing', async () => {
    const old = await copyInUseThenChangeSource();
    const before = await destinationSnapshot(dst, w.dstVpc);
    const r = await migrate('--associate-by', 'cidr', '--prune', '--dry-run');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const copy = `network ACL (new copy of ${w.acl})`;
    expect(lines).toContain(`  + ${copy}, to replace ${old}`);
    expect(lines).toContain(`  + ingress #90 of ${copy}: allow tcp 8080 from 203.0.113.0/24`);
    expect(lines.filter((l) => l.startsWith('  + ingress #') || l.startsWith('  + egress #'))).toHaveLength(NEW.length);
    for (const [from, to] of [[w.srcSubnets[0], w.dstSubnets[0]], [w.srcSubnets[1], w.dstSubnets[1]]]) {
      expect(lines).toContain(`  ~ association of ${to} (same cidr as ${from}): ${old} → new copy of ${w.acl}`);
    }
    expect(lines).toContain(`  - network ACL ${old} (earlier copy of ${w.acl}, once its subnets have moved)`);
    expect(lines.filter((l) => / of network ACL acl-/.test(l))).toEqual([]);
    expect(r.stdout).toMatch(new RegExp(`^note: blue/green: ${old} \\(copy of ${w.acl}\\) is in use and differs from the source`, 'm'));

    const j = await migrate('--associate-by', 'cidr', '--prune', '--dry-run', '--json');
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout) as { mapping: unknown[]; plan: { changes: { kind: string; before?: { kind: string; slot?: string } }[] } };
    expect(doc.mapping).toEqual([{ source: w.acl, copy: `new:${w.acl}`, state: 'new', retires: [old] }]);
    expect(doc.plan.changes.filter((c) => c.kind === 'delete').map((c) => c.before)).toMatchObject([{ kind: 'network-acl', slot: old }]);
    expect(await destinationSnapshot(dst, w.dstVpc)).toEqual(before);
  });

  it('edits a copy no subnet uses in place, but not one that gained a subnet since the plan', async () => {
    expect((await migrate('--yes')).code).toBe(0);
    await src.client.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: w.acl, RuleNumber: 140, Egress: false }));
    const s = workflowSides();
    const m = await prepareNaclMigration(request(), s);
    expect(m.plan.notes.join('\n')).toContain('is used by no subnet: its entries change in place');
    const copy = (await aclsOf(dst, w.dstVpc)).find(isCopy)!;
    const association = (await aclsOf(dst, w.dstVpc)).flatMap((a) => a.Associations ?? []).find((a) => a.SubnetId === w.dstSubnets[0])!;
    await dst.client.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association.NetworkAclAssociationId!, NetworkAclId: copy.NetworkAclId! }));
    const out = await applyNaclMigration(m, s, { concurrency: 1 });
    s.src.destroy();
    s.dst.destroy();
    expect(out.result).toEqual({ applied: 0, failed: [{ object: `network ACL ${copy.NetworkAclId}`, error: `now used by ${w.dstSubnets[0]}: not edited in place; re-run to plan its replacement` }] });
    expect(own((await aclsOf(dst, w.dstVpc)).find(isCopy)!)).toEqual(OLD);

    const again = await migrate('--prune', '--yes');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('blue/green');
    const copies = (await aclsOf(dst, w.dstVpc)).filter(isCopy);
    expect(copies.map(own)).toEqual([OLD.filter((l) => !l.startsWith('ingress 140 '))]);
    expect(copies[0]!.Associations?.map((a) => a.SubnetId)).toEqual([w.dstSubnets[0]]);
  });

  // The replacement, without --associate-by (the subnets follow their copy): the new NACL (1), 8 entries (2-9),
  // the read-back that proves it (10), per subnet a read of its association and the replacement (11-14), the
  // delete of the old copy (15). After 0, `after`: the new copy exists, empty, and its id never arrived; after 4:
  // the new copy is half built; after 11, `after`: one subnet moved without the answer; after 14: both moved, the
  // old copy not deleted (`before`) or deleted without the answer (`after`).
  it.each([
    [0, 'after'],
    [4, 'before'],
    [11, 'after'],
    [14, 'before'],
    [14, 'after'],
  ] as const)('stopped after %i calls (%s the call reaches AWS), a re-run converges with each subnet on the old or the new entries throughout', async (k, when) => {
    const old = await copyInUseThenChangeSource();
    const first = workflowSides();
    const plan = await prepareNaclMigration(request(), first);
    const client = first.dst.ec2(DST_REGION).client;
    const seen = watch(client, dst, w.dstVpc, inUse());
    const calls = failAfter(client, k, when);
    await seen.look('start');
    const stopped = await applyNaclMigration(plan, first, { concurrency: 1 });
    first.src.destroy();
    first.dst.destroy();
    expect(stopped.result.failed.length).toBeGreaterThan(0);
    expect(calls()).toHaveLength(k + 1);

    const resumed = workflowSides();
    const again = watch(resumed.dst.ec2(DST_REGION).client, dst, w.dstVpc, inUse());
    await again.look('re-run start');
    const m = await prepareNaclMigration(request(), resumed);
    const out = await applyNaclMigration(m, resumed, { concurrency: 1 });
    expect(out.result.failed).toEqual([]);
    expect((await verifyNaclMigration(m, resumed, out)).equivalent).toBe(true);
    resumed.src.destroy();
    resumed.dst.destroy();
    expect(mixed([...seen.moments, ...again.moments])).toEqual([]);
    await expectConverged(old);
  });
});
