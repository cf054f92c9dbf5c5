/**
 * The worlds the convert tests run in: moto (the worker's server) for AWS, a Halo simulator started in-process,
 * credentials files for its full-access and read-only keys, and readable views of both sides built from their
 * own state (the simulator's account snapshot, the SDK's DescribeSecurityGroups) — never from ruleport's parsers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand, type IpPermission } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startHaloSim, type HaloApiKey, type HaloSim, type SeedData, type WirePeer, type WireRule } from '../../../sim/halo/index.js';
import type { Ec2Handle } from '../../../src/platforms/aws/session.js';
import { motoSession, resetMoto } from '../../harness/moto.js';
import { createVpc } from '../aws/world.js';
import { cli, cliEnvironment, createGroup, url, type CliResult } from '../migrate/world.js';

export { cli, cliEnvironment, createGroup, dropAutomaticEgress, egress, groupsOf, ingress, url, type CliResult } from '../migrate/world.js';

export interface HaloWorld {
  readonly sim: HaloSim;
  /** Credentials file of the full-access key. */
  readonly auth: string;
  /** Credentials file of the read-only key. */
  readonly readOnlyAuth: string;
  /** Calls the simulator's request hook with each request line (`POST /v1/firewall_zones 201`) once answered. */
  onRequest(hook: ((line: string) => void) | undefined): void;
  /** `ruleport --halo-url SIM --auth FILE --yes ARGS` (AWS flags as `cli` adds them). */
  ruleport(...args: string[]): Promise<CliResult>;
}

function authFile(dir: string, name: string, key: HaloApiKey): string {
  const path = join(dir, name);
  writeFileSync(path, `# Halo API key for the convert tests\n\n${key.keyId}|${key.secret}\n`, { mode: 0o600 });
  return path;
}

/** A fresh simulator (with `seed`) and credentials files in `dir`. */
export async function startHaloWorld(dir: string, seed?: SeedData): Promise<HaloWorld> {
  let hook: ((line: string) => void) | undefined;
  const sim = await startHaloSim({ port: 0, log: (line) => hook?.(line), ...(seed ? { seed } : {}) });
  const auth = authFile(dir, 'halo.auth', sim.keys.full);
  const readOnlyAuth = authFile(dir, 'halo-read-only.auth', sim.keys.readOnly);
  return {
    sim,
    auth,
    readOnlyAuth,
    onRequest: (h) => {
      hook = h;
    },
    ruleport: (...args) => cli('--halo-url', sim.url, '--auth', auth, '--yes', ...args),
  };
}

/** The region the convert tests' AWS side lives in. */
export const REGION = 'us-east-1';

/** What each convert test starts from; fields are set anew before every test. */
export interface ConvertFixture {
  ec2: Ec2Handle;
  /** A VPC 10.0.0.0/16 in REGION. */
  vpc: string;
  /** A security group `app` in it, with no rules but the automatic egress. */
  app: string;
  /** A fresh simulator seeded with `seed`; a test that replaces it sets this field so that it is closed after. */
  world: HaloWorld;
  dir(): string;
}

/**
 * Registers the hooks of a convert test file: CLI credentials for moto, then before every test a reset moto with
 * one VPC and group `app`, and a fresh Halo simulator.
 */
export function convertFixture(seed: SeedData): ConvertFixture {
  const env = cliEnvironment();
  const f = { dir: env.dir } as ConvertFixture;
  let destroy = (): void => {};
  beforeAll(() => env.install());
  afterAll(() => env.restore());
  beforeEach(async () => {
    await resetMoto(url);
    const session = motoSession(url);
    destroy = () => session.destroy();
    f.ec2 = session.ec2(REGION);
    f.vpc = await createVpc(f.ec2, '10.0.0.0/16');
    f.app = await createGroup(f.ec2, f.vpc, 'app', 'app tier');
    f.world = await startHaloWorld(env.dir(), seed);
  });
  afterEach(async () => {
    destroy();
    await f.world.sim.close();
  });
  return f;
}

/** Non-GET requests the simulator answered (the token request excluded): what a run wrote, or tried to. */
export function writes(sim: HaloSim): string[] {
  return sim.requestLog.filter((e) => e.method !== 'GET' && e.path !== '/oauth/access_token').map((e) => `${e.method} ${e.path} ${e.status}`);
}

/**
 * A policy as the simulator holds it, one readable line per rule:
 * `INPUT 2 ACCEPT zone office [203.0.113.0/24] service ssh [TCP 22]`, `OUTPUT 2 DROP any any`.
 */
export function haloRules(sim: HaloSim, policyName: string): string[] {
  const state = sim.state;
  const policy = state.policies.find((p) => p.name === policyName);
  if (!policy) throw new Error(`the simulator has no policy ${policyName} (has: ${state.policies.map((p) => p.name).join(', ')})`);
  const peer = (p: WirePeer | null | undefined): string => {
    if (!p) return 'any';
    switch (p.type) {
      case 'FirewallZone': {
        const z = state.zones.find((x) => x.id === p.id || x.name === p.name)!;
        return `zone ${z.name} [${z.ip_address}]`;
      }
      case 'Group':
        return `group ${state.groups.find((g) => g.id === p.id)?.name ?? p.name}`;
      default:
        return `${p.type} ${p.name ?? p.id}`;
    }
  };
  const service = (r: WireRule): string => {
    if (!r.firewall_service) return 'any';
    const s = state.services.find((x) => x.id === r.firewall_service!.id)!;
    return `service ${s.name} [${s.protocol}${s.port ? ` ${s.port}` : ''}]`;
  };
  return (policy.firewall_rules ?? []).map(
    (r) => `${r.chain} ${r.position} ${r.action}${r.active ? '' : ' inactive'} ${peer(r.chain === 'INPUT' ? r.firewall_source : r.firewall_target)} ${service(r)}`,
  );
}

/** A security group's permissions as sorted lines: `ingress tcp 22-22 10.0.0.0/16`, `egress -1 sg-…`. */
export async function sgRules(ec2: Ec2Handle, groupId: string): Promise<string[]> {
  const out = await ec2.client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  const g = out.SecurityGroups![0]!;
  const lines = (direction: string, perms: IpPermission[] | undefined): string[] =>
    (perms ?? []).flatMap((p) => {
      const what = p.IpProtocol === '-1' ? '-1' : `${p.IpProtocol} ${p.FromPort}-${p.ToPort}`;
      const peers = [
        ...(p.IpRanges ?? []).map((r) => r.CidrIp!),
        ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6!),
        ...(p.UserIdGroupPairs ?? []).map((r) => r.GroupId!),
        ...(p.PrefixListIds ?? []).map((r) => r.PrefixListId!),
      ];
      return peers.map((peer) => `${direction} ${what} ${peer}`);
    });
  return [...lines('ingress', g.IpPermissions), ...lines('egress', g.IpPermissionsEgress)].sort();
}
