/**
 * `ruleport convert <policies> --to aws:REGION --vpc vpc-…` (live) or `--to aws-sg --out sgs.json` (file): each
 * source policy — typically a Halo policy (`halo:policy/NAME`, `halo:` for every policy but `default`, or a Halo
 * policy file) — becomes one security group, then is read back and compared.
 *
 * Ordered ACCEPT/DROP/REJECT rules are compiled with the engine's `toAllowSet` into the allow-only rule list that
 * grants exactly the same flows (CIDRs and ports split as needed). Halo server-group sources are mapped back to
 * security groups with `--map-group sg-0abc=WebServers` or refused; rules the canonical model holds only narrowed
 * (GhostPorts user sources, inactive or interface-bound rules) stop the conversion unless `--allow-lossy`; a
 * group reference whose first-match order an allow-only list cannot honour is refused (symbolic-order.ts). A
 * group that would exceed the rule quota is an error in the plan. Names: `--dest` (one policy only), else
 * `--dest-prefix` + policy name, else the policy name. An existing group of that name in the VPC is left alone
 * unless `--update`, which converges it — only a group ruleport made (tag `ruleport:source`).
 */
import { writeFile } from 'node:fs/promises';
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { compare, toAllowSet } from '../engine/index.js';
import {
  ANY,
  InputError,
  UnsupportedError,
  VerificationError,
  formatFlow,
  type AddressItem,
  type Direction,
  type Policy,
  type Rule,
} from '../model/index.js';
import { applyPlan, payloadOf, type Change, type Plan } from '../plan/index.js';
import { OWNER_TAG } from '../platforms/aws/tags.js';
import type { AwsSession, Ec2Handle } from '../platforms/aws/session.js';
import { AWS_SG, awsRuleDescription, parseSecurityGroups, renderSecurityGroup, sgQuotaProblems, type RenderedSecurityGroup } from '../platforms/aws-sg/index.js';
import type { HaloFirewall } from '../platforms/halo/firewall-client.js';
import { looksLikeHaloPolicies, parseHaloDocument, type ParsedHaloPolicy } from '../platforms/halo/parse.js';
import type { WorkflowContext } from './context.js';
import type { Conversion, ConversionCheck } from './conversion.js';
import { haloFirewall, parseHaloSpec, readHaloPolicies } from './halo-location.js';
import type { FileParseOptions } from '../platforms/platform.js';
import { loadPolicies, parseLocation } from './locations.js';
import { AUTOMATIC_EGRESS, atomKey, atomPermissions, canonicalPermissions, groupAtoms, type PermissionAtom } from './migrate-sg-atoms.js';
import { symbolicOrderProblems } from './symbolic-order.js';
import { readInputFile } from '../platforms/read-input.js';

export type SgTarget =
  | { readonly kind: 'live'; readonly region: string; readonly vpc: string }
  /** `vpc` is recorded in the file when given (a placeholder otherwise: groups outside a VPC govern ingress only). */
  | { readonly kind: 'file'; readonly out: string; readonly vpc?: string };

export interface ToSgRequest {
  readonly source: string;
  /** How the source is read where its format has choices (the zone pair of a PAN-OS rulebase). */
  readonly read?: FileParseOptions;
  readonly target: SgTarget;
  readonly dest?: string;
  readonly destPrefix?: string;
  /**
   * `--map-group sg-0abc=WebServers` read from the source's side: `group:WebServers` → `group:sg-0abc`; a key it
   * leaves unchanged is not mapped.
   */
  readonly mapRef: (key: string) => string;
  readonly update: boolean;
  readonly allowLossy: boolean;
}

export interface ToSgDeps {
  readonly ctx: WorkflowContext;
  /** The Halo API for `halo:` sources (built from the context's flags when absent). */
  readonly firewall?: HaloFirewall;
  /** AWS for live targets (built from the context's flags when absent). */
  readonly aws?: AwsSession;
}

export type SgChangePayload =
  | { readonly kind: 'group'; readonly name: string; readonly description: string; readonly vpcId: string; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'rules'; readonly group: string; readonly direction: Direction; readonly permissions: IpPermission[] };

/** Where a file target's groups say they live when no --vpc is given (a VPC group: it governs egress too). */
const PLACEHOLDER_VPC = 'vpc-unassigned';
const SG_REF = /^sg-[0-9a-zA-Z]+(@\d{12})?$/;
/** AWS allows a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$* in group names, up to 255 characters. */
const SG_NAME = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** What planning found, for either kind of output. */
interface Planned {
  readonly targets: readonly Target[];
  readonly preview: readonly ConversionCheck[];
  readonly notes: readonly string[];
  readonly problems: readonly string[];
  /** Parts of the source not carried exactly (accepted with --allow-lossy). */
  readonly lossy: readonly string[];
}

interface Target {
  readonly name: string;
  /** The source as compared: groups mapped to security groups. */
  readonly source: Policy;
  readonly perms: RenderedSecurityGroup;
  readonly description: string;
  readonly tags: Record<string, string>;
  /** The id of an existing group (kept or converged). */
  readonly id?: string;
}

/** Compares references by group id: a written `sg-0abc` reads back as `sg-0abc@<owner>`. */
const byGroupId = (key: string): string => (key.startsWith('group:') ? key.replace(/@.*$/, '') : key);

/** Plans a conversion to security groups. Nothing is written until `apply`. */
export async function planSgConversion(req: ToSgRequest, deps: ToSgDeps): Promise<Conversion<SgChangePayload>> {
  const parsed = await loadSources(req.source, req.read, deps);
  if (parsed.length === 0) throw new InputError({ file: req.source }, 'holds no policy to convert');
  if (req.dest !== undefined && parsed.length > 1) {
    throw new InputError({ field: '--dest' }, `names one group, but ${req.source} holds ${parsed.length} policies: use --dest-prefix`);
  }
  const lost = parsed.flatMap((p) => p.inexpressible.map((i) => `${i.rule}: ${i.reason}; ${i.treatment}`));
  if (lost.length > 0 && !req.allowLossy) {
    throw new UnsupportedError(
      AWS_SG,
      lost.length === 1 ? '1 rule' : `${lost.length} rules`,
      `not expressible in a security group: ${lost[0]}${lost.length > 1 ? ` (and ${lost.length - 1} more)` : ''}; --allow-lossy accepts the narrower result`,
    );
  }
  const notes = parsed.flatMap((p) => p.notes);
  const problems: string[] = [];
  const preview: ConversionCheck[] = [];
  const targets: Target[] = [];
  for (const { policy } of parsed) {
    const source = mapGroups(policy, req.mapRef);
    const order = symbolicOrderProblems(source);
    if (order.length > 0) throw new UnsupportedError(AWS_SG, policy.name, `${order[0]}${order.length > 1 ? ` (and ${order.length - 1} more)` : ''}`);
    const allowSet = withoutLocalSide(source, toAllowSet(source));
    const perms = renderSecurityGroup(allowSet);
    const name = groupName(policy, req);
    problems.push(...sgQuotaProblems(name, perms));
    const description = awsRuleDescription(`ruleport: converted from ${policy.platform} policy ${policy.name}`);
    const tags = { [OWNER_TAG]: `${policy.platform}:${policy.meta?.id ?? policy.name}` };
    const back = parseSecurityGroups([groupDoc(`pending:${name}`, name, description, PLACEHOLDER_VPC, perms, tags)], 'plan')[0]!;
    preview.push({ source, target: back, comparison: compare(source, back, { mapRef: byGroupId }) });
    targets.push({ name, source, perms, description, tags });
  }
  const names = new Set<string>();
  for (const t of targets) {
    if (names.has(t.name)) throw new InputError({ object: t.name }, 'two source policies would become this one group name: use --dest-prefix, or convert them one at a time with --dest');
    names.add(t.name);
  }
  const planned = { targets, preview, notes, problems, lossy: lost };
  return req.target.kind === 'live' ? liveConversion(req, req.target, deps, planned) : fileConversion(req.target, req.source, planned);
}

/** Halo sources with what they could not carry; any other location as is. */
async function loadSources(source: string, read: FileParseOptions | undefined, deps: ToSgDeps): Promise<ParsedHaloPolicy[]> {
  const loc = parseLocation(source);
  if (loc.kind === 'live' && loc.scheme === 'halo') {
    return readHaloPolicies(deps.firewall ?? (await haloFirewall(deps.ctx)), parseHaloSpec(loc.spec));
  }
  if (loc.kind === 'file') {
    const doc = await readJson(loc.path);
    if (looksLikeHaloPolicies(doc)) {
      const all = parseHaloDocument(doc, loc.path);
      if (loc.selector === undefined) return all;
      const picked = all.filter((p) => p.policy.name === loc.selector || p.policy.meta?.id === loc.selector);
      if (picked.length === 0) throw new InputError({ file: loc.path, object: `#${loc.selector}` }, `selector matches no policy (have: ${all.map((p) => p.policy.name).join(', ')})`);
      return picked;
    }
  }
  return (await loadPolicies(loc, deps.ctx, read)).map((policy) => ({ policy, inexpressible: [], notes: [] }));
}

/** The JSON of a file, or undefined when it is not JSON (another format: the location loader reads it). */
async function readJson(path: string): Promise<unknown> {
  const text = await readInputFile(path);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Server-group sources → the security groups `--map-group` names; a group without one is refused (a security
 * group can only reference security groups, and a reference is never widened).
 */
function mapGroups(policy: Policy, mapRef: (key: string) => string): Policy {
  const mapItem = (item: AddressItem, rule: Rule, index: number): AddressItem => {
    if (item.kind !== 'group') return item;
    const key = `group:${item.ref}`;
    const mapped = mapRef(key);
    const where = `${policy.name} ${rule.direction} rule #${index + 1}${rule.origin.where ? ` (${rule.origin.where})` : ''}`;
    if (mapped === key) {
      if (SG_REF.test(item.ref)) return item;
      throw new UnsupportedError(AWS_SG, where, `server group ${JSON.stringify(item.name ?? item.ref)} has no security group: map it with --map-group sg-…=${item.name ?? item.ref}`);
    }
    const ref = mapped.slice('group:'.length);
    if (!SG_REF.test(ref)) throw new InputError({ field: '--map-group' }, `${JSON.stringify(ref)} (for ${item.ref}) is not a security group id (sg-…)`);
    return { kind: 'group', ref, name: item.name ?? item.ref };
  };
  return {
    ...policy,
    rules: policy.rules.map((r, i) => (r.peer.kind === 'list' ? { ...r, peer: { ...r.peer, items: r.peer.items.map((it) => mapItem(it, r, i)) } } : r)),
  };
}

/**
 * A security group protects its own members: its rules have no local side. The allow set's rules carry one (the
 * engine splits every side, group references included), so it is dropped and the rules that then coincide are
 * merged. That is exact only when the source never looked at the local address, which the comparison decides:
 * a result that would allow more (a source rule for some local addresses only) is refused, naming a flow.
 */
function withoutLocalSide(source: Policy, allowSet: Policy): Policy {
  const seen = new Set<string>();
  const rules: Rule[] = [];
  for (const r of allowSet.rules) {
    const key = JSON.stringify([r.direction, r.protocol, r.peer]);
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push({ ...r, local: ANY });
  }
  const result: Policy = { ...allowSet, rules };
  const wider = compare(source, result, { limit: 1, mapRef: byGroupId }).onlyB[0];
  if (wider) {
    throw new UnsupportedError(AWS_SG, source.name, `its rules apply to some local addresses only (e.g. ${formatFlow(wider.example)} is not allowed by it); a security group rule applies to every member`);
  }
  return result;
}

function groupName(policy: Policy, req: ToSgRequest): string {
  const name = req.dest ?? `${req.destPrefix ?? ''}${policy.name}`;
  if (!SG_NAME.test(name) || /^sg-/i.test(name)) {
    throw new InputError({ object: `policy ${policy.name}`, field: req.dest !== undefined ? '--dest' : 'name' }, `${JSON.stringify(name)} is not a valid security group name (up to 255 of a-zA-Z0-9 ._-:/()#,@[]+=&;{}!$*, not starting with sg-): choose one with --dest or --dest-prefix`);
  }
  return name;
}

/** A describe-security-groups entry for a rendered group. */
function groupDoc(id: string, name: string, description: string, vpcId: string, perms: RenderedSecurityGroup, tags: Readonly<Record<string, string>>): SecurityGroup {
  return {
    GroupId: id,
    GroupName: name,
    Description: description,
    VpcId: vpcId,
    IpPermissions: perms.ingress,
    IpPermissionsEgress: perms.egress,
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

function describeChange(change: Change): string {
  const payload = payloadOf(change) as SgChangePayload | undefined;
  if (!payload) return `${change.target} ${change.object}`;
  switch (payload.kind) {
    case 'group':
      return `security group ${payload.name} in ${payload.vpcId}`;
    case 'rules': {
      const n = payload.permissions.reduce((s, p) => s + (p.IpRanges?.length ?? 0) + (p.Ipv6Ranges?.length ?? 0) + (p.PrefixListIds?.length ?? 0) + (p.UserIdGroupPairs?.length ?? 0), 0);
      return `${payload.group} ${payload.direction} ${n} rule${n === 1 ? '' : 's'}`;
    }
    default: {
      const never: never = payload;
      return String(never);
    }
  }
}

/** The rule changes that turn `have` into `want` for one group: authorize what is missing, revoke what is extra. */
function ruleChanges(group: string, target: string, want: readonly PermissionAtom[], have: readonly PermissionAtom[]): Change<SgChangePayload>[] {
  const wantKeys = new Set(want.map(atomKey));
  const haveKeys = new Set(have.map(atomKey));
  const out: Change<SgChangePayload>[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const missing = want.filter((a) => a.direction === direction && !haveKeys.has(atomKey(a)));
    const extra = have.filter((a) => a.direction === direction && !wantKeys.has(atomKey(a)));
    if (extra.length > 0) out.push({ kind: 'delete', target, object: `${group} ${direction} rules`, before: { kind: 'rules', group, direction, permissions: atomPermissions(extra) } });
    if (missing.length > 0) out.push({ kind: 'create', target, object: `${group} ${direction} rules`, after: { kind: 'rules', group, direction, permissions: atomPermissions(missing) } });
  }
  return out;
}

function sgTitle(targets: readonly Target[], source: string, where: string): string {
  return `convert ${targets.length} ${targets.length === 1 ? 'policy' : 'policies'} from ${source} → security group${targets.length === 1 ? '' : 's'} (${where})`;
}

async function liveConversion(
  req: ToSgRequest,
  target: Extract<SgTarget, { kind: 'live' }>,
  deps: ToSgDeps,
  planned: Planned,
): Promise<Conversion<SgChangePayload>> {
  const { targets, preview, problems } = planned;
  const notes = [...planned.notes];
  const [{ AwsSession }, { sessionOptionsFromConnection }, sg, { describeVpcs }] = await Promise.all([
    import('../platforms/aws/session.js'),
    import('../platforms/aws/live-location.js'),
    import('../platforms/aws-sg/client.js'),
    import('../platforms/aws/vpcs.js'),
  ]);
  const session = deps.aws ?? new AwsSession({ ...sessionOptionsFromConnection(deps.ctx.connection, deps.ctx), region: target.region });
  const close = (): void => {
    if (!deps.aws) session.destroy();
  };
  const ec2: Ec2Handle = session.ec2(target.region);
  const where = `${target.region}/${target.vpc}`;
  let inVpc: SecurityGroup[];
  try {
    inVpc = await sg.describeSecurityGroups(ec2, { vpcId: target.vpc });
    // Every VPC has its default group: none means there is no such VPC here. Ask, to get AWS's own error.
    if (inVpc.length === 0) await describeVpcs(ec2, { vpcIds: [target.vpc] });
    await requireReferencedGroups(ec2, targets, inVpc, target.region);
  } catch (e) {
    close();
    throw e;
  }
  const ids = new Map<string, string>();
  const changes: Change<SgChangePayload>[] = [];
  const verified: Target[] = [];
  for (const t of targets) {
    const found = inVpc.find((g) => g.GroupName === t.name);
    if (found && !req.update) {
      notes.push(`security group ${t.name} (${found.GroupId}) exists in ${target.vpc}: left alone (--update converges it)`);
      changes.push({ kind: 'keep', target: where, object: `security group ${t.name}` });
      continue;
    }
    if (found) {
      const owner = (found.Tags ?? []).find((tag) => tag.Key === OWNER_TAG);
      if (!owner) {
        close();
        throw new InputError({ object: `security group ${t.name} (${found.GroupId})` }, `exists and was not made by ruleport (no ${OWNER_TAG} tag): not converging it; pick another name with --dest or --dest-prefix`);
      }
      ids.set(t.name, found.GroupId!);
      const have = groupAtoms(canonicalPermissions(found, where));
      const rules = ruleChanges(t.name, where, groupAtoms(t.perms), have);
      changes.push(...(rules.length > 0 ? rules : [{ kind: 'keep' as const, target: where, object: `security group ${t.name}` }]));
      verified.push({ ...t, id: found.GroupId! });
      continue;
    }
    changes.push({ kind: 'create', target: where, object: `security group ${t.name}`, after: { kind: 'group', name: t.name, description: t.description, vpcId: target.vpc, tags: t.tags } });
    changes.push(...ruleChanges(t.name, where, groupAtoms(t.perms), [AUTOMATIC_EGRESS]));
    verified.push(t);
  }
  const plan: Plan<SgChangePayload> = { title: sgTitle(targets, req.source, `aws:${where}`), changes, notes, lossy: planned.lossy };
  return {
    plan,
    describe: describeChange,
    output: 'live',
    problems,
    preview,
    apply: (options) =>
      applyPlan(
        plan,
        async (change) => {
          if (change.kind === 'keep' || change.kind === 'move') return;
          const payload = change.kind === 'delete' ? change.before : change.after;
          switch (payload.kind) {
            case 'group':
              ids.set(payload.name, await sg.createSecurityGroup(ec2, { name: payload.name, description: payload.description, vpcId: payload.vpcId, tags: payload.tags }));
              return;
            case 'rules': {
              const id = ids.get(payload.group);
              if (!id) throw new VerificationError(`internal: security group ${payload.group} has no id`);
              if (change.kind === 'delete') await sg.revokePermissions(ec2, id, payload.direction, payload.permissions);
              else await sg.authorizePermissions(ec2, id, payload.direction, payload.permissions);
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
      const groupIds = verified.map((t) => t.id ?? ids.get(t.name)).filter((id): id is string => !!id);
      const groups = groupIds.length > 0 ? await sg.describeSecurityGroups(ec2, { groupIds }) : [];
      const back = parseSecurityGroups({ SecurityGroups: groups }, `aws:${where}`);
      return verified.map((t) => {
        const id = t.id ?? ids.get(t.name);
        const policy = back.find((p) => p.meta?.id === id);
        if (!policy) throw new VerificationError(`security group ${t.name} was not written`);
        return { source: t.source, target: policy, comparison: compare(t.source, policy, { mapRef: byGroupId }) };
      });
    },
    stats: () => ({ 'aws API calls': session.callCount }),
    close,
  };
}

/**
 * Every security group the results refer to must exist where they are written: AWS would refuse the rule only after
 * the group itself was created, leaving a half-made group behind. Two kinds: groups `--map-group` names (written
 * without an owner) and references carried over from a security-group source (with their owner; checked when that
 * is the target's own account — convert copies them as they are, it does not remap them as `migrate sg` does).
 */
async function requireReferencedGroups(ec2: Ec2Handle, targets: readonly Target[], inVpc: readonly SecurityGroup[], region: string): Promise<void> {
  // Every VPC has its default group, so its owner is the account the results are written to.
  const account = inVpc[0]?.OwnerId;
  const mapped = new Set<string>();
  /** Carried reference → the first source policy holding it, for the error. */
  const carried = new Map<string, string>();
  for (const t of targets) {
    for (const p of [...t.perms.ingress, ...t.perms.egress]) {
      for (const pair of p.UserIdGroupPairs ?? []) {
        if (!pair.GroupId) continue;
        if (!pair.UserId) mapped.add(pair.GroupId);
        // Another account's group (a peering) cannot be looked up from here; AWS checks it.
        else if (pair.UserId === account && !carried.has(pair.GroupId)) carried.set(pair.GroupId, t.source.name);
      }
    }
  }
  const unknown = [...new Set([...mapped, ...carried.keys()])].filter((id) => !inVpc.some((g) => g.GroupId === id));
  if (unknown.length === 0) return;
  const { findSecurityGroups } = await import('../platforms/aws-sg/client-lookup.js');
  const found = new Set((await findSecurityGroups(ec2, unknown)).map((g) => g.GroupId));
  const missingMapped = unknown.filter((id) => mapped.has(id) && !found.has(id));
  if (missingMapped.length > 0) {
    throw new InputError({ field: '--map-group' }, `security group ${missingMapped.join(', ')} does not exist in ${region}: map each server group to a group that does`);
  }
  const missingCarried = unknown.filter((id) => carried.has(id) && !found.has(id));
  if (missingCarried.length > 0) {
    throw new InputError(
      { object: `policy ${carried.get(missingCarried[0]!)}` },
      `refers to ${missingCarried.length === 1 ? 'a security group that does' : 'security groups that do'} not exist in ${region} (${missingCarried.join(', ')}): convert keeps references as they are (ruleport migrate sg copies groups with their references remapped)`,
    );
  }
}

function fileConversion(target: Extract<SgTarget, { kind: 'file' }>, source: string, planned: Planned): Conversion<SgChangePayload> {
  const { targets, preview, notes, problems } = planned;
  const vpc = target.vpc ?? PLACEHOLDER_VPC;
  const changes: Change<SgChangePayload>[] = targets.map((t) => ({
    kind: 'create',
    target: target.out,
    object: `security group ${t.name}`,
    after: { kind: 'group', name: t.name, description: t.description, vpcId: vpc, tags: t.tags },
  }));
  const plan: Plan<SgChangePayload> = { title: sgTitle(targets, source, `file ${target.out}`), changes, notes, lossy: planned.lossy };
  return {
    plan,
    describe: describeChange,
    output: 'file',
    problems,
    preview,
    async apply() {
      // Placeholder ids, unique in the file: the groups do not exist anywhere yet.
      const doc = { SecurityGroups: targets.map((t, i) => groupDoc(`sg-pending-${i + 1}`, t.name, t.description, vpc, t.perms, t.tags)) };
      try {
        await writeFile(target.out, `${JSON.stringify(doc, null, 2)}\n`);
      } catch (e) {
        throw new InputError({ file: target.out, field: '--out' }, `cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      return { applied: changes.length, failed: [] };
    },
    async verify() {
      const back = await loadPolicies({ kind: 'file', path: target.out, text: target.out }, { connection: {}, warn: () => {}, debug: () => {} });
      return targets.map((t) => {
        const policy = back.find((p) => p.name === t.name);
        if (!policy) throw new VerificationError(`${target.out} lacks security group ${t.name}`);
        return { source: t.source, target: policy, comparison: compare(t.source, policy, { mapRef: byGroupId }) };
      });
    },
    stats: () => ({}),
    close: () => {},
  };
}
