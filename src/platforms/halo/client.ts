/**
 * The Halo REST transport: OAuth client-credentials tokens (refreshed before expiry, and once more on a 401),
 * retries with jittered backoff on 429 and 5xx (honouring Retry-After), pagination through `pagination.next`,
 * and one-line typed errors naming the call. API I/O only: what the calls mean lives in the *-client.ts files
 * built on it, and in parse.ts / render.ts.
 *
 * Secrets: the key secret goes into the token request's Basic header and nowhere else; the bearer token into
 * request headers to the configured origin and nowhere else (redirects are refused, `pagination.next` must stay
 * on the configured host). Debug lines name method, path and status only.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { InputError, RemoteError } from '../../model/index.js';
import { collectPages } from '../paginate.js';
import { backoffDelay, withRetries, type AttemptOutcome, type RetryPolicy } from '../retry.js';
import { loadTlsTrust } from '../tls-trust.js';
import { trustingFetch } from '../trusting-fetch.js';
import { haloBaseUrl, loadHaloCredentials, type HaloConnectOptions, type HaloCredentials } from './credentials.js';
import { HALO } from './parse.js';

/** The service name errors carry (the platform id). */
export { HALO };

/** Attempts per call (including the first) and backoff bounds. */
export const HALO_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 20_000 };
/** The longest `Retry-After` honoured; a longer one is cut to this. */
const MAX_RETRY_AFTER_MS = 120_000;
/** A token is renewed this long before it expires, so a long run never sends one that is about to lapse. */
const TOKEN_MARGIN_MS = 30_000;
/** Page size asked for on list calls (the documented typical maximum). */
export const HALO_PER_PAGE = 100;
const DEFAULT_TIMEOUT_MS = 60_000;

export interface HaloClientOptions {
  /** API base URL, no trailing slash (see haloBaseUrl). */
  readonly baseUrl: string;
  readonly credentials: HaloCredentials;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request timeout. */
  readonly timeoutMs?: number;
  /** Receives one line per retry and re-authentication (for --debug). Never tokens or secrets. */
  readonly log?: (line: string) => void;
  /** Replaced in tests. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface RequestOptions {
  /** The call's name in errors; default `METHOD /path`. */
  readonly call?: string;
  /**
   * Whether the request may be repeated after a 5xx or a lost connection (the first attempt may have been
   * applied). Default: every method but POST. 429s are always retried: a rate-limited request was not processed.
   */
  readonly idempotent?: boolean;
  /**
   * Writes are eventually consistent: a just-created object can 404 for a moment. Reads of such objects pass
   * how many 404s to wait out (with backoff) before the 404 is final.
   */
  readonly notFoundRetries?: number;
  /**
   * The caller's deadline: once aborted, the call stops — the request in flight and any retry wait (a
   * Retry-After may ask for minutes) — and fails with a RemoteError saying so.
   */
  readonly signal?: AbortSignal;
}

/** Counters for benchmarks and progress. */
export interface HaloCallStats {
  /** HTTP requests sent, retries and token requests included. */
  requests: number;
  retries: number;
  tokens: number;
}

/** A failed Halo call, with the parsed error body (422 field errors, 404 resource) for callers that branch on it. */
export class HaloRemoteError extends RemoteError {
  constructor(
    call: string,
    problem: string,
    status: number | undefined,
    readonly body: unknown,
  ) {
    super(HALO, call, problem, status);
  }
}

/** True for a 422 saying a name is already taken (`{"errors":[{"field":"name","code":"taken"}]}`). */
export function isNameTaken(e: unknown): boolean {
  if (!(e instanceof HaloRemoteError) || (e.status !== 422 && e.status !== 400)) return false;
  const errors = (e.body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) && errors.some((x) => (x as { field?: unknown; code?: unknown })?.field === 'name' && (x as { code?: unknown }).code === 'taken');
}

interface Token {
  readonly value: string;
  readonly expiresAt: number;
  /** `read` or `read+write`; undefined when the API gave none. */
  readonly scope: string | undefined;
}

interface Answer {
  readonly status: number;
  readonly text: string;
  /** Attempts made for this answer (retries of 429/5xx included). */
  readonly attempts: number;
}

export class HaloClient {
  readonly baseUrl: string;
  readonly stats: HaloCallStats = { requests: 0, retries: 0, tokens: 0 };
  private readonly origin: string;
  private readonly retry: RetryPolicy;
  private token: Token | undefined;
  private pending: Promise<Token> | undefined;

  constructor(private readonly options: HaloClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.retry = { ...HALO_RETRY, ...options.retry };
  }

  /** Where the key came from (file or environment), for messages. */
  get credentialSource(): string {
    return this.options.credentials.source;
  }

  get<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, undefined, opts);
  }

  post<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, body, opts);
  }

  put<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.request<T>('PUT', path, body, opts);
  }

  delete(path: string, opts: RequestOptions = {}): Promise<void> {
    return this.request<void>('DELETE', path, undefined, opts);
  }

  /**
   * Every item of a list endpoint: asks for full pages and follows `pagination.next` to the end.
   * @param key the list's plural key (`firewall_policies`).
   */
  async list<T>(path: string, key: string, opts: RequestOptions = {}): Promise<T[]> {
    const first = new URL(this.resolve(path, 'GET'));
    if (!first.searchParams.has('per_page')) first.searchParams.set('per_page', String(HALO_PER_PAGE));
    const call = opts.call ?? `GET ${first.pathname}`;
    return collectPages(HALO, call, async (next) => {
      const body = await this.get<Record<string, unknown> | undefined>(next ?? first.toString(), { ...opts, call });
      const items = body?.[key];
      if (!Array.isArray(items)) throw new RemoteError(HALO, call, `answer without a "${key}" list`);
      const link = (body?.pagination as { next?: unknown } | undefined)?.next;
      if (link !== undefined && link !== null && link !== '' && typeof link !== 'string') {
        throw new RemoteError(HALO, call, 'pagination.next is not a URL');
      }
      if (typeof link === 'string' && link !== '') this.checkOnHost(link, call);
      return { items: items as T[], next: typeof link === 'string' && link !== '' ? link : undefined };
    });
  }

  /** The scope of the key's token (`read`, `read+write`), or undefined when the API does not say. */
  async scope(): Promise<string | undefined> {
    return (await this.currentToken()).scope;
  }

  /** False for a read-only key (token scope without `write`); true when writable or not stated. */
  async canWrite(): Promise<boolean> {
    const scope = await this.scope();
    return scope === undefined || /write/i.test(scope);
  }

  /**
   * Fails before anything is written when the key is read-only.
   * @param action what needs writing, for the message (`creating firewall policies`).
   */
  async requireWrite(action: string): Promise<void> {
    if (!(await this.canWrite())) {
      throw new InputError(
        { object: `Halo API key (${this.credentialSource})` },
        `is read-only (token scope "${await this.scope()}"); ${action} needs a full-access (read+write) key. Nothing was written`,
      );
    }
  }

  /** One API call with the bearer token; a 401 re-authenticates once and repeats the call. */
  async request<T>(method: string, path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    const url = this.resolve(path, method);
    const call = opts.call ?? `${method} ${new URL(url).pathname}`;
    const idempotent = opts.idempotent ?? method !== 'POST';
    let reauthenticated = false;
    let notFound = 0;
    for (;;) {
      // The token request is shared by concurrent calls: this call stops waiting for it, the request goes on.
      const token = await untilAborted(this.currentToken(), opts.signal, call);
      const headers: Record<string, string> = { Authorization: `Bearer ${token.value}`, Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const answer = await this.exchange(call, method, url, headers, body === undefined ? undefined : JSON.stringify(body), idempotent, opts.signal);
      if (answer.status === 401 && !reauthenticated) {
        reauthenticated = true;
        this.log(`halo ${call}: HTTP 401, re-authenticating once`);
        await this.refresh(token.value);
        continue;
      }
      if (answer.status === 404 && notFound < (opts.notFoundRetries ?? 0)) {
        notFound++;
        await this.pause(backoffDelay(this.retry, notFound) + this.retry.baseDelayMs, opts.signal, call);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return parseJson<T>(answer.text, call);
      throw failure(call, answer);
    }
  }

  /** The URL of a path, or a full URL checked to stay on the configured host. */
  private resolve(path: string, method: string): string {
    if (/^https?:\/\//i.test(path)) {
      this.checkOnHost(path, `${method} ${path}`);
      return path;
    }
    return `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  /** The token is only ever sent to the configured origin: a `next` link elsewhere is an error, not a request. */
  private checkOnHost(url: string, call: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new RemoteError(HALO, call, 'pagination.next is not a URL');
    }
    if (parsed.origin !== this.origin) {
      throw new RemoteError(HALO, call, `pagination.next points to ${parsed.origin}, not the configured ${this.origin}; refusing to send the token there`);
    }
  }

  private async currentToken(): Promise<Token> {
    const t = this.token;
    if (t && this.now() < t.expiresAt - TOKEN_MARGIN_MS) return t;
    return this.refresh(t?.value);
  }

  /** A new token, unless another call already replaced `stale`; concurrent callers share one token request. */
  private refresh(stale: string | undefined): Promise<Token> {
    const t = this.token;
    if (t && t.value !== stale && this.now() < t.expiresAt - TOKEN_MARGIN_MS) return Promise.resolve(t);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<Token> {
    const { keyId, secret, source } = this.options.credentials;
    const call = 'POST /oauth/access_token';
    const basic = Buffer.from(`${keyId}:${secret}`).toString('base64');
    this.stats.tokens++;
    const answer = await this.exchange(
      call,
      'POST',
      `${this.baseUrl}/oauth/access_token?grant_type=client_credentials`,
      { Authorization: `Basic ${basic}`, Accept: 'application/json' },
      undefined,
      true, // asking for a token twice is harmless
    );
    if (answer.status === 401 || answer.status === 403) {
      throw new InputError({ object: `Halo API key (${source})` }, `rejected by ${this.origin} (HTTP ${answer.status}): check the key id and secret`);
    }
    if (answer.status < 200 || answer.status >= 300) throw failure(call, answer);
    const body = parseJson<{ access_token?: unknown; expires_in?: unknown; scope?: unknown }>(answer.text, call);
    if (typeof body?.access_token !== 'string' || body.access_token === '') throw new RemoteError(HALO, call, 'answer without an access_token');
    const ttl = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 900;
    const token: Token = {
      value: body.access_token,
      expiresAt: this.now() + ttl * 1000,
      scope: typeof body.scope === 'string' ? body.scope : undefined,
    };
    this.token = token;
    return token;
  }

  /** Sends one request, retrying 429s always and 5xx/network failures when `idempotent`, until `signal` aborts. */
  private exchange(
    call: string,
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    idempotent: boolean,
    signal?: AbortSignal,
  ): Promise<Answer> {
    const doFetch = this.options.fetch ?? fetch;
    const loop = {
      policy: this.retry,
      label: `halo ${call}`,
      pause: (ms: number) => this.pause(ms, signal, call),
      onRetry: (line: string) => {
        this.stats.retries++;
        this.log(line);
      },
    };
    return withRetries(loop, async (attempt): Promise<AttemptOutcome<Answer>> => {
      if (signal?.aborted) throw stopped(call);
      this.stats.requests++;
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      let answer: Answer;
      let retryAfter: string | null;
      try {
        const res = await doFetch(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          redirect: 'error',
          signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
        });
        answer = { status: res.status, text: await res.text(), attempts: attempt };
        retryAfter = res.headers.get('retry-after');
      } catch (e) {
        if (signal?.aborted) throw stopped(call);
        const code = networkCode(e);
        const fail = (): never => {
          throw new RemoteError(HALO, call, `cannot reach ${this.origin} (${code})${attempt > 1 ? ` after ${attempt} attempts` : ''}`);
        };
        return idempotent ? { kind: 'retry', why: code, exhausted: fail } : fail();
      }
      if (answer.status === 429 || (answer.status >= 500 && idempotent)) {
        const asked = answer.status === 429 ? retryAfterMs(retryAfter, this.now()) : undefined;
        return {
          kind: 'retry',
          why: `HTTP ${answer.status}`,
          ...(asked !== undefined ? { delayMs: Math.min(asked, MAX_RETRY_AFTER_MS) } : {}),
          exhausted: () => answer,
        };
      }
      return { kind: 'done', value: answer };
    });
  }

  /** Waits `ms`, or throws as soon as `signal` aborts (the timer is cleared then, so nothing is kept alive). */
  private async pause(ms: number, signal: AbortSignal | undefined, call: string): Promise<void> {
    if (this.options.sleep) {
      await untilAborted(this.options.sleep(ms), signal, call);
      return;
    }
    try {
      await delay(ms, undefined, signal ? { signal } : {});
    } catch (e) {
      if (signal?.aborted) throw stopped(call);
      throw e;
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

const HALO_INSECURE_RISK = 'the Halo API certificate is NOT verified; anyone on the path can read the API secret and tokens and change firewall policies';

/**
 * A client from the CLI's connection options: base URL from `--halo-url`/`HALO_API_URL`, credentials from
 * `--auth`/the environment/`transform.auth`, TLS trust from `--ca-file`/`--insecure`. No request is made until
 * the first call.
 */
export async function connectHalo(
  opts: HaloConnectOptions,
  io: { warn(message: string): void; debug(message: string): void },
  extra: Partial<Omit<HaloClientOptions, 'baseUrl' | 'credentials'>> = {},
): Promise<HaloClient> {
  const baseUrl = haloBaseUrl(opts);
  const [tls, credentials] = await Promise.all([loadTlsTrust(opts, io.warn, baseUrl, HALO_INSECURE_RISK), loadHaloCredentials(opts, io.warn)]);
  io.debug(`halo: ${baseUrl}, key from ${credentials.source}${tls.ca ? ', CA from --ca-file' : ''}`);
  // The global fetch trusts the system's CAs only: a connection with its own trust gets its own transport.
  const transport = tls.ca !== undefined || tls.insecure ? { fetch: trustingFetch(tls) } : {};
  return new HaloClient({ baseUrl, credentials, log: io.debug, ...transport, ...extra });
}

/** The error of a call its caller's signal stopped. */
function stopped(call: string): RemoteError {
  return new RemoteError(HALO, call, "stopped: the caller's deadline passed");
}

/** `promise`, or a rejection with `stopped(call)` as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, call: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(stopped(call));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(stopped(call));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Seconds or an HTTP date → ms to wait; undefined when absent or unreadable. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkCode(e: unknown): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (err?.name === 'TimeoutError') return 'timed out';
  return err?.cause?.code ?? err?.code ?? err?.cause?.name ?? err?.name ?? 'network error';
}

function parseJson<T>(text: string, call: string): T {
  if (text.trim() === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RemoteError(HALO, call, 'unreadable answer (not JSON)');
  }
}

/** The error for a final non-2xx answer: status, then what the body says (422 field errors, 404 resource). */
function failure(call: string, answer: Answer): HaloRemoteError {
  let body: unknown;
  try {
    body = answer.text.trim() === '' ? undefined : JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  const b = (body ?? {}) as { message?: unknown; errors?: unknown; resource?: unknown; field?: unknown; value?: unknown; error?: unknown };
  const parts: string[] = [];
  if (Array.isArray(b.errors) && b.errors.length > 0) {
    const fields = b.errors.map((x) => {
      const e = (x ?? {}) as { field?: unknown; code?: unknown; details?: unknown };
      return `${String(e.field ?? '?')}: ${String(e.details ?? e.code ?? 'invalid')}`;
    });
    parts.push(`${typeof b.message === 'string' ? b.message : 'invalid'} (${fields.join('; ')})`);
  } else if (answer.status === 404 && typeof b.resource === 'string') {
    parts.push(`no ${b.resource} with ${String(b.field ?? 'id')} ${JSON.stringify(b.value ?? '')}`);
  } else if (typeof b.message === 'string') {
    parts.push(b.message);
  } else if (typeof b.error === 'string') {
    parts.push(b.error);
  }
  if (answer.status === 403) parts.push('the API key may be read-only');
  if (answer.attempts > 1) parts.push(`gave up after ${answer.attempts} attempts`);
  const detail = parts.length > 0 ? `: ${parts.join('; ')}` : '';
  return new HaloRemoteError(call, `HTTP ${answer.status}${detail}`, answer.status, body);
}
