/**
 * Halo firewall policies, zones, services and server groups over the Halo transport (client.ts: auth, retries,
 * pagination). Answers are checked against schema.ts, so callers only handle validated wire objects.
 *
 * Creates carry a unique name, which makes them safe to repeat: a create whose first answer was lost (a 5xx after
 * the object was stored) comes back as 422 "name taken", and the object is then adopted when it is the one asked
 * for — and reported when it is someone else's.
 */
import { RemoteError } from '../../model/index.js';
import { HALO, isNameTaken, type HaloClient } from './client.js';
import { idSegment } from './api-path.js';
import {
  groupSchema,
  policySchema,
  serviceSchema,
  zoneSchema,
  type HaloGroupDoc,
  type HaloObjects,
  type HaloPolicyDoc,
  type HaloServiceDoc,
  type HaloZoneDoc,
} from './schema.js';

interface Schema<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

function checked<T>(schema: Schema<T>, value: unknown, call: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  throw new RemoteError(HALO, call, `answer not understood: ${what}${path ? `.${path}` : ''}: ${issue?.message ?? 'malformed'}`);
}

function checkedList<T>(schema: Schema<T>, items: readonly unknown[], call: string, what: string): T[] {
  return items.map((item, i) => checked(schema, item, call, `${what}[${i}]`));
}

/** Strips fields the API sets itself (ids, urls, usage), keeping a create/update payload clean. */
function writable<T extends object>(doc: T, drop: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!drop.includes(k) && v !== undefined) out[k] = v;
  return out as Partial<T>;
}

export class HaloFirewall {
  constructor(readonly http: HaloClient) {}

  /** Every policy, without rules (the list omits them). */
  async listPolicies(): Promise<HaloPolicyDoc[]> {
    const call = 'GET /v1/firewall_policies';
    return checkedList(policySchema, await this.http.list<unknown>('/v1/firewall_policies', 'firewall_policies', { call }), call, 'firewall_policies');
  }

  /**
   * One policy with its rules.
   * @param fresh the policy was just written: wait out the API's eventual consistency (a short run of 404s).
   */
  async getPolicy(id: string, fresh = false): Promise<HaloPolicyDoc> {
    const call = 'GET /v1/firewall_policies/{id}';
    const body = await this.http.get<{ firewall_policy?: unknown }>(`/v1/firewall_policies/${idSegment(id, 'policy id')}`, { call, notFoundRetries: fresh ? 5 : 0 });
    return checked(policySchema, body?.firewall_policy, call, 'firewall_policy');
  }

  /** Creates a policy with its rules in one call (so a policy never exists half-made); returns it with its id. */
  async createPolicy(doc: HaloPolicyDoc): Promise<HaloPolicyDoc> {
    const call = 'POST /v1/firewall_policies';
    const payload = { firewall_policy: writable(doc, ['id']) };
    try {
      const body = await this.http.post<{ firewall_policy?: unknown }>('/v1/firewall_policies', payload, { call, idempotent: true });
      return checked(policySchema, body?.firewall_policy, call, 'firewall_policy');
    } catch (e) {
      if (!isNameTaken(e)) throw e;
      const found = (await this.listPolicies()).find((p) => p.name.toLowerCase() === doc.name.toLowerCase());
      // Ours when it carries the description we sent (which names this conversion): a repeated create.
      if (found?.id && found.description === doc.description) return { ...found, firewall_rules: (await this.getPolicy(found.id, true)).firewall_rules ?? [] };
      throw new RemoteError(HALO, call, `a policy named ${JSON.stringify(doc.name)} appeared meanwhile and is not this conversion's; nothing was overwritten`, 422);
    }
  }

  /** Replaces a policy's settings and whole rule list in one call (the policy is never seen half-converged). */
  async updatePolicy(id: string, doc: HaloPolicyDoc): Promise<void> {
    await this.http.put(`/v1/firewall_policies/${idSegment(id, 'policy id')}`, { firewall_policy: writable(doc, ['id']) }, { call: 'PUT /v1/firewall_policies/{id}' });
  }

  async listZones(): Promise<HaloZoneDoc[]> {
    const call = 'GET /v1/firewall_zones';
    return checkedList(zoneSchema, await this.http.list<unknown>('/v1/firewall_zones', 'firewall_zones', { call }), call, 'firewall_zones');
  }

  /** Creates a zone; returns it with its id (adopting an identical zone of the same name, see above). */
  async createZone(doc: HaloZoneDoc): Promise<HaloZoneDoc> {
    const call = 'POST /v1/firewall_zones';
    try {
      const body = await this.http.post<{ firewall_zone?: unknown }>('/v1/firewall_zones', { firewall_zone: writable(doc, ['id', 'system']) }, { call, idempotent: true });
      return checked(zoneSchema, body?.firewall_zone, call, 'firewall_zone');
    } catch (e) {
      if (!isNameTaken(e)) throw e;
      const found = (await this.listZones()).find((z) => z.name.toLowerCase() === doc.name.toLowerCase());
      if (found && found.ip_address.replace(/\s/g, '') === doc.ip_address.replace(/\s/g, '')) return found;
      throw new RemoteError(HALO, call, `a zone named ${JSON.stringify(doc.name)} already exists with other addresses`, 422);
    }
  }

  async listServices(): Promise<HaloServiceDoc[]> {
    const call = 'GET /v1/firewall_services';
    return checkedList(serviceSchema, await this.http.list<unknown>('/v1/firewall_services', 'firewall_services', { call }), call, 'firewall_services');
  }

  /** Creates a service; returns it with its id (adopting an identical service of the same name, see above). */
  async createService(doc: HaloServiceDoc): Promise<HaloServiceDoc> {
    const call = 'POST /v1/firewall_services';
    try {
      const body = await this.http.post<{ firewall_service?: unknown }>('/v1/firewall_services', { firewall_service: writable(doc, ['id', 'system']) }, { call, idempotent: true });
      return checked(serviceSchema, body?.firewall_service, call, 'firewall_service');
    } catch (e) {
      if (!isNameTaken(e)) throw e;
      const found = (await this.listServices()).find((s) => s.name.toLowerCase() === doc.name.toLowerCase());
      if (found && String(found.protocol).toUpperCase() === String(doc.protocol).toUpperCase() && String(found.port ?? '') === String(doc.port ?? '')) return found;
      throw new RemoteError(HALO, call, `a service named ${JSON.stringify(doc.name)} already exists with another protocol or port`, 422);
    }
  }

  async listGroups(): Promise<HaloGroupDoc[]> {
    const call = 'GET /v1/groups';
    return checkedList(groupSchema, await this.http.list<unknown>('/v1/groups', 'groups', { call }), call, 'groups');
  }

  /** The zones, services and server groups policies refer to (three listings, in parallel). */
  async objects(): Promise<HaloObjects> {
    const [zones, services, groups] = await Promise.all([this.listZones(), this.listServices(), this.listGroups()]);
    return { zones, services, groups };
  }
}
