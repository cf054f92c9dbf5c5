/**
 * `ruleport convert <security groups> --to halo`: each group becomes a Halo firewall policy (two with
 * `--platform all`), written live through the Halo API or to a policy JSON file, then read back and compared.
 *
 * Seed-compatible naming: `--dest NAME` (one group only), else `--dest-prefix` + group name, else
 * `<region>-vpc-<group name>` (`<region>-<group name>` for a group outside a VPC). An existing policy of the same
 * name (case-insensitive) is left alone unless `--update`, which converges it — and only a policy ruleport made
 * (its description carries the `ruleport:` marker).
 *
 * A security group reference never becomes "any source": it is mapped to a Halo server group (`--map-group`),
 * resolved to the current addresses of the interfaces carrying it (`--resolve-refs`, a reported snapshot), or the
 * conversion stops naming the rule.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { compare } from '../engine/index.js';
import { InputError, UnsupportedError, VerificationError, type AddressItem, type Policy, type Rule } from '../model/index.js';
import { applyPlan, type Change, type Plan } from '../plan/index.js';
import { mapLimited } from '../platforms/aws/concurrency.js';
import type { AwsLocation } from '../platforms/aws/location-spec.js';
import type { AwsSession } from '../platforms/aws/session.js';
import { HaloFirewall } from '../platforms/halo/firewall-client.js';
import { HALO_DOCUMENTED_SYSTEM_OBJECTS } from '../platforms/halo/capabilities.js';
import { HALO, parseHaloDocument, parseHaloPolicy } from '../platforms/halo/parse.js';
import { HALO_OWNER_MARKER, HaloCatalog, renderHaloPolicy, type HaloOs } from '../platforms/halo/render.js';
import type { HaloGroupDoc, HaloObjects, HaloPeerDoc, HaloPolicyDoc, HaloRuleDoc, HaloServiceDoc, HaloZoneDoc } from '../platforms/halo/schema.js';
import type { WorkflowContext } from './context.js';
import type { Conversion, ConversionCheck } from './conversion.js';
import { READ_CONCURRENCY, haloFirewall } from './halo-location.js';
import type { FileParseOptions } from '../platforms/platform.js';
import { loadPolicies, parseLocation } from './locations.js';
import { resolveReferences } from './resolve-refs.js';

export type HaloPlatformChoice = HaloOs | 'all';

export interface ToHaloRequest {
  /** Source location: `aws:REGION[/sg-…]`, a describe-security-groups file, or any other location. */
  readonly source: string;
  /** How the source is read where its format has choices (the zone pair of a PAN-OS rulebase). */
  readonly read?: FileParseOptions;
  readonly dest?: string;
  readonly destPrefix?: string;
  readonly platform: HaloPlatformChoice;
  /**
   * `--map-group sg-0abc=WebServers` as a reference-key rewrite (`group:sg-0abc@1234` → `group:WebServers`);
   * a key it leaves unchanged is not mapped.
   */
  readonly mapRef: (key: string) => string;
  readonly resolveRefs: boolean;
  readonly update: boolean;
  readonly allowLossy: boolean;
  /** Read every enabled region (an `aws:` source without a region). */
  readonly allRegions: boolean;
  /** File mode: write the policies here; no Halo API is used. */
  readonly out?: string;
  /** Only planning (--dry-run): a read-only key is then fine. */
  readonly planOnly: boolean;
}

export interface ToHaloDeps {
  readonly ctx: WorkflowContext;
  /** The Halo API (built from the context's flags when absent). */
  readonly firewall?: HaloFirewall;
  /** AWS, for `aws:` sources and --resolve-refs (built from the context's flags when absent). */
  readonly aws?: AwsSession;
}

/** A change's payload: a zone or service to create, a policy to create or converge. */
export type HaloChangePayload =
  | { readonly kind: 'zone'; readonly doc: HaloZoneDoc }
  | { readonly kind: 'service'; readonly doc: HaloServiceDoc }
  | { readonly kind: 'policy'; readonly doc: HaloPolicyDoc; readonly id?: string };

interface Source {
  readonly policy: Policy;
  readonly region: string | undefined;
}

/** One policy to write (or keep), with the source it must be equivalent to. */
interface Target {
  readonly name: string;
  readonly os: HaloOs;
  /** The source as compared: references resolved as asked. */
  readonly source: Policy;
  /** The id of an existing policy (kept or converged). */
  readonly id?: string;
  readonly doc?: HaloPolicyDoc;
}

const TARGET = 'halo';

/** Plans a conversion to Halo. Nothing is written until `apply`. */
export async function planHaloConversion(req: ToHaloRequest, deps: ToHaloDeps): Promise<Conversion<HaloChangePayload>> {
  const { ctx } = deps;
  const live = req.out === undefined;
  // A read-only key must fail before anything else happens, let alone a partial write.
  const firewall = live ? (deps.firewall ?? (await haloFirewall(ctx))) : undefined;
  if (firewall && !req.planOnly) await firewall.http.requireWrite('converting to Halo (creating zones, services and policies)');

  let session = deps.aws;
  const aws = async (): Promise<AwsSession> => {
    if (!session) {
      const [{ AwsSession }, { sessionOptionsFromConnection }] = await Promise.all([import('../platforms/aws/session.js'), import('../platforms/aws/live-location.js')]);
      session = new AwsSession(sessionOptionsFromConnection(ctx.connection, ctx));
    }
    return session;
  };
  try {
    const sources = await loadSources(req, ctx, aws);
    if (sources.length === 0) throw new InputError({ file: req.source }, 'holds no security group to convert');
    if (req.dest !== undefined && sources.length > 1) {
      throw new InputError({ field: '--dest' }, `names one policy, but ${req.source} holds ${sources.length} groups: use --dest-prefix`);
    }
    const refMap = req.mapRef;
    const mapped = (item: AddressItem): boolean => item.kind === 'group' && refMap(`group:${item.ref}`) !== `group:${item.ref}`;

    // --resolve-refs: references without a --map-group become the addresses they stand for now.
    const notes: string[] = [];
    const origins = new WeakMap<Rule, string>();
    let resolved: Source[] = sources;
    if (req.resolveRefs) {
      resolved = [];
      for (const region of new Set(sources.map((s) => s.region))) {
        const inRegion = sources.filter((s) => s.region === region);
        if (region === undefined) throw new InputError({ field: '--resolve-refs' }, 'needs a region: read the groups live (aws:REGION) or pass --region');
        const r = await resolveReferences(await aws(), region, inRegion.map((s) => s.policy), { keep: mapped });
        notes.push(...r.notes);
        for (const policy of r.policies) {
          resolved.push({ policy, region });
          for (const rule of policy.rules) {
            const origin = r.origins.get(rule);
            if (origin) origins.set(rule, origin);
          }
        }
      }
    }

    if (!req.allowLossy) refuseUnmappedReferences(resolved.map((s) => s.policy), sources.map((s) => s.policy), mapped);

    const objects: HaloObjects = firewall ? await firewall.objects() : { ...HALO_DOCUMENTED_SYSTEM_OBJECTS, groups: [] };
    const existing = firewall ? await firewall.listPolicies() : [];
    const groupFor = haloGroupLookup(refMap, objects.groups, live);
    const catalog = new HaloCatalog(objects);
    const oses: HaloOs[] = req.platform === 'all' ? ['linux', 'windows'] : [req.platform];

    const targets: Target[] = [];
    const policyChanges: Change<HaloChangePayload>[] = [];
    const lossy: string[] = [];
    const preview: ConversionCheck[] = [];
    const taken = new Set<string>();
    const bases = policyNames(resolved, req, notes);
    for (const [index, { policy, region }] of resolved.entries()) {
      const base = bases[index]!;
      for (const os of oses) {
        const name = req.platform === 'all' ? `${base}-${os}` : base;
        if (taken.has(name.toLowerCase())) {
          throw new InputError({ object: name }, 'two source groups would become this one Halo policy name: use --dest-prefix, or convert them one at a time with --dest');
        }
        taken.add(name.toLowerCase());
        const found = existing.find((p) => p.name.toLowerCase() === name.toLowerCase());
        if (found && !req.update) {
          notes.push(`policy ${found.name} exists: left alone (--update converges it)`);
          policyChanges.push({ kind: 'keep', target: TARGET, object: `policy ${found.name}` });
          continue;
        }
        if (found) {
          if (!(found.description ?? '').includes(HALO_OWNER_MARKER)) {
            throw new InputError({ object: `Halo policy ${found.name}` }, `exists and was not made by ruleport (no "${HALO_OWNER_MARKER}" in its description): not converging it; pick another name with --dest or --dest-prefix`);
          }
          const current = parseHaloPolicy(await firewall!.getPolicy(found.id!), objects);
          const same =
            current.inexpressible.length === 0 &&
            (found.platform ?? 'linux') === os &&
            compare(policy, current.policy, { mapRef: refMap, limit: 1 }).equivalent;
          if (same) {
            targets.push({ name: found.name, os, source: policy, id: found.id! });
            policyChanges.push({ kind: 'keep', target: TARGET, object: `policy ${found.name}` });
            continue;
          }
        }
        const rendered = renderHaloPolicy(policy, catalog, {
          name: found?.name ?? name,
          objectPrefix: base,
          os,
          description: `${HALO_OWNER_MARKER} converted from ${describeSource(policy, region)}`,
          groupFor,
          zoneHint: (rule) => origins.get(rule),
          lossy: req.allowLossy,
        });
        lossy.push(...rendered.lost.map((l) => `${l.rule}: ${l.problem}; ${l.treatment}`));
        const parsed = parseHaloPolicy(rendered.policy, { zones: [], services: [], groups: [] });
        preview.push({ source: policy, target: parsed.policy, comparison: compare(policy, parsed.policy, { mapRef: refMap }) });
        const payload: HaloChangePayload = { kind: 'policy', doc: rendered.policy, ...(found?.id ? { id: found.id } : {}) };
        targets.push({ name: rendered.policy.name, os, source: policy, doc: rendered.policy, ...(found?.id ? { id: found.id } : {}) });
        policyChanges.push(
          found
            ? { kind: 'update', target: TARGET, object: `policy ${found.name}`, before: { kind: 'policy', doc: found, id: found.id! }, after: payload }
            : { kind: 'create', target: TARGET, object: `policy ${rendered.policy.name}`, after: payload },
        );
      }
    }
    const changes: Change<HaloChangePayload>[] = [
      ...catalog.newZones.map((doc): Change<HaloChangePayload> => ({ kind: 'create', target: TARGET, object: `zone ${doc.name}`, after: { kind: 'zone', doc } })),
      ...catalog.newServices.map((doc): Change<HaloChangePayload> => ({ kind: 'create', target: TARGET, object: `service ${doc.name}`, after: { kind: 'service', doc } })),
      ...policyChanges,
    ];
    const plan: Plan<HaloChangePayload> = {
      title: `convert ${resolved.length} ${resolved.length === 1 ? 'policy' : 'policies'} from ${req.source} → Halo firewall ${oses.length * resolved.length === 1 ? 'policy' : 'policies'} (${live ? firewall!.http.baseUrl : `file ${req.out}`})`,
      changes,
      notes,
      lossy,
    };
    const counts = catalog.counts;
    const baseStats = {
      'zones reused': counts.zones.reused,
      'zones created': counts.zones.created,
      'services reused': counts.services.reused,
      'services created': counts.services.created,
    };
    return live
      ? liveConversion(firewall!, plan, targets, preview, refMap, objects, baseStats)
      : fileConversion(req.out!, plan, targets, preview, refMap, catalog, baseStats);
  } finally {
    if (!deps.aws) session?.destroy();
  }
}

/** The source policies, each with the region it was read in (for naming and --resolve-refs). */
async function loadSources(req: ToHaloRequest, ctx: WorkflowContext, aws: () => Promise<AwsSession>): Promise<Source[]> {
  if (!req.source.startsWith('aws:')) {
    if (req.allRegions) throw new InputError({ field: '--all-regions' }, 'reads AWS: give the source as aws:');
    const policies = await loadPolicies(parseLocation(req.source), ctx, req.read);
    return policies.map((policy) => ({ policy, region: ctx.connection.region }));
  }
  const [{ parseAwsLocation }, { loadAwsLocation }, { listRegions }] = await Promise.all([
    import('../platforms/aws/location-spec.js'),
    import('../platforms/aws/live-location.js'),
    import('../platforms/aws/regions.js'),
  ]);
  const spec = req.source.slice('aws:'.length);
  // `aws:` alone names every group of a region; with --all-regions, of every region.
  const loc: AwsLocation = spec === '' ? { target: { kind: 'region' } } : parseAwsLocation(spec);
  const session = await aws();
  if (req.allRegions && (loc.region !== undefined || loc.target.kind !== 'region')) {
    throw new InputError({ field: '--all-regions' }, `reads every group of every enabled region: give the source as aws: alone, not ${req.source}`);
  }
  const regions = req.allRegions ? await listRegions(session) : [loc.region ?? session.defaultRegion()];
  const out: Source[] = [];
  for (const region of regions) {
    for (const policy of await loadAwsLocation(session, { ...loc, region })) out.push({ policy, region });
  }
  return out;
}

/**
 * `--dest`, else `--dest-prefix` + group name, else `<region>-vpc-<group name>` (`<region>-<name>` outside a VPC);
 * a group read from a file without `--region` keeps its own name (there is no region to name it by).
 */
function policyName(p: Policy, region: string | undefined, req: ToHaloRequest): string {
  if (req.dest !== undefined) return req.dest;
  const group = p.meta?.name ?? p.name;
  if (req.destPrefix !== undefined) return `${req.destPrefix}${group}`;
  if (region === undefined) return group;
  return [region, p.meta?.vpc !== undefined ? 'vpc' : undefined, group].filter(Boolean).join('-');
}

/**
 * The base policy name of each source. Groups that would share one (every VPC has a `default` group) are told
 * apart by their VPC id: `<region>-<vpc id>-<group name>`, which reads like the seed's `<region>-vpc-<name>`.
 */
function policyNames(sources: readonly Source[], req: ToHaloRequest, notes: string[]): string[] {
  const names = sources.map((s) => policyName(s.policy, s.region, req));
  if (req.dest !== undefined) return names;
  const count = new Map<string, number>();
  for (const n of names) count.set(n.toLowerCase(), (count.get(n.toLowerCase()) ?? 0) + 1);
  return names.map((name, i) => {
    const { policy, region } = sources[i]!;
    if (count.get(name.toLowerCase())! < 2 || policy.meta?.vpc === undefined) return name;
    const qualified = `${req.destPrefix ?? ''}${[region, policy.meta.vpc, policy.meta.name ?? policy.name].filter(Boolean).join('-')}`;
    notes.push(`${describeSource(policy, region)}: named ${qualified}, as other groups would also be ${name}`);
    return qualified;
  });
}

/**
 * Stops before planning when a group reference has no `--map-group` (`--resolve-refs` leaves none): one error
 * naming the first such rule and giving every flag that would map them all, with the referenced groups' names
 * where the source holds them, so that one corrected command gets through.
 */
function refuseUnmappedReferences(policies: readonly Policy[], all: readonly Policy[], mapped: (item: AddressItem) => boolean): void {
  const names = new Map<string, string>();
  for (const p of all) if (p.meta?.id && p.meta.name) names.set(p.meta.id, p.meta.name);
  const refs = new Map<string, string>();
  let first: string | undefined;
  for (const p of policies) {
    p.rules.forEach((r, i) => {
      if (!p.directions.includes(r.direction) || r.peer.kind !== 'list') return;
      for (const item of r.peer.items) {
        if (item.kind !== 'group' || mapped(item)) continue;
        const id = item.ref.split('@')[0]!;
        refs.set(id, item.name ?? names.get(id) ?? 'GROUP');
        first ??= `${p.name} ${r.direction} rule #${i + 1}${r.origin.id ? ` (${[r.origin.id, r.origin.where].filter(Boolean).join(' ')})` : ''} refers to ${item.ref}`;
      }
    });
  }
  if (first === undefined) return;
  const flags = [...refs].map(([id, name]) => `--map-group ${id}=${name}`).join(' ');
  throw new UnsupportedError(
    HALO,
    first,
    `a security group reference never becomes "any source": map ${refs.size === 1 ? 'it' : `all ${refs.size}`} to Halo server groups (${flags}, with the real Halo group names), or read the groups live (aws:REGION) and add --resolve-refs`,
  );
}

function describeSource(p: Policy, region: string | undefined): string {
  const id = p.meta?.id && p.meta.id !== p.name ? `${p.meta.id} ` : '';
  return `${p.platform} ${id}(${p.name})${region ? ` in ${region}` : ''}`;
}

/**
 * The Halo server group a reference is mapped to. Live, the group must exist (by name, case-insensitive, or id);
 * in file mode it is written by name.
 */
function haloGroupLookup(
  refMap: (key: string) => string,
  groups: readonly HaloGroupDoc[],
  live: boolean,
): (item: Extract<AddressItem, { kind: 'group' }>) => { name: string; id?: string } | undefined {
  return (item) => {
    const key = refMap(`group:${item.ref}`);
    if (key === `group:${item.ref}`) return undefined;
    const wanted = key.slice('group:'.length);
    if (!live) return { name: wanted };
    const byId = groups.find((g) => g.id === wanted);
    const byName = groups.filter((g) => g.name.toLowerCase() === wanted.toLowerCase());
    const group = byId ?? (byName.length > 1 ? byName.find((g) => g.name === wanted) : byName[0]);
    if (!group) {
      const why = byName.length > 1 ? `names ${byName.length} Halo server groups: use the group's id` : 'is not a Halo server group';
      throw new InputError({ field: '--map-group' }, `${JSON.stringify(wanted)} (for ${item.ref}) ${why}`);
    }
    return { name: group.name, id: group.id };
  };
}

/** How the plan names a change. */
function describeChange(change: Change): string {
  const payload = (change.kind === 'create' ? change.after : change.kind === 'update' ? change.after : undefined) as HaloChangePayload | undefined;
  if (!payload) return `${change.target} ${change.object}`;
  switch (payload.kind) {
    case 'zone':
      return `halo zone ${payload.doc.name} (${payload.doc.ip_address})`;
    case 'service':
      return `halo service ${payload.doc.name} (${payload.doc.protocol}${payload.doc.port ? ` ${payload.doc.port}` : ''})`;
    case 'policy': {
      const rules = payload.doc.firewall_rules ?? [];
      const before = change.kind === 'update' ? ` (replacing its rules)` : '';
      return `halo policy ${payload.doc.name} (${payload.doc.platform}, ${rules.filter((r) => r.chain === 'INPUT').length} INPUT + ${rules.filter((r) => r.chain === 'OUTPUT').length} OUTPUT rules)${before}`;
    }
    default: {
      const never: never = payload;
      return String(never);
    }
  }
}

/** A rendered policy with its zone and service references turned into the ids the API takes. */
function withIds(doc: HaloPolicyDoc, zones: ReadonlyMap<string, string>, services: ReadonlyMap<string, string>): HaloPolicyDoc {
  const idOf = (map: ReadonlyMap<string, string>, what: string, ref: { id?: string; name?: string }): string => {
    const id = ref.id ?? (ref.name !== undefined ? map.get(ref.name.toLowerCase()) : undefined);
    if (!id) throw new VerificationError(`internal: ${what} ${ref.name ?? '?'} has no id after its creation`);
    return id;
  };
  const peer = (p: HaloPeerDoc | null | undefined): HaloPeerDoc | null => {
    if (!p) return null;
    if (p.type === 'FirewallZone') return { id: idOf(zones, 'zone', p), type: p.type };
    return p.id ? { id: p.id, type: p.type } : { name: p.name!, type: p.type };
  };
  const rules = (doc.firewall_rules ?? []).map((r): HaloRuleDoc => {
    const service = r.firewall_service;
    const out: HaloRuleDoc = {
      ...r,
      firewall_service: service === null || service === undefined ? null : { id: idOf(services, 'service', typeof service === 'string' ? { id: service } : service) },
    };
    if (r.chain === 'INPUT') out.firewall_source = peer(r.firewall_source);
    else out.firewall_target = peer(r.firewall_target);
    return out;
  });
  return { ...doc, firewall_rules: rules };
}

function liveConversion(
  firewall: HaloFirewall,
  plan: Plan<HaloChangePayload>,
  targets: Target[],
  preview: ConversionCheck[],
  refMap: (key: string) => string,
  objects: HaloObjects,
  baseStats: Record<string, number>,
): Conversion<HaloChangePayload> {
  const zoneIds = new Map(objects.zones.filter((z) => z.id).map((z) => [z.name.toLowerCase(), z.id!]));
  const serviceIds = new Map(objects.services.filter((s) => s.id).map((s) => [s.name.toLowerCase(), s.id!]));
  const policyIds = new Map(targets.filter((t) => t.id).map((t) => [t.name.toLowerCase(), t.id!]));
  return {
    plan,
    describe: describeChange,
    output: 'live',
    problems: [],
    preview,
    apply: (options) =>
      applyPlan(
        plan,
        async (change) => {
          if (change.kind !== 'create' && change.kind !== 'update') return;
          const payload = change.after;
          switch (payload.kind) {
            case 'zone': {
              const zone = await firewall.createZone(payload.doc);
              zoneIds.set(zone.name.toLowerCase(), zone.id!);
              return;
            }
            case 'service': {
              const service = await firewall.createService(payload.doc);
              serviceIds.set(service.name.toLowerCase(), service.id!);
              return;
            }
            case 'policy': {
              const doc = withIds(payload.doc, zoneIds, serviceIds);
              if (payload.id) {
                await firewall.updatePolicy(payload.id, doc);
              } else {
                const created = await firewall.createPolicy(doc);
                policyIds.set(created.name.toLowerCase(), created.id!);
              }
              return;
            }
            default: {
              const never: never = payload;
              throw new Error(`unknown change ${JSON.stringify(never)}`);
            }
          }
        },
        options,
      ),
    async verify() {
      const known = await firewall.objects();
      return mapLimited(targets, READ_CONCURRENCY, async (t): Promise<ConversionCheck> => {
        const id = policyIds.get(t.name.toLowerCase());
        if (!id) throw new VerificationError(`Halo policy ${t.name} was not written`);
        const { policy } = parseHaloPolicy(await firewall.getPolicy(id, true), known);
        return { source: t.source, target: policy, comparison: compare(t.source, policy, { mapRef: refMap }) };
      });
    },
    stats: () => ({ ...baseStats, 'halo API requests': firewall.http.stats.requests, 'halo retries': firewall.http.stats.retries }),
    close: () => {},
  };
}

function fileConversion(
  out: string,
  plan: Plan<HaloChangePayload>,
  targets: Target[],
  preview: ConversionCheck[],
  refMap: (key: string) => string,
  catalog: HaloCatalog,
  baseStats: Record<string, number>,
): Conversion<HaloChangePayload> {
  return {
    plan,
    describe: describeChange,
    output: 'file',
    problems: [],
    preview,
    async apply() {
      const doc = {
        firewall_policies: targets.map((t) => t.doc!),
        firewall_zones: catalog.newZones,
        firewall_services: catalog.newServices,
      };
      try {
        await writeFile(out, `${JSON.stringify(doc, null, 2)}\n`);
      } catch (e) {
        throw new InputError({ file: out, field: '--out' }, `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      return { applied: plan.changes.filter((c) => c.kind !== 'keep').length, failed: [] };
    },
    async verify() {
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(out, 'utf8'));
      } catch (e) {
        throw new VerificationError(`cannot read back ${out}: ${(e as Error).message}`);
      }
      const written = parseHaloDocument(doc, out);
      return targets.map((t) => {
        const back = written.find((w) => w.policy.name === t.name);
        if (!back) throw new VerificationError(`${out} lacks policy ${t.name}`);
        return { source: t.source, target: back.policy, comparison: compare(t.source, back.policy, { mapRef: refMap }) };
      });
    },
    stats: () => ({ ...baseStats }),
    close: () => {},
  };
}
