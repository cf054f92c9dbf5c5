/**
 * Where the exact allow-only form of a first-match policy (`toAllowSet`) would be wider in reality than the
 * policy it came from, because of group references.
 *
 * The engine treats a reference as its own address, apart from every CIDR: exact for what a policy *says*, but a
 * group's members do have addresses. In an allow-only list (a security group) a rule allowing a group allows its
 * members whatever their addresses; in first-match order a DROP before it may have stopped some of them. So an
 * allow-only translation is refused when, in one direction and for overlapping protocols:
 * - a DROP of some addresses (not all) comes before an ACCEPT of a group — members with those addresses were
 *   dropped, the security group would let them in; or
 * - a DROP of a group comes before an ACCEPT of anything but that same group — members covered by the ACCEPT
 *   were dropped, the security group cannot drop them.
 * Conservative: a pair may be harmless when other rules decide first; it is refused all the same, naming both.
 */
import { protocolIntervals } from '../engine/space.js';
import { parseCidr, type AddressMatch, type Policy, type Protocol, type Rule } from '../model/index.js';

function symbols(m: AddressMatch): string[] {
  if (m.kind !== 'list') return [];
  return m.items.flatMap((i) => (i.kind === 'group' ? [`group:${i.ref}`] : i.kind === 'prefix-list' ? [`prefix-list:${i.id}`] : []));
}

/** True when the side covers every address of a family (and with it, in the engine, every member of a group). */
function coversAll(m: AddressMatch): boolean {
  if (m.kind === 'any') return true;
  return !m.negate && m.items.some((i) => i.kind === 'cidr' && parseCidr(i.cidr)?.prefix === 0);
}

function protocolsOverlap(a: Protocol, b: Protocol): boolean {
  return protocolIntervals(a).some(([p0, p1, q0, q1]) =>
    protocolIntervals(b).some(([r0, r1, s0, s1]) => p0 <= r1 && r0 <= p1 && q0 <= s1 && s0 <= q1),
  );
}

/** One line per (DROP, ACCEPT) pair an allow-only list cannot reproduce for every group membership. */
export function symbolicOrderProblems(policy: Policy): string[] {
  const problems: string[] = [];
  const label = (r: Rule, i: number): string => `#${i + 1}${r.origin.where ? ` (${r.origin.where})` : ''}`;
  policy.rules.forEach((allow, j) => {
    if (allow.action !== 'allow') return;
    const allowSymbols = symbols(allow.peer);
    for (let i = 0; i < j; i++) {
      const deny = policy.rules[i]!;
      if (deny.action !== 'deny' || deny.direction !== allow.direction || !protocolsOverlap(deny.protocol, allow.protocol)) continue;
      const denySymbols = symbols(deny.peer);
      const someAddresses =
        deny.peer.kind === 'list' && !coversAll(deny.peer) && (!!deny.peer.negate || deny.peer.items.some((it) => it.kind === 'cidr' || it.kind === 'range'));
      if (allowSymbols.length > 0 && someAddresses) {
        problems.push(
          `${policy.name} ${allow.direction}: ${label(deny, i)} drops some addresses before ${label(allow, j)} allows ${allowSymbols.join(', ')}; members with those addresses would be let in by a security group`,
        );
        return;
      }
      const onlySameGroups = allow.peer.kind === 'list' && !allow.peer.negate && allow.peer.items.every((it) => symbols({ kind: 'list', items: [it] }).some((s) => denySymbols.includes(s)));
      if (denySymbols.length > 0 && !onlySameGroups) {
        problems.push(
          `${policy.name} ${allow.direction}: ${label(deny, i)} drops ${denySymbols.join(', ')} before ${label(allow, j)} allows other sources; a security group cannot drop the group's members among them`,
        );
        return;
      }
    }
  });
  return problems;
}
