import { Protocol, type FlowPorts } from './app-defaults.js';
import { resolveName, type Scope } from './object-lookup.js';
import { childNamed, childText, memberTexts, type XmlElement } from './xml-tree.js';

/** The ports side of a looked-up flow. */
export interface ServiceFlow extends FlowPorts {
  readonly sourcePort?: number;
}

const SERVICE_PROTOCOLS: ReadonlyArray<readonly [string, number]> = [
  ['tcp', Protocol.TCP],
  ['udp', Protocol.UDP],
  ['sctp', Protocol.SCTP],
];

/** `80,8080,9000-9010` → ranges; undefined when malformed. */
export function parsePortList(text: string): Array<readonly [number, number]> | undefined {
  const ranges: Array<readonly [number, number]> = [];
  for (const part of text.split(',')) {
    const match = /^\s*([0-9]{1,5})(?:\s*-\s*([0-9]{1,5}))?\s*$/.exec(part);
    if (match === null) return undefined;
    const lo = Number(match[1]);
    const hi = match[2] === undefined ? lo : Number(match[2]);
    if (lo > hi || hi > 65535) return undefined;
    ranges.push([lo, hi]);
  }
  return ranges;
}

function portIn(list: string | undefined, port: number | undefined): boolean {
  if (list === undefined) return true;
  const ranges = parsePortList(list);
  return ranges !== undefined && port !== undefined && ranges.some(([lo, hi]) => lo <= port && port <= hi);
}

/** A service object: one protocol with destination ports and optional source ports. */
export function serviceObjectMatches(service: XmlElement, flow: ServiceFlow): boolean {
  const protocol = childNamed(service, 'protocol');
  for (const [name, number] of SERVICE_PROTOCOLS) {
    const spec = childNamed(protocol, name);
    if (spec === undefined) continue;
    if (flow.protocol !== number) return false;
    const ports = childText(spec, 'port');
    if (ports === undefined || flow.destinationPort === undefined || !portIn(ports, flow.destinationPort)) return false;
    // A source-port restriction needs the lookup to name a source port to be satisfied.
    return portIn(childText(spec, 'source-port'), flow.sourcePort);
  }
  return false;
}

/** A named service or (nested) service group, looked up vsys → shared → predefined. */
export function serviceMemberMatches(
  scope: Scope,
  member: string,
  flow: ServiceFlow,
  visiting: ReadonlySet<XmlElement> = new Set(),
): boolean {
  const resolved = resolveName(scope, 'service', member);
  if (resolved === undefined) return false;
  if (resolved.container === 'service') return serviceObjectMatches(resolved.node, flow);
  if (visiting.has(resolved.node)) return false;
  const inner = new Set(visiting).add(resolved.node);
  return memberTexts(childNamed(resolved.node, 'members')).some((name) =>
    serviceMemberMatches(resolved.scope, name, flow, inner),
  );
}
