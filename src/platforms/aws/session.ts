/**
 * An AWS session: one identity (credentials, optional role), one endpoint, one retry policy and one set of
 * concurrency limits, handing out SDK clients per region. Every API call goes through `call`, which applies the
 * limits, the retries and the error mapping, so platform clients only say which call they make.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { InputError, RuleportError } from '../../model/index.js';
import { profileName, profileSettings } from './config-file.js';
import { ConcurrencyLimits, type ConcurrencyOptions } from './concurrency.js';
import { credentialProvider, type AwsIdentity, type CredentialProvider } from './credentials.js';
import { toRuleportError } from './errors.js';
import { withRetries, type RetryPolicy } from '../retry.js';
import { DEFAULT_RETRY, errorFacts, isRetryable, type CallKind } from './retry.js';

export interface AwsSessionOptions extends AwsIdentity {
  /** The region for calls that name none (STS, DescribeRegions); default: AWS_REGION, then the profile's region. */
  readonly region?: string;
  /** An endpoint for every service (`--endpoint-url`): an emulator such as moto, or a private endpoint. */
  readonly endpointUrl?: string;
  /** Attempts per call including the first (default 8); 1 turns retries off. */
  readonly maxAttempts?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly concurrency?: ConcurrencyOptions;
  /** Receives one line per retry (for --debug). Lines name the call and the error code, nothing else. */
  readonly log?: (line: string) => void;
  /** Replaces timers in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A client for one service in one region, with the session's call discipline. */
export interface ServiceHandle<C> {
  readonly region: string;
  readonly client: C;
  /**
   * Makes one API call: waits for a concurrency slot, retries what is safe to retry, and turns the final failure
   * into an InputError (bad ids or values given to a read) or a RemoteError naming `call`.
   */
  call<T>(call: string, kind: CallKind, fn: (client: C) => Promise<T>): Promise<T>;
}

export type Ec2Handle = ServiceHandle<EC2Client>;
export type StsHandle = ServiceHandle<STSClient>;

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export class AwsSession {
  readonly credentials: CredentialProvider;
  readonly retry: RetryPolicy;
  readonly limits: ConcurrencyLimits;
  readonly endpointUrl: string | undefined;
  private readonly ec2Clients = new Map<string, Ec2Handle>();
  private readonly stsClients = new Map<string, StsHandle>();
  private readonly otherClients = new Map<string, ServiceHandle<{ destroy(): void }>>();
  private readonly explicitRegion: string | undefined;
  private counted = 0;

  constructor(private readonly options: AwsSessionOptions = {}) {
    // The SDK warns on every run under Node 20 about a future requirement; ruleport supports Node 20 and that
    // multi-line warning would break its one-line error output. A user's explicit setting wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    if (options.endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(options.endpointUrl)) {
      throw new InputError({ field: 'endpoint-url' }, `${JSON.stringify(options.endpointUrl)} is not an http(s) URL`);
    }
    if (options.roleArn !== undefined && !ROLE_ARN_RE.test(options.roleArn)) {
      throw new InputError({ field: 'role-arn' }, `${JSON.stringify(options.roleArn)} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
    }
    if (options.region !== undefined) assertRegion(options.region);
    this.explicitRegion = options.region;
    this.endpointUrl = options.endpointUrl;
    this.retry = { ...DEFAULT_RETRY, ...options.retry, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) };
    this.limits = new ConcurrencyLimits(options.concurrency);
    this.credentials = credentialProvider(options, {
      region: this.explicitRegion ?? defaultRegionOrUndefined(options.profile) ?? 'us-east-1',
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    });
  }

  /** API calls attempted through this session (retries included): for benchmarks and progress. */
  get callCount(): number {
    return this.counted;
  }

  /** The region calls default to: `region`, AWS_REGION / AWS_DEFAULT_REGION, the profile's `region`. */
  defaultRegion(): string {
    const region = this.explicitRegion ?? defaultRegionOrUndefined(this.options.profile);
    if (!region) throw new InputError({ field: 'region' }, 'no AWS region: pass --region or set AWS_REGION');
    return region;
  }

  /** The EC2 client of a region (one per region per session). */
  ec2(region: string = this.defaultRegion()): Ec2Handle {
    assertRegion(region);
    let h = this.ec2Clients.get(region);
    if (!h) {
      h = this.handle('ec2', region, new EC2Client(this.clientConfig(region)));
      this.ec2Clients.set(region, h);
    }
    return h;
  }

  /** The STS client of a region. */
  sts(region: string = this.defaultRegion()): StsHandle {
    assertRegion(region);
    let h = this.stsClients.get(region);
    if (!h) {
      h = this.handle('sts', region, new STSClient(this.clientConfig(region)));
      this.stsClients.set(region, h);
    }
    return h;
  }

  /**
   * A client of another service (S3, SQS…) with the session's identity, endpoint and call discipline. `make`
   * builds the SDK client from the session's client settings; callers import the service's SDK themselves, so
   * the session does not load it for everyone.
   */
  service<C extends { destroy(): void }>(service: string, region: string, make: (config: ReturnType<AwsSession['clientConfig']>) => C): ServiceHandle<C> {
    assertRegion(region);
    const key = `${service} ${region}`;
    let h = this.otherClients.get(key) as ServiceHandle<C> | undefined;
    if (!h) {
      h = this.handle(service, region, make(this.clientConfig(region)));
      this.otherClients.set(key, h);
    }
    return h;
  }

  /** Closes the sockets of every client handed out. */
  destroy(): void {
    for (const h of this.ec2Clients.values()) h.client.destroy();
    for (const h of this.stsClients.values()) h.client.destroy();
    for (const h of this.otherClients.values()) h.client.destroy();
    this.ec2Clients.clear();
    this.stsClients.clear();
    this.otherClients.clear();
  }

  private clientConfig(region: string) {
    return {
      region,
      credentials: this.credentials,
      // ruleport's own loop retries (see retry.ts); SDK retries would multiply the attempts.
      maxAttempts: 1,
      ...(this.endpointUrl ? { endpoint: this.endpointUrl } : {}),
    };
  }

  private handle<C>(service: string, region: string, client: C): ServiceHandle<C> {
    const call = <T>(name: string, kind: CallKind, fn: (c: C) => Promise<T>): Promise<T> =>
      this.limits.run(region, () => this.attempt(service, region, name, kind, () => fn(client)));
    return { region, client, call };
  }

  private attempt<T>(service: string, region: string, call: string, kind: CallKind, fn: () => Promise<T>): Promise<T> {
    const loop = {
      policy: this.retry,
      label: `${service} ${call} (${region})`,
      pause: this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
      ...(this.options.log ? { onRetry: this.options.log } : {}),
    };
    return withRetries(loop, async (attempt) => {
      this.counted++;
      try {
        return { kind: 'done', value: await fn() };
      } catch (err) {
        const facts = errorFacts(err);
        const fail = (): never => {
          throw toRuleportError(err, { service, call, region, kind }, attempt);
        };
        if (err instanceof RuleportError || !isRetryable(facts, kind)) return fail();
        return { kind: 'retry', why: facts.code, exhausted: fail };
      }
    });
  }
}

/** Checks the shape of a region name (`us-east-1`, `us-gov-west-1`, `ap-southeast-4`). */
export function assertRegion(region: string): void {
  if (!REGION_RE.test(region)) {
    throw new InputError({ field: 'region' }, `${JSON.stringify(region)} is not an AWS region name (e.g. us-east-1)`);
  }
}

function defaultRegionOrUndefined(profile: string | undefined): string | undefined {
  const env = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (env) return env;
  return profileSettings(profileName(profile)).region;
}
