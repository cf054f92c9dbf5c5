/**
 * `sync panos` against moto and sim/panos: 20 security groups on 60 instances behind the firewall.
 * - events per second through the delivery handler (unwrap, dedupe, one reconcile per batch), and unwrapping
 *   alone on a large CloudTrail log file;
 * - commits per 1,000 events: instance starts/stops only (target 0), and with rule changes (target 1 per batch);
 * - time from an event to the firewall state: a new SG rule until it is committed (the simulator's commit takes
 *   its default 500 ms), an instance start until its address is registered.
 */
import { randomUUID } from 'node:crypto';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  AssociateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { startPanosSim } from '../sim/panos/index.js';
import { unwrap } from '../src/events/envelope.js';
import { SeenEvents } from '../src/events/triggers.js';
import { AwsSession } from '../src/platforms/aws/session.js';
import { PanosClient } from '../src/platforms/panos/client.js';
import { parsePanosTarget } from '../src/platforms/panos/credentials.js';
import { parseSyncConfig } from '../src/workflows/sync/config.js';
import { handleDeliveries } from '../src/workflows/sync/deliveries.js';
import type { SyncEnvironment } from '../src/workflows/sync/run.js';
import { startMoto } from './moto-server.js';
import type { BenchRow } from './run.js';

const GROUPS = 20;
const INSTANCES = 60;
const BATCH = 100;

const ctx = { connection: {}, warn: () => undefined, debug: () => undefined };

function record(eventName: string, requestParameters: unknown): Record<string, unknown> {
  return { eventVersion: '1.08', eventTime: new Date().toISOString(), eventSource: 'ec2.amazonaws.com', eventName, awsRegion: 'us-east-1', eventID: randomUUID(), recipientAccountId: '123456789012', requestParameters, responseElements: {} };
}
const eventBridge = (r: Record<string, unknown>) => ({ version: '0', id: randomUUID(), 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', region: 'us-east-1', detail: r });
const sqs = (bodies: unknown[]) => ({ Records: bodies.map((b) => ({ eventSource: 'aws:sqs', body: JSON.stringify(b) })) });

export async function run(): Promise<BenchRow[]> {
  const moto = await startMoto();
  const sim = await startPanosSim({ users: { ruleport: 'bench' }, config: firewallConfig() });
  const session = new AwsSession({ endpointUrl: moto.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  try {
    const ec2 = session.ec2('us-east-1');
    const send = ec2.client.send.bind(ec2.client) as (c: unknown) => Promise<Record<string, any>>;
    const vpcId = (await send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc.VpcId as string;
    const subnet = async (cidr: string): Promise<string> => (await send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet.SubnetId;
    const fw = (await send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: await subnet('10.0.0.0/24') }))).Instances[0].InstanceId as string;
    const inside = await subnet('10.0.4.0/22');
    const table = (await send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable.RouteTableId;
    await send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: inside }));
    await send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: '0.0.0.0/0', InstanceId: fw }));
    const groups: string[] = [];
    for (let g = 0; g < GROUPS; g++) {
      const id = (await send(new CreateSecurityGroupCommand({ GroupName: `g${g}`, Description: 'bench', VpcId: vpcId }))).GroupId as string;
      await send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8000 + g, ToPort: 8000 + g, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
      groups.push(id);
    }
    const instances: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const sg = [groups[i % GROUPS]!, groups[(i + 7) % GROUPS]!];
      instances.push((await send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: inside, SecurityGroupIds: sg }))).Instances[0].InstanceId);
    }
    const config = parseSyncConfig(
      `firewall:\n  location: panos:${sim.url}/vsys1\n  zones: { untrust: untrust, trust: trust }\n  bottom-rule: Clean up\naws:\n  regions: [us-east-1]\n  firewall-instances: { ${vpcId}: ${fw} }\n`,
      'bench.yaml',
    );
    const client = new PanosClient({ baseUrl: sim.url, auth: { kind: 'password', user: 'ruleport', password: 'bench', source: 'bench' } });
    const env: SyncEnvironment = { config, client, target: parsePanosTarget(`${sim.url}/vsys1`), accounts: [{ session }] };
    const deps = { env, session, seen: new SeenEvents(), options: { pollMs: 50 }, ctx };
    const commits = () => sim.requestLog.filter((r) => r.type === 'commit').length;

    // Converge once (not measured).
    await handleDeliveries([sqs([{ 'detail-type': 'Scheduled Event', detail: {} }])], deps);

    // Unwrapping alone: one CloudTrail log file of 100,000 records.
    const big = { Records: Array.from({ length: 100_000 }, (_, i) => record(i % 3 ? 'DescribeInstances' : 'StartInstances', { instancesSet: { items: [{ instanceId: instances[i % INSTANCES] }] } })) };
    let t = performance.now();
    unwrap(JSON.parse(JSON.stringify(big)));
    const unwrapRate = 100_000 / ((performance.now() - t) / 1000);

    // 1,000 start/stop events in batches of 100, the instances really stopping and starting between batches.
    let c0 = commits();
    t = performance.now();
    for (let b = 0; b < 1000 / BATCH; b++) {
      const some = instances.slice((b * 3) % INSTANCES, ((b * 3) % INSTANCES) + 3);
      await send(b % 2 ? new StartInstancesCommand({ InstanceIds: some }) : new StopInstancesCommand({ InstanceIds: some }));
      const events = Array.from({ length: BATCH }, () => eventBridge(record(b % 2 ? 'StartInstances' : 'StopInstances', { instancesSet: { items: some.map((instanceId) => ({ instanceId })) } })));
      await handleDeliveries([sqs(events)], deps);
    }
    const startStopRate = 1000 / ((performance.now() - t) / 1000);
    const startStopCommits = commits() - c0;

    // 1,000 events with a rule change in every batch of 100.
    c0 = commits();
    t = performance.now();
    for (let b = 0; b < 1000 / BATCH; b++) {
      const g = groups[b % GROUPS]!;
      await send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 9000 + b, ToPort: 9000 + b, IpRanges: [{ CidrIp: '198.51.100.0/24' }] }] }));
      const events = Array.from({ length: BATCH }, () => eventBridge(record('AuthorizeSecurityGroupIngress', { groupId: g })));
      await handleDeliveries([sqs(events)], deps);
    }
    const ruleRate = 1000 / ((performance.now() - t) / 1000);
    const ruleCommits = commits() - c0;

    // Event to firewall state.
    const g0 = groups[0]!;
    await send(new AuthorizeSecurityGroupIngressCommand({ GroupId: g0, IpPermissions: [{ IpProtocol: 'udp', FromPort: 5060, ToPort: 5060, IpRanges: [{ CidrIp: '203.0.113.0/24' }] }] }));
    t = performance.now();
    await handleDeliveries([viaOne('AuthorizeSecurityGroupIngress', { groupId: g0 })], deps);
    const ruleLatency = performance.now() - t;
    const stopped = instances[0]!;
    await send(new StopInstancesCommand({ InstanceIds: [stopped] }));
    await handleDeliveries([viaOne('StopInstances', { instancesSet: { items: [{ instanceId: stopped }] } })], deps);
    await send(new StartInstancesCommand({ InstanceIds: [stopped] }));
    t = performance.now();
    await handleDeliveries([viaOne('StartInstances', { instancesSet: { items: [{ instanceId: stopped }] } })], deps);
    const startLatency = performance.now() - t;

    return [
      { name: `events/s through the handler, start/stop (batches of ${BATCH}, ${GROUPS} groups, ${INSTANCES} instances)`, value: round(startStopRate), unit: 'events/s' },
      { name: `events/s through the handler, rule changes (batches of ${BATCH}, one commit each)`, value: round(ruleRate), unit: 'events/s' },
      { name: 'events/s unwrapping a 100,000-record CloudTrail log (no run)', value: Math.round(unwrapRate), unit: 'events/s' },
      { name: 'commits per 1,000 start/stop events', value: startStopCommits, unit: 'commits' },
      { name: `commits per 1,000 rule-change events (${1000 / BATCH} batches)`, value: ruleCommits, unit: 'commits' },
      { name: 'event to firewall: new SG rule committed (sim commit 500 ms)', value: Math.round(ruleLatency), unit: 'ms' },
      { name: 'event to firewall: instance start registered (no commit)', value: Math.round(startLatency), unit: 'ms' },
    ];
  } finally {
    session.destroy();
    await sim.close();
    await moto.stop();
  }
}

function viaOne(eventName: string, params: unknown): unknown {
  return eventBridge(record(eventName, params));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function firewallConfig(): string {
  return `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><rulebase><security><rules>
<entry name="Clean up"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry>
</rules></security></rulebase></entry></vsys></entry></devices></config>`;
}
