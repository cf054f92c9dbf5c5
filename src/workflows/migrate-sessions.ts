/**
 * The two sides of a migration: a source identity and region, a destination identity and region. The destination
 * defaults to the source identity (same account) and the source region; an identical identity shares one session.
 */
import { AwsSession, type AwsSessionOptions } from '../platforms/aws/session.js';
import type { WorkflowContext } from './context.js';

/** Who one side is: a profile and/or a role (with external id and MFA code). */
export interface SideIdentity {
  readonly profile?: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  /** An MFA code given up front; otherwise one is asked for on a TTY when the role needs it. */
  readonly mfaToken?: string;
}

export interface MigrationSides {
  readonly src: AwsSession;
  readonly dst: AwsSession;
  readonly srcRegion: string;
  readonly dstRegion: string;
}

export interface MigrationSideOptions {
  readonly src: SideIdentity;
  /** Absent: the destination acts as the source identity. */
  readonly dst?: SideIdentity;
  readonly srcRegion?: string;
  readonly dstRegion?: string;
  readonly endpointUrl?: string;
  /** Extra session settings (tests: static credentials, no retries). */
  readonly session?: Partial<AwsSessionOptions>;
}

/** Builds the sessions of both sides. */
export function migrationSides(options: MigrationSideOptions, ctx: WorkflowContext): MigrationSides {
  const build = (side: SideIdentity, label: string, region: string | undefined): AwsSession =>
    new AwsSession({
      ...(side.profile ? { profile: side.profile } : {}),
      ...(side.roleArn ? { roleArn: side.roleArn, roleSessionName: `ruleport-migrate-${label}` } : {}),
      ...(side.externalId ? { externalId: side.externalId } : {}),
      ...mfaSource(side, label, ctx),
      ...(region ? { region } : {}),
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      log: (line) => ctx.debug(line),
      ...options.session,
    });
  const src = build(options.src, 'source', options.srcRegion);
  const srcRegion = src.defaultRegion();
  const dstRegion = options.dstRegion ?? srcRegion;
  const dst = options.dst ? build(options.dst, 'destination', dstRegion) : src;
  return { src, dst, srcRegion, dstRegion };
}

/** Where an MFA code comes from: the flag, else a prompt on a TTY, else nowhere (a role needing one then fails clearly). */
function mfaSource(side: SideIdentity, label: string, ctx: WorkflowContext): Pick<AwsSessionOptions, 'mfaToken'> {
  const given = side.mfaToken;
  if (given !== undefined) return { mfaToken: async () => given };
  const prompt = ctx.prompt;
  return prompt ? { mfaToken: (serial: string) => prompt(`MFA code for ${serial} (${label}): `) } : {};
}
