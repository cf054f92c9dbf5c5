/** IP protocol numbers the simulator names. */
export const Protocol = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, SCTP: 132 } as const;

/**
 * One standard port set of an application: a protocol plus destination port ranges (TCP/UDP/SCTP),
 * or an ICMP type (absent = every type of that ICMP protocol).
 */
export interface DefaultPort {
  readonly protocol: number;
  readonly ports?: ReadonlyArray<readonly [number, number]>;
  readonly icmpType?: number;
}

const tcp = (...ports: Array<number | [number, number]>): DefaultPort => ({
  protocol: Protocol.TCP,
  ports: ports.map((p) => (typeof p === 'number' ? ([p, p] as const) : p)),
});
const udp = (...ports: Array<number | [number, number]>): DefaultPort => ({
  protocol: Protocol.UDP,
  ports: ports.map((p) => (typeof p === 'number' ? ([p, p] as const) : p)),
});

/**
 * `application-default`: the standard ports of the App-IDs the simulator knows. Values follow the
 * vendor's Applipedia for the App-IDs listed in the reference (and the Lambda seed's port map), plus a
 * few common ones. An application missing here has no default ports, so `application-default` never
 * matches it.
 */
export const APPLICATION_DEFAULTS: ReadonlyMap<string, readonly DefaultPort[]> = new Map<string, readonly DefaultPort[]>([
  ['ftp', [tcp(21)]],
  ['ssh', [tcp(22)]],
  ['telnet', [tcp(23)]],
  ['smtp', [tcp(25)]],
  ['dns', [tcp(53), udp(53)]],
  ['web-browsing', [tcp(80)]],
  ['pop3', [tcp(110)]],
  ['ntp', [udp(123)]],
  ['imap', [tcp(143)]],
  ['snmp', [udp(161)]],
  ['ldap', [tcp(389, 636), udp(389)]],
  ['ssl', [tcp(443)]],
  ['syslog', [udp(514)]],
  ['ms-sql', [tcp(1433)]],
  ['oracle', [tcp(1521)]],
  ['mysql', [tcp(3306)]],
  ['ms-rdp', [tcp(3389), udp(3389)]],
  ['postgres', [tcp(5432)]],
  ['amazon-redshift', [tcp(5439)]],
  ['ping', [{ protocol: Protocol.ICMP, icmpType: 8 }, { protocol: Protocol.ICMPV6, icmpType: 128 }]],
  ['icmp', [{ protocol: Protocol.ICMP }]],
  ['ipv6-icmp', [{ protocol: Protocol.ICMPV6 }]],
  ['traceroute', [udp([33434, 33534])]],
]);

/** Names that denote the same App-ID (the Lambda seed writes `rdp`; the App-ID is `ms-rdp`). */
const ALIASES: ReadonlyMap<string, string> = new Map([['rdp', 'ms-rdp']]);

export function canonicalApplication(name: string): string {
  return ALIASES.get(name) ?? name;
}

/** The traffic the policy lookup evaluates (destination side only; source ports are optional). */
export interface FlowPorts {
  readonly protocol: number;
  readonly destinationPort?: number;
  readonly icmpType?: number;
}

export function defaultPortMatches(entry: DefaultPort, flow: FlowPorts): boolean {
  if (entry.protocol !== flow.protocol) return false;
  if (entry.ports !== undefined) {
    const port = flow.destinationPort;
    return port !== undefined && entry.ports.some(([lo, hi]) => lo <= port && port <= hi);
  }
  return entry.icmpType === undefined || entry.icmpType === flow.icmpType;
}

/** True when `flow` is on one of the standard ports of `application`. */
export function isApplicationDefault(application: string, flow: FlowPorts): boolean {
  const entries = APPLICATION_DEFAULTS.get(canonicalApplication(application)) ?? [];
  return entries.some((entry) => defaultPortMatches(entry, flow));
}
