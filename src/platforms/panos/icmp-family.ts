/**
 * ICMP exists on one IP version: ICMP (protocol 1) on IPv4, ICMPv6 (58) on IPv6. The canonical model keeps
 * protocol and address family independent, so an App-ID such as `ping` (ICMP echo-request and ICMPv6
 * echo-request) would otherwise read as "ICMPv6 from 10.0.0.0/8" too. PAN-OS rules are therefore read with each
 * ICMP protocol restricted to the concrete addresses of its own version; sides that name no concrete address
 * (`any`, only dynamic groups, a negated list) pin no version and stay as they are. Parser and renderer share
 * this one definition, so what the renderer writes reads back to exactly the rule it came from. Pure.
 */
import type { AddressMatch, IpVersion, Protocol } from '../../model/index.js';

/** The IP version an ICMP protocol runs on; undefined for every other protocol. */
export function icmpFamily(p: Protocol): IpVersion | undefined {
  return p.kind === 'icmp' ? 4 : p.kind === 'icmpv6' ? 6 : undefined;
}

/** A side kept to the items of one version (symbolic items stay); undefined when nothing is left. */
function sideForFamily(side: AddressMatch, version: IpVersion): AddressMatch | undefined {
  if (side.kind === 'any' || side.negate) return side;
  const kept = side.items.filter((i) => (i.kind !== 'cidr' && i.kind !== 'range') || i.version === version);
  if (kept.length === 0) return undefined;
  return kept.length === side.items.length ? side : { ...side, items: kept };
}

/**
 * The sides a rule's protocol can really carry; undefined when it carries nothing. Returns the very same
 * objects when nothing is restricted, so callers can test identity.
 */
export function sidesForProtocol(
  p: Protocol,
  peer: AddressMatch,
  local: AddressMatch,
): { readonly peer: AddressMatch; readonly local: AddressMatch } | undefined {
  const version = icmpFamily(p);
  if (version === undefined) return { peer, local };
  const peer2 = sideForFamily(peer, version);
  const local2 = sideForFamily(local, version);
  if (!peer2 || !local2) return undefined;
  return { peer: peer2, local: local2 };
}
