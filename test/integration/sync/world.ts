/**
 * A small world for sync tests: in moto, a VPC whose subnets route to a firewall instance (one explicitly, one
 * through the main table) and one subnet that does not; in sim/panos, a rulebase with an administrator's rule and
 * a bottom rule. Built through the SDK and the simulator, never through the code under test.
 */
import {
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateSecurityGroupCommand,
  DescribeRouteTablesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { startPanosSim, type PanosSim } from '../../../sim/panos/index.js';
import { PanosClient } from '../../../src/platforms/panos/client.js';
import { parsePanosTarget } from '../../../src/platforms/panos/credentials.js';
import type { AwsSession, Ec2Handle } from '../../../src/platforms/aws/session.js';
import { parseSyncConfig, type SyncConfig } from '../../../src/workflows/sync/config.js';
import type { SyncEnvironment } from '../../../src/workflows/sync/run.js';
import { motoSession, resetMoto } from '../../harness/moto.js';
import { createRouteTable, createSubnet, createVpc, runInstance } from '../aws/world.js';

export const USERS = { ruleport: 'rp-secret', alice: 'alice-secret' };
export const VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";
export const RULES = `${VSYS}/rulebase/security/rules`;

const entry = (name: string, from: string, to: string, app: string, service: string, action: string): string =>
  `<entry name="${name}"><from><member>${from}</member></from><to><member>${to}</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>${app}</member></application><service><member>${service}</member></service><action>${action}</action></entry>`;

/** The firewall before sync: an administrator's web rule, a rule of another team, the bottom rule. */
export const FIREWALL_CONFIG = `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">
<zone><entry name="trust"><network><layer3/></network></entry><entry name="untrust"><network><layer3/></network></entry></zone>
<rulebase><security><rules>
${entry('allow-web', 'untrust', 'trust', 'web-browsing', 'application-default', 'allow')}
${entry('deny-telnet', 'untrust', 'trust', 'telnet', 'application-default', 'deny')}
${entry('Clean up', 'any', 'any', 'any', 'any', 'deny')}
</rules></security></rulebase></entry></vsys></entry></devices></config>`;

export interface World {
  readonly session: AwsSession;
  readonly ec2: Ec2Handle;
  readonly vpcId: string;
  readonly firewallId: string;
  /** Behind the firewall through an explicit association / through the main table / not behind it. */
  readonly subnets: { readonly explicit: string; readonly main: string; readonly outside: string };
  readonly webGroup: string;
  readonly sim: PanosSim;
  readonly client: PanosClient;
  readonly config: SyncConfig;
  readonly env: SyncEnvironment;
}

export interface WorldOptions {
  readonly addressMode?: 'dynamic' | 'static';
  /** Build the VPC in this (member) account, listed in ruleport.yaml with a role to assume. */
  readonly accountId?: string;
}

export async function buildWorld(motoUrl: string, options: WorldOptions = {}): Promise<World> {
  await resetMoto(motoUrl);
  const session = motoSession(motoUrl, options.accountId ? { accountId: options.accountId } : {});
  const ec2 = session.ec2('us-east-1');
  const vpcId = await createVpc(ec2, '10.0.0.0/16');
  const fwSubnet = await createSubnet(ec2, vpcId, '10.0.0.0/24');
  const firewallId = await runInstance(ec2, fwSubnet, []);
  const explicit = await createSubnet(ec2, vpcId, '10.0.1.0/24');
  const main = await createSubnet(ec2, vpcId, '10.0.2.0/24');
  const outside = await createSubnet(ec2, vpcId, '10.0.3.0/24');
  const viaFirewall = await createRouteTable(ec2, vpcId, explicit);
  await ec2.client.send(new CreateRouteCommand({ RouteTableId: viaFirewall, DestinationCidrBlock: '0.0.0.0/0', InstanceId: firewallId }));
  const tables = await ec2.client.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const mainTable = tables.RouteTables!.find((t) => t.Associations?.some((a) => a.Main))!.RouteTableId!;
  await ec2.client.send(new CreateRouteCommand({ RouteTableId: mainTable, DestinationCidrBlock: '0.0.0.0/0', InstanceId: firewallId }));
  const igwTable = await createRouteTable(ec2, vpcId, outside);
  const igw = (await ec2.client.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
  await ec2.client.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
  await ec2.client.send(new CreateRouteCommand({ RouteTableId: igwTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
  const webGroup = await createGroup(ec2, vpcId, 'web');

  const sim = await startPanosSim({ users: USERS, commitDurationMs: 10, config: FIREWALL_CONFIG });
  const client = new PanosClient({
    baseUrl: sim.url,
    auth: { kind: 'password', user: 'ruleport', password: USERS.ruleport, source: 'test' },
    sleep: () => new Promise((r) => setTimeout(r, 5)),
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  const config = parseSyncConfig(
    `firewall:
  location: panos:${sim.url}/vsys1
  zones: { untrust: untrust, trust: trust }
  bottom-rule: Clean up
  profile-group: strict
  address-mode: ${options.addressMode ?? 'dynamic'}
aws:
  regions: [us-east-1]
  firewall-instances: { ${vpcId}: ${firewallId} }
${options.accountId ? `  accounts:\n    - { id: "${options.accountId}", role-arn: "arn:aws:iam::${options.accountId}:role/ruleport-sync" }\n` : ''}`,
    'ruleport.yaml',
  );
  const env: SyncEnvironment = { config, client, target: parsePanosTarget(`${sim.url}/vsys1`), accounts: [{ session }] };
  return { session, ec2, vpcId, firewallId, subnets: { explicit, main, outside }, webGroup, sim, client, config, env };
}

export async function createGroup(ec2: Ec2Handle, vpcId: string, name: string): Promise<string> {
  const out = await ec2.client.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }));
  return out.GroupId!;
}

export const tcpFrom = (port: number, cidr: string): IpPermission => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }] });

export async function authorize(ec2: Ec2Handle, groupId: string, perm: IpPermission): Promise<void> {
  await ec2.client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [perm] }));
}

export async function stop(ec2: Ec2Handle, id: string): Promise<void> {
  await ec2.client.send(new StopInstancesCommand({ InstanceIds: [id] }));
}
export async function start(ec2: Ec2Handle, id: string): Promise<void> {
  await ec2.client.send(new StartInstancesCommand({ InstanceIds: [id] }));
}
export async function terminate(ec2: Ec2Handle, id: string): Promise<void> {
  await ec2.client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
}

export { runInstance };

/** Commit requests the simulator has seen. */
export function commits(sim: PanosSim): number {
  return sim.requestLog.filter((r) => r.type === 'commit').length;
}

/** The rule names of the running rulebase, in order (parsed from the simulator's own XML). */
export function runningRuleNames(sim: PanosSim): string[] {
  const xml = sim.runningXml();
  const rules = xml.slice(xml.indexOf('<rules>'), xml.indexOf('</rules>'));
  return [...rules.matchAll(/<entry name="([^"]+)"/g)].map((m) => m[1]!);
}

/** An API key of the `ruleport` user, from the simulator's keygen. */
export async function simKey(w: World): Promise<string> {
  const res = await fetch(`${w.sim.url}/api/`, { method: 'POST', body: new URLSearchParams({ type: 'keygen', user: 'ruleport', password: USERS.ruleport }) });
  return /<key>([^<]+)<\/key>/.exec(await res.text())![1]!;
}
