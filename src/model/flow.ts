import type { Direction } from './rule.js';

/**
 * One concrete flow (the first packet of a connection, or a packet for stateless policies).
 * `src`/`dst` are IP addresses, or a group reference written `@ref` for symbolic examples.
 */
export interface Flow {
  readonly direction: Direction;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6…). */
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  /** Destination port for tcp/udp. */
  readonly port?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}
