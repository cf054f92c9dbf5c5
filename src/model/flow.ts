import { parseIp, type IpVersion } from './ip.js';
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

/**
 * A flow as written on the command line: `tcp 203.0.113.9 -> 10.0.1.5:443`, `udp … -> …:53`,
 * `icmp 8/0 a -> b` (type/code; `icmp 8` = every code of type 8; bare `icmp` = all of ICMP),
 * `icmpv6 128/0 …`, `any a -> b`, a protocol number `47 a -> b`, IPv6 as `[2001:db8::1]:443`.
 * A flow without a port (tcp/udp), without a type (icmp) or with `any` stands for all of them: a pattern.
 */
export interface FlowPattern {
  readonly direction: Direction;
  /** Undefined = every protocol. */
  readonly protocol?: number;
  readonly src: string;
  readonly dst: string;
  readonly port?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

const NAMED: Readonly<Record<string, number>> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** Parses the command-line flow syntax; throws Error with a one-line reason (the caller adds context). */
export function parseFlow(text: string, direction: Direction): FlowPattern {
  const m = /^\s*(\S+)(?:\s+(\d{1,3})(?:\/(\d{1,3}))?)?\s+(\S+)\s*->\s*(\S+)\s*$/.exec(text);
  if (!m) throw new Error(`expected "<protocol> <source> -> <destination>[:port]", got ${JSON.stringify(text)}`);
  const [, protoText, typeText, codeText, srcText, dstText] = m as unknown as [string, string, string | undefined, string | undefined, string, string];
  const lower = protoText.toLowerCase();
  let protocol: number | undefined;
  if (lower === 'any') protocol = undefined;
  else if (lower in NAMED) protocol = NAMED[lower];
  else if (/^\d{1,3}$/.test(lower) && Number(lower) <= 255) protocol = Number(lower);
  else throw new Error(`unknown protocol ${JSON.stringify(protoText)}`);
  const isIcmp = protocol === 1 || protocol === 58;
  if (typeText !== undefined && !isIcmp) throw new Error(`a type/code only goes with icmp or icmpv6`);
  const src = parseEndpoint(srcText, 'source', false);
  const dst = parseEndpoint(dstText, 'destination', protocol === 6 || protocol === 17);
  // A flow is one packet: both addresses of one family (a group reference stands for either).
  if (src.version !== undefined && dst.version !== undefined && src.version !== dst.version) {
    throw new Error(`source ${src.address} is IPv${src.version} but destination ${dst.address} is IPv${dst.version}`);
  }
  // `icmp` between IPv6 addresses is almost always a slip for icmpv6 (and the other way round); the protocol
  // number (`1`, `58`) still says the unusual thing when it is meant.
  const family = src.version ?? dst.version;
  if ((lower === 'icmp' && family === 6) || (lower === 'icmpv6' && family === 4)) {
    const other = lower === 'icmp' ? 'icmpv6' : 'icmp';
    throw new Error(`${lower} between IPv${family} addresses: write ${other}, or the protocol number ${NAMED[lower]} if that is meant`);
  }
  const out: { -readonly [K in keyof FlowPattern]: FlowPattern[K] } = { direction, src: src.address, dst: dst.address };
  if (protocol !== undefined) out.protocol = protocol;
  if (dst.port !== undefined) out.port = dst.port;
  if (typeText !== undefined) {
    out.icmpType = checkByte(typeText, 'ICMP type');
    if (codeText !== undefined) out.icmpCode = checkByte(codeText, 'ICMP code');
  }
  return out;
}

function checkByte(text: string, what: string): number {
  const n = Number(text);
  if (n > 255) throw new Error(`${what} ${n} out of range 0..255`);
  return n;
}

function parseEndpoint(text: string, side: 'source' | 'destination', portAllowed: boolean): { address: string; version?: IpVersion; port?: number } {
  let address = text;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) {
    address = bracket[1]!;
    portText = bracket[2];
  } else if (/^[^:]+:\d+$/.test(text)) {
    [address, portText] = text.split(':') as [string, string];
  }
  const ip = address.startsWith('@') ? undefined : parseIp(address);
  if (!address.startsWith('@') && !ip) throw new Error(`invalid ${side} address ${JSON.stringify(address)}`);
  const version = ip ? { version: ip.version } : {};
  if (portText === undefined) return { address, ...version };
  // Rules match the destination port only; a source port would be silently ignored, so it is refused.
  if (side === 'source') throw new Error(`a source port (${JSON.stringify(text)}) is not part of a flow: rules match the destination port`);
  if (!portAllowed) throw new Error(`a port only goes with tcp or udp destinations`);
  const port = Number(portText);
  if (port > 65535) throw new Error(`port ${port} out of range 0..65535`);
  return { address, ...version, port };
}

/** True when a pattern names exactly one flow. */
export function isConcrete(p: FlowPattern): p is FlowPattern & { protocol: number } {
  if (p.protocol === undefined) return false;
  if (p.protocol === 6 || p.protocol === 17) return p.port !== undefined;
  if (p.protocol === 1 || p.protocol === 58) return p.icmpType !== undefined && p.icmpCode !== undefined;
  return true;
}

/** The command-line text of a flow. */
export function formatFlow(f: FlowPattern): string {
  const name = Object.keys(NAMED).find((k) => NAMED[k] === f.protocol) ?? (f.protocol === undefined ? 'any' : String(f.protocol));
  const icmp = f.icmpType === undefined ? '' : ` ${f.icmpType}${f.icmpCode === undefined ? '' : `/${f.icmpCode}`}`;
  const dst = f.port === undefined ? f.dst : f.dst.includes(':') ? `[${f.dst}]:${f.port}` : `${f.dst}:${f.port}`;
  return `${name}${icmp} ${f.src} -> ${dst}`;
}
