/**
 * App-ID data: the standard ports (`application-default`) of the predefined applications ruleport reads and
 * writes, and the order the renderer tries them in. Data only.
 *
 * ruleport reasons about flows (protocol, addresses, port or ICMP type/code), not payloads. An App-ID rule with
 * `service application-default` is read as the flows on that application's standard ports — the envelope the
 * device checks first; App-ID then also requires the traffic to be that application. Standard ports follow the
 * vendor's Applipedia (https://applipedia.paloaltonetworks.com/) for these App-IDs. An application missing here
 * has no known standard ports, and a rule relying on them is reported as not expressible.
 */
import type { Protocol } from '../../model/index.js';

const tcp = (...ports: Array<number | [number, number]>): Protocol => ({
  kind: 'tcp',
  ports: ports.map((p) => (typeof p === 'number' ? { from: p, to: p } : { from: p[0], to: p[1] })),
});
const udp = (...ports: Array<number | [number, number]>): Protocol => ({
  kind: 'udp',
  ports: ports.map((p) => (typeof p === 'number' ? { from: p, to: p } : { from: p[0], to: p[1] })),
});

/** ICMP echo-request (type 8) and ICMPv6 echo-request (type 128): the `ping` App-ID. */
export const ICMP_ECHO_REQUEST = 8;
export const ICMPV6_ECHO_REQUEST = 128;

/** `application-default` of predefined App-IDs, as canonical protocols. */
export const APP_DEFAULT_PORTS: ReadonlyMap<string, readonly Protocol[]> = new Map<string, readonly Protocol[]>([
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
  ['traceroute', [udp([33434, 33534])]],
  ['icmp', [{ kind: 'icmp', icmp: {} }]],
  ['ipv6-icmp', [{ kind: 'icmpv6', icmp: {} }]],
  [
    'ping',
    [
      { kind: 'icmp', icmp: { type: ICMP_ECHO_REQUEST } },
      { kind: 'icmpv6', icmp: { type: ICMPV6_ECHO_REQUEST } },
    ],
  ],
]);

/** Other spellings of the same App-ID (the Lambda seed wrote `rdp`). */
export const APP_ALIASES: ReadonlyMap<string, string> = new Map([['rdp', 'ms-rdp']]);

/**
 * The seed's port → App-ID table, as the renderer uses it in `application-default` mode: an App-ID is chosen
 * only when the rule allows every one of its standard ports (so `ldap` needs tcp 389, 636 and udp 389, `dns`
 * tcp and udp 53); other ports become service objects. ICMP App-IDs come first so that `icmp` absorbs `ping`.
 */
export const RENDER_APP_ORDER: readonly string[] = [
  'icmp',
  'ipv6-icmp',
  'ping',
  'ssh',
  'smtp',
  'dns',
  'web-browsing',
  'pop3',
  'imap',
  'ldap',
  'ssl',
  'mysql',
  'ms-rdp',
  'amazon-redshift',
  'oracle',
];

/** Predefined services (`/config/predefined/service`). */
export const PREDEFINED_SERVICES: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ['service-http', tcp(80, 8080)],
  ['service-https', tcp(443)],
]);

/** Fields PAN-OS requires of a custom application; ruleport's ICMP/IP-protocol applications use these. */
export const CUSTOM_APP_CLASSIFICATION = {
  category: 'networking',
  subcategory: 'ip-protocol',
  technology: 'network-protocol',
  risk: '1',
} as const;
