/**
 * The PAN-OS XML API transport and calls: config (get/show/set/edit/delete/move/multi-config), op commands,
 * commits with job polling, and User-ID registrations. API I/O only: what the configuration means is in
 * parse.ts / render.ts, and batches of edits with one commit and a revert are in ./change-batch.ts.
 *
 * Secrets: every request is a POST with a form body; the key travels in the `X-PAN-KEY` header and nowhere else
 * (never a URL, a log line or an error); a password only in the body of the one keygen request. TLS is verified
 * unless `insecure` is set explicitly; `ca` adds the firewall's CA. Redirects are refused.
 *
 * Retries: network failures, timeouts and HTTP 5xx are retried with jittered backoff for calls that may be
 * repeated (every call but commit — a repeated commit could enqueue a second job). "Another commit/validate is
 * in progress" is waited out until the commit timeout.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { InputError, RemoteError, type Flow } from '../../model/index.js';
import { withRetries, type AttemptOutcome, type RetryPolicy } from '../retry.js';
import { loadPanosAuth, loadPanosTls, type PanosAuth, type PanosConnectOptions, type PanosTarget } from './credentials.js';
import type { TlsTrust } from '../tls-trust.js';
import { PANOS, type VsysConfig, type ZonePair } from './parse.js';
import { child, childText, childrenOf, entries, escapeXml, lines, parseXml, textElement, type XNode } from './xml.js';
import { SHARED_XPATH, vsysXpath } from './xpath.js';

export const PANOS_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 10_000, minDelayMs: 50 };
const DEFAULT_TIMEOUT_MS = 120_000;
/** Commits take tens of seconds to minutes on real firewalls. */
export const DEFAULT_COMMIT_TIMEOUT_MS = 15 * 60_000;
/** Job polls start quickly (small commits finish in a second) and slow down to this. */
const MAX_POLL_MS = 2_000;
const FIRST_POLL_MS = 100;

export const COMMIT_BUSY_TEXT = 'Another commit/validate is in progress';

export interface PanosClientOptions {
  /** `https://host[:port]`, no path. */
  readonly baseUrl: string;
  readonly auth: PanosAuth;
  readonly tls?: TlsTrust;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request timeout. */
  readonly timeoutMs?: number;
  /** One line per retry and per commit poll, for --debug. Never keys or passwords. */
  readonly log?: (line: string) => void;
  /** Replaced in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** An API answer with `status="error"` (or a code the caller did not expect), with the device's code and lines. */
export class PanosApiError extends RemoteError {
  constructor(
    call: string,
    readonly code: number | undefined,
    readonly lines: readonly string[],
    status?: number,
  ) {
    super(PANOS, call, `${lines.join('; ') || 'error without a message'}${code !== undefined ? ` (code ${code})` : ''}`, status);
  }

  /** Another administrator holds the config or commit lock. */
  get isLocked(): boolean {
    return this.lines.some((l) => /locked by|lock is already held/i.test(l));
  }

  /** Another commit or validate job runs. */
  get isCommitBusy(): boolean {
    return this.lines.some((l) => l.includes(COMMIT_BUSY_TEXT));
  }
}

/** A commit job that ended other than OK, or did not end in time. */
export class PanosCommitError extends RemoteError {
  constructor(
    call: string,
    problem: string,
    readonly job: CommitJob | undefined,
    /** Whether ruleport's own candidate changes were reverted afterwards (set by the batch). */
    readonly reverted = false,
  ) {
    super(PANOS, call, problem);
  }
}

/** One edit of a multi-config call. Xpaths come from ./xpath.ts; elements are XML text built with ./xml.ts. */
export type ConfigEdit =
  | { readonly action: 'set' | 'edit'; readonly xpath: string; readonly element: string }
  | { readonly action: 'delete'; readonly xpath: string }
  | { readonly action: 'move'; readonly xpath: string; readonly where: 'top' | 'bottom' }
  | { readonly action: 'move'; readonly xpath: string; readonly where: 'before' | 'after'; readonly dst: string };

export interface CommitJob {
  readonly id: string;
  /** ACT, FIN… */
  readonly status: string;
  /** PEND, OK, FAIL… */
  readonly result: string;
  readonly progress: string;
  readonly details: readonly string[];
}

export interface CommitOptions {
  readonly description?: string;
  /** Commit only these administrators' changes (`<partial><admin>`). */
  readonly partialAdmins?: readonly string[];
  /** How long to wait for the job (and for another commit to finish first). */
  readonly timeoutMs?: number;
  /** A fixed poll interval; default 100 ms doubling up to 2 s. */
  readonly pollMs?: number;
}

/** What a commit did: nothing to commit, or a job that finished OK. Failures throw PanosCommitError. */
export type CommitOutcome = { readonly kind: 'nothing-to-commit' } | { readonly kind: 'committed'; readonly job: CommitJob };

/** `test security-policy-match` input: IP protocol number, ports or ICMP type/code. */
export interface PolicyMatchQuery {
  readonly from?: string;
  readonly to?: string;
  readonly source: string;
  readonly destination: string;
  readonly protocol: number;
  readonly destinationPort?: number;
  readonly application?: string;
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

/**
 * The lookup for one concrete flow between a zone pair: ingress flows go from→to, egress flows to→from (the
 * way a rulebase is read for the pair).
 */
export function flowQuery(flow: Flow, zones: ZonePair): PolicyMatchQuery {
  const [from, to] = flow.direction === 'ingress' ? [zones.from, zones.to] : [zones.to, zones.from];
  return {
    from,
    to,
    source: flow.src,
    destination: flow.dst,
    protocol: flow.protocol,
    ...(flow.port !== undefined ? { destinationPort: flow.port } : {}),
    ...(flow.icmpType !== undefined ? { icmpType: flow.icmpType } : {}),
    ...(flow.icmpCode !== undefined ? { icmpCode: flow.icmpCode } : {}),
  };
}

/** The rule a lookup matched. */
export interface PolicyMatch {
  readonly rule: string;
  readonly index: number | undefined;
  readonly action: string | undefined;
}

/** One IP and its tags, for User-ID registration. */
export interface IpTags {
  readonly ip: string;
  readonly tags: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();

export class PanosClient {
  readonly baseUrl: string;
  /** HTTP requests sent (retries included), for benchmarks and --debug. */
  readonly stats = { requests: 0, retries: 0 };
  private readonly retry: RetryPolicy;
  private key: string | undefined;
  private pendingKey: Promise<string> | undefined;

  constructor(private readonly options: PanosClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError({ field: 'PAN-OS URL' }, `${url.protocol} is not http(s)`);
    this.baseUrl = url.origin;
    this.retry = { ...PANOS_RETRY, ...options.retry };
    if (options.auth.kind === 'key') this.key = options.auth.key;
  }

  /** Where the credentials came from, for messages (never the key). */
  get credentialSource(): string {
    return this.options.auth.source;
  }

  /** The administrator a password-generated key belongs to (undefined for a bare key). */
  get user(): string | undefined {
    return this.options.auth.kind === 'password' ? this.options.auth.user : undefined;
  }

  // ---- type=config --------------------------------------------------------------------------------

  /** Candidate configuration under `xpath`: the `<result>` node, or undefined when nothing is there (code 7). */
  async get(xpath: string): Promise<XNode | undefined> {
    const r = await this.call({ type: 'config', action: 'get', xpath }, `config get ${shortXpath(xpath)}`);
    return r.code === 7 ? undefined : child(r.node, 'result');
  }

  /** Running configuration under `xpath`: the `<result>` node, or undefined when there is no such node. */
  async show(xpath: string): Promise<XNode | undefined> {
    try {
      const r = await this.call({ type: 'config', action: 'show', xpath }, `config show ${shortXpath(xpath)}`);
      return child(r.node, 'result');
    } catch (e) {
      if (e instanceof PanosApiError && (e.code === 7 || e.lines.some((l) => /no such node/i.test(l)))) return undefined;
      throw e;
    }
  }

  /** Adds or merges `element` under `xpath`. */
  async set(xpath: string, element: string): Promise<void> {
    await this.call({ type: 'config', action: 'set', xpath, element }, `config set ${shortXpath(xpath)}`);
  }

  /** Replaces the node at `xpath` with `element` (whose root is the xpath's last node). */
  async edit(xpath: string, element: string): Promise<void> {
    await this.call({ type: 'config', action: 'edit', xpath, element }, `config edit ${shortXpath(xpath)}`);
  }

  /** Deletes the node at `xpath`; true when it existed. */
  async delete(xpath: string): Promise<boolean> {
    const r = await this.call({ type: 'config', action: 'delete', xpath }, `config delete ${shortXpath(xpath)}`);
    return r.code !== 7;
  }

  /** Moves a rule among its siblings. */
  async move(xpath: string, where: 'top' | 'bottom'): Promise<void>;
  async move(xpath: string, where: 'before' | 'after', dst: string): Promise<void>;
  async move(xpath: string, where: 'top' | 'bottom' | 'before' | 'after', dst?: string): Promise<void> {
    await this.call({ type: 'config', action: 'move', xpath, where, ...(dst !== undefined ? { dst } : {}) }, `config move ${shortXpath(xpath)} ${where}${dst !== undefined ? ` ${dst}` : ''}`);
  }

  /**
   * Several edits in one call, in order. With `strict` (strict-transactional) a failure leaves the candidate as
   * it was; without it the edits before the failing one stay.
   */
  async multiConfig(edits: readonly ConfigEdit[], strict = true): Promise<void> {
    if (edits.length === 0) return;
    const body = edits
      .map((e, i) => {
        const attrs = `id="${i + 1}" xpath="${escapeXml(e.xpath)}"`;
        switch (e.action) {
          case 'set':
          case 'edit':
            return `<${e.action} ${attrs}>${e.element}</${e.action}>`;
          case 'delete':
            return `<delete ${attrs}/>`;
          case 'move':
            return `<move ${attrs} where="${e.where}"${'dst' in e ? ` dst="${escapeXml(e.dst)}"` : ''}/>`;
          default: {
            const never: never = e;
            throw new Error(`unknown edit ${JSON.stringify(never)}`);
          }
        }
      })
      .join('');
    await this.call(
      { type: 'config', action: 'multi-config', element: `<multi-config>${body}</multi-config>`, ...(strict ? { 'strict-transactional': 'yes' } : {}) },
      `config multi-config (${edits.length} edits)`,
    );
  }

  /**
   * One virtual system's configuration and the shared objects, from the candidate (`get`) or the running
   * configuration (`show`), in the shape the parser reads.
   * @throws InputError when the virtual system does not exist.
   */
  async vsysConfig(vsys: string, from: 'candidate' | 'running'): Promise<VsysConfig> {
    const read = (xpath: string): Promise<XNode | undefined> => (from === 'candidate' ? this.get(xpath) : this.show(xpath));
    const [v, s] = await Promise.all([read(vsysXpath(vsys)), read(SHARED_XPATH)]);
    const node = entries(v)[0];
    if (!node) throw new InputError({ object: `${this.baseUrl} ${vsys}` }, 'no such virtual system on the firewall');
    const shared = child(s, 'shared');
    return { name: vsys, vsys: node, ...(shared ? { shared } : {}) };
  }

  // ---- type=op ------------------------------------------------------------------------------------

  /** An operational command (`<show><system><info/></system></show>`): the `<result>` node. */
  async op(cmd: string, call = `op ${cmdName(cmd)}`): Promise<XNode | undefined> {
    const r = await this.call({ type: 'op', cmd }, call);
    return child(r.node, 'result');
  }

  /** `show system info`: hostname, model, sw-version… as a flat record. */
  async systemInfo(): Promise<Record<string, string>> {
    const system = child(await this.op('<show><system><info/></system></show>'), 'system');
    const out: Record<string, string> = {};
    for (const [tag, list] of system?.children ?? []) out[tag] = list[0]?.text.trim() ?? '';
    return out;
  }

  /** `check pending-changes`. */
  async hasPendingChanges(): Promise<boolean> {
    return (await this.op('<check><pending-changes/></check>'))?.text.trim() === 'yes';
  }

  /**
   * `test security-policy-match`: the first rule matching, or undefined when no rule does (the implicit
   * intrazone/interzone defaults are not named).
   */
  async testSecurityPolicyMatch(q: PolicyMatchQuery): Promise<PolicyMatch | undefined> {
    const fields: Array<[string, string | number | undefined]> = [
      ['from', q.from],
      ['to', q.to],
      ['source', q.source],
      ['destination', q.destination],
      ['protocol', q.protocol],
      ['destination-port', q.destinationPort],
      ['application', q.application],
      ['icmp-type', q.icmpType],
      ['icmp-code', q.icmpCode],
    ];
    const body = fields
      .filter((f): f is [string, string | number] => f[1] !== undefined)
      .map(([tag, value]) => textElement(tag, String(value)))
      .join('');
    const result = await this.op(`<test><security-policy-match>${body}</security-policy-match></test>`, 'op test security-policy-match');
    const first = entries(child(result, 'rules'))[0];
    if (!first) return undefined;
    if (first.attrs.name !== undefined) {
      const index = childText(first, 'index');
      return { rule: first.attrs.name, index: index === undefined ? undefined : Number(index), action: childText(first, 'action') };
    }
    // Older releases: `<entry>allow-web; index: 4</entry>`.
    const m = /^(.*?);\s*index:\s*(\d+)/.exec(first.text.trim());
    return m ? { rule: m[1]!, index: Number(m[2]), action: undefined } : { rule: first.text.trim(), index: undefined, action: undefined };
  }

  // ---- type=commit and jobs ----------------------------------------------------------------------

  /**
   * Commits the candidate (or only `partialAdmins`' changes), waits for the job and returns its outcome.
   * Another commit in progress is waited out (within the timeout).
   * @throws PanosCommitError when the job fails or does not finish in time; PanosApiError for a refused commit.
   */
  async commit(opts: CommitOptions = {}): Promise<CommitOutcome> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    const pollMs = opts.pollMs ?? MAX_POLL_MS;
    const started = Date.now();
    const partial = opts.partialAdmins && opts.partialAdmins.length > 0 ? `<partial><admin>${opts.partialAdmins.map((a) => textElement('member', a)).join('')}</admin></partial>` : '';
    const cmd = `<commit>${textElement('description', opts.description ?? 'ruleport')}${partial}</commit>`;
    const call = partial ? `commit (partial: ${opts.partialAdmins!.join(', ')})` : 'commit';
    let answer: { node: XNode; code: number | undefined };
    for (;;) {
      try {
        answer = await this.call({ type: 'commit', cmd, ...(partial ? { action: 'partial' } : {}) }, call, false);
        break;
      } catch (e) {
        if (!(e instanceof PanosApiError) || !e.isCommitBusy || Date.now() - started + pollMs > timeoutMs) throw e;
        this.log(`panos ${call}: another commit is in progress, waiting ${pollMs} ms`);
        await this.pause(pollMs);
      }
    }
    const jobId = childText(child(answer.node, 'result'), 'job');
    if (jobId === undefined) return { kind: 'nothing-to-commit' };
    const job = await this.waitForJob(jobId, { timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)), ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}) }, call);
    if (job.result !== 'OK') {
      throw new PanosCommitError(call, `job ${job.id} ended ${job.result}${job.details.length > 0 ? `: ${job.details.join('; ')}` : ''}`, job);
    }
    return { kind: 'committed', job };
  }

  /** One job's state (`show jobs id N`). */
  async job(id: string): Promise<CommitJob> {
    const result = await this.op(`<show><jobs>${textElement('id', id)}</jobs></show>`, `op show jobs id ${id}`);
    const job = child(result, 'job');
    if (!job) throw new RemoteError(PANOS, `op show jobs id ${id}`, 'answer without a <job>');
    return {
      id: childText(job, 'id') ?? id,
      status: childText(job, 'status') ?? '',
      result: childText(job, 'result') ?? '',
      progress: childText(job, 'progress') ?? '',
      details: childrenOf(job, 'details').flatMap((d) => lines(d)),
    };
  }

  /** Polls a job until FIN. @throws PanosCommitError when it is still running at the timeout. */
  async waitForJob(id: string, opts: { timeoutMs?: number; pollMs?: number } = {}, call = `job ${id}`): Promise<CommitJob> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    const started = Date.now();
    for (let poll = 0; ; poll++) {
      const pollMs = opts.pollMs ?? Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** poll);
      const job = await this.job(id);
      if (job.status === 'FIN') return job;
      if (Date.now() - started >= timeoutMs) {
        throw new PanosCommitError(call, `job ${id} still ${job.status || 'running'} (${job.progress || '?'}%) after ${Math.round(timeoutMs / 1000)} s; follow it with "show jobs id ${id}" on the firewall`, job);
      }
      this.log(`panos ${call}: job ${id} ${job.status} ${job.progress}%`);
      await this.pause(Math.min(pollMs, Math.max(1, timeoutMs - (Date.now() - started))));
    }
  }

  // ---- type=user-id -------------------------------------------------------------------------------

  /** Registers IP → tag mappings (dynamic address groups follow at once, no commit). */
  async registerIps(list: readonly IpTags[]): Promise<void> {
    await this.userId(list, []);
  }

  /** Removes IP → tag mappings (an entry without tags removes every tag of that IP). */
  async unregisterIps(list: readonly IpTags[]): Promise<void> {
    await this.userId([], list);
  }

  /** Registers and unregisters in one message. */
  async userId(register: readonly IpTags[], unregister: readonly IpTags[]): Promise<void> {
    if (register.length === 0 && unregister.length === 0) return;
    const section = (tag: string, list: readonly IpTags[]): string =>
      list.length === 0
        ? ''
        : `<${tag}>${list.map((e) => `<entry ip="${escapeXml(e.ip)}">${e.tags.length > 0 ? `<tag>${e.tags.map((t) => textElement('member', t)).join('')}</tag>` : ''}</entry>`).join('')}</${tag}>`;
    const cmd = `<uid-message><version>2.0</version><type>update</type><payload>${section('register', register)}${section('unregister', unregister)}</payload></uid-message>`;
    await this.call({ type: 'user-id', cmd }, `user-id (${register.length} register, ${unregister.length} unregister)`);
  }

  /** Every registered IP and its tags. */
  async registeredIps(): Promise<IpTags[]> {
    const result = await this.op('<show><object><registered-ip><all/></registered-ip></object></show>', 'op show object registered-ip all');
    return entries(result).map((e) => ({ ip: e.attrs.ip ?? '', tags: childrenOf(child(e, 'tag'), 'member').map((m) => m.text.trim()) }));
  }

  // ---- transport ----------------------------------------------------------------------------------

  /**
   * One API call with the key: the parsed `<response>` and its code.
   * @throws PanosApiError for `status="error"`; InputError for a rejected key; RemoteError for transport trouble.
   */
  async call(params: Record<string, string>, call: string, idempotent = true): Promise<{ node: XNode; code: number | undefined }> {
    const key = await this.currentKey();
    const answer = await this.exchange(call, form(params), { 'X-PAN-KEY': key }, idempotent);
    if (answer.status === 403) {
      throw new InputError(
        { object: `PAN-OS API key (${this.credentialSource})` },
        `rejected by ${this.baseUrl} (HTTP 403${firstLine(answer.text)}): check the key, or generate one with --user and PANOS_PASSWORD`,
      );
    }
    return this.envelope(call, answer);
  }

  private async currentKey(): Promise<string> {
    if (this.key !== undefined) return this.key;
    this.pendingKey ??= this.keygen().finally(() => {
      this.pendingKey = undefined;
    });
    return this.pendingKey;
  }

  /** `type=keygen` with the configured user and password (in the POST body only). */
  private async keygen(): Promise<string> {
    const auth = this.options.auth;
    if (auth.kind !== 'password') throw new Error('internal: keygen without a password');
    const call = 'keygen';
    const answer = await this.exchange(call, form({ type: 'keygen', user: auth.user, password: auth.password }), {}, true);
    if (answer.status === 403) {
      throw new InputError({ object: `PAN-OS user ${auth.user}` }, `${this.baseUrl} refused the user name or password (HTTP 403${firstLine(answer.text)})`);
    }
    const { node } = this.envelope(call, answer);
    const key = childText(child(node, 'result'), 'key');
    if (!key) throw new RemoteError(PANOS, call, 'answer without a <key>');
    this.key = key;
    return key;
  }

  /** The `<response>` envelope: success (with its code) or a PanosApiError. */
  private envelope(call: string, answer: Answer): { node: XNode; code: number | undefined } {
    let root;
    try {
      root = parseXml(answer.text);
    } catch {
      throw new RemoteError(PANOS, call, `HTTP ${answer.status}: unreadable answer (not XML)`, answer.status);
    }
    if (root.tag !== 'response') throw new RemoteError(PANOS, call, `HTTP ${answer.status}: expected <response>, got <${root.tag}>`, answer.status);
    const codeText = root.node.attrs.code;
    const code = codeText === undefined || codeText === '' ? undefined : Number(codeText);
    const msgs = messages(root.node);
    if (root.node.attrs.status !== 'success' || answer.status >= 400) throw new PanosApiError(call, code, msgs, answer.status);
    return { node: root.node, code };
  }

  /** Sends one POST, retrying network failures and 5xx when `idempotent`. */
  private exchange(call: string, body: string, headers: Record<string, string>, idempotent: boolean): Promise<Answer> {
    const loop = {
      policy: this.retry,
      label: `panos ${call}`,
      pause: (ms: number) => this.pause(ms),
      onRetry: (line: string) => {
        this.stats.retries++;
        this.log(line);
      },
    };
    return withRetries(loop, async (attempt): Promise<AttemptOutcome<Answer>> => {
      this.stats.requests++;
      const after = attempt > 1 ? ` after ${attempt} attempts` : '';
      let answer: Answer;
      try {
        answer = await this.post(body, headers);
      } catch (e) {
        const why = networkCode(e);
        const fail = (): never => {
          throw new RemoteError(PANOS, call, `cannot reach ${this.baseUrl} (${why})${after}`);
        };
        // An untrusted certificate does not get better by asking again.
        if (!idempotent || isTlsFailure(e)) return fail();
        return { kind: 'retry', why, exhausted: fail };
      }
      if (answer.status >= 300 && answer.status < 400) throw new RemoteError(PANOS, call, `HTTP ${answer.status}: redirects are not followed (is the URL right?)`, answer.status);
      if (answer.status >= 500) {
        const fail = (): never => {
          throw new RemoteError(PANOS, call, `HTTP ${answer.status}${after}`, answer.status);
        };
        return idempotent ? { kind: 'retry', why: `HTTP ${answer.status}`, exhausted: fail } : fail();
      }
      return { kind: 'done', value: answer };
    });
  }

  private post(body: string, headers: Record<string, string>): Promise<Answer> {
    const url = new URL('/api/', this.baseUrl);
    const tls = this.options.tls ?? { insecure: false };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve, reject) => {
      const req = send(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), Accept: 'application/xml' },
          timeout: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          ...(url.protocol === 'https:' ? { rejectUnauthorized: !tls.insecure, ...(tls.ca !== undefined ? { ca: tls.ca } : {}) } : {}),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  private pause(ms: number): Promise<void> {
    return (this.options.sleep ?? ((d: number) => new Promise<void>((r) => setTimeout(r, d))))(ms);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** `<msg>` lines of a response, wherever the release put them. */
function messages(node: XNode): string[] {
  const direct = child(node, 'msg');
  if (direct) return lines(direct);
  const inResult = child(child(node, 'result'), 'msg');
  if (inResult) return lines(inResult);
  // multi-config nests the failing action's own response.
  for (const nested of childrenOf(node, 'response')) {
    if (nested.attrs.status === 'error') return messages(nested);
  }
  return [];
}

/** Xpaths are long; messages keep the part after the vsys. */
function shortXpath(xpath: string): string {
  const m = /\/vsys\/entry\[@name=.vsys\d+.\]\/(.*)$/.exec(xpath);
  return m ? m[1]! : xpath;
}

function cmdName(cmd: string): string {
  return (cmd.match(/<([A-Za-z][\w-]*)/g) ?? []).slice(0, 3).map((t) => t.slice(1)).join(' ');
}

function firstLine(text: string): string {
  try {
    const l = lines(child(parseXml(text).node, 'result') ?? parseXml(text).node)[0];
    return l ? `: ${l}` : '';
  } catch {
    return '';
  }
}

const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/i;

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.code ?? err?.cause?.code;
}

function isTlsFailure(e: unknown): boolean {
  return TLS_FAILURE.test(errorCode(e) ?? '');
}

function networkCode(e: unknown): string {
  const code = errorCode(e);
  if (code && TLS_FAILURE.test(code)) {
    return `${code}: the certificate is not trusted; pass --ca-file with its CA, or --insecure to skip verification`;
  }
  return code ?? (e as Error)?.message ?? 'network error';
}

/**
 * A client for a `panos:` target from the CLI's connection flags (key file, environment, or --user; --ca-file,
 * --insecure). No request is made until the first call.
 */
export async function connectPanos(
  target: PanosTarget,
  opts: PanosConnectOptions,
  io: { warn(message: string): void; debug(message: string): void },
  extra: Partial<Omit<PanosClientOptions, 'baseUrl' | 'auth' | 'tls'>> = {},
): Promise<PanosClient> {
  const [auth, tls] = await Promise.all([loadPanosAuth(opts, io.warn), loadPanosTls(opts, io.warn, target.baseUrl)]);
  io.debug(`panos: ${target.baseUrl} ${target.vsys}, credentials from ${auth.source}${tls.ca ? ', CA from --ca-file' : ''}`);
  return new PanosClient({ baseUrl: target.baseUrl, auth, tls, log: io.debug, ...extra });
}
