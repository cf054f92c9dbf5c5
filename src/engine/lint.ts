import type { Policy } from '../model/index.js';
import { Analysis, actionOf, indexLabeler } from './analysis.js';

/** What lint learns about each rule from one diagram. */
export interface RuleUse {
  /** Rules covered entirely by the union of earlier rules: they never decide anything. */
  readonly shadowed: readonly number[];
  /** Rules that decide something, but whose removal changes nothing (the next match decides the same). */
  readonly redundant: readonly number[];
}

/**
 * Finds shadowed and redundant rules with one diagram whose leaves carry the first two matching rules.
 * In an allow-set policy order does not matter: "shadowed" then means covered by rules listed earlier.
 */
export function ruleUse(policy: Policy): RuleUse {
  const analysis = new Analysis([policy]);
  const root = analysis.diagram(0, indexLabeler(2));
  const n = policy.rules.length;
  const decides = new Set<number>();
  const harmless = new Set<number>();
  const harmful = new Set<number>();
  for (const label of analysis.store.leaves(root)) {
    if (label === '') continue;
    const [first, second] = label.split(',').map(Number) as [number, number | undefined];
    if (first >= n) continue;
    decides.add(first);
    const next = second === undefined ? undefined : actionOf(policy, second);
    (next === policy.rules[first]!.action ? harmless : harmful).add(first);
  }
  const shadowed: number[] = [];
  const redundant: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!decides.has(i)) shadowed.push(i);
    else if (harmless.has(i) && !harmful.has(i)) redundant.push(i);
  }
  return { shadowed, redundant };
}

/** Indices of rules covered by the union of earlier rules. */
export function shadowed(policy: Policy): number[] {
  return [...ruleUse(policy).shadowed];
}

/** Indices of rules (not shadowed) whose removal leaves the allowed flows unchanged. */
export function redundant(policy: Policy): number[] {
  return [...ruleUse(policy).redundant];
}
