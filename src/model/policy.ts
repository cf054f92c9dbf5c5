import type { Action, Direction, Rule } from './rule.js';

/**
 * How a policy decides: `allow-set` is an order-free union of allows (security groups);
 * `first-match` walks ordered allow/deny rules and the first match decides (NACL, Halo, PAN-OS).
 */
export type Evaluation = 'allow-set' | 'first-match';

export interface Policy {
  readonly name: string;
  /** Platform id of the parser that produced it (`aws-sg`, `halo`…): informational only. */
  readonly platform: string;
  readonly evaluation: Evaluation;
  /** Stateful policies allow the replies of a permitted flow; stateless ones need rules for them. */
  readonly stateful: boolean;
  /** The decision when no rule matches, per direction. */
  readonly defaults: { readonly ingress: Action; readonly egress: Action };
  /**
   * The directions this policy speaks for. A legacy EC2-Classic group governs ingress only;
   * comparisons skip a direction one side does not govern and say so.
   */
  readonly directions: readonly Direction[];
  readonly rules: readonly Rule[];
  /** Platform facts worth keeping for display and round trips (id, vpc, account, region, tags). */
  readonly meta?: Readonly<Record<string, string>>;
}

export const BOTH_DIRECTIONS: readonly Direction[] = Object.freeze(['ingress', 'egress']);
