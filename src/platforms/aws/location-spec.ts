/**
 * The syntax of live AWS locations, pure (no AWS SDK): `aws:REGION` (every security group of the region),
 * `aws:REGION/sg-…` (one or more groups, comma-separated), `aws:REGION/vpc-…` (every group of a VPC),
 * `aws:REGION/acl-…` (network ACLs). The region may be left out (`aws:sg-0abc`, `aws:`) to use --region or the
 * profile's; `aws:` with --all-regions reads every enabled region.
 */
import { InputError } from '../../model/index.js';

/** What an `aws:` location points at. */
export interface AwsLocation {
  /** Undefined: the session's default region. */
  readonly region?: string;
  readonly target:
    | { readonly kind: 'region' }
    | { readonly kind: 'sg'; readonly ids: readonly string[] }
    | { readonly kind: 'vpc'; readonly id: string }
    | { readonly kind: 'acl'; readonly ids: readonly string[] };
}

export const AWS_LOCATION_SYNTAX = 'aws:REGION[/sg-…[,sg-…]|/vpc-…|/acl-…[,acl-…]]';

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ID_RE: Readonly<Record<'sg' | 'vpc' | 'acl', RegExp>> = {
  sg: /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/,
  vpc: /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/,
  acl: /^acl-([0-9a-f]{8}|[0-9a-f]{17})$/,
};

/**
 * Parses the part after `aws:`.
 * @throws InputError naming the location for a malformed region or id (nothing is asked of AWS then).
 */
export function parseAwsLocation(spec: string): AwsLocation {
  const where = { file: `aws:${spec}` };
  // `aws:` alone: every group of the default region, or of every region with --all-regions.
  if (spec === '') return { target: { kind: 'region' } };
  const parts = spec.split('/');
  if (parts.length > 2 || parts.some((p) => p.trim() === '')) {
    throw new InputError(where, `expected ${AWS_LOCATION_SYNTAX}`);
  }
  let region: string | undefined;
  let rest: string | undefined;
  if (parts.length === 2) [region, rest] = parts;
  else if (REGION_RE.test(parts[0]!)) region = parts[0];
  else rest = parts[0];
  if (region !== undefined && !REGION_RE.test(region)) {
    throw new InputError({ ...where, field: 'region' }, `${JSON.stringify(region)} is not an AWS region name (e.g. us-east-1)`);
  }
  const at = region === undefined ? {} : { region };
  if (rest === undefined) return { ...at, target: { kind: 'region' } };
  const ids = rest.split(',').map((s) => s.trim());
  const kind = ids[0]!.startsWith('sg-') ? 'sg' : ids[0]!.startsWith('acl-') ? 'acl' : ids[0]!.startsWith('vpc-') ? 'vpc' : undefined;
  if (!kind) throw new InputError({ ...where, object: rest }, `expected sg-…, vpc-… or acl-… (${AWS_LOCATION_SYNTAX})`);
  for (const id of ids) {
    if (!ID_RE[kind].test(id)) throw new InputError({ ...where, object: id }, `malformed ${kind} id`);
  }
  switch (kind) {
    case 'sg':
      return { ...at, target: { kind, ids } };
    case 'acl':
      return { ...at, target: { kind, ids } };
    case 'vpc':
      if (ids.length > 1) throw new InputError({ ...where, object: rest }, 'name one VPC');
      return { ...at, target: { kind, id: ids[0]! } };
    default: {
      const never: never = kind;
      throw new InputError(where, `unknown target ${String(never)}`);
    }
  }
}

/** The text of a location, for messages and `file` of parse errors. */
export function formatAwsLocation(loc: AwsLocation, region: string): string {
  const t = loc.target;
  switch (t.kind) {
    case 'region':
      return `aws:${region}`;
    case 'sg':
    case 'acl':
      return `aws:${region}/${t.ids.join(',')}`;
    case 'vpc':
      return `aws:${region}/${t.id}`;
    default: {
      const never: never = t;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

/** The identity flags of a command, as the CLI and workflow context carry them. */
export interface AwsConnection {
  readonly profile?: string;
  readonly region?: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly mfaToken?: string;
  readonly endpointUrl?: string;
  /** `--all-regions`: a location without a region covers every enabled region. */
  readonly allRegions?: boolean;
}

/** Where prompts and debug lines go (a workflow context fits). */
export interface AwsInteraction {
  debug?(message: string): void;
  readonly prompt?: (question: string) => Promise<string>;
}
