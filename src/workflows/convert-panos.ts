/**
 * `ruleport convert <source> --to panos:HOST[/vsysN] --from-zone Z --to-zone Z --below RULE`: each source policy
 * (each security group of a file or region) becomes PAN-OS security rules named `<prefix>-N` for one zone pair —
 * with the address objects, dynamic address groups, service objects, custom applications and `ruleport` tag they
 * need — placed just above the named bottom rule, written as one batch and committed once; then the running
 * rulebase is read back and compared with the source. `--out FILE` writes a configuration (`.xml`) or CLI `set`
 * commands (any other name) instead, with no API call.
 *
 * A security group's rules have no local side; on PAN-OS it is the group itself (the address group `--map-group`
 * names, else ruleport's dynamic address group named after the group: ../platforms/panos/render.ts). The read-back
 * rulebase is compared with the source whose local side is made explicit that way, so the proof covers the
 * destination of ingress rules and the source of egress rules too: a rule written with `any` there fails it.
 *
 * `--resolve-refs` (security groups read live): what a group protects, and the group references and prefix lists
 * among its peers that `--map-group` does not name, become the addresses they stand for now (./resolve-refs.ts),
 * written as ruleport's address objects `rp-<cidr>`: a snapshot, each resolution a plan note with its time. A group
 * no network interface carries stands for no address; rules needing it match nothing and are left out (the renderer
 * notes each). The proof then compares with the source as resolved.
 *
 * Ownership: ruleport changes only rules and objects carrying its tag. A rule or object of the same name without
 * it stops the plan; ruleport rules of the same prefix that are no longer wanted are deleted, and so are ruleport's
 * objects that nothing in the vsys refers to any more (../platforms/panos/unreferenced-objects.ts), in the same
 * batch and commit. When the commit fails, ruleport's candidate changes are reverted and other administrators' are
 * left as they were (./../platforms/panos/change-batch.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { compare } from '../engine/index.js';
import { InputError, RemoteError, VerificationError, withProtectedLocal, type AddressItem, type Policy } from '../model/index.js';
import { applyPlan, type Change, type Plan } from '../plan/index.js';
import type { AwsSession } from '../platforms/aws/session.js';
import { PanosChangeBatch } from '../platforms/panos/change-batch.js';
import { PanosCommitError, type PanosClient } from '../platforms/panos/client.js';
import { parsePanosTarget, type PanosTarget } from '../platforms/panos/credentials.js';
import { toConfigXml, toSetCommands } from '../platforms/panos/config-text.js';
import {
  OBJECT_CONTAINER,
  RULEPORT_TAG,
  objectFromXml,
  objectXml,
  ruleFromXml,
  ruleXml,
  sameObject,
  sameRule,
  type PanosObject,
  type PanosRuleObject,
} from '../platforms/panos/objects.js';
import { withDynamicGroupNames } from '../platforms/panos/dynamic-address-group.js';
import { configVsyses, readVsys, type VsysConfig, type ZonePair } from '../platforms/panos/parse.js';
import { renderRulebase, type ServiceMode } from '../platforms/panos/render.js';
import { unreferencedObjects } from '../platforms/panos/unreferenced-objects.js';
import { child, entries, entryNamed, type XNode } from '../platforms/panos/xml.js';
import { checkObjectName, isObjectName, objectContainerXpath, rulesXpath } from '../platforms/panos/xpath.js';
import type { WorkflowContext } from './context.js';
import type { Conversion, ConversionCheck } from './conversion.js';
import type { FileParseOptions } from '../platforms/platform.js';
import { loadPolicies, parseLocation } from './locations.js';
import { panosClient } from './panos-location.js';
import { resolveReferences } from './resolve-refs.js';

export interface ToPanosRequest {
  readonly source: string;
  /** How the source is read where its format has choices (the zone pair of a PAN-OS rulebase). */
  readonly read?: FileParseOptions;
  /** `panos:TARGET[/vsysN]`, or `panos` with `out`. */
  readonly to: string;
  readonly zones: ZonePair;
  /** The rule ruleport's rules go just above (live: required; files: adds `move` commands). */
  readonly below?: string;
  readonly serviceMode: ServiceMode;
  /** Rule names `<prefix>-N`; default each source policy's id (e.g. the security group id). */
  readonly rulePrefix?: string;
  readonly profileGroup?: string;
  /** `--map-group` as a reference-key rewrite (`group:sg-0abc@1234` → `group:web-servers`). */
  readonly mapRef: (key: string) => string;
  /**
   * Replace what each security group protects, and the group references and prefix lists `mapRef` leaves alone,
   * by their current addresses (an `aws:` source only).
   */
  readonly resolveRefs?: boolean;
  /** Commit only the changes of ruleport's administrator. */
  readonly partialCommit: boolean;
  readonly commitTimeoutMs?: number;
  readonly out?: string;
}

export interface ToPanosDeps {
  readonly ctx: WorkflowContext;
  /** The firewall API (built from the context's flags when absent). */
  readonly client?: PanosClient;
  /** AWS, for --resolve-refs (built from the context's flags when absent). */
  readonly aws?: AwsSession;
}

/** A change's payload: a rule or another object, as ruleport writes it. */
export type PanosChangePayload = { readonly kind: 'rule'; readonly rule: PanosRuleObject } | { readonly kind: 'object'; readonly object: PanosObject };

/** One source policy and the rules rendered for it. */
interface Unit {
  readonly source: Policy;
  readonly prefix: string;
  readonly rules: readonly PanosRuleObject[];
  /** The reference mapping the check reads the rules with: `--map-group`, then the protected groups' defaults. */
  readonly mapRef: (key: string) => string;
}

const OBJECT_ORDER: readonly PanosObject['kind'][] = ['tag', 'address', 'address-group', 'service', 'application'];

/** Plans a conversion to PAN-OS. Nothing is written until `apply`. */
export async function planPanosConversion(req: ToPanosRequest, deps: ToPanosDeps): Promise<Conversion<PanosChangePayload>> {
  const { ctx } = deps;
  const live = req.out === undefined;
  const target: PanosTarget | undefined = live ? parsePanosTarget(req.to.replace(/^panos:/, '')) : undefined;
  if (!live && req.to !== 'panos' && !req.to.startsWith('panos:')) throw new InputError({ field: '--to' }, 'expected panos or panos:HOST');
  const vsys = target?.vsys ?? (req.to.startsWith('panos:') ? parsePanosTarget(req.to.slice(6)).vsys : 'vsys1');
  if (live && req.below === undefined) throw new InputError({ field: '--below' }, 'name the rule ruleport\'s rules go above (the bottom or clean-up rule)');
  if (req.below !== undefined) checkObjectName(req.below, '--below');
  if (req.zones.from === req.zones.to) throw new InputError({ field: '--from-zone/--to-zone' }, `the zone pair needs two different zones, got ${req.zones.from} twice`);

  if (req.resolveRefs && !req.source.startsWith('aws:')) {
    throw new InputError({ field: '--resolve-refs' }, `asks AWS for the current members of security groups: read the groups live (aws:REGION[/sg-…]), not ${req.source}`);
  }
  const notes: string[] = [];
  const sources = req.resolveRefs ? await loadResolved(req, deps, notes) : await loadPolicies(parseLocation(req.source), ctx, req.read);
  if (sources.length === 0) throw new InputError({ file: req.source }, 'holds no policy to convert');
  if (req.rulePrefix !== undefined && sources.length > 1) {
    throw new InputError({ field: '--rule-prefix' }, `names one prefix, but ${req.source} holds ${sources.length} policies (each gets its id as prefix)`);
  }
  const groupName = (ref: string): string | undefined => {
    const mapped = req.mapRef(`group:${ref}`);
    return mapped === `group:${ref}` ? undefined : mapped.slice('group:'.length);
  };

  // Render every source; objects shared between sources are written once.
  const units: Unit[] = [];
  const objects = new Map<string, PanosObject>();
  const prefixes = new Set<string>();
  for (const source of sources) {
    const prefix = req.rulePrefix ?? defaultPrefix(source);
    if (prefixes.has(prefix)) throw new InputError({ object: source.name }, `two source policies would get the rule prefix ${prefix}`);
    prefixes.add(prefix);
    const rendered = renderRulebase(source, {
      zones: req.zones,
      serviceMode: req.serviceMode,
      rulePrefix: prefix,
      groupName,
      ...(req.profileGroup !== undefined ? { profileGroup: req.profileGroup } : {}),
    });
    for (const o of rendered.objects) objects.set(`${o.kind}:${o.name}`, o);
    for (const n of rendered.notes) if (!notes.includes(n)) notes.push(n);
    units.push({ source, prefix, rules: rendered.rules, mapRef: withDynamicGroupNames(source, req.mapRef) });
  }
  const allObjects = OBJECT_ORDER.flatMap((k) => [...objects.values()].filter((o) => o.kind === k));
  const allRules = units.flatMap((u) => u.rules);
  const rendered = { rules: allRules, objects: allObjects, notes };

  // The check before writing: what would be written, read back the way the firewall's rulebase is read.
  const renderedVsys = vsysOf(toConfigXml(rendered, vsys), vsys);
  const preview = units.map((u) => check(u, renderedVsys, req, '(rendered)'));

  if (!live) return fileConversion(req, rendered, vsys, units, preview);

  const client = deps.client ?? (await panosClient(target!, ctx));
  const [running, candidate] = await Promise.all([client.vsysConfig(vsys, 'running'), client.vsysConfig(vsys, 'candidate')]);
  const plan = planLive(req, target!, { running, candidate }, allObjects, units, notes);
  return liveConversion(req, client, target!, plan, units, preview);
}

/**
 * The security groups of an `aws:` source with their references resolved (./resolve-refs.ts), region by region,
 * read and resolved through one AWS session; each resolution is added to `notes`.
 */
async function loadResolved(req: ToPanosRequest, deps: ToPanosDeps, notes: string[]): Promise<Policy[]> {
  const { ctx } = deps;
  const [{ AwsSession }, { loadAwsRegions, locationRegions, sessionOptionsFromConnection }, { parseAwsLocation }] = await Promise.all([
    import('../platforms/aws/session.js'),
    import('../platforms/aws/live-location.js'),
    import('../platforms/aws/location-spec.js'),
  ]);
  const loc = parseAwsLocation(req.source.slice('aws:'.length));
  const session = deps.aws ?? new AwsSession(sessionOptionsFromConnection(ctx.connection, ctx));
  const keep = (item: AddressItem): boolean => item.kind === 'group' && req.mapRef(`group:${item.ref}`) !== `group:${item.ref}`;
  try {
    const regions = await locationRegions(session, loc, ctx.connection.allRegions);
    const policies = await loadAwsRegions(session, loc, regions);
    const out: Policy[] = [];
    for (const region of regions) {
      // Over several regions each policy names its own (loadAwsRegions); one region leaves it implicit.
      const inRegion = policies.filter((p) => (p.meta?.region ?? regions[0]) === region);
      const r = await resolveReferences(session, region, inRegion, { keep, protects: true });
      notes.push(...r.notes);
      out.push(...r.policies);
    }
    return out;
  } finally {
    if (!deps.aws) session.destroy();
  }
}

/** `sg-0abc…` → itself; names PAN-OS cannot take → `ruleport`. */
function defaultPrefix(source: Policy): string {
  const id = source.meta?.id ?? '';
  return isObjectName(`${id}-9999`) ? id : 'ruleport';
}

/** One vsys of a rendered configuration text. */
function vsysOf(text: string, vsys: string): VsysConfig {
  return configVsyses(text, '(rendered)').find((v) => v.name === vsys)!;
}

/**
 * The rules of one unit, read from a configuration, compared with the unit's source with its local side made
 * explicit (what the source protects, under the unit's mapping).
 */
function check(u: Unit, config: VsysConfig, req: ToPanosRequest, label: string): ConversionCheck {
  const reading = readVsys(config, { label, zones: req.zones, select: owned(u.prefix) });
  const source = withProtectedLocal(u.source);
  return { source, target: reading.policy, comparison: compare(source, reading.policy, { mapRef: u.mapRef }) };
}

/** Rules ruleport owns for a prefix: tagged `ruleport`, named `<prefix>-N`. */
function owned(prefix: string): (rule: { readonly name: string; readonly tags: readonly string[] }) => boolean {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+$`);
  return (r) => r.tags.includes(RULEPORT_TAG) && pattern.test(r.name);
}

/**
 * The changes that make both the running and the candidate configuration hold exactly the rendered rules and
 * objects: change detection against what is committed, so that a run interrupted before its commit (edits left in
 * the candidate) is converged and committed by the next run, not mistaken for done.
 */
function planLive(
  req: ToPanosRequest,
  target: PanosTarget,
  configs: { readonly running: VsysConfig; readonly candidate: VsysConfig },
  objects: readonly PanosObject[],
  units: readonly Unit[],
  notes: string[],
): Plan<PanosChangePayload> {
  const where = `panos:${target.label}`;
  const both = [configs.running, configs.candidate] as const;
  const changes: Change<PanosChangePayload>[] = [];
  for (const o of objects) {
    const found = both.map((c) => entryNamed(child(c.vsys, OBJECT_CONTAINER[o.kind]), o.name));
    const object = `${o.kind} ${o.name}`;
    const read = found.map((e) => (e ? objectFromXml(o.kind, e) : undefined));
    for (let i = 0; i < 2; i++) {
      const current = read[i];
      if (!found[i] || o.kind === 'tag' || sameObject(o, current)) continue;
      if (!current || current.kind === 'tag' || !current.tag.includes(RULEPORT_TAG)) {
        throw new InputError({ object: `${where} ${object}` }, `exists and is not ruleport's (no tag ${RULEPORT_TAG}, or a shape ruleport does not write): not changing it`);
      }
    }
    if (found.every((e) => e !== undefined) && read.every((c) => sameObject(o, c))) changes.push({ kind: 'keep', target: where, object });
    else if (!found[0]) changes.push({ kind: 'create', target: where, object, after: { kind: 'object', object: o } });
    else changes.push({ kind: 'update', target: where, object, before: { kind: 'object', object: read[0]! }, after: { kind: 'object', object: o } });
  }

  const ruleEntries = both.map((c) => entries(child(child(child(c.vsys, 'rulebase'), 'security'), 'rules')));
  const orders = ruleEntries.map((list) => list.map((e) => e.attrs.name ?? ''));
  if (!orders[0]!.includes(req.below!) || !orders[1]!.includes(req.below!)) {
    const order = orders[0]!;
    throw new InputError({ field: '--below' }, `no rule ${JSON.stringify(req.below)} in ${where} (rules: ${order.slice(-5).join(', ') || 'none'}${order.length > 5 ? ', …' : ''})`);
  }
  const desired = units.flatMap((u) => u.rules);
  const desiredNames = new Set(desired.map((r) => r.name));
  if (desiredNames.has(req.below!)) throw new InputError({ field: '--below' }, `${req.below} is one of the rules ruleport writes`);
  for (const r of desired) {
    const found = ruleEntries.map((list) => list.find((e) => e.attrs.name === r.name));
    const object = `rule ${r.name}`;
    for (const e of found) {
      if (e && !ruleFromXml(e).tag.includes(RULEPORT_TAG)) {
        throw new InputError({ object: `${where} ${object}` }, `exists and is not ruleport's (no tag ${RULEPORT_TAG}): not changing it; pick another --rule-prefix`);
      }
    }
    const same = (e: XNode | undefined): boolean => e !== undefined && sameRule(r, ruleFromXml(e)) && !hasExtraFields(e);
    if (found.every(same)) changes.push({ kind: 'keep', target: where, object });
    else if (!found[0]) changes.push({ kind: 'create', target: where, object, after: { kind: 'rule', rule: r } });
    else changes.push({ kind: 'update', target: where, object, before: { kind: 'rule', rule: ruleFromXml(found[0]) }, after: { kind: 'rule', rule: r } });
  }
  const stale = new Map<string, XNode>();
  for (const u of units) {
    for (const list of ruleEntries) {
      for (const e of list) {
        const name = e.attrs.name ?? '';
        if (!desiredNames.has(name) && !stale.has(name) && owned(u.prefix)({ name, tags: ruleFromXml(e).tag })) stale.set(name, e);
      }
    }
  }
  for (const [name, e] of stale) changes.push({ kind: 'delete', target: where, object: `rule ${name}`, before: { kind: 'rule', rule: ruleFromXml(e) } });
  // Placement: ruleport's rules, in order, right above the bottom rule — in both configurations.
  const placed = orders.every((order) => {
    const after = [...order.filter((n) => !stale.has(n)), ...desired.map((r) => r.name).filter((n) => !order.includes(n))];
    const at = after.indexOf(req.below!);
    return desired.every((r, i) => after[at - desired.length + i] === r.name);
  });
  if (!placed) {
    for (const r of desired) changes.push({ kind: 'move', target: where, object: `rule ${r.name}`, where: `before ${req.below}` });
  }
  // Ruleport's objects no rule needs any more, judged in both configurations once the rules above are written.
  const gc = unreferencedObjects([configs.candidate, configs.running], {
    tag: RULEPORT_TAG,
    wanted: new Set(objects.map((o) => `${o.kind}:${o.name}`)),
    replacedRules: new Set([...desiredNames, ...stale.keys()]),
    rules: desired,
  });
  for (const o of gc) changes.push({ kind: 'delete', target: where, object: `${o.kind} ${o.name}`, before: { kind: 'object', object: o } });
  const n = desired.length;
  return {
    title: `convert ${units.length} ${units.length === 1 ? 'policy' : 'policies'} from ${req.source} → ${n} PAN-OS rule${n === 1 ? '' : 's'} ${req.zones.from}→${req.zones.to} above "${req.below}" (${where}), one ${req.partialCommit ? 'partial ' : ''}commit`,
    changes,
    notes,
    lossy: [],
  };
}

/** A rule entry carrying fields ruleport does not write (log settings, schedules…) differs from ruleport's. */
function hasExtraFields(entry: XNode): boolean {
  const known = new Set(['from', 'to', 'source', 'destination', 'source-user', 'category', 'application', 'service', 'action', 'negate-source', 'negate-destination', 'profile-setting', 'tag', 'description']);
  return [...entry.children.keys()].some((k) => !known.has(k));
}

function describeChange(change: Change): string {
  return change.kind === 'move' ? `${change.object} ${change.where}` : change.object;
}

function liveConversion(
  req: ToPanosRequest,
  client: PanosClient,
  target: PanosTarget,
  plan: Plan<PanosChangePayload>,
  units: readonly Unit[],
  preview: ConversionCheck[],
): Conversion<PanosChangePayload> {
  const rules = rulesXpath(target.vsys);
  const scope = { vsys: target.vsys };
  const outcome: string[] = [];
  let job: number | undefined;
  return {
    plan,
    describe: describeChange,
    output: 'live',
    problems: [],
    preview,
    async apply(options) {
      const batch = new PanosChangeBatch(client);
      const result = await applyPlan(
        plan,
        async (change) => {
          switch (change.kind) {
            case 'create':
            case 'update': {
              const p = change.after;
              if (p.kind === 'rule') await batch.put(rules, p.rule.name, ruleXml(p.rule));
              else await batch.put(objectContainerXpath(scope, OBJECT_CONTAINER[p.object.kind]), p.object.name, objectXml(p.object));
              return;
            }
            case 'delete': {
              const p = change.before;
              if (p.kind === 'rule') await batch.remove(rules, p.rule.name);
              else await batch.remove(objectContainerXpath(scope, OBJECT_CONTAINER[p.object.kind]), p.object.name);
              return;
            }
            case 'move':
              await batch.move(rules, change.object.slice('rule '.length), 'before', req.below!);
              return;
            case 'keep':
              return;
            default: {
              const never: never = change;
              throw new Error(`unknown change ${JSON.stringify(never)}`);
            }
          }
        },
        options,
      );
      const failure = result.failed[0];
      if (failure) {
        const undone = await batch.revert().then(
          () => "ruleport's candidate changes were reverted, nothing was committed",
          (e: unknown) => `reverting ruleport's candidate changes failed too (${(e as Error).message})`,
        );
        throw new RemoteError('panos', `apply (${failure.object})`, `${failure.error}; ${undone}`);
      }
      // The commit is journaled too: the candidate edits above only count once it succeeded.
      const where = `panos:${target.label}`;
      const done = await batch
        .commit({
          description: `ruleport convert ${req.source}`.slice(0, 250),
          partial: req.partialCommit,
          ...(req.commitTimeoutMs !== undefined ? { timeoutMs: req.commitTimeoutMs } : {}),
        })
        .catch((e: unknown) => {
          const reverted = e instanceof PanosCommitError && e.reverted;
          options?.journal?.append({ target: where, change: 'update', object: 'commit', result: 'failed', error: (e as Error).message, detail: { reverted, job: e instanceof PanosCommitError ? e.job?.id : undefined } });
          throw e;
        });
      options?.journal?.append({ target: where, change: 'update', object: 'commit', result: 'ok', detail: done.kind === 'committed' ? { job: done.job.id } : { nothingToCommit: true } });
      if (done.kind === 'committed') {
        job = Number(done.job.id);
        outcome.push(`committed: job ${done.job.id} ${done.job.result}${req.partialCommit ? ' (partial commit of ruleport\'s changes)' : ''}`);
      } else {
        outcome.push('commit: there were no changes to commit');
      }
      return result;
    },
    async verify() {
      const running = await client.vsysConfig(target.vsys, 'running');
      const order = entries(child(child(child(running.vsys, 'rulebase'), 'security'), 'rules')).map((e) => e.attrs.name ?? '');
      const want = units.flatMap((u) => u.rules.map((r) => r.name));
      const at = order.indexOf(req.below!);
      if (at < 0 || !want.every((n, i) => order[at - want.length + i] === n)) {
        throw new VerificationError(`placement: ruleport's rules are not all, in order, right above "${req.below}" in the running rulebase of panos:${target.label}`);
      }
      return units.map((u) => check(u, running, req, `panos:${new URL(target.baseUrl).host}`));
    },
    outcome: () => outcome,
    stats: () => ({ 'panos API requests': client.stats.requests, 'panos retries': client.stats.retries, ...(job !== undefined ? { 'commit job': job } : {}) }),
    close: () => {},
  };
}

function fileConversion(
  req: ToPanosRequest,
  rendered: { rules: readonly PanosRuleObject[]; objects: readonly PanosObject[]; notes: readonly string[] },
  vsys: string,
  units: readonly Unit[],
  preview: ConversionCheck[],
): Conversion<PanosChangePayload> {
  const out = req.out!;
  const xml = out.toLowerCase().endsWith('.xml');
  const text = xml ? toConfigXml(rendered, vsys) : toSetCommands(rendered, vsys, req.below);
  const where = `file ${out}`;
  const changes: Change<PanosChangePayload>[] = [
    ...rendered.objects.map((o): Change<PanosChangePayload> => ({ kind: 'create', target: where, object: `${o.kind} ${o.name}`, after: { kind: 'object', object: o } })),
    ...rendered.rules.map((r): Change<PanosChangePayload> => ({ kind: 'create', target: where, object: `rule ${r.name}`, after: { kind: 'rule', rule: r } })),
  ];
  const plan: Plan<PanosChangePayload> = {
    title: `convert ${units.length} ${units.length === 1 ? 'policy' : 'policies'} from ${req.source} → ${rendered.rules.length} PAN-OS rules ${req.zones.from}→${req.zones.to} (${xml ? 'configuration XML' : 'set commands'} in ${out})`,
    changes,
    notes: [...rendered.notes, ...(xml && req.below !== undefined ? [`--below ${req.below}: the XML holds ruleport's rules only; place them above ${req.below} when merging`] : [])],
    lossy: [],
  };
  return {
    plan,
    describe: describeChange,
    output: 'file',
    problems: [],
    preview,
    async apply(options) {
      try {
        await writeFile(out, text);
      } catch (e) {
        throw new InputError({ file: out }, `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      const n = changes.length;
      options?.onProgress?.(n, n);
      return { applied: n, failed: [] };
    },
    async verify() {
      // Set commands cannot be read back; their content is the XML the preview checked.
      if (!xml) return preview;
      const back = vsysOf(await readFile(out, 'utf8'), vsys);
      return units.map((u) => check(u, back, req, out));
    },
    stats: () => ({}),
    close: () => {},
  };
}
