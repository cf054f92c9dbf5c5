/**
 * What a flow comparison cannot see: whether each side is stateful. The engine compares the flows the rules
 * allow; a stateful policy (security group, Halo, PAN-OS) also admits the replies of every flow it allows, while a
 * stateless one (a network ACL) admits a reply only if one of its own rules allows it. Two policies "allowing the
 * same flows" then still differ in the replies they let through, and a comparison must say so.
 */
import type { Policy } from '../model/index.js';

/** The two sides of a comparison differ in statefulness. */
export interface StatefulnessCaveat {
  readonly kind: 'statefulness';
  /** Which side of the comparison is stateless. */
  readonly stateless: 'a' | 'b';
  readonly statelessPolicy: string;
  readonly statefulPolicy: string;
  /** One line for people. */
  readonly text: string;
}

/** The caveats of comparing `a` with `b`: none when both are stateful or both stateless. */
export function statefulnessCaveats(a: Policy, b: Policy): StatefulnessCaveat[] {
  if (a.stateful === b.stateful) return [];
  const [stateless, stateful, side] = a.stateful ? [b, a, 'b' as const] : [a, b, 'a' as const];
  return [
    {
      kind: 'statefulness',
      stateless: side,
      statelessPolicy: stateless.name,
      statefulPolicy: stateful.name,
      text:
        `the ${side === 'a' ? 'first' : 'second'} side, ${stateless.name} (${stateless.platform}), is stateless and the other, ${stateful.name} (${stateful.platform}), stateful: ` +
        'the stateful side also admits the replies to every flow it allows, the stateless side only the replies its own return rules allow; ' +
        'the comparison covers the allowed flows, not their replies',
    },
  ];
}

/**
 * A translation from a stateless source to a stateful target is lossy in kind: the result admits the replies to
 * every flow it allows, which the source admitted only where its return rules did.
 */
export function isLossyInKind(source: Policy, target: Policy): boolean {
  return !source.stateful && target.stateful;
}
