import { UnsupportedError, type Policy, type Rule } from '../model/index.js';
import { compare } from './compare.js';
import { Analysis, decisionLabeler } from './analysis.js';
import { addressMatch, protocolMatches } from './regions.js';
import { DIM } from './space.js';

/**
 * Ports before peers: security-group rules are (protocol, port range, peer), so a port's peers are read as one
 * union there — peer-first would cut every port's peers at every other port's peer boundaries.
 */
const ALLOW_SET_ORDER = [DIM.direction, DIM.family, DIM.protocol, DIM.port, DIM.peer, DIM.local];

/**
 * The allow-only rule list granting exactly the flows an ordered allow/deny policy allows — what a
 * security group needs. CIDRs, port ranges and ICMP types are split as far as exactness requires; the
 * result may therefore be long, and the caller checks it against the target's quotas.
 *
 * One case has no exact allow-only form: a reference names a workload's IPv4 and IPv6 addresses at once, so
 * a rule with references on both sides also covers the other family; when the source treats the two
 * families differently there, this throws an UnsupportedError rather than return a wider policy.
 */
export function toAllowSet(policy: Policy): Policy {
  const analysis = new Analysis([policy], {}, undefined, ALLOW_SET_ORDER);
  const root = analysis.diagram(0, decisionLabeler(policy));
  const rules: Rule[] = [];
  analysis.walk(
    root,
    root,
    (_la, _lb, region) => {
      const src = addressMatch(region.version, region.src, analysis.atoms);
      const dst = addressMatch(region.version, region.dst, analysis.atoms);
      const [peer, local] = region.direction === 'ingress' ? [src, dst] : [dst, src];
      for (const protocol of protocolMatches(region.protocol, region.port)) {
        rules.push({
          direction: region.direction,
          action: 'allow',
          protocol,
          peer,
          local,
          origin: { platform: policy.platform, where: `allow-set of ${policy.name}` },
        });
      }
    },
    { limit: Infinity, skip: (la) => la !== 'allow', skipIdentical: false },
  );
  const result: Policy = { ...policy, evaluation: 'allow-set', defaults: { ingress: 'deny', egress: 'deny' }, rules };
  if (rules.some(bothSidesSymbolic) && !compare(policy, result, { limit: 1 }).equivalent) {
    throw new UnsupportedError(
      'allow-set',
      policy.name,
      'group-to-group flows are treated differently for IPv4 and IPv6; no allow-only rule list expresses that exactly',
    );
  }
  return result;
}

function bothSidesSymbolic(r: Rule): boolean {
  const symbolic = (m: Rule['peer']): boolean => m.kind === 'list' && m.items.some((i) => i.kind === 'group' || i.kind === 'prefix-list');
  return symbolic(r.peer) && symbolic(r.local);
}
