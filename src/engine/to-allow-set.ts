import type { Policy, Rule } from '../model/index.js';
import { Analysis, decisionLabeler } from './analysis.js';
import { addressMatch, protocolMatches } from './regions.js';

/**
 * The allow-only rule list granting exactly the flows an ordered allow/deny policy allows — what a
 * security group needs. CIDRs, port ranges and ICMP types are split as far as exactness requires; the
 * result may therefore be long, and the caller checks it against the target's quotas.
 */
export function toAllowSet(policy: Policy): Policy {
  const analysis = new Analysis([policy]);
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
  return {
    ...policy,
    evaluation: 'allow-set',
    defaults: { ingress: 'deny', egress: 'deny' },
    rules,
  };
}
