/**
 * Syntax of the string-typed fields Halo validates: zone addresses, service protocols and ports, connection
 * states, interface names. Written for the simulator alone (sim/ shares no code with src/).
 */
import { isIPv4, isIPv6 } from 'node:net';

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** One zone entry: an address, a CIDR, or an IPv4 `a-b` range. */
export function isZoneEntry(entry: string): boolean {
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const addr = entry.slice(0, slash);
    const bits = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits)) return false;
    if (isIPv4(addr)) return Number(bits) <= 32;
    if (isIPv6(addr)) return Number(bits) <= 128;
    return false;
  }
  const dash = entry.indexOf('-');
  if (dash >= 0) {
    const first = entry.slice(0, dash).trim();
    const last = entry.slice(dash + 1).trim();
    return isIPv4(first) && isIPv4(last) && ipv4ToNumber(first) <= ipv4ToNumber(last);
  }
  return isIPv4(entry) || isIPv6(entry);
}

/** The entries of a comma-separated `ip_address` that are malformed; [] when it is valid. */
export function badZoneEntries(ipAddress: string): string[] {
  return ipAddress
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length === 0 || !isZoneEntry(e));
}

/** `TCP`, `UDP`, `ICMP` (any case, stored upper-case) or a protocol number 0..255 as a string. */
export function normaliseProtocol(protocol: string): string | undefined {
  const upper = protocol.trim().toUpperCase();
  if (upper === 'TCP' || upper === 'UDP' || upper === 'ICMP') return upper;
  if (/^\d{1,3}$/.test(upper) && Number(upper) <= 255) return String(Number(upper));
  return undefined;
}

/** Why a service's port string is wrong for its protocol, or undefined when it is fine. */
export function portProblem(protocol: string, port: string | null): string | undefined {
  if (port === null || port === '') return undefined;
  if (protocol === 'ICMP') {
    return /^\d{1,3}$/.test(port) && Number(port) <= 255 ? undefined : 'ICMP port must be an ICMP type 0..255';
  }
  if (protocol !== 'TCP' && protocol !== 'UDP') return 'only TCP, UDP and ICMP services take a port';
  const m = /^(\d{1,5})(?:([:-])(\d{1,5}))?$/.exec(port);
  if (!m) return 'port must be a port, or a range a:b or a-b';
  const from = Number(m[1]);
  const to = m[3] === undefined ? from : Number(m[3]);
  if (from > 65535 || to > 65535) return 'ports must be 0..65535';
  if (from > to) return 'a port range must not run backwards';
  return undefined;
}

const STATES = ['NEW', 'RELATED', 'ESTABLISHED'];

/** `NEW, ESTABLISHED` style lists; empty means any state. */
export function isConnectionStates(value: string): boolean {
  if (value.trim() === '') return true;
  return value.split(',').every((s) => STATES.includes(s.trim().toUpperCase()));
}

export function isInterfaceName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:-]{0,31}$/.test(name);
}
