/**
 * Other ways to run sync against moto and sim/panos: static address mode, a member account reached through its
 * role, `--watch` reading an SQS queue, and `--confirm-on-device`.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { SeenEvents } from '../../../src/events/triggers.js';
import type { WorkflowContext } from '../../../src/workflows/context.js';
import type { DeliveryResult } from '../../../src/workflows/sync/deliveries.js';
import { buildSyncEnvironment } from '../../../src/workflows/sync/environment.js';
import { syncOnce } from '../../../src/workflows/sync/run.js';
import { watchSync } from '../../../src/workflows/sync/watch.js';
import { authorizeIngress, viaEventBridge } from '../../helpers/cloudtrail.js';
import { motoUrlForWorker } from '../../harness/moto.js';
import { authorize, buildWorld, commits, runInstance, runningRuleNames, simKey, start, stop, tcpFrom, type World } from './world.js';

const motoUrl = motoUrlForWorker();
const warnings: string[] = [];
const ctx: WorkflowContext = { connection: {}, warn: (m) => warnings.push(m), debug: () => {} };
const syncRules = (w: World) => runningRuleNames(w.sim).filter((n) => n.startsWith('rp-sg-'));
const decide = async (w: World, destination: string, port: number) => {
  const m = await w.client.testSecurityPolicyMatch({ from: 'untrust', to: 'trust', source: '203.0.113.9', destination, protocol: 6, destinationPort: port });
  return m ? `${m.rule} ${m.action}` : 'none';
};

describe.skipIf(!motoUrl)('sync panos: modes', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.sim.close();
    w?.session.destroy();
    w = undefined;
  });

  it('static mode: members as address objects (a start is a commit), no User-ID registrations', async () => {
    w = await buildWorld(motoUrl, { addressMode: 'static' });
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    const id = await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    await syncOnce(w.env, { pollMs: 5 }, ctx);
    expect(w.sim.registeredIps()).toEqual([]);
    const member = /<entry name="rp-(10\.0\.1\.\d+)_32">/.exec(w.sim.runningXml())?.[1];
    expect(member).toBeDefined();
    expect(await decide(w, member!, 443)).toMatch(/^rp-sg-.* allow$/);
    // Stopped: nothing left to protect, the rules go (one commit); started again: back (one more).
    const c0 = commits(w.sim);
    await stop(w.ec2, id);
    await syncOnce(w.env, { pollMs: 5 }, ctx);
    expect(syncRules(w)).toEqual([]);
    expect(w.sim.runningXml()).not.toContain(`rp-${member}_32`);
    await start(w.ec2, id);
    await syncOnce(w.env, { pollMs: 5 }, ctx);
    expect(syncRules(w)).toHaveLength(2);
    expect(commits(w.sim)).toBe(c0 + 2);
  });

  it('reads a member account through its role (ruleport.yaml accounts)', async () => {
    w = await buildWorld(motoUrl, { accountId: '111111111111' });
    await authorize(w.ec2, w.webGroup, tcpFrom(443, '0.0.0.0/0'));
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    const built = await buildSyncEnvironment(
      w.config,
      { aws: { endpointUrl: motoUrl, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }, env: { PANOS_API_KEY: await simKey(w) } },
      ctx,
    );
    try {
      expect(built.accounts.map((a) => a.id)).toEqual(['111111111111']);
      const report = await syncOnce(built, { pollMs: 5 }, ctx);
      expect(report.groups).toBe(1);
      expect(syncRules(w)).toHaveLength(2);
    } finally {
      built.close();
    }
  });

  it('--watch: a full reconcile first, then events from the queue make one run; handled messages are deleted', async () => {
    w = await buildWorld(motoUrl);
    const world = w;
    await runInstance(world.ec2, world.subnets.explicit, [world.webGroup]);
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    onTestFinished(() => sqs.destroy());
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ruleport-sync' }))).QueueUrl!;
    const stopWatch = new AbortController();
    const runs: DeliveryResult[] = [];
    const watching = watchSync(
      { env: world.env, session: world.session, seen: new SeenEvents(), options: { pollMs: 5 }, ctx },
      {
        intervalMs: 3_600_000,
        windowMs: 300,
        queueUrl,
        stop: stopWatch.signal,
        warn: (m) => warnings.push(m),
        onRun: (r) => {
          runs.push(r);
          if (runs.length === 2) stopWatch.abort();
        },
      },
    );
    // Wait for the first (scheduled) run, then change AWS and send the events.
    while (runs.length === 0) await new Promise((r) => setTimeout(r, 50));
    const c0 = commits(world.sim);
    await authorize(world.ec2, world.webGroup, tcpFrom(22, '198.51.100.0/24'));
    const event = viaEventBridge(authorizeIngress(world.webGroup, 22, '198.51.100.0/24'));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(event) }));
    await watching;
    expect(runs[1]!.summary).toMatchObject({ calls: 1, duplicates: 1, run: true });
    expect(commits(world.sim)).toBe(c0 + 1);
    const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(left.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('--confirm-on-device: the firewall confirms what the engine found already allowed', async () => {
    w = await buildWorld(motoUrl);
    await authorize(w.ec2, w.webGroup, tcpFrom(80, '0.0.0.0/0'));
    await runInstance(w.ec2, w.subnets.explicit, [w.webGroup]);
    const report = await syncOnce(w.env, { pollMs: 5, confirmOnDevice: true }, ctx);
    expect(report.alreadyAllowed).toHaveLength(1);
    const asked = w.sim.requestLog.filter((r) => r.cmd?.includes('security-policy-match'));
    expect(asked).toHaveLength(1);
    const ip = w.sim.registeredIps()[0]!.ip;
    expect(await decide(w, ip, 80)).toBe('allow-web allow');
  });
});
