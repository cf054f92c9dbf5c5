/**
 * Halo server groups, servers and SCA scans: the calls `ruleport admit` makes, over the Halo transport
 * (client.ts: auth, retries, pagination). Responses are checked for the fields ruleport relies on and
 * narrowed to small camelCase records, so a workflow never handles raw wire JSON.
 */
import { z } from 'zod';
import { RemoteError } from '../../model/index.js';
import { connectHalo, HALO, HaloRemoteError, type HaloClient } from './client.js';
import { idSegment } from './api-path.js';
import type { HaloConnectOptions } from './credentials.js';

/** A server group. `path` is the `group_path` (`prod/web`), or the name when Halo gives none. */
export interface HaloGroup {
  readonly id: string;
  readonly name: string;
  readonly path: string;
  readonly linuxFirewallPolicyId: string | null;
  readonly windowsFirewallPolicyId: string | null;
}

/** A server (workload running the Halo agent). */
export interface HaloServer {
  readonly id: string;
  readonly hostname: string;
  readonly platform: string;
  readonly state: string;
  readonly groupId: string;
  /** Primary, connecting and interface addresses, without repeats. */
  readonly ips: readonly string[];
}

/** A command sent to an agent (here: an SCA scan). `status`: queued | pending | completed | failed. */
export interface HaloCommand {
  readonly id: string;
  readonly status: string;
  /** Server time the command was created; undefined when Halo omits it. */
  readonly createdAt?: string;
}

export interface ScaFinding {
  readonly ruleName: string;
  readonly critical: boolean;
  /** bad | good | indeterminate */
  readonly status: string;
}

/** The latest SCA result of a server. */
export interface ScaScan {
  readonly id: string;
  /** queued | pending | running | completed_clean | completed_with_errors | failed */
  readonly status: string;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly critical: number;
  readonly nonCritical: number;
  readonly findings: readonly ScaFinding[];
}

/** Per-call options: `signal` stops the call, its retry waits included, when the caller's deadline passes. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** What `ruleport admit` needs from Halo. Lookups of things that may vanish answer undefined on 404. */
export interface HaloServersApi {
  /** Throws InputError when the key is read-only; `action` names what needs writing. */
  requireWrite(action: string): Promise<void>;
  listGroups(): Promise<HaloGroup[]>;
  getGroup(id: string): Promise<HaloGroup>;
  /** The firewall policy's name. */
  firewallPolicyName(id: string): Promise<string>;
  /** The group's own active servers, every page. */
  listActiveServers(groupId: string): Promise<HaloServer[]>;
  getServer(id: string): Promise<HaloServer | undefined>;
  /** `POST /v1/servers/{id}/scans {"scan":{"module":"sca"}}`. */
  launchScan(serverId: string, options?: CallOptions): Promise<HaloCommand>;
  getCommand(serverId: string, commandId: string, options?: CallOptions): Promise<HaloCommand>;
  /** `GET /v1/servers/{id}/sca`; undefined while the server has no scan. */
  latestSca(serverId: string, options?: CallOptions): Promise<ScaScan | undefined>;
  /** `PUT /v1/servers/{id} {"server":{"group_id":…}}`. */
  moveServer(serverId: string, groupId: string): Promise<void>;
}

/** True for a 404 from Halo (the object does not exist, or no longer does). */
export function isNotFound(e: unknown): boolean {
  return e instanceof RemoteError && e.status === 404;
}

const id = z.union([z.string().min(1), z.number()]).transform(String);
const nullableId = z.union([z.string(), z.number()]).nullish().transform((v) => (v === undefined || v === null || v === '' ? null : String(v)));

const groupSchema = z.object({
  id,
  name: z.string(),
  group_path: z.string().nullish(),
  linux_firewall_policy_id: nullableId,
  windows_firewall_policy_id: nullableId,
});

const serverSchema = z.object({
  id,
  hostname: z.string(),
  platform: z.string().nullish(),
  state: z.string().nullish(),
  group_id: nullableId,
  primary_ip_address: z.string().nullish(),
  connecting_ip_address: z.string().nullish(),
  interfaces: z.array(z.object({ ip_address: z.string().nullish() })).nullish(),
});

const commandSchema = z.object({ command: z.object({ id, status: z.string(), created_at: z.string().nullish() }) });

const scaSchema = z.object({
  scan: z.object({
    id,
    status: z.string(),
    created_at: z.string(),
    completed_at: z.string().nullish(),
    critical_findings_count: z.number().int().nonnegative().nullish(),
    non_critical_findings_count: z.number().int().nonnegative().nullish(),
    findings: z
      .array(z.object({ rule_name: z.string(), critical: z.boolean().nullish(), status: z.string() }))
      .nullish(),
  }),
});

const policySchema = z.object({ firewall_policy: z.object({ name: z.string() }) });

/** `schema.parse`, with a failure reported as a RemoteError naming the call and the field. */
function shaped<S extends z.ZodType>(schema: S, body: unknown, call: string): z.output<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = (issue?.path ?? []).map(String).join('.');
  throw new RemoteError(HALO, call, `unexpected answer${where ? ` at ${where}` : ''}: ${issue?.message ?? 'invalid shape'}`);
}

function toGroup(g: z.output<typeof groupSchema>): HaloGroup {
  return {
    id: g.id,
    name: g.name,
    path: g.group_path || g.name,
    linuxFirewallPolicyId: g.linux_firewall_policy_id,
    windowsFirewallPolicyId: g.windows_firewall_policy_id,
  };
}

function toServer(s: z.output<typeof serverSchema>): HaloServer {
  const ips = [s.primary_ip_address, s.connecting_ip_address, ...(s.interfaces ?? []).map((i) => i.ip_address)];
  return {
    id: s.id,
    hostname: s.hostname,
    platform: s.platform ?? '',
    state: s.state ?? 'active',
    groupId: s.group_id ?? '',
    ips: [...new Set(ips.filter((ip): ip is string => typeof ip === 'string' && ip !== ''))],
  };
}

/** HaloServersApi over the Halo transport. */
export class HaloServersClient implements HaloServersApi {
  constructor(readonly http: HaloClient) {}

  requireWrite(action: string): Promise<void> {
    return this.http.requireWrite(action);
  }

  async listGroups(): Promise<HaloGroup[]> {
    const call = 'GET /v1/groups';
    const raw = await this.http.list<unknown>('/v1/groups', 'groups', { call });
    return raw.map((g) => toGroup(shaped(groupSchema, g, call)));
  }

  async getGroup(groupId: string): Promise<HaloGroup> {
    const call = `GET /v1/groups/${groupId}`;
    const body = await this.http.get<unknown>(`/v1/groups/${idSegment(groupId, 'group id')}`, { call });
    return toGroup(shaped(z.object({ group: groupSchema }), body, call).group);
  }

  async firewallPolicyName(policyId: string): Promise<string> {
    const call = `GET /v1/firewall_policies/${policyId}`;
    const body = await this.http.get<unknown>(`/v1/firewall_policies/${idSegment(policyId, 'policy id')}`, { call });
    return shaped(policySchema, body, call).firewall_policy.name;
  }

  async listActiveServers(groupId: string): Promise<HaloServer[]> {
    const call = `GET /v1/groups/${groupId}/servers`;
    const raw = await this.http.list<unknown>(`/v1/groups/${idSegment(groupId, 'group id')}/servers?state=active`, 'servers', { call });
    return raw.map((s) => toServer(shaped(serverSchema, s, call)));
  }

  async getServer(serverId: string): Promise<HaloServer | undefined> {
    const call = `GET /v1/servers/${serverId}`;
    try {
      const body = await this.http.get<unknown>(`/v1/servers/${idSegment(serverId, 'server id')}`, { call });
      return toServer(shaped(z.object({ server: serverSchema }), body, call).server);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async launchScan(serverId: string, options: CallOptions = {}): Promise<HaloCommand> {
    const call = `POST /v1/servers/${serverId}/scans`;
    // Repeating a launch after a 5xx at worst starts a second scan, which is harmless: the latest command is
    // the one polled. Giving up on the server because of one transient error is not.
    const body = await this.http.post<unknown>(`/v1/servers/${idSegment(serverId, 'server id')}/scans`, { scan: { module: 'sca' } }, { call, idempotent: true, ...options });
    return toCommand(shaped(commandSchema, body, call));
  }

  async getCommand(serverId: string, commandId: string, options: CallOptions = {}): Promise<HaloCommand> {
    const call = `GET /v1/servers/${serverId}/commands/${commandId}`;
    const body = await this.http.get<unknown>(`/v1/servers/${idSegment(serverId, 'server id')}/commands/${idSegment(commandId, 'command id')}`, { call, ...options });
    return toCommand(shaped(commandSchema, body, call));
  }

  async latestSca(serverId: string, options: CallOptions = {}): Promise<ScaScan | undefined> {
    const call = `GET /v1/servers/${serverId}/sca`;
    let body: unknown;
    try {
      body = await this.http.get<unknown>(`/v1/servers/${idSegment(serverId, 'server id')}/sca`, { call, ...options });
    } catch (e) {
      // 404 means "no scan yet" — unless it is the server itself that is gone, which the caller must learn.
      const resource = e instanceof HaloRemoteError ? (e.body as { resource?: unknown } | undefined)?.resource : undefined;
      if (isNotFound(e) && resource !== 'server') return undefined;
      throw e;
    }
    const scan = shaped(scaSchema, body, call).scan;
    const findings: ScaFinding[] = (scan.findings ?? []).map((f) => ({ ruleName: f.rule_name, critical: f.critical ?? false, status: f.status }));
    const bad = findings.filter((f) => f.status === 'bad');
    return {
      id: scan.id,
      status: scan.status,
      createdAt: scan.created_at,
      completedAt: scan.completed_at ?? null,
      critical: scan.critical_findings_count ?? bad.filter((f) => f.critical).length,
      nonCritical: scan.non_critical_findings_count ?? bad.filter((f) => !f.critical).length,
      findings,
    };
  }

  async moveServer(serverId: string, groupId: string): Promise<void> {
    const call = `PUT /v1/servers/${serverId}`;
    await this.http.put<unknown>(`/v1/servers/${idSegment(serverId, 'server id')}`, { server: { group_id: groupId } }, { call });
  }
}

function toCommand(c: z.output<typeof commandSchema>): HaloCommand {
  const { id: commandId, status, created_at } = c.command;
  return created_at ? { id: commandId, status, createdAt: created_at } : { id: commandId, status };
}

/** A HaloServersApi from the CLI's connection options (`--halo-url`, `--auth`, the environment). */
export async function connectHaloServers(
  opts: HaloConnectOptions,
  io: { warn(message: string): void; debug(message: string): void },
): Promise<HaloServersClient> {
  return new HaloServersClient(await connectHalo(opts, io));
}
