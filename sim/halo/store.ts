/**
 * The simulator's in-memory account: plain records keyed by id. Maps keep insertion order, which is the
 * order lists are returned in (stable pagination). Derived fields (used_by, group_path, server_counts, urls)
 * are computed by views.ts, never stored, so they cannot go stale.
 */
import type { WireAction, WireChain, WireFinding, WirePlatform, WireServerInterface, WireServerState } from './wire-types.js';
import type { ScanOutcome } from './scan-script.js';

export interface ZoneRecord {
  readonly id: string;
  name: string;
  ip_address: string;
  description: string;
  shared: boolean;
  readonly system: boolean;
}

export interface ServiceRecord {
  readonly id: string;
  name: string;
  protocol: string;
  port: string | null;
  description: string;
  shared: boolean;
  readonly system: boolean;
}

export interface InterfaceRecord {
  readonly id: string;
  name: string;
  readonly system: boolean;
}

/** A rule's source or target, resolved. */
export type PeerRef =
  | { readonly kind: 'zone'; readonly id: string }
  | { readonly kind: 'group'; readonly id: string }
  /** A built-in collection named in the reference, e.g. "All Active Servers". */
  | { readonly kind: 'special-group'; readonly name: string }
  /** GhostPorts users and user groups are not simulated; the reference is kept as given. */
  | { readonly kind: 'user'; readonly id?: string; readonly name?: string }
  | { readonly kind: 'user-group'; readonly id?: string; readonly name?: string };

export interface RuleRecord {
  readonly id: string;
  chain: WireChain;
  action: WireAction;
  active: boolean;
  /** null = any. */
  peer: PeerRef | null;
  serviceId: string | null;
  interfaceId: string | null;
  connection_states: string | null;
  log: boolean;
  log_prefix: string;
  comment: string;
}

export interface WindowsSettings {
  log_allowed: boolean;
  log_dropped: boolean;
  block_inbound: boolean;
  block_outbound: boolean;
}

export interface PolicyRecord {
  readonly id: string;
  name: string;
  platform: WirePlatform;
  description: string;
  shared: boolean;
  ignore_forwarding_rules: boolean;
  /** Only for windows policies. */
  windows: WindowsSettings | null;
  /** Rules per chain; a rule's position is its index + 1. */
  chains: { INPUT: RuleRecord[]; OUTPUT: RuleRecord[] };
}

export interface GroupRecord {
  readonly id: string;
  name: string;
  description: string;
  tag: string | null;
  parent_id: string | null;
  linux_firewall_policy_id: string | null;
  windows_firewall_policy_id: string | null;
  policy_ids: string[];
}

export interface ServerRecord {
  readonly id: string;
  hostname: string;
  server_label: string | null;
  primary_ip_address: string;
  connecting_ip_address: string;
  state: WireServerState;
  platform: string;
  group_id: string;
  interfaces: WireServerInterface[];
}

export interface CommandRecord {
  readonly id: string;
  readonly serverId: string;
  readonly scanId: string;
}

/** The final result of a scan, fixed at launch and revealed when the scan's time is up. */
export interface ScanResult {
  readonly status: 'completed_clean' | 'completed_with_errors' | 'failed';
  readonly findings: readonly WireFinding[];
}

export interface ScanRecord {
  readonly id: string;
  readonly serverId: string;
  readonly serverHostname: string;
  readonly commandId: string;
  readonly createdAt: number;
  /** End of the queued phase. */
  readonly queuedUntil: number;
  /** End of the pending phase (the scan then runs until endsAt). */
  readonly pendingUntil: number;
  /** Infinity for a scan that never completes. */
  readonly endsAt: number;
  readonly outcome: ScanOutcome | null;
  readonly result: ScanResult | null;
  /** Set once the completion has been applied (issues updated). */
  settled: boolean;
}

export interface IssueRecord {
  readonly id: string;
  readonly serverId: string;
  readonly serverHostname: string;
  readonly name: string;
  critical: boolean;
  status: 'active' | 'resolved';
  readonly createdAt: number;
  lastSeenAt: number;
  resolvedAt: number | null;
}

export class Store {
  readonly zones = new Map<string, ZoneRecord>();
  readonly services = new Map<string, ServiceRecord>();
  readonly interfaces = new Map<string, InterfaceRecord>();
  readonly policies = new Map<string, PolicyRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly servers = new Map<string, ServerRecord>();
  readonly commands = new Map<string, CommandRecord>();
  readonly scans = new Map<string, ScanRecord>();
  readonly issues = new Map<string, IssueRecord>();
  /**
   * Objects created through the API stay invisible to reads until this time when eventual consistency is
   * switched on (option `eventualConsistencyMs`).
   */
  readonly hiddenUntil = new Map<string, number>();

  /** Every id in use, whatever its kind: explicit seed ids must not collide. */
  hasId(id: string): boolean {
    if (this.zones.has(id) || this.services.has(id) || this.interfaces.has(id) || this.policies.has(id)) return true;
    if (this.groups.has(id) || this.servers.has(id) || this.commands.has(id) || this.scans.has(id)) return true;
    if (this.issues.has(id)) return true;
    for (const p of this.policies.values()) {
      if (p.chains.INPUT.some((r) => r.id === id) || p.chains.OUTPUT.some((r) => r.id === id)) return true;
    }
    return false;
  }
}

/** Case-insensitive name comparison, as Halo compares object names. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
