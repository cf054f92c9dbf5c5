import type { Command } from 'commander';
import type { Comparison } from '../../engine/index.js';
import { InputError, RemoteError, toInt, type RuleportError } from '../../model/index.js';
import { DEFAULT_JOURNAL, Journal, isEmpty, newRunId, type ApplyResult, type Plan } from '../../plan/index.js';
import { parseAssociateBy, parseAssociations } from '../../workflows/migrate-association.js';
import {
  applyNaclMigration,
  naclVerificationError,
  prepareNaclMigration,
  verifyNaclMigration,
  type NaclVerification,
} from '../../workflows/migrate-nacl.js';
import { APPLY_CONCURRENCY } from '../../workflows/migrate-apply-phases.js';
import { parsePrefixListMap } from '../../workflows/migrate-prefix-lists.js';
import type { MigrationProgress } from '../../workflows/migrate-progress.js';
import { NACL_SELECTION, SG_SELECTION, VPC_ID, parseSelection } from '../../workflows/migrate-selection.js';
import { migrationSides, type MigrationSideOptions, type SideIdentity } from '../../workflows/migrate-sessions.js';
import { applySgMigration, prepareSgMigration, verificationError, verifySgMigration, type SgVerification } from '../../workflows/migrate-sg.js';
import type { CommandEnv, GlobalOptions } from '../command-env.js';
import { confirmApply } from '../confirm.js';
import { describeRegion } from '../describe.js';
import { toJson } from '../io.js';
import { planJson, progressLine, renderApply, renderNaclPlan, renderNaclVerification, renderSgPlan, renderSgVerification } from '../migrate-output.js';

interface MigrateOptions extends GlobalOptions {
  readonly srcProfile?: string;
  readonly dstProfile?: string;
  readonly srcRoleArn?: string;
  readonly dstRoleArn?: string;
  readonly srcExternalId?: string;
  readonly dstExternalId?: string;
  readonly srcMfaToken?: string;
  readonly dstMfaToken?: string;
  readonly dstRegion?: string;
  readonly dstVpc?: string;
  readonly srcVpc?: string;
  readonly tag?: string[];
  readonly prune?: boolean;
  readonly journal: string;
  readonly concurrency: string;
}

interface MigrateSgOptions extends MigrateOptions {
  readonly sg?: string[];
  readonly includeReferenced?: boolean;
  readonly dropUnresolved?: boolean;
  readonly mapPrefixList?: string[];
  readonly nameSuffix?: string;
}

interface MigrateNaclOptions extends MigrateOptions {
  readonly nacl?: string[];
  readonly associate?: string[];
  readonly associateBy?: string;
}

// No default value: commander would print `(default: [])` in the help; an option never given stays undefined.
const repeat = (v: string, all: string[] = []): string[] => [...all, v];

/** `ruleport migrate sg|nacl`: copy security groups or network ACLs across VPCs, regions and accounts. */
export function registerMigrate(program: Command, env: CommandEnv): void {
  const migrate = program
    .command('migrate')
    .description('copy security groups or network ACLs to another VPC, region or account: plan, apply, verify; exit 0 done, 1 failed or not equivalent, 2 bad input');
  const sg = commonOptions(migrate.command('sg').description('copy security groups (all groups first, then their rules, references remapped)'))
    .option('--sg <id>', 'a source group (repeatable)', repeat)
    .option('--include-referenced', 'also migrate the groups the selected groups reference (the closure)')
    .option('--drop-unresolved', 'skip rules referencing groups or prefix lists that have no destination counterpart (reported as lossy)')
    .option('--map-prefix-list <src=dst>', 'use destination prefix list dst for source list src (repeatable)', repeat)
    .option('--name-suffix <suffix>', 'append to the names of copies whose name is taken in the destination VPC');
  sg.action(async (_o: unknown, cmd: Command) => runSg(cmd.optsWithGlobals<MigrateSgOptions>(), env));
  const nacl = commonOptions(migrate.command('nacl').description('copy network ACLs (both directions, same rule numbers) and optionally move subnets onto the copies'))
    .option('--nacl <id>', 'a source network ACL (repeatable)', repeat)
    .option('--associate <src=dst>', 'move destination subnet dst onto the copy of the NACL of source subnet src (repeatable)', repeat)
    .option('--associate-by <how>', 'match the other source subnets to destination subnets by cidr or name');
  nacl.action(async (_o: unknown, cmd: Command) => runNacl(cmd.optsWithGlobals<MigrateNaclOptions>(), env));
}

function commonOptions(cmd: Command): Command {
  return cmd
    .option('--src-profile <name>', 'AWS profile of the source (default --profile)')
    .option('--dst-profile <name>', 'AWS profile of the destination (default: the source identity)')
    .option('--src-role-arn <arn>', 'role to assume in the source account (default --role-arn)')
    .option('--dst-role-arn <arn>', 'role to assume in the destination account')
    .option('--src-external-id <id>', 'external id for --src-role-arn (default --external-id)')
    .option('--dst-external-id <id>', 'external id for --dst-role-arn (default --external-id)')
    .option('--src-mfa-token <code>', 'MFA code for the source role (default --mfa-token; asked on a terminal)')
    .option('--dst-mfa-token <code>', 'MFA code for the destination role (asked on a terminal)')
    .option('--dst-region <region>', 'destination region (default: --region)')
    .option('--dst-vpc <id>', 'destination VPC (required)')
    .option('--src-vpc <id>', 'select every source object of this VPC')
    .option('--tag <key=value>', 'select source objects with this tag (repeatable; all must match)', repeat)
    .option('--prune', "remove from ruleport's copies what their sources no longer have")
    .option('--journal <file>', 'journal of applied changes', DEFAULT_JOURNAL)
    .option('--concurrency <n>', 'changes of one phase applied at once', String(APPLY_CONCURRENCY));
}

function dstVpcOf(opts: MigrateOptions): string {
  if (opts.dstVpc === undefined) throw new InputError({ field: '--dst-vpc' }, 'required: the VPC to copy into');
  if (!VPC_ID.test(opts.dstVpc)) throw new InputError({ field: '--dst-vpc' }, `${JSON.stringify(opts.dstVpc)} is not a VPC id`);
  return opts.dstVpc;
}

/** `--concurrency`: changes of one phase in flight at once; 1 applies them one by one. */
function concurrencyOf(opts: MigrateOptions): number {
  return toInt(opts.concurrency, 1, 1000, { field: '--concurrency' }, 'value');
}

/** Source and destination identities: `--src-*` over the global flags; the destination is the source unless a `--dst-*` identity flag is given. */
function sideOptions(opts: MigrateOptions): MigrationSideOptions {
  const pick = (side: Record<string, string | undefined>): SideIdentity =>
    Object.fromEntries(Object.entries(side).filter(([, v]) => v !== undefined)) as SideIdentity;
  const src = pick({ profile: opts.srcProfile ?? opts.profile, roleArn: opts.srcRoleArn ?? opts.roleArn, externalId: opts.srcExternalId ?? opts.externalId, mfaToken: opts.srcMfaToken ?? opts.mfaToken });
  const ownDst = opts.dstProfile !== undefined || opts.dstRoleArn !== undefined;
  const dst = ownDst
    ? pick({ profile: opts.dstProfile ?? opts.profile, roleArn: opts.dstRoleArn, externalId: opts.dstExternalId ?? opts.externalId, mfaToken: opts.dstMfaToken })
    : undefined;
  return {
    src,
    ...(dst ? { dst } : {}),
    ...(opts.region ? { srcRegion: opts.region } : {}),
    ...(opts.dstRegion ? { dstRegion: opts.dstRegion } : {}),
    ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
  };
}

async function runSg(opts: MigrateSgOptions, env: CommandEnv): Promise<void> {
  const selection = parseSelection(SG_SELECTION, { ids: opts.sg ?? [], tags: opts.tag ?? [], ...(opts.srcVpc !== undefined ? { vpcId: opts.srcVpc } : {}) });
  const request = {
    selection,
    dstVpc: dstVpcOf(opts),
    includeReferenced: !!opts.includeReferenced,
    dropUnresolved: !!opts.dropUnresolved,
    prune: !!opts.prune,
    prefixListMap: parsePrefixListMap(opts.mapPrefixList ?? []),
    ...(opts.nameSuffix !== undefined ? { nameSuffix: checkSuffix(opts.nameSuffix) } : {}),
  };
  const concurrency = concurrencyOf(opts);
  const sides = migrationSides(sideOptions(opts), env.context(opts));
  try {
    const m = await prepareSgMigration(request, sides);
    await runMigration(
      {
        kind: 'sg',
        plan: m.plan,
        planText: renderSgPlan(m),
        mapping: m.copies.map((c) => ({ source: c.sourceId, sourceName: c.sourceName, name: c.name, copy: c.slot, state: c.state })),
        apply: async (o) => {
          const out = await applySgMigration(m, sides, { ...o, concurrency });
          return { result: out.result, verify: () => verifySgMigration(m, sides, out) };
        },
        verifyUnchanged: () => verifySgMigration(m, sides),
        verdict: (v) => ({ equivalent: v.equivalent, text: renderSgVerification(v), json: sgVerificationJson(v), error: () => verificationError(v) }),
      },
      opts,
      env,
    );
  } finally {
    sides.src.destroy();
    sides.dst.destroy();
  }
}

async function runNacl(opts: MigrateNaclOptions, env: CommandEnv): Promise<void> {
  const selection = parseSelection(NACL_SELECTION, { ids: opts.nacl ?? [], tags: opts.tag ?? [], ...(opts.srcVpc !== undefined ? { vpcId: opts.srcVpc } : {}) });
  const associateBy = parseAssociateBy(opts.associateBy);
  const request = {
    selection,
    dstVpc: dstVpcOf(opts),
    prune: !!opts.prune,
    associate: parseAssociations(opts.associate ?? []),
    ...(associateBy ? { associateBy } : {}),
  };
  const concurrency = concurrencyOf(opts);
  const sides = migrationSides(sideOptions(opts), env.context(opts));
  try {
    const m = await prepareNaclMigration(request, sides);
    await runMigration(
      {
        kind: 'nacl',
        plan: m.plan,
        planText: renderNaclPlan(m),
        mapping: m.copies.map((c) => ({ source: c.sourceId, copy: c.slot, state: c.state, retires: c.retires })),
        apply: async (o) => {
          const out = await applyNaclMigration(m, sides, { ...o, concurrency });
          return { result: out.result, verify: () => verifyNaclMigration(m, sides, out) };
        },
        verifyUnchanged: () => verifyNaclMigration(m, sides),
        verdict: (v) => ({ equivalent: v.equivalent, text: renderNaclVerification(v), json: naclVerificationJson(v), error: () => naclVerificationError(v) }),
      },
      opts,
      env,
    );
  } finally {
    sides.src.destroy();
    sides.dst.destroy();
  }
}

/** AWS allows a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$* in group names. */
function checkSuffix(suffix: string): string {
  if (suffix === '' || !/^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/.test(suffix)) {
    throw new InputError({ field: '--name-suffix' }, `${JSON.stringify(suffix)} has characters a security group name cannot hold`);
  }
  return suffix;
}

interface Verdict {
  readonly equivalent: boolean;
  readonly text: string;
  readonly json: object;
  error(): RuleportError;
}

/** What the shared plan → confirm → apply → verify sequence needs from one kind of migration. */
interface MigrationRun<V> {
  readonly kind: 'sg' | 'nacl';
  readonly plan: Plan;
  readonly planText: string;
  readonly mapping: readonly object[];
  apply(options: { journal: Journal; onProgress?: (p: MigrationProgress) => void }): Promise<{ result: ApplyResult; verify: () => Promise<V> }>;
  verifyUnchanged(): Promise<V>;
  verdict(v: V): Verdict;
}

async function runMigration<V>(run: MigrationRun<V>, opts: MigrateOptions, env: CommandEnv): Promise<void> {
  const { io } = env;
  const json = !!opts.json;
  const doc: Record<string, unknown> = { migrate: run.kind, plan: planJson(run.plan), mapping: run.mapping };
  const finish = (verdict?: Verdict): void => {
    if (verdict) doc.verification = verdict.json;
    if (json) io.stdout.write(`${toJson(doc)}\n`);
    else if (verdict) io.stdout.write(verdict.text);
    if (verdict && !verdict.equivalent) throw verdict.error();
  };
  if (!json) io.stdout.write(run.planText);
  if (isEmpty(run.plan)) {
    doc.changed = false;
    if (!json) io.stdout.write('no changes: the destination already matches the source\n');
    finish(run.verdict(await run.verifyUnchanged()));
    return;
  }
  if (!(await confirmApply(run.plan, opts, io))) {
    doc.changed = false;
    if (!json) io.stdout.write(opts.dryRun ? 'dry run: nothing changed\n' : 'nothing changed\n');
    finish();
    return;
  }
  const runId = newRunId();
  const journal = new Journal(opts.journal, runId);
  const tty = !json && !!io.stderr.isTTY;
  const applied = await run.apply({ journal, ...(tty ? { onProgress: (p: MigrationProgress) => io.stderr.write(progressLine(p)) } : {}) });
  if (tty) io.stderr.write('\n');
  const total = run.plan.changes.filter((c) => c.kind !== 'keep').length;
  doc.changed = applied.result.applied > 0;
  doc.run = runId;
  doc.applied = { count: applied.result.applied, of: total, failed: applied.result.failed };
  if (!json) io.stdout.write(renderApply(applied.result, total));
  const failure = applied.result.failed[0];
  if (failure) {
    if (json) io.stdout.write(`${toJson(doc)}\n`);
    throw new RemoteError('ec2', `apply (${failure.object})`, `${failure.error}; ${applied.result.applied} of ${total} changes applied (run ${runId}): re-run the same command to resume`);
  }
  finish(run.verdict(await applied.verify()));
}

function regions(c: Comparison | undefined): { onlySource: string[]; onlyCopy: string[] } {
  return { onlySource: (c?.onlyA ?? []).map(describeRegion), onlyCopy: (c?.onlyB ?? []).map(describeRegion) };
}

function sgVerificationJson(v: SgVerification): object {
  return {
    equivalent: v.equivalent,
    groups: v.groups.map((g) => ({
      source: g.sourceId,
      sourceName: g.sourceName,
      copy: g.copyId,
      name: g.name,
      equivalent: g.comparison.equivalent && g.leaks.length === 0,
      ...regions(g.comparison),
      leaks: g.leaks,
      ...(g.lost ? { lost: regions(g.lost).onlySource } : {}),
    })),
    prefixLists: v.prefixLists,
  };
}

function naclVerificationJson(v: NaclVerification): object {
  return {
    equivalent: v.equivalent,
    acls: v.acls.map((a) => ({ source: a.sourceId, copy: a.copyId, equivalent: a.comparison.equivalent, ...regions(a.comparison) })),
    associations: v.associations,
    leftovers: v.leftovers,
  };
}
