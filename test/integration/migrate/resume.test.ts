/**
 * A migration killed midway and re-run ends converged: nothing duplicated, nothing lost. The failure is injected
 * with SDK middleware on the destination client after K API calls of the apply — either before the K+1th call
 * reaches AWS, or after AWS applied it and before its answer arrives (the case that duplicates naive tools).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { applyNaclMigration, prepareNaclMigration } from '../../../src/workflows/migrate-nacl.js';
import { NACL_SELECTION, SG_SELECTION, parseSelection } from '../../../src/workflows/migrate-selection.js';
import { applySgMigration, prepareSgMigration } from '../../../src/workflows/migrate-sg.js';
import { expectMigratedWorld } from './expectations.js';
import {
  CROSS,
  SERIAL,
  DST_REGION,
  aclsOf,
  buildNaclWorld,
  buildSgWorld,
  cli,
  cliEnvironment,
  failAfter,
  freshSides,
  url,
  workflowSides,
} from './world.js';

describe.skipIf(!url)('an interrupted migration re-runs to convergence', () => {
  const env = cliEnvironment();
  let src: Ec2Handle;
  let dst: Ec2Handle;

  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    ({ src, dst } = await freshSides());
  });

  // The plan has 11 changes, one call each: a prefix list (1), 3 groups (2-4), 2 revokes of the automatic egress
  // rule (5-6), 5 authorizes (7-11). After 0 calls, `after`: the prefix list exists but its id never arrived — the
  // re-run must adopt it, not copy it again.
  it.each([
    [0, 'before'],
    [0, 'after'],
    [2, 'after'],
    [3, 'after'],
    [6, 'before'],
    [9, 'after'],
  ] as const)('security groups: failure after %i calls (%s the call reaches AWS)', async (k, when) => {
    const w = await buildSgWorld(src, dst);
    const s = workflowSides();
    const request = { selection: parseSelection(SG_SELECTION, { tags: ['env=prod'] }), dstVpc: w.dstVpc, includeReferenced: false, dropUnresolved: false, prune: false, prefixListMap: new Map() };
    const m = await prepareSgMigration(request, s);
    expect(m.plan.changes).toHaveLength(11);
    const calls = failAfter(s.dst.ec2(DST_REGION).client, k, when);
    const first = await applySgMigration(m, s, { concurrency: 1 });
    s.src.destroy();
    s.dst.destroy();
    // Every change is one call, and every call after the k-th fails: the run stops at the first failure.
    expect(first.result.applied).toBe(k);
    expect(first.result.failed.length).toBeGreaterThan(0);
    expect(calls().length).toBeGreaterThan(k);

    const resumed = await cli('migrate', 'sg', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--tag', 'env=prod', '--yes', '--journal', join(env.dir(), 'j.jsonl'));
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    await expectMigratedWorld(dst, w);
    const again = await cli('migrate', 'sg', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--tag', 'env=prod', '--yes', '--journal', join(env.dir(), 'j.jsonl'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes');
  });

  // 12 changes in 15 calls: the NACL (1), 9 entries (2-10), the copy read back before subnets move onto it (11),
  // then per subnet a read of its association and the replacement (12-15). After 0 calls, `after`: the copy exists
  // but its id never arrived; after 12, `after`: one subnet moved without the answer, the other not yet.
  it.each([
    [0, 'after'],
    [1, 'after'],
    [5, 'before'],
    [12, 'after'],
  ] as const)('network ACLs: failure after %i calls (%s the call reaches AWS)', async (k, when) => {
    const w = await buildNaclWorld(src, dst);
    const s = workflowSides();
    const m = await prepareNaclMigration({ selection: parseSelection(NACL_SELECTION, { ids: [w.acl] }), dstVpc: w.dstVpc, prune: false, associate: new Map(), associateBy: 'cidr' }, s);
    failAfter(s.dst.ec2(DST_REGION).client, k, when);
    const first = await applyNaclMigration(m, s, { concurrency: 1 });
    s.src.destroy();
    s.dst.destroy();
    expect(first.result.failed.length).toBeGreaterThan(0);
    const args = ['migrate', 'nacl', ...SERIAL, ...CROSS, '--dst-vpc', w.dstVpc, '--nacl', w.acl, '--associate-by', 'cidr', '--yes', '--journal', join(env.dir(), 'j.jsonl')];
    const resumed = await cli(...args);
    expect(resumed.code).toBe(0);
    const copies = (await aclsOf(dst, w.dstVpc)).filter((a) => a.Tags?.some((t) => t.Key === 'ruleport:source'));
    expect(copies).toHaveLength(1);
    expect(copies[0]!.Entries).toHaveLength(9);
    expect(copies[0]!.Associations?.map((a) => a.SubnetId).sort()).toEqual([w.dstSubnets[0], w.dstSubnets[1]].sort());
    expect((await cli(...args)).stdout).toContain('no changes');
  });
});
