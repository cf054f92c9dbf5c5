/** Checks rendered entries against the per-direction entry quota. Pure. */
import type { Quota } from '../platform.js';
import { NACL_RULES_PER_DIRECTION } from './capabilities.js';
import type { RenderedNetworkAcl } from './render.js';

/** One line per direction that exceeds the quota; empty when it fits. */
export function naclQuotaProblems(name: string, acl: RenderedNetworkAcl, limit: Quota = NACL_RULES_PER_DIRECTION): string[] {
  return (['ingress', 'egress'] as const)
    .filter((d) => acl[d].length > limit.limit)
    .map((d) => `${name}: ${acl[d].length} ${d} entries exceed the quota of ${limit.limit} per direction (${limit.doc})`);
}
