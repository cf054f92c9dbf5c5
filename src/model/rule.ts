/**
 * The canonical rule: vendor-neutral, readonly, plain data. Platforms parse into it and render from it;
 * the engine reasons about it. Nothing here knows a vendor.
 */
import type { IpVersion } from './ip.js';

export type Direction = 'ingress' | 'egress';
export type Action = 'allow' | 'deny';

/** An inclusive port range, 0..65535. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** ICMP type and code; an absent field matches every value. `{}` is all of ICMP. */
export interface IcmpMatch {
  readonly type?: number;
  readonly code?: number;
}

/** What a rule matches above the IP layer. */
export type Protocol =
  | { readonly kind: 'any' }
  | { readonly kind: 'tcp' | 'udp'; readonly ports: readonly PortRange[] }
  | { readonly kind: 'icmp' | 'icmpv6'; readonly icmp: IcmpMatch }
  /** Any other IP protocol by number (all of it: ports are meaningless there). */
  | { readonly kind: 'number'; readonly number: number };

/** One concrete or symbolic address item. */
export type AddressItem =
  /** A CIDR block, canonical text (host bits cleared). */
  | { readonly kind: 'cidr'; readonly cidr: string; readonly version: IpVersion }
  /** An inclusive address range (PAN-OS ip-range, Halo zone `a-b`). */
  | { readonly kind: 'range'; readonly first: string; readonly last: string; readonly version: IpVersion }
  /**
   * A symbolic reference to a group of workloads: a security group (`sg-0abc@123456789012`), a Halo server
   * group, a PAN-OS dynamic address group. Never widened: it is equal only to itself or to what a mapping says.
   */
  | { readonly kind: 'group'; readonly ref: string; readonly name?: string }
  /** A managed prefix list, symbolic until resolved to its CIDRs. */
  | { readonly kind: 'prefix-list'; readonly id: string; readonly name?: string };

/** A side of a rule: everything, or a (possibly negated) list of items. */
export type AddressMatch =
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly items: readonly AddressItem[]; readonly negate?: boolean };

/** Where a rule came from: enough to name it in a message. */
export interface Origin {
  readonly platform: string;
  /** Object identity on the platform: rule id, rule name, NACL rule number, group id… */
  readonly id?: string;
  /** Free-form location: file, selector, position. */
  readonly where?: string;
}

export interface Rule {
  readonly direction: Direction;
  readonly action: Action;
  readonly protocol: Protocol;
  /** The remote side: source of ingress, destination of egress. */
  readonly peer: AddressMatch;
  /** The protected side where the platform has one (PAN-OS destination, NACL subnet); `any` otherwise. */
  readonly local: AddressMatch;
  readonly description?: string;
  readonly origin: Origin;
}

export const ANY: AddressMatch = Object.freeze({ kind: 'any' });
export const ALL_PORTS: readonly PortRange[] = Object.freeze([Object.freeze({ from: 0, to: 65535 })]);

/** IANA numbers of the protocols the model names. */
export const PROTOCOL_NUMBER = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;

/** The IP protocol number a named protocol stands for; undefined for `any`. */
export function protocolNumber(p: Protocol): number | undefined {
  switch (p.kind) {
    case 'any':
      return undefined;
    case 'tcp':
    case 'udp':
    case 'icmp':
    case 'icmpv6':
      return PROTOCOL_NUMBER[p.kind];
    case 'number':
      return p.number;
    default: {
      const never: never = p;
      throw new Error(`unknown protocol ${JSON.stringify(never)}`);
    }
  }
}

/** The canonical Protocol for an IP protocol number with all its ports/types. */
export function protocolFromNumber(n: number): Protocol {
  switch (n) {
    case 6:
      return { kind: 'tcp', ports: ALL_PORTS };
    case 17:
      return { kind: 'udp', ports: ALL_PORTS };
    case 1:
      return { kind: 'icmp', icmp: {} };
    case 58:
      return { kind: 'icmpv6', icmp: {} };
    default:
      return { kind: 'number', number: n };
  }
}
