/**
 * Records → wire JSON. Derived fields (used_by, group_path, server_counts, positions, urls) are computed here
 * from the current store so they are always consistent with it.
 */
import { countFindings } from './findings.js';
import { commandStatus, commandUpdatedAt, scanStatus } from './scan-timeline.js';
import type {
  GroupRecord,
  InterfaceRecord,
  IssueRecord,
  PeerRef,
  PolicyRecord,
  RuleRecord,
  ScanRecord,
  ServerRecord,
  ServiceRecord,
  Store,
  ZoneRecord,
} from './store.js';
import type {
  WireCommand,
  WireGroup,
  WireInterface,
  WireIssue,
  WireObjectRef,
  WirePeer,
  WirePolicy,
  WireRule,
  WireScan,
  WireServer,
  WireService,
  WireUsedBy,
  WireZone,
} from './wire-types.js';

/** What a view needs: the store, the base URL for `url` fields, and the simulated time. */
export interface ViewContext {
  readonly store: Store;
  readonly baseUrl: string;
  readonly now: number;
}

/** Whether a rule uses the object `id` (as zone/group peer, service or interface). */
export function ruleUses(rule: RuleRecord, id: string): boolean {
  if (rule.serviceId === id || rule.interfaceId === id) return true;
  const peer = rule.peer;
  return (peer?.kind === 'zone' || peer?.kind === 'group') && peer.id === id;
}

export function allRules(policy: PolicyRecord): RuleRecord[] {
  return [...policy.chains.INPUT, ...policy.chains.OUTPUT];
}

/** Policies with a rule that references `id`. */
export function policiesUsing(store: Store, id: string): WireUsedBy[] {
  const out: WireUsedBy[] = [];
  for (const p of store.policies.values()) {
    if (allRules(p).some((r) => ruleUses(r, id))) out.push({ id: p.id, name: p.name });
  }
  return out;
}

/** Groups whose linux or windows firewall policy is `policyId`. */
export function groupsUsingPolicy(store: Store, policyId: string): WireUsedBy[] {
  const out: WireUsedBy[] = [];
  for (const g of store.groups.values()) {
    if (g.linux_firewall_policy_id === policyId || g.windows_firewall_policy_id === policyId) {
      out.push({ id: g.id, name: g.name });
    }
  }
  return out;
}

/** Names from the top-level ancestor down to the group, joined with `/`. */
export function groupPath(store: Store, group: GroupRecord): string {
  const names: string[] = [];
  const seen = new Set<string>();
  let current: GroupRecord | undefined = group;
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    names.unshift(current.name);
    current = current.parent_id ? store.groups.get(current.parent_id) : undefined;
  }
  return names.join('/');
}

export function zoneView(ctx: ViewContext, z: ZoneRecord): WireZone {
  return {
    id: z.id,
    url: `${ctx.baseUrl}/v1/firewall_zones/${z.id}`,
    name: z.name,
    ip_address: z.ip_address,
    description: z.description,
    system: z.system,
    shared: z.shared,
    used_by: policiesUsing(ctx.store, z.id),
  };
}

export function serviceView(ctx: ViewContext, s: ServiceRecord): WireService {
  return {
    id: s.id,
    url: `${ctx.baseUrl}/v1/firewall_services/${s.id}`,
    name: s.name,
    protocol: s.protocol,
    port: s.port,
    description: s.description,
    system: s.system,
    shared: s.shared,
    used_by: policiesUsing(ctx.store, s.id),
  };
}

export function interfaceView(ctx: ViewContext, i: InterfaceRecord): WireInterface {
  return {
    id: i.id,
    url: `${ctx.baseUrl}/v1/firewall_interfaces/${i.id}`,
    name: i.name,
    system: i.system,
    used_by: policiesUsing(ctx.store, i.id),
  };
}

function peerSummary(peer: PeerRef): WirePeer {
  switch (peer.kind) {
    case 'zone':
      return { id: peer.id, type: 'FirewallZone' };
    case 'group':
      return { id: peer.id, type: 'Group' };
    case 'special-group':
      return { name: peer.name, type: 'Group' };
    case 'user':
      return { ...(peer.id !== undefined ? { id: peer.id } : {}), ...(peer.name !== undefined ? { name: peer.name } : {}), type: 'User' };
    case 'user-group':
      return { ...(peer.id !== undefined ? { id: peer.id } : {}), ...(peer.name !== undefined ? { name: peer.name } : {}), type: 'UserGroup' };
    default: {
      const never: never = peer;
      throw new Error(`unknown peer ${JSON.stringify(never)}`);
    }
  }
}

function peerDetail(ctx: ViewContext, peer: PeerRef): WirePeer {
  switch (peer.kind) {
    case 'zone': {
      const z = ctx.store.zones.get(peer.id);
      if (!z) return peerSummary(peer);
      return { id: z.id, name: z.name, type: 'FirewallZone', ip_address: z.ip_address, url: `${ctx.baseUrl}/v1/firewall_zones/${z.id}` };
    }
    case 'group': {
      const g = ctx.store.groups.get(peer.id);
      if (!g) return peerSummary(peer);
      return { id: g.id, name: g.name, type: 'Group', group_path: groupPath(ctx.store, g), url: `${ctx.baseUrl}/v1/groups/${g.id}` };
    }
    case 'special-group':
    case 'user':
    case 'user-group':
      return peerSummary(peer);
    default: {
      const never: never = peer;
      throw new Error(`unknown peer ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A rule. `detail` false (policy GET, rule list) gives bare `{id, type}` / `{id}` references, as the reference
 * payload shows; `detail` true (per-rule GET) adds the referenced objects' names, addresses and ports.
 */
export function ruleView(ctx: ViewContext, policy: PolicyRecord, rule: RuleRecord, detail: boolean): WireRule {
  const position = policy.chains[rule.chain].indexOf(rule) + 1;
  const peer = rule.peer === null ? null : detail ? peerDetail(ctx, rule.peer) : peerSummary(rule.peer);
  let service: WireObjectRef | null = null;
  if (rule.serviceId !== null) {
    const s = ctx.store.services.get(rule.serviceId);
    service =
      detail && s
        ? { id: s.id, name: s.name, protocol: s.protocol, port: s.port, url: `${ctx.baseUrl}/v1/firewall_services/${s.id}` }
        : { id: rule.serviceId };
  }
  let iface: WireObjectRef | null = null;
  if (rule.interfaceId !== null) {
    const i = ctx.store.interfaces.get(rule.interfaceId);
    iface = detail && i ? { id: i.id, name: i.name, url: `${ctx.baseUrl}/v1/firewall_interfaces/${i.id}` } : { id: rule.interfaceId };
  }
  return {
    id: rule.id,
    url: `${ctx.baseUrl}/v1/firewall_policies/${policy.id}/firewall_rules/${rule.id}`,
    chain: rule.chain,
    action: rule.action,
    active: rule.active,
    ...(rule.chain === 'INPUT' ? { firewall_source: peer } : { firewall_target: peer }),
    firewall_service: service,
    firewall_interface: iface,
    connection_states: rule.connection_states,
    log: rule.log,
    log_prefix: rule.log_prefix,
    comment: rule.comment,
    position,
  };
}

/** A policy; `withRules` for the single-policy GET (the list leaves rules out). */
export function policyView(ctx: ViewContext, p: PolicyRecord, withRules: boolean): WirePolicy {
  return {
    id: p.id,
    url: `${ctx.baseUrl}/v1/firewall_policies/${p.id}`,
    name: p.name,
    platform: p.platform,
    description: p.description,
    shared: p.shared,
    ignore_forwarding_rules: p.ignore_forwarding_rules,
    used_by: groupsUsingPolicy(ctx.store, p.id),
    ...(p.windows ?? {}),
    ...(withRules ? { firewall_rules: allRules(p).map((r) => ruleView(ctx, p, r, false)) } : {}),
  };
}

export function groupView(ctx: ViewContext, g: GroupRecord): WireGroup {
  const counts = { active: 0, missing: 0, deactivated: 0 };
  for (const s of ctx.store.servers.values()) {
    if (s.group_id !== g.id || s.state === 'retired') continue;
    counts[s.state] += 1;
  }
  let hasChildren = false;
  for (const other of ctx.store.groups.values()) if (other.parent_id === g.id) hasChildren = true;
  return {
    id: g.id,
    url: `${ctx.baseUrl}/v1/groups/${g.id}`,
    name: g.name,
    description: g.description,
    tag: g.tag,
    parent_id: g.parent_id,
    has_children: hasChildren,
    linux_firewall_policy_id: g.linux_firewall_policy_id,
    windows_firewall_policy_id: g.windows_firewall_policy_id,
    policy_ids: [...g.policy_ids],
    server_counts: counts,
    group_path: groupPath(ctx.store, g),
  };
}

export function serverView(ctx: ViewContext, s: ServerRecord): WireServer {
  const g = ctx.store.groups.get(s.group_id);
  return {
    id: s.id,
    url: `${ctx.baseUrl}/v1/servers/${s.id}`,
    hostname: s.hostname,
    server_label: s.server_label,
    primary_ip_address: s.primary_ip_address,
    connecting_ip_address: s.connecting_ip_address,
    state: s.state,
    platform: s.platform,
    group_id: s.group_id,
    group_name: g ? g.name : null,
    group_path: g ? groupPath(ctx.store, g) : null,
    interfaces: s.interfaces.map((i) => ({ ...i })),
  };
}

export function commandView(ctx: ViewContext, scan: ScanRecord): WireCommand {
  const status = commandStatus(scan, ctx.now);
  let result: string | null = null;
  if (status === 'completed') result = 'SCA scan completed';
  else if (status === 'failed') result = 'SCA scan failed: the agent could not run the scan';
  return {
    id: scan.commandId,
    url: `${ctx.baseUrl}/v1/servers/${scan.serverId}/commands/${scan.commandId}`,
    name: 'sca',
    status,
    created_at: new Date(scan.createdAt).toISOString(),
    updated_at: new Date(commandUpdatedAt(scan, ctx.now)).toISOString(),
    result,
  };
}

/** A scan; `withFindings` for `/v1/scans/{id}` and `/v1/servers/{id}/sca` (the history list leaves them out). */
export function scanView(ctx: ViewContext, scan: ScanRecord, withFindings: boolean): WireScan {
  const status = scanStatus(scan, ctx.now);
  const done = status === 'completed_clean' || status === 'completed_with_errors' || status === 'failed';
  const findings = done && scan.result ? scan.result.findings : [];
  const counts = countFindings(findings);
  return {
    id: scan.id,
    url: `${ctx.baseUrl}/v1/scans/${scan.id}`,
    module: 'sca',
    status,
    server_id: scan.serverId,
    server_hostname: scan.serverHostname,
    created_at: new Date(scan.createdAt).toISOString(),
    completed_at: done ? new Date(scan.endsAt).toISOString() : null,
    critical_findings_count: counts.critical,
    non_critical_findings_count: counts.nonCritical,
    ok_findings_count: counts.ok,
    ...(withFindings ? { findings: findings.map((f) => structuredClone(f)) } : {}),
  };
}

export function issueView(ctx: ViewContext, i: IssueRecord): WireIssue {
  return {
    id: i.id,
    url: `${ctx.baseUrl}/v1/issues/${i.id}`,
    issue_type: 'csm',
    name: i.name,
    status: i.status,
    critical: i.critical,
    agent_id: i.serverId,
    asset_name: i.serverHostname,
    created_at: new Date(i.createdAt).toISOString(),
    last_seen_at: new Date(i.lastSeenAt).toISOString(),
    resolved_at: i.resolvedAt === null ? null : new Date(i.resolvedAt).toISOString(),
  };
}
