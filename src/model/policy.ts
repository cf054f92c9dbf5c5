import type { Action, AddressMatch, Direction, Rule } from './rule.js';

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
  /**
   * The endpoints this policy protects: what a rule's local side `any` stands for on a platform whose rules have no
   * local side of their own. A security group protects its own members (a `group` reference to itself, keyed as
   * the parsers key group pairs: `sg-0abc@123456789012`); a NACL read live, the CIDR blocks of its subnets — an
   * empty list when no subnet is associated: it protects nothing. Absent when the rules' local sides are all there
   * is (a PAN-OS rulebase: source and destination are explicit), or when the reader cannot know the endpoints — then
   * `protectsUnknown` says why.
   *
   * Comparisons use the rules as written, so two policies compare the same with or without it. A translation to a
   * platform with explicit sides (PAN-OS) writes it as the local side: writing `any` there would open the port to
   * every host behind the firewall, not only to the protected ones.
   */
  readonly protects?: AddressMatch;
  /**
   * Why this policy protects particular endpoints that the reader could not learn (a NACL read from a
   * describe-network-acls file names its subnets but not their addresses). Never set together with `protects`.
   */
  readonly protectsUnknown?: string;
  /** Platform facts worth keeping for display and round trips (id, vpc, account, region, tags). */
  readonly meta?: Readonly<Record<string, string>>;
}

export const BOTH_DIRECTIONS: readonly Direction[] = Object.freeze(['ingress', 'egress']);
