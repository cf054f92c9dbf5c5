/**
 * Live Halo locations: `halo:policy/NAME` (one policy, by name, case-insensitive) and `halo:` (every policy of the
 * account except the one named `default`, which is read only when named — as the seed tool did).
 */
import { InputError } from '../model/index.js';
import { mapLimited } from '../platforms/aws/concurrency.js';
import { connectHalo } from '../platforms/halo/client.js';
import { HaloFirewall } from '../platforms/halo/firewall-client.js';
import { annotatedPolicy, parseHaloPolicy, type ParsedHaloPolicy } from '../platforms/halo/parse.js';
import type { HaloObjects, HaloPolicyDoc } from '../platforms/halo/schema.js';
import type { WorkflowContext } from './context.js';
import type { LiveScheme } from './locations.js';

export const HALO_LOCATION_SYNTAX = 'halo:[policy/NAME]';
/** Policy GETs in flight at once when reading a whole account. */
export const READ_CONCURRENCY = 8;

/** What a `halo:` location names: one policy, or all of them. */
export interface HaloSpec {
  readonly policy?: string;
}

/** Parses the part after `halo:`. */
export function parseHaloSpec(spec: string): HaloSpec {
  const s = spec.trim();
  if (s === '' || s === 'policy' || s === 'policy/') return {};
  const m = /^policy\/(.+)$/.exec(s);
  if (!m) throw new InputError({ file: `halo:${spec}` }, `expected ${HALO_LOCATION_SYNTAX}`);
  return { policy: m[1]! };
}

/** True for the policy the whole-account read skips unless it is named. */
export function isDefaultPolicy(name: string): boolean {
  return name.trim().toLowerCase() === 'default';
}

/** The policy summaries a spec selects; a named policy that does not exist is an InputError listing what does. */
export function selectPolicies(all: readonly HaloPolicyDoc[], spec: HaloSpec): HaloPolicyDoc[] {
  if (spec.policy === undefined) return all.filter((p) => !isDefaultPolicy(p.name));
  const want = spec.policy.toLowerCase();
  const picked = all.filter((p) => p.name.toLowerCase() === want);
  if (picked.length === 0) {
    const names = all.map((p) => p.name).join(', ');
    throw new InputError({ file: `halo:policy/${spec.policy}` }, `no such firewall policy (have: ${names || 'none'})`);
  }
  return picked;
}

/**
 * Reads and parses the policies of a spec: the list, the zones/services/groups once, then each policy's rules.
 * @param objects the account's zones, services and groups when the caller already has them.
 */
export async function readHaloPolicies(firewall: HaloFirewall, spec: HaloSpec, objects?: HaloObjects): Promise<ParsedHaloPolicy[]> {
  const [all, known] = await Promise.all([firewall.listPolicies(), objects ?? firewall.objects()]);
  const picked = selectPolicies(all, spec);
  const full = await mapLimited(picked, READ_CONCURRENCY, (p) => firewall.getPolicy(p.id!));
  return full.map((doc) => parseHaloPolicy(doc, known));
}

/** A firewall client for a workflow, from the command's connection flags. */
export async function haloFirewall(ctx: WorkflowContext): Promise<HaloFirewall> {
  return new HaloFirewall(await connectHalo(ctx.connection, ctx));
}

export const haloLiveScheme: LiveScheme = {
  scheme: 'halo',
  syntax: HALO_LOCATION_SYNTAX,
  async load(spec, ctx) {
    const parsed = parseHaloSpec(spec);
    return (await readHaloPolicies(await haloFirewall(ctx), parsed)).map(annotatedPolicy);
  },
};
