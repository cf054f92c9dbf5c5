import {
  parseIp,
  protocolFromNumber,
  type AddressMatch,
  type FlowPattern,
  type Policy,
  type Protocol,
} from '../model/index.js';
import { Analysis, decisionLabeler } from './analysis.js';
import { diffRegion, type DiffRegion } from './regions.js';

/** How much of a flow pattern a policy allows. */
export interface Coverage {
  readonly verdict: 'all' | 'none' | 'some';
  /** Flows of the pattern the policy denies (first few). */
  readonly denied: readonly DiffRegion[];
  /** Flows of the pattern the policy allows (first few). */
  readonly allowed: readonly DiffRegion[];
  /** True when the policy denies more of the pattern than `denied` lists. */
  readonly deniedTruncated: boolean;
}

/** Decides a whole pattern (`any` protocol, a port range left open) against a policy, exactly. */
export function coverage(policy: Policy, pattern: FlowPattern, limit = 5): Coverage {
  const side = (text: string): AddressMatch => {
    if (text.startsWith('@')) return { kind: 'list', items: [{ kind: 'group', ref: text.slice(1) }] };
    const ip = parseIp(text);
    if (!ip) throw new Error(`invalid address ${text}`);
    const bits = ip.version === 4 ? 32 : 128;
    return { kind: 'list', items: [{ kind: 'cidr', cidr: `${text}/${bits}`, version: ip.version }] };
  };
  const src = side(pattern.src);
  const dst = side(pattern.dst);
  const probe: Policy = {
    name: 'pattern',
    platform: 'pattern',
    evaluation: 'allow-set',
    stateful: policy.stateful,
    defaults: { ingress: 'deny', egress: 'deny' },
    directions: [pattern.direction],
    rules: [
      {
        direction: pattern.direction,
        action: 'allow',
        protocol: patternProtocol(pattern),
        peer: pattern.direction === 'ingress' ? src : dst,
        local: pattern.direction === 'ingress' ? dst : src,
        origin: { platform: 'pattern' },
      },
    ],
  };
  const analysis = new Analysis([probe, policy], {}, [pattern.direction]);
  const a = analysis.diagram(0, decisionLabeler(probe));
  const b = analysis.diagram(1, decisionLabeler(policy));
  // One region over the limit tells whether the list is complete.
  const collect = (want: string): DiffRegion[] => {
    const out: DiffRegion[] = [];
    analysis.walk(a, b, (_la, _lb, region) => out.push(diffRegion(region, analysis.atoms)), {
      limit: limit + 1,
      skip: (la, lb) => la !== 'allow' || lb !== want,
      skipIdentical: false,
    });
    return out;
  };
  const denied = collect('deny');
  const allowed = collect('allow');
  const verdict = denied.length === 0 ? 'all' : allowed.length === 0 ? 'none' : 'some';
  return { verdict, denied: denied.slice(0, limit), allowed: allowed.slice(0, limit), deniedTruncated: denied.length > limit };
}

function patternProtocol(p: FlowPattern): Protocol {
  if (p.protocol === undefined) return { kind: 'any' };
  if ((p.protocol === 6 || p.protocol === 17) && p.port !== undefined) {
    return { kind: p.protocol === 6 ? 'tcp' : 'udp', ports: [{ from: p.port, to: p.port }] };
  }
  if ((p.protocol === 1 || p.protocol === 58) && p.icmpType !== undefined) {
    return {
      kind: p.protocol === 1 ? 'icmp' : 'icmpv6',
      icmp: { type: p.icmpType, ...(p.icmpCode === undefined ? {} : { code: p.icmpCode }) },
    };
  }
  return protocolFromNumber(p.protocol);
}
