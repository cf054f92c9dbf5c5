/**
 * Event deliveries against moto and sim/panos: a burst is one run and one commit, replays change nothing, and the
 * CLI replays CloudTrail log files. CloudTrail records are written here in the delivered formats.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SeenEvents } from '../../../src/events/triggers.js';
import { run as cli } from '../../../src/cli/run.js';
import type { WorkflowContext } from '../../../src/workflows/context.js';
import { handleDeliveries } from '../../../src/workflows/sync/deliveries.js';
import { syncOnce } from '../../../src/workflows/sync/run.js';
import { authorizeIngress, failed, instancesCall, logFile, sqsBatch, stateChange, viaEventBridge } from '../../helpers/cloudtrail.js';
import { motoUrlForWorker } from '../../harness/moto.js';
import { authorize, buildWorld, simKey, commits, runInstance, runningRuleNames, tcpFrom, type World } from './world.js';

const motoUrl = motoUrlForWorker();
const ctx: WorkflowContext = { connection: {}, warn: () => {}, debug: () => {} };
const deps = (w: World, seen = new SeenEvents()) => ({ env: w.env, session: w.session, seen, options: { pollMs: 5 }, ctx });
const syncRules = (w: World) => runningRuleNames(w.sim).filter((n) => n.startsWith('rp-sg-'));

describe.skipIf(!motoUrl)('sync panos: event deliveries', () => {
  let w: World;
  let dir: string | undefined;
  beforeEach(async () => {
    w = await buildWorld(motoUrl);
  });
  afterEach(async () => {
    await w?.sim.close();
    w?.session.destroy();
    vi.unstubAllEnvs();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('500 events in one batch make one run and one commit; the same batch again changes nothing', async () => {
    const id = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    await syncOnce(w.env, { pollMs: 5 }, ctx);
    const c0 = commits(w.sim);
    const before = syncRules(w);

    await authorize(w.ec2, w.webGroup, tcpFrom(8443, '0.0.0.0/0'));
    const events = Array.from({ length: 500 }, (_, i) =>
      i % 5 === 0 ? stateChange(id, 'running') : viaEventBridge(i % 2 ? authorizeIngress(w.webGroup, 8443, '0.0.0.0/0') : instancesCall('StartInstances', [id])),
    );
    const batch = sqsBatch(events);
    const seen = new SeenEvents();
    const result = await handleDeliveries([batch], deps(w, seen));
    expect(result.summary.calls + result.summary.stateChanges).toBe(500);
    expect(commits(w.sim)).toBe(c0 + 1);
    expect(syncRules(w).filter((n) => !before.includes(n))).toHaveLength(1);

    // Redelivered to the same container: every id was seen, no run at all.
    const again = await handleDeliveries([batch], deps(w, seen));
    expect(again.summary).toMatchObject({ calls: 0, stateChanges: 0, duplicates: 500, run: false });
    // Replayed to a fresh process: a run, which finds nothing to change.
    const fresh = await handleDeliveries([batch], deps(w));
    expect(fresh.report!.plan.changes.every((c) => c.kind === 'keep')).toBe(true);
    expect(commits(w.sim)).toBe(c0 + 1);
  });

  it('failed calls start no run', async () => {
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    const result = await handleDeliveries([{ Records: [failed(authorizeIngress(w.webGroup, 22, '0.0.0.0/0'))] }], deps(w));
    expect(result.summary.run).toBe(false);
    expect(result.report).toBeUndefined();
    expect(w.sim.requestLog).toHaveLength(0);
  });

  it('ruleport sync panos --events replays a CloudTrail log file (one commit) and --once --dry-run changes nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-sync-'));
    const config = join(dir, 'ruleport.yaml');
    writeFileSync(
      config,
      `firewall:\n  location: panos:${w.sim.url}/vsys1\n  zones: { untrust: untrust, trust: trust }\n  bottom-rule: Clean up\naws:\n  regions: [us-east-1]\n  firewall-instances: { ${w.vpcId}: ${w.firewallId} }\n`,
    );
    const log = join(dir, 'log.json.gz');
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    const id = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    writeFileSync(log, logFile([instancesCall('StartInstances', [id]), authorizeIngress(w.webGroup, 443, '0.0.0.0/0')]));
    vi.stubEnv('PANOS_API_KEY', await simKey(w));
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } };
    };
    const common = ['--config', config, '--endpoint-url', motoUrl, '--region', 'us-east-1', 'sync', 'panos'];

    const dry = io();
    expect(await cli([...common, '--once', '--dry-run'], dry.io), dry.err.join('')).toBe(0);
    expect(dry.out.join('')).toMatch(/plan: \d+ to create/);
    expect(commits(w.sim)).toBe(0);

    const refused = io();
    expect(await cli([...common, '--events', log], refused.io)).toBe(2);
    expect(refused.err.join('')).toMatch(/--yes/);

    const replay = io();
    expect(await cli([...common, '--events', log, '--yes', '--json'], replay.io), replay.err.join('')).toBe(0);
    const line = JSON.parse(replay.out.join('')) as { calls: number; run: { applied: { job: string } } };
    expect(line.calls).toBe(2);
    expect(line.run.applied.job).toBeDefined();
    expect(commits(w.sim)).toBe(1);
    expect(syncRules(w)).toHaveLength(2);

    const bad = io();
    writeFileSync(config, 'firewall:\n  locaton: x\n');
    expect(await cli([...common, '--once'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/key firewall\.locaton: line 2: unknown key/);
  });
});
