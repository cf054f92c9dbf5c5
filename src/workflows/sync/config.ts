/**
 * `ruleport.yaml` for `ruleport sync panos`: read, validated with zod, every problem reported as one line naming the
 * file, the key (dotted path) and its line. Kebab-case keys as documented in the README; unknown keys are errors,
 * so a misspelt optional key never silently falls back to a default.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../model/index.js';

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const firewallSchema = z.strictObject({
  location: nonEmpty,
  'api-key-file': nonEmpty.optional(),
  zones: z.strictObject({ untrust: nonEmpty, trust: nonEmpty }),
  'bottom-rule': nonEmpty,
  'profile-group': nonEmpty.optional(),
  'log-setting': nonEmpty.optional(),
  tag: nonEmpty.default('ruleport'),
  'address-mode': z.enum(['dynamic', 'static']).default('dynamic'),
});

const accountSchema = z.strictObject({
  id: z.string().regex(ACCOUNT_ID, 'must be a 12-digit account id (quote it in YAML)'),
  'role-arn': z.string().regex(ROLE_ARN, 'must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)').optional(),
});

const awsSchema = z.strictObject({
  regions: z.array(z.string().regex(REGION, 'must be an AWS region name such as us-east-1')).min(1, 'name at least one region'),
  'firewall-instances': z
    .record(z.string().regex(VPC_ID, 'keys must be VPC ids (vpc-…)'), z.string().regex(INSTANCE_ID, 'must be an instance id (i-…)'))
    .refine((r) => Object.keys(r).length > 0, 'name the firewall instance of at least one VPC'),
  accounts: z.array(accountSchema).optional(),
});

const configSchema = z.strictObject({ firewall: firewallSchema, aws: awsSchema });

export type AddressMode = 'dynamic' | 'static';

/** The validated configuration, in the names the code uses. */
export interface SyncConfig {
  readonly file: string;
  readonly firewall: {
    readonly location: string;
    readonly apiKeyFile?: string;
    readonly zones: { readonly untrust: string; readonly trust: string };
    readonly bottomRule: string;
    readonly profileGroup?: string;
    readonly logSetting?: string;
    readonly tag: string;
    readonly addressMode: AddressMode;
  };
  readonly aws: {
    readonly regions: readonly string[];
    /** VPC id → the firewall instance routing its subnets' internet traffic. */
    readonly firewallInstances: Readonly<Record<string, string>>;
    /** Accounts to read, each through its role; empty: the caller's own account only. */
    readonly accounts: readonly { readonly id: string; readonly roleArn?: string }[];
  };
}

/** Reads and validates a ruleport.yaml file. @throws InputError naming the file, key and line. */
export function loadSyncConfig(file: string): SyncConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file }, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseSyncConfig(text, file);
}

/** Validates ruleport.yaml text. @throws InputError naming the file, key and line of the first problem. */
export function parseSyncConfig(text: string, file: string): SyncConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lines.linePos(yamlError.pos[0]).line;
    throw new InputError({ file }, `line ${line}: malformed YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const parsed = configSchema.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (!parsed.success) {
    // A misspelt key is the likelier cause of a "missing" one: report it first.
    const issues = parsed.error.issues;
    const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const { key, line } = locate(doc, lines, path, issue);
    throw new InputError({ file, object: key ? `key ${key}` : undefined, field: line ? `line ${line}` : undefined }, describe(issue));
  }
  const c = parsed.data;
  const fw = c.firewall;
  return {
    file,
    firewall: {
      location: fw.location,
      ...(fw['api-key-file'] ? { apiKeyFile: fw['api-key-file'] } : {}),
      zones: fw.zones,
      bottomRule: fw['bottom-rule'],
      ...(fw['profile-group'] ? { profileGroup: fw['profile-group'] } : {}),
      ...(fw['log-setting'] ? { logSetting: fw['log-setting'] } : {}),
      tag: fw.tag,
      addressMode: fw['address-mode'],
    },
    aws: {
      regions: c.aws.regions,
      firewallInstances: c.aws['firewall-instances'],
      accounts: (c.aws.accounts ?? []).map((a) => ({ id: a.id, ...(a['role-arn'] ? { roleArn: a['role-arn'] } : {}) })),
    },
  };
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined ? 'missing' : `expected ${issue.expected}, got ${describeValue(issue.input)}`;
    default:
      return issue.message;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The dotted key of an issue and the line it sits on (an unknown key: the key itself; a missing key: its parent). */
function locate(
  doc: Document,
  lines: LineCounter,
  path: readonly (string | number)[],
  issue: z.core.$ZodIssue,
): { key: string; line?: number } {
  const at = (offset: number | undefined): number | undefined => (offset === undefined ? undefined : lines.linePos(offset).line);
  const full = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]!] : path;
  const key = full.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
  // The deepest node present on the path: a missing key is reported at its parent mapping.
  for (let n = full.length; n >= 0; n--) {
    const parentPath = full.slice(0, Math.max(0, n - 1));
    const parent = n === 0 ? doc.contents : doc.getIn(parentPath, true);
    if (n > 0 && isMap(parent)) {
      const last = full[n - 1];
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === last);
      if (pair && isScalar(pair.key)) return { key, ...lineOf(at(pair.key.range?.[0])) };
      continue;
    }
    const node = n === 0 ? doc.contents : doc.getIn(full.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return { key, ...lineOf(at(range[0])) };
  }
  return { key };
}

function lineOf(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}
