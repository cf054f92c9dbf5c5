/**
 * Where AWS credentials come from: explicit keys, a named profile, or the standard chain (environment, SSO,
 * config files, container and instance roles); optionally followed by AssumeRole with an external id and MFA.
 * Credentials are only ever handed to the SDK: nothing here prints or logs them.
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { InputError, RemoteError, RuleportError } from '../../model/index.js';
import { profileName, profileSettings } from './config-file.js';
import { errorFacts } from './retry.js';

/** Static credentials (tests, library callers that already hold keys). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type CredentialProvider = () => Promise<AwsCredentials>;

/** Who to be. Every field is optional: the default is the standard credential chain. */
export interface AwsIdentity {
  /** A profile of the shared config/credentials files (`--profile`); roles, SSO and MFA in it are honoured. */
  readonly profile?: string;
  /** A role to assume on top of the base credentials (`--role-arn`). */
  readonly roleArn?: string;
  /** The external id the role's trust policy demands (`--external-id`). */
  readonly externalId?: string;
  readonly roleSessionName?: string;
  /** The MFA device for `roleArn`; default: `mfa_serial` of the profile. */
  readonly mfaSerial?: string;
  /**
   * Supplies an MFA code when a role needs one: the CLI prompts on a TTY or returns `--mfa-token`.
   * Without it, a role that needs MFA fails with an InputError.
   */
  readonly mfaToken?: (serial: string) => Promise<string>;
  /** Explicit credentials instead of the chain. */
  readonly credentials?: AwsCredentials | CredentialProvider;
}

/** What the STS client used for AssumeRole needs to know about the endpoint. */
export interface StsTarget {
  readonly region: string;
  readonly endpointUrl?: string;
}

/** Refresh cached credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Builds one memoised credential provider for an identity. Shared by every client of a session so that a role is
 * assumed (and an MFA code asked for) once, not once per region.
 */
export function credentialProvider(identity: AwsIdentity, sts: StsTarget): CredentialProvider {
  const mfaCodeProvider = async (serial: string): Promise<string> => {
    if (!identity.mfaToken) {
      throw new InputError({ object: 'AWS credentials' }, `the role needs an MFA code for ${serial}: pass --mfa-token or run on a terminal`);
    }
    const code = (await identity.mfaToken(serial)).trim();
    if (!/^\d{6}$/.test(code)) throw new InputError({ object: 'AWS credentials', field: 'mfa-token' }, 'an MFA code is six digits');
    return code;
  };
  const clientConfig = { region: sts.region, ...(sts.endpointUrl ? { endpoint: sts.endpointUrl } : {}), maxAttempts: 3 };
  let base: CredentialProvider;
  if (identity.credentials) {
    const given = identity.credentials;
    base = typeof given === 'function' ? given : async () => given;
  } else if (identity.profile) {
    base = fromIni({ profile: identity.profile, mfaCodeProvider, clientConfig });
  } else {
    base = fromNodeProviderChain({ mfaCodeProvider, clientConfig });
  }
  let provider = base;
  if (identity.roleArn) {
    const serial = identity.mfaSerial ?? profileSettings(profileName(identity.profile)).mfa_serial;
    provider = fromTemporaryCredentials({
      masterCredentials: base,
      params: {
        RoleArn: identity.roleArn,
        RoleSessionName: identity.roleSessionName ?? `ruleport-${Date.now()}`,
        ...(identity.externalId ? { ExternalId: identity.externalId } : {}),
        ...(serial ? { SerialNumber: serial } : {}),
      },
      mfaCodeProvider,
      clientConfig,
    });
  }
  return memoize(provider, identity.roleArn);
}

function memoize(provider: CredentialProvider, roleArn: string | undefined): CredentialProvider {
  let cached: Promise<AwsCredentials> | undefined;
  return () => {
    if (cached) {
      return cached.then((c) => {
        if (c.expiration && c.expiration.getTime() - Date.now() < REFRESH_MARGIN_MS) {
          cached = undefined;
          return load();
        }
        return c;
      });
    }
    return load();
  };
  function load(): Promise<AwsCredentials> {
    const p = provider().catch((err: unknown) => {
      // A failure is not cached: the next call may succeed (a new MFA code, a refreshed SSO session).
      cached = undefined;
      throw credentialError(err, roleArn);
    });
    cached = p;
    return p;
  }
}

function credentialError(err: unknown, roleArn: string | undefined): RuleportError {
  if (err instanceof RuleportError) return err;
  const facts = errorFacts(err);
  const message = (err instanceof Error ? err.message : String(err)).split(/\r?\n/)[0]!.trim();
  if (roleArn && facts.code !== 'CredentialsProviderError') {
    return new RemoteError('sts', 'AssumeRole', `${facts.code}: ${message} (role ${roleArn})`, facts.status);
  }
  return new InputError({ object: 'AWS credentials' }, message || 'no AWS credentials found');
}
