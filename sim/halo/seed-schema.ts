/**
 * The seed format: JSON that preloads a simulated account (README § Seed format). Objects use the wire
 * format's field names; references (`parent_id`, `group_id`, policy ids, rule zones/services/interfaces) may
 * name an object by id or by name. Validated here for shape; references are checked when the seed is loaded.
 */
import { z } from 'zod';

/** A seed that does not validate or does not load, with the path of the offending entry. */
export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

const text = z.string().min(1);
/** An id or a name. */
const ref = z.string().min(1);

const scanOutcome = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('clean') }),
  z.strictObject({ kind: z.literal('failed') }),
  z.strictObject({
    kind: z.literal('findings'),
    critical: z.number().int().min(0),
    nonCritical: z.number().int().min(0),
    failingRules: z.array(text).optional(),
  }),
]);

const scanScript = z.union([
  scanOutcome,
  z.strictObject({ kind: z.literal('slow'), ms: z.number().min(0), then: scanOutcome.optional() }),
  z.strictObject({ kind: z.literal('never') }),
]);

const peer = z
  .strictObject({
    id: text.optional(),
    name: text.optional(),
    type: z.enum(['FirewallZone', 'Group', 'User', 'UserGroup']),
  })
  .refine((p) => p.id !== undefined || p.name !== undefined, { message: 'a source/target needs an id or a name' });

/** A service or interface: `"id-or-name"`, `{"id":…}` or `{"name":…}`. */
const objectRef = z.union([ref, z.strictObject({ id: ref }), z.strictObject({ name: ref })]);

const seedRule = z.strictObject({
  chain: z.enum(['INPUT', 'OUTPUT']),
  action: z.enum(['ACCEPT', 'DROP', 'REJECT']),
  active: z.boolean().optional(),
  firewall_source: peer.nullable().optional(),
  firewall_target: peer.nullable().optional(),
  firewall_service: objectRef.nullable().optional(),
  firewall_interface: objectRef.nullable().optional(),
  connection_states: z.string().nullable().optional(),
  log: z.boolean().optional(),
  log_prefix: z.string().optional(),
  comment: z.string().optional(),
  position: z.number().int().min(1).optional(),
});

const seedZone = z.strictObject({
  id: text.optional(),
  name: text,
  ip_address: text,
  description: z.string().optional(),
  shared: z.boolean().optional(),
});

const seedService = z.strictObject({
  id: text.optional(),
  name: text,
  protocol: text,
  port: z.union([z.string(), z.number().int()]).nullable().optional(),
  description: z.string().optional(),
  shared: z.boolean().optional(),
});

const seedInterface = z.strictObject({ id: text.optional(), name: text });

const seedPolicy = z.strictObject({
  id: text.optional(),
  name: text,
  platform: z.enum(['linux', 'windows']).optional(),
  description: z.string().optional(),
  shared: z.boolean().optional(),
  ignore_forwarding_rules: z.boolean().optional(),
  log_allowed: z.boolean().optional(),
  log_dropped: z.boolean().optional(),
  block_inbound: z.boolean().optional(),
  block_outbound: z.boolean().optional(),
  firewall_rules: z.array(seedRule).optional(),
});

const seedGroup = z.strictObject({
  id: text.optional(),
  name: text,
  description: z.string().optional(),
  tag: z.string().nullable().optional(),
  parent_id: ref.nullable().optional(),
  linux_firewall_policy_id: ref.nullable().optional(),
  windows_firewall_policy_id: ref.nullable().optional(),
  policy_ids: z.array(z.string()).optional(),
});

const serverState = z.enum(['active', 'missing', 'deactivated', 'retired']);

const seedServer = z.strictObject({
  id: text.optional(),
  hostname: text,
  server_label: z.string().nullable().optional(),
  primary_ip_address: text.optional(),
  connecting_ip_address: text.optional(),
  state: serverState.optional(),
  platform: text.optional(),
  /** Group id or name; or give `tag` to place the server like an agent started with --tag. */
  group_id: ref.optional(),
  tag: text.optional(),
  interfaces: z.array(z.strictObject({ name: text, ip_address: text })).optional(),
  /** Outcomes for this server's next scans, in order. */
  scan_script: z.array(scanScript).optional(),
});

const seedKey = z.strictObject({
  key_id: text,
  secret: text,
  access: z.enum(['full', 'read-only']),
});

/** The whole seed. Every section is optional. */
export const seedSchema = z.strictObject({
  keys: z.array(seedKey).optional(),
  zones: z.array(seedZone).optional(),
  services: z.array(seedService).optional(),
  interfaces: z.array(seedInterface).optional(),
  policies: z.array(seedPolicy).optional(),
  /** Parents before their children. */
  groups: z.array(seedGroup).optional(),
  servers: z.array(seedServer).optional(),
  scan_duration_ms: z
    .strictObject({ min: z.number().min(0), max: z.number().min(0) })
    .refine((d) => d.min <= d.max, { message: 'min must not exceed max' })
    .optional(),
});

export type SeedData = z.infer<typeof seedSchema>;
export type SeedServer = z.infer<typeof seedServer>;
export type SeedRule = z.infer<typeof seedRule>;

/** Validates a parsed JSON seed; throws SeedError listing every problem with its path. */
export function parseSeed(data: unknown): SeedData {
  const result = seedSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    return `${path || '(root)'}: ${issue.message}`;
  });
  throw new SeedError(`invalid Halo simulator seed:\n  ${lines.join('\n  ')}`);
}
