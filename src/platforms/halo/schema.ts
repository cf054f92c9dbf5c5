/**
 * The Halo firewall objects as ruleport reads and writes them (the API's snake_case wire JSON). Only what ruleport
 * uses is declared; unknown fields are accepted and ignored. Values are checked for meaning (addresses, ports,
 * protocols) by the parser, which can name the rule.
 */
import { z } from 'zod';

const text = z.string();
const portValue = z.union([z.string(), z.number()]);

/** A zone: `ip_address` is one comma-separated string of addresses, CIDRs and `a-b` ranges. */
export const zoneSchema = z.object({
  id: text.optional(),
  name: text,
  ip_address: text,
  description: text.nullable().optional(),
  system: z.boolean().optional(),
});

/** A service: protocol TCP | UDP | ICMP | a protocol number; port a port, `a:b`/`a-b`, the ICMP type, or null (all). */
export const serviceSchema = z.object({
  id: text.optional(),
  name: text,
  protocol: z.union([text, z.number()]),
  port: portValue.nullable().optional(),
  description: text.nullable().optional(),
  system: z.boolean().optional(),
});

/** A rule's source (INPUT) or target (OUTPUT); the per-rule GET and ruleport's files inline the zone's addresses. */
export const peerSchema = z.object({
  id: text.optional(),
  name: text.optional(),
  type: text,
  ip_address: text.optional(),
});

/** A service or interface reference: an id, or an object with an id and/or name (and inline service details). */
export const objectRefSchema = z.union([
  text,
  z.object({
    id: text.optional(),
    name: text.optional(),
    protocol: z.union([text, z.number()]).optional(),
    port: portValue.nullable().optional(),
  }),
]);

export const ruleSchema = z.object({
  id: text.optional(),
  chain: text,
  action: text,
  active: z.boolean().optional(),
  firewall_source: peerSchema.nullable().optional(),
  firewall_target: peerSchema.nullable().optional(),
  firewall_service: objectRefSchema.nullable().optional(),
  firewall_interface: objectRefSchema.nullable().optional(),
  connection_states: text.nullable().optional(),
  log: z.boolean().optional(),
  log_prefix: text.nullable().optional(),
  comment: text.nullable().optional(),
  position: z.number().optional(),
});

export const policySchema = z.object({
  id: text.optional(),
  name: text.min(1),
  platform: text.optional(),
  description: text.nullable().optional(),
  shared: z.boolean().optional(),
  log_allowed: z.boolean().optional(),
  log_dropped: z.boolean().optional(),
  block_inbound: z.boolean().optional(),
  block_outbound: z.boolean().optional(),
  firewall_rules: z.array(ruleSchema).optional(),
});

/** A server group (for Group sources: id → name). */
export const groupSchema = z.object({
  id: text,
  name: text,
  group_path: text.nullable().optional(),
});

export type HaloZoneDoc = z.infer<typeof zoneSchema>;
export type HaloServiceDoc = z.infer<typeof serviceSchema>;
export type HaloPeerDoc = z.infer<typeof peerSchema>;
export type HaloObjectRefDoc = z.infer<typeof objectRefSchema>;
export type HaloRuleDoc = z.infer<typeof ruleSchema>;
export type HaloPolicyDoc = z.infer<typeof policySchema>;
export type HaloGroupDoc = z.infer<typeof groupSchema>;

/** Zones, services and server groups a policy's rules may refer to by id or name. */
export interface HaloObjects {
  readonly zones: readonly HaloZoneDoc[];
  readonly services: readonly HaloServiceDoc[];
  readonly groups: readonly HaloGroupDoc[];
}
