/**
 * The Halo REST API's wire format, as the simulator sends it. Field names are the vendor's (snake_case);
 * the shapes follow the reference payloads. Everything here is plain JSON data.
 */

/** `{id, name}` of an object that uses another (a policy's groups, a zone's policies). */
export interface WireUsedBy {
  readonly id: string;
  readonly name: string;
}

export type WireChain = 'INPUT' | 'OUTPUT';
export type WireAction = 'ACCEPT' | 'DROP' | 'REJECT';
export type WirePeerType = 'FirewallZone' | 'Group' | 'User' | 'UserGroup';
export type WirePlatform = 'linux' | 'windows';
export type WireServerState = 'active' | 'missing' | 'deactivated' | 'retired';

export interface WireZone {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  /** Comma-separated addresses, CIDRs and `a-b` ranges — a string, not an array. */
  readonly ip_address: string;
  readonly description: string;
  readonly system: boolean;
  readonly shared: boolean;
  readonly used_by: readonly WireUsedBy[];
}

export interface WireService {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  /** `TCP`, `UDP`, `ICMP` or an IP protocol number as a string. */
  readonly protocol: string;
  /** A port, `a:b` / `a-b` range, the ICMP type, or null for all. */
  readonly port: string | null;
  readonly description: string;
  readonly system: boolean;
  readonly shared: boolean;
  readonly used_by: readonly WireUsedBy[];
}

export interface WireInterface {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly system: boolean;
  readonly used_by: readonly WireUsedBy[];
}

/**
 * A rule's source (INPUT) or target (OUTPUT). Summaries (policy GET, rule lists) carry `{id, type}` or
 * `{name, type}`; the per-rule GET adds the referenced object's details.
 */
export interface WirePeer {
  readonly id?: string;
  readonly name?: string;
  readonly type: WirePeerType;
  readonly ip_address?: string;
  readonly group_path?: string | null;
  readonly url?: string;
}

/** `{"id":…}` in summaries; the per-rule GET adds name/protocol/port (service) or name (interface). */
export interface WireObjectRef {
  readonly id: string;
  readonly name?: string;
  readonly protocol?: string;
  readonly port?: string | null;
  readonly url?: string;
}

export interface WireRule {
  readonly id: string;
  readonly url: string;
  readonly chain: WireChain;
  readonly action: WireAction;
  readonly active: boolean;
  /** Present on INPUT rules only. */
  readonly firewall_source?: WirePeer | null;
  /** Present on OUTPUT rules only. */
  readonly firewall_target?: WirePeer | null;
  readonly firewall_service: WireObjectRef | null;
  readonly firewall_interface: WireObjectRef | null;
  readonly connection_states: string | null;
  readonly log: boolean;
  readonly log_prefix: string;
  readonly comment: string;
  readonly position: number;
}

export interface WirePolicy {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly platform: WirePlatform;
  readonly description: string;
  readonly shared: boolean;
  readonly ignore_forwarding_rules: boolean;
  readonly used_by: readonly WireUsedBy[];
  /** Windows policies only. */
  readonly log_allowed?: boolean;
  readonly log_dropped?: boolean;
  readonly block_inbound?: boolean;
  readonly block_outbound?: boolean;
  /** Absent from the policy list; present on the single-policy GET. */
  readonly firewall_rules?: readonly WireRule[];
}

export interface WireServerCounts {
  readonly active: number;
  readonly missing: number;
  readonly deactivated: number;
}

export interface WireGroup {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly description: string;
  readonly tag: string | null;
  readonly parent_id: string | null;
  readonly has_children: boolean;
  readonly linux_firewall_policy_id: string | null;
  readonly windows_firewall_policy_id: string | null;
  readonly policy_ids: readonly string[];
  readonly server_counts: WireServerCounts;
  /** Names from the top-level ancestor down to this group, joined with `/`. */
  readonly group_path: string;
}

export interface WireServerInterface {
  readonly name: string;
  readonly ip_address: string;
}

export interface WireServer {
  readonly id: string;
  readonly url: string;
  readonly hostname: string;
  readonly server_label: string | null;
  readonly primary_ip_address: string;
  readonly connecting_ip_address: string;
  readonly state: WireServerState;
  readonly platform: string;
  readonly group_id: string;
  /** Null only for a retired server whose group has since been deleted. */
  readonly group_name: string | null;
  readonly group_path: string | null;
  readonly interfaces: readonly WireServerInterface[];
}

export type WireCommandStatus = 'queued' | 'pending' | 'completed' | 'failed';

export interface WireCommand {
  readonly id: string;
  readonly url: string;
  readonly name: string;
  readonly status: WireCommandStatus;
  readonly created_at: string;
  readonly updated_at: string;
  readonly result: string | null;
}

export type WireScanStatus =
  | 'queued'
  | 'pending'
  | 'running'
  | 'completed_clean'
  | 'completed_with_errors'
  | 'failed';

export interface WireFindingDetail {
  readonly type: string;
  readonly target: string;
  readonly expected: string;
  readonly actual: string;
  readonly status: 'bad' | 'good' | 'indeterminate';
}

export interface WireFinding {
  readonly rule_name: string;
  readonly critical: boolean;
  readonly status: 'bad' | 'good' | 'indeterminate';
  readonly details: readonly WireFindingDetail[];
}

export interface WireScan {
  readonly id: string;
  readonly url: string;
  readonly module: 'sca';
  readonly status: WireScanStatus;
  readonly server_id: string;
  readonly server_hostname: string;
  readonly created_at: string;
  readonly completed_at: string | null;
  readonly critical_findings_count: number;
  readonly non_critical_findings_count: number;
  readonly ok_findings_count: number;
  /** On `/v1/scans/{id}` and `/v1/servers/{id}/sca`; absent from the scan history list. */
  readonly findings?: readonly WireFinding[];
}

export interface WireIssue {
  readonly id: string;
  readonly url: string;
  readonly issue_type: 'csm';
  readonly name: string;
  readonly status: 'active' | 'resolved';
  readonly critical: boolean;
  /** The simulator's agent id is the server id. */
  readonly agent_id: string;
  readonly asset_name: string;
  readonly created_at: string;
  readonly last_seen_at: string;
  readonly resolved_at: string | null;
}

/** The body of a successful token request. */
export interface WireToken {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly scope: 'read' | 'read+write';
}
