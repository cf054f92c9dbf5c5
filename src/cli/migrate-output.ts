/**
 * How `ruleport migrate` prints: the plan with every rule and its references resolved to destination names, the
 * verification verdicts, the progress line of a terminal, and the --json document.
 */
import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Comparison } from '../engine/index.js';
import type { AddressMatch } from '../model/index.js';
import { formatPlan, payloadOf, type ApplyResult, type Change, type Plan } from '../plan/index.js';
import type { MigrationProgress } from '../workflows/migrate-progress.js';
import { groupPolicy } from '../workflows/migrate-sg-atoms.js';
import type { SgChange, SgPayload } from '../workflows/migrate-sg-plan.js';
import type { SgMigration, SgVerification } from '../workflows/migrate-sg.js';
import type { NaclChange, NaclMigration, NaclVerification } from '../workflows/migrate-nacl.js';
import { parseNetworkAcls, type NaclEntry } from '../platforms/aws-nacl/index.js';
import { isPending, pendingSource } from '../workflows/migrate-slots.js';
import { describeAddresses, describeProtocol, describeRegion } from './describe.js';

const INDENT = '      ';

/** The plan of a security group migration: one line per change, one more per rule. */
export function renderSgPlan(m: SgMigration): string {
  const name = (slot: string): string => {
    const n = m.names.get(slot);
    return n === undefined ? slot : isPending(slot) ? `${n} (new copy of ${pendingSource(slot)})` : `${n} (${slot})`;
  };
  return formatPlan(m.plan as Plan, (c) => describeSgChange(c as SgChange, name));
}

/** Changes are named without their target: the plan title names the destination VPC. */
function describeSgChange(c: SgChange, name: (slot: string) => string): string {
  const head = c.object;
  const payload: SgPayload | undefined = payloadOf(c);
  if (!payload) return head;
  switch (payload.kind) {
    case 'rules':
      return [head, ...ruleLines(payload.direction, payload.permissions, name)].join(`\n${INDENT}`);
    case 'security-group':
      return `${head} — "${payload.description}", tags ${Object.entries(payload.tags).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    case 'tags':
      return `${head}: ${Object.entries(payload.tags).map(([k, v]) => `${k}=${v}`).join(', ')}`;
    case 'prefix-list':
      return [head, ...payload.entries.map((e) => `${e.cidr}${e.description ? ` "${e.description}"` : ''}`)].join(`\n${INDENT}`);
    case 'prefix-list-entries':
      return [head, ...payload.entries.map((e) => e.cidr)].join(`\n${INDENT}`);
    default: {
      const never: never = payload;
      return String(never);
    }
  }
}

/** `tcp 443 from web (new copy of sg-0abc) "app tier"` for every rule of some permissions. */
function ruleLines(direction: 'ingress' | 'egress', perms: readonly IpPermission[], name: (slot: string) => string): string[] {
  const policy = groupPolicy(
    { GroupId: 'plan', GroupName: 'plan', VpcId: 'plan', [direction === 'ingress' ? 'IpPermissions' : 'IpPermissionsEgress']: perms },
    'plan',
  );
  return policy.rules.map((r) => `${describeProtocol(r.protocol)} ${direction === 'ingress' ? 'from' : 'to'} ${peerText(r.peer, name)}${r.description ? ` "${r.description}"` : ''}`);
}

function peerText(peer: AddressMatch, name: (slot: string) => string): string {
  if (peer.kind === 'any') return describeAddresses(peer);
  return peer.items
    .map((i) => (i.kind === 'group' ? `group ${name(i.ref.split('@')[0]!)}` : i.kind === 'prefix-list' ? `prefix list ${name(i.id)}` : describeAddresses({ kind: 'list', items: [i] })))
    .join(', ');
}

/** The plan of a NACL migration. */
export function renderNaclPlan(m: NaclMigration): string {
  return formatPlan(m.plan as Plan, (c) => describeNaclChange(c as NaclChange));
}

function describeNaclChange(c: NaclChange): string {
  const head = c.object;
  if (c.kind === 'update' && c.after.kind === 'entry' && c.before.kind === 'entry') return `${head}: ${entryText(c.before.entry)} → ${entryText(c.after.entry)}`;
  const payload = payloadOf(c);
  if (payload?.kind === 'entry') return `${head}: ${entryText(payload.entry)}`;
  return head;
}

/** `allow tcp 443 from 0.0.0.0/0` */
function entryText(entry: NaclEntry): string {
  const rule = parseNetworkAcls([{ NetworkAclId: 'plan', Entries: [entry] }], 'plan')[0]!.rules[0]!;
  return `${rule.action} ${describeProtocol(rule.protocol)} ${entry.Egress ? 'to' : 'from'} ${describeAddresses(rule.peer)}`;
}

/** Verdict lines of a security group migration. */
export function renderSgVerification(v: SgVerification): string {
  const lines: string[] = [];
  for (const g of v.groups) {
    const ok = g.comparison.equivalent && g.leaks.length === 0;
    lines.push(`${ok ? 'equivalent' : 'DIFFERENT '}  ${g.sourceName} (${g.sourceId}) → ${g.name} (${g.copyId})`);
    lines.push(...differences(g.comparison, 'source', 'copy'));
    for (const leak of g.leaks) lines.push(`  references the source object ${leak}`);
    if (g.lost && !g.lost.equivalent) lines.push(...differences(g.lost, 'source (lost: --drop-unresolved)', 'copy').filter((l) => l.includes('lost')));
  }
  for (const p of v.prefixLists) {
    const ok = p.missing.length === 0 && p.extra.length === 0;
    lines.push(`${ok ? 'equivalent' : 'DIFFERENT '}  prefix list ${p.sourceId} → ${p.copyId}${ok ? '' : `: missing ${p.missing.join(', ') || 'none'}, extra ${p.extra.join(', ') || 'none'}`}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Verdict lines of a NACL migration. */
export function renderNaclVerification(v: NaclVerification): string {
  const lines: string[] = [];
  for (const a of v.acls) {
    lines.push(`${a.comparison.equivalent ? 'equivalent' : 'DIFFERENT '}  ${a.sourceId} → ${a.copyId}`);
    lines.push(...differences(a.comparison, 'source', 'copy'));
  }
  for (const s of v.associations) lines.push(`${s.ok ? 'associated' : 'NOT ASSOCIATED'}  ${s.subnetId} → ${s.aclId}${s.ok ? '' : ` (is on ${s.actual ?? 'nothing'})`}`);
  for (const id of v.leftovers) lines.push(`NOT DELETED  ${id} (a retired copy)`);
  return `${lines.join('\n')}\n`;
}

function differences(c: Comparison, a: string, b: string): string[] {
  const out = [...c.onlyA.map((d) => `  only the ${a} allows: ${describeRegion(d)}`), ...c.onlyB.map((d) => `  only the ${b} allows: ${describeRegion(d)}`)];
  if (c.truncated) out.push('  … more differences not listed');
  return out;
}

/** `applied 14 changes` / the failure. */
export function renderApply(result: ApplyResult, total: number): string {
  if (result.failed.length === 0) return `applied ${result.applied} change${result.applied === 1 ? '' : 's'}\n`;
  const f = result.failed[0]!;
  return `applied ${result.applied} of ${total} changes; stopped at ${f.object}: ${f.error}\n`;
}

/** The progress line a terminal shows while applying (rewritten in place). */
export function progressLine(p: MigrationProgress): string {
  return `\r${p.region}: ${p.done}/${p.total} ${p.unit}, ${p.changesDone}/${p.changesTotal} changes`;
}

/** Plan changes for --json: the plan as data. */
export function planJson(plan: Plan): object {
  return { title: plan.title, changes: plan.changes as readonly Change[], notes: plan.notes, lossy: plan.lossy };
}
