/**
 * Live PAN-OS locations: `panos:TARGET[/vsysN]` reads the running security rulebase of one virtual system for a
 * zone pair (`--from-zone`/`--to-zone`, default untrust → trust), and asks the firewall itself what it would do
 * with a flow (`test security-policy-match`) for `check --confirm-on-device`.
 */
import { InputError, type Flow, type Policy } from '../model/index.js';
import type { FileParseOptions } from '../platforms/platform.js';
import { connectPanos, flowQuery, type PanosClient, type PolicyMatch } from '../platforms/panos/client.js';
import { PANOS_LOCATION_SYNTAX, parsePanosTarget, type PanosTarget } from '../platforms/panos/credentials.js';
import { reportReading } from '../platforms/panos/index.js';
import { DEFAULT_ZONES, readVsys, type ZonePair } from '../platforms/panos/parse.js';
import type { WorkflowContext } from './context.js';
import type { LiveScheme } from './locations.js';

/** Clients per context and firewall, so one command generates one key per firewall (`check --confirm-on-device`). */
const clients = new WeakMap<WorkflowContext, Map<string, Promise<PanosClient>>>();

/** A client for a `panos:` spec, from the context's connection flags; one per firewall and context. */
export function panosClient(target: PanosTarget, ctx: WorkflowContext): Promise<PanosClient> {
  let byUrl = clients.get(ctx);
  if (!byUrl) clients.set(ctx, (byUrl = new Map()));
  let client = byUrl.get(target.baseUrl);
  if (!client) byUrl.set(target.baseUrl, (client = connectPanos(target, ctx.connection, ctx)));
  return client;
}

/** The running rulebase of the target's vsys, for a zone pair. */
export async function readLivePanos(client: PanosClient, target: PanosTarget, read: FileParseOptions = {}): Promise<Policy> {
  const config = await client.vsysConfig(target.vsys, 'running');
  const reading = readVsys(config, {
    label: `panos:${new URL(target.baseUrl).host}`,
    ...(read.zones ? { zones: read.zones } : {}),
    ...(read.dropInexpressible ? { dropInexpressible: true } : {}),
  });
  reportReading(reading, read.warn);
  return reading.policy;
}

export const panosLiveScheme: LiveScheme = {
  scheme: 'panos',
  syntax: PANOS_LOCATION_SYNTAX,
  async load(spec, ctx, read) {
    const target = parsePanosTarget(spec);
    return [await readLivePanos(await panosClient(target, ctx), target, read)];
  },
};

/**
 * Asks the firewall (`test security-policy-match`, on its running rulebase) about one concrete flow between the
 * zone pair: ingress flows go from→to, egress flows to→from. Undefined when no rule matches (the interzone
 * default then decides).
 */
export async function deviceMatch(spec: string, flow: Flow, zones: ZonePair | undefined, ctx: WorkflowContext): Promise<PolicyMatch | undefined> {
  if (flow.src.startsWith('@') || flow.dst.startsWith('@')) throw new InputError({ field: '--flow' }, 'the firewall can only be asked about IP addresses');
  const target = parsePanosTarget(spec);
  const client = await panosClient(target, ctx);
  return client.testSecurityPolicyMatch(flowQuery(flow, zones ?? DEFAULT_ZONES));
}
