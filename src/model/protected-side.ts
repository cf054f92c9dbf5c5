/**
 * A policy's implicit local side made explicit: what its rules' local side `any` stands for (see
 * `Policy.protects`). Pure.
 */
import type { Policy } from './policy.js';

/**
 * The policy with every rule's local side `any` replaced by the endpoints the policy protects; the policy itself
 * when it names none (`protects` absent). Rules that already carry a local side keep it.
 */
export function withProtectedLocal(policy: Policy): Policy {
  const protects = policy.protects;
  if (!protects) return policy;
  return { ...policy, rules: policy.rules.map((r) => (r.local.kind === 'any' ? { ...r, local: protects } : r)) };
}

