/**
 * Loads a seed into a running simulator. Objects go through the same create functions as the API, so a seed
 * is held to the API's validation; a failure names the seed entry (`policies[2]: name: …`).
 */
import type { SimCore } from './core.js';
import { HaloHttpError, type ValidationItem } from './errors.js';
import type { JsonObject } from './input.js';
import { createInterface } from './routes/firewall-interfaces.js';
import { createPolicy, replaceRules } from './routes/firewall-policies.js';
import { createService } from './routes/firewall-services.js';
import { createZone } from './routes/firewall-zones.js';
import { createGroup } from './routes/groups.js';
import { parseSeed, SeedError, type SeedData } from './seed-schema.js';
import { registerServer } from './server-registry.js';
import type { PolicyRecord } from './store.js';

function describe(error: unknown): string {
  if (error instanceof HaloHttpError) {
    const body = error.body as { errors?: ValidationItem[]; details?: string };
    if (Array.isArray(body.errors)) return body.errors.map((e) => `${e.field}: ${e.details}`).join('; ');
    return body.details ?? `HTTP ${error.status}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function each<T>(section: string, items: readonly T[] | undefined, load: (item: T) => void): void {
  (items ?? []).forEach((item, index) => {
    try {
      load(item);
    } catch (error) {
      throw new SeedError(`seed ${section}[${index}]: ${describe(error)}`);
    }
  });
}

function freshId(core: SimCore, id: string | undefined): string | undefined {
  if (id !== undefined && core.store.hasId(id)) throw new Error(`id ${id} is already in use`);
  return id;
}

/**
 * Validates `seed` and adds its objects: keys, zones, services, interfaces, policies, groups, the policies'
 * rules, servers, in that order (each may reference the ones before). Throws SeedError at the first entry that does not load;
 * entries before it stay loaded.
 */
export function loadSeed(core: SimCore, seed: unknown): SeedData {
  const data = parseSeed(seed);
  each('keys', data.keys, (k) => core.auth.addKey({ keyId: k.key_id, secret: k.secret, access: k.access }));
  each('zones', data.zones, (z) => createZone(core, z as JsonObject, freshId(core, z.id)));
  each('services', data.services, (s) => createService(core, s as JsonObject, freshId(core, s.id)));
  each('interfaces', data.interfaces, (i) => createInterface(core, i as JsonObject, freshId(core, i.id)));
  // Groups name policies and rules name groups: policies first without rules, then groups, then the rules.
  const created: PolicyRecord[] = [];
  each('policies', data.policies, (p) => {
    const { firewall_rules: _rules, ...fields } = p;
    created.push(createPolicy(core, fields as JsonObject, freshId(core, p.id)));
  });
  each('groups', data.groups, (g) => createGroup(core, g as JsonObject, freshId(core, g.id), { allowNames: true }));
  each('policies', data.policies, (p) => {
    const policy = created[(data.policies ?? []).indexOf(p)]!;
    if (p.firewall_rules) replaceRules(core, policy, p.firewall_rules, { allowNames: true });
  });
  each('servers', data.servers, (s) => {
    const { scan_script: script, ...input } = s;
    const server = registerServer(core, input);
    if (script) core.scans.script(server.id, script);
  });
  if (data.scan_duration_ms) core.scans.setDuration(data.scan_duration_ms.min, data.scan_duration_ms.max);
  return data;
}
