/**
 * Which source objects a migration copies: by id (`--sg`, `--nacl`), by tag (`--tag K=V`, repeatable) and/or a
 * whole source VPC (`--src-vpc`). Criteria combine with AND. Ids are checked for shape before any call.
 */
import type { Tag } from '@aws-sdk/client-ec2';
import { InputError } from '../model/index.js';
import { hasTags } from '../platforms/aws/tags.js';

export interface Selection {
  readonly ids: readonly string[];
  /** Tag filters; a value of `*` matches any value of the key. */
  readonly tags: Readonly<Record<string, string>>;
  readonly vpcId?: string;
}

/** The object kind a selection picks, with its id shape and flag name. */
export interface SelectionKind {
  /** `security group`, `network ACL`. */
  readonly noun: string;
  readonly idFlag: string;
  readonly idPattern: RegExp;
}

export const SG_SELECTION: SelectionKind = { noun: 'security group', idFlag: '--sg', idPattern: /^sg-[0-9a-f]{8,17}$/ };
export const NACL_SELECTION: SelectionKind = { noun: 'network ACL', idFlag: '--nacl', idPattern: /^acl-[0-9a-f]{8,17}$/ };
export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
export const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;

/**
 * Checks and combines the selection flags.
 * @throws InputError naming the flag when an id is malformed, a tag is not `K=V`, or nothing is selected.
 */
export function parseSelection(kind: SelectionKind, flags: { ids?: readonly string[]; tags?: readonly string[]; vpcId?: string }): Selection {
  const ids = [...new Set(flags.ids ?? [])];
  for (const id of ids) {
    if (!kind.idPattern.test(id)) throw new InputError({ field: kind.idFlag }, `${JSON.stringify(id)} is not a ${kind.noun} id`);
  }
  const tags: Record<string, string> = {};
  for (const pair of flags.tags ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError({ field: '--tag' }, `expected KEY=VALUE, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq);
    if (key in tags && tags[key] !== pair.slice(eq + 1)) {
      throw new InputError({ field: '--tag' }, `tag ${JSON.stringify(key)} given twice with different values`);
    }
    tags[key] = pair.slice(eq + 1);
  }
  if (flags.vpcId !== undefined && !VPC_ID.test(flags.vpcId)) {
    throw new InputError({ field: '--src-vpc' }, `${JSON.stringify(flags.vpcId)} is not a VPC id`);
  }
  if (ids.length === 0 && Object.keys(tags).length === 0 && flags.vpcId === undefined) {
    throw new InputError({ field: kind.idFlag }, `select the ${kind.noun}s to migrate with ${kind.idFlag}, --tag KEY=VALUE or --src-vpc`);
  }
  return { ids, tags, ...(flags.vpcId !== undefined ? { vpcId: flags.vpcId } : {}) };
}

/** One line naming the selection, for plan titles. */
export function describeSelection(sel: Selection): string {
  const parts: string[] = [];
  if (sel.ids.length) parts.push(sel.ids.join(', '));
  const tags = Object.entries(sel.tags).map(([k, v]) => `${k}=${v}`);
  if (tags.length) parts.push(`tagged ${tags.join(' and ')}`);
  if (sel.vpcId) parts.push(`in ${sel.vpcId}`);
  return parts.join(' ');
}

/** True when an object read by id also meets the tag and VPC criteria (ids are asked for, the rest filtered here). */
export function meetsSelection(sel: Selection, facts: { readonly vpcId?: string; readonly tags?: readonly Tag[] }): boolean {
  if (sel.vpcId !== undefined && facts.vpcId !== sel.vpcId) return false;
  return hasTags(facts.tags, sel.tags);
}

/**
 * Checks that every id asked for was found and that something was selected.
 * @param found ids of the objects read for the selection.
 */
export function checkSelected(kind: SelectionKind, sel: Selection, found: readonly string[], region: string): void {
  const missing = sel.ids.filter((id) => !found.includes(id));
  if (missing.length > 0) {
    throw new InputError({ field: kind.idFlag }, `unknown ${kind.noun}${missing.length > 1 ? 's' : ''} in ${region}: ${missing.join(', ')}`);
  }
  if (found.length === 0) throw new InputError({ field: kind.idFlag }, `no ${kind.noun} in ${region} matches ${describeSelection(sel)}`);
}
