import { parseIp, type Flow, type Policy, type Rule } from '../model/index.js';
import { Analysis, indexLabeler } from './analysis.js';
import { DIM, DIMS, atomBase, directionIndex, familyIndex } from './space.js';

/** The answer to "does this policy allow this flow", with the rule that decided. */
export interface Decision {
  readonly allowed: boolean;
  /** Index of the deciding rule in `policy.rules`; absent when the default decided. */
  readonly ruleIndex?: number;
  readonly rule?: Rule;
  /** True when no rule matched and the policy's default for the direction decided. */
  readonly byDefault: boolean;
  /** True when the policy does not govern the flow's direction (the answer is then `allowed: true`). */
  readonly ungoverned?: boolean;
}

/** A policy compiled for repeated queries: build once, then each query walks at most six nodes. */
export class PolicyIndex {
  private readonly analysis: Analysis;
  private readonly root: number;

  constructor(readonly policy: Policy) {
    this.analysis = new Analysis([policy]);
    this.root = this.analysis.diagram(0, indexLabeler(1));
  }

  /** Decides one flow. Throws on a malformed address (the CLI validates flows before). */
  allows(flow: Flow): Decision {
    const { policy } = this;
    if (!policy.directions.includes(flow.direction)) return { allowed: true, byDefault: true, ungoverned: true };
    const coords = this.coordinates(flow);
    const { store, ranks, order } = this.analysis;
    let id = this.root;
    for (let level = 0; level < DIMS && !store.isLeaf(id); level++) {
      if (store.levelOf(id) !== level) continue;
      const r = ranks.rankOf(order[level]!, coords[order[level]!]!);
      if (r < 0) {
        id = store.void;
        break;
      }
      id = store.step(id, level, r);
    }
    const label = store.labelOf(id);
    const n = policy.rules.length;
    const index = label === '' ? n + directionIndex(flow.direction) : Number(label);
    if (index >= n) {
      return { allowed: policy.defaults[flow.direction] === 'allow', byDefault: true };
    }
    const rule = policy.rules[index]!;
    return { allowed: rule.action === 'allow', ruleIndex: index, rule, byDefault: false };
  }

  private coordinates(flow: Flow): bigint[] {
    const src = this.address(flow.src);
    const dst = this.address(flow.dst);
    const version = src.version ?? dst.version ?? 4;
    if (src.version && dst.version && src.version !== dst.version) {
      throw new Error(`flow mixes IPv4 and IPv6: ${flow.src} -> ${flow.dst}`);
    }
    const at = (a: { value?: bigint; atom?: bigint }): bigint => a.value ?? atomBase(version) + a.atom!;
    const port =
      flow.protocol === 6 || flow.protocol === 17
        ? (flow.port ?? 0)
        : flow.protocol === 1 || flow.protocol === 58
          ? (flow.icmpType ?? 0) * 256 + (flow.icmpCode ?? 0)
          : 0;
    const c = new Array<bigint>(DIMS);
    c[DIM.direction] = BigInt(directionIndex(flow.direction));
    c[DIM.family] = BigInt(familyIndex(version));
    c[DIM.protocol] = BigInt(flow.protocol);
    c[DIM.port] = BigInt(port);
    const ingress = flow.direction === 'ingress';
    c[DIM.peer] = at(ingress ? src : dst);
    c[DIM.local] = at(ingress ? dst : src);
    return c;
  }

  private address(text: string): { version?: 4 | 6; value?: bigint; atom?: bigint } {
    if (text.startsWith('@')) {
      const ref = text.slice(1);
      const atoms = this.analysis.atoms;
      const group = atoms.lookup(`group:${ref}`);
      const atom = atoms.keyOf(group) === `group:${ref}` ? group : atoms.lookup(`prefix-list:${ref}`);
      return { atom };
    }
    const ip = parseIp(text);
    if (!ip) throw new Error(`invalid address ${text}`);
    return { version: ip.version, value: ip.value };
  }
}

const indexes = new WeakMap<Policy, PolicyIndex>();

/** Decides a flow; the policy's index is built on first use and kept while the policy lives. */
export function allows(policy: Policy, flow: Flow): Decision {
  let index = indexes.get(policy);
  if (!index) {
    index = new PolicyIndex(policy);
    indexes.set(policy, index);
  }
  return index.allows(flow);
}
