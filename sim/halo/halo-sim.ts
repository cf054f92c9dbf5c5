/**
 * Starting the simulator, and the control surface tests use to script it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_KEYS, type HaloApiKey } from './auth.js';
import { DEFAULT_PER_PAGE, MAX_PER_PAGE, SimCore } from './core.js';
import type { RequestMatch } from './faults.js';
import { createRequestHandler } from './http-server.js';
import type { RequestLogEntry } from './request-log.js';
import type { ScanScript } from './scan-script.js';
import type { SeedData } from './seed-schema.js';
import { loadSeed } from './seed-loader.js';
import { registerServer, type AddServerInput } from './server-registry.js';
import { installSystemObjects } from './system-objects.js';
import { commandView, groupView, interfaceView, issueView, policyView, scanView, serverView, serviceView, zoneView } from './views.js';
import type {
  WireCommand,
  WireGroup,
  WireInterface,
  WireIssue,
  WirePolicy,
  WireScan,
  WireServer,
  WireServerState,
  WireService,
  WireZone,
} from './wire-types.js';

export interface HaloSimOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Objects (and keys) to preload; validated with seed-schema.ts. */
  readonly seed?: SeedData;
  /** Token lifetime, reported as `expires_in`. Default 900. */
  readonly tokenTtlSeconds?: number;
  /** Page size when a request has no `per_page`. Default 100. */
  readonly perPage?: number;
  /** Largest `per_page` honoured (larger requests are clamped). Default 100. */
  readonly maxPerPage?: number;
  /** One line per request (`GET /v1/servers?page=2 200`), and unexpected internal errors. No credentials. */
  readonly log?: (line: string) => void;
  /**
   * Simulate eventually consistent writes: an object created through the API answers 404 (and is missing from
   * lists) for this many ms. Default 0: reads see writes at once.
   */
  readonly eventualConsistencyMs?: number;
  /** Seed of the PRNG that draws scan durations. Default 1. */
  readonly randomSeed?: number;
}

/** The credentials the simulator accepts: at least one full-access and one read-only key. */
export interface HaloSimKeys {
  readonly full: HaloApiKey;
  readonly readOnly: HaloApiKey;
  readonly all: readonly HaloApiKey[];
}

/** Everything in the simulated account, as wire JSON (rules, findings and retired servers included). */
export interface HaloSimState {
  readonly zones: readonly WireZone[];
  readonly services: readonly WireService[];
  readonly interfaces: readonly WireInterface[];
  readonly policies: readonly WirePolicy[];
  readonly groups: readonly WireGroup[];
  readonly servers: readonly WireServer[];
  readonly commands: readonly WireCommand[];
  readonly scans: readonly WireScan[];
  readonly issues: readonly WireIssue[];
}

/** A running simulator and its test control surface. */
export interface HaloSim {
  /** `http://host:port`, no trailing slash: the API base URL. */
  readonly url: string;
  readonly port: number;
  readonly keys: HaloSimKeys;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;

  /** Adds more objects, as a seed does (throws SeedError). */
  load(seed: SeedData): void;
  /** Registers a server, as an agent would; returns it as `GET /v1/servers/{id}` would. */
  addServer(input?: AddServerInput): WireServer;
  /** The server disappears entirely: every later request about it is a 404. */
  removeServer(id: string): void;
  /** Changes a server's state (an agent going missing, a server deactivated). */
  setServerState(id: string, state: WireServerState): void;

  /** Appends outcomes to the server's scan script; each later scan of it takes the next (default clean). */
  scriptScan(serverId: string, outcomes: readonly ScanScript[]): void;
  /** Scan duration range in ms; each scan draws from it (reproducibly). Default 1000..3000. */
  setScanDuration(msMin: number, msMax: number): void;
  /** Moves the simulated clock forward: tokens expire and scans progress without sleeping. */
  advanceTime(ms: number): void;

  /** Every token issued so far now answers 401 `{"error":"invalid_token"}`. */
  expireTokens(): void;
  /** The next `count` matching requests get 429 (with `Retry-After` when retryAfterSeconds is given). */
  rateLimit(options: { readonly count: number; readonly retryAfterSeconds?: number; readonly match?: RequestMatch }): void;
  /** The next `count` matching requests fail with `status` and `{"code":status,"message":…}`. */
  failNext(count: number, status: number, match?: RequestMatch): void;
  /** Moves of this server (PUT with a new group_id) fail with `status` (default 500) until allowMoves(). */
  failMoves(serverId: string, status?: number): void;
  allowMoves(serverId: string): void;

  /** Method, path, query (redacted), status of every request so far. Never tokens or secrets. */
  readonly requestLog: readonly RequestLogEntry[];
  clearRequestLog(): void;
  /** Unexpected exceptions inside the simulator (each answered 500). Empty unless the simulator has a bug. */
  readonly internalErrors: readonly Error[];
  /** A snapshot of the account. */
  readonly state: HaloSimState;
}

function formatUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return reachable.includes(':') ? `http://[${reachable}]:${port}` : `http://${reachable}:${port}`;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`startHaloSim: ${name} must be an integer >= 1`);
  return value;
}

/** Starts a Halo API simulator on node:http. */
export async function startHaloSim(options: HaloSimOptions = {}): Promise<HaloSim> {
  const maxPerPage = positiveInteger('maxPerPage', options.maxPerPage, MAX_PER_PAGE);
  const core = new SimCore({
    tokenTtlSeconds: positiveInteger('tokenTtlSeconds', options.tokenTtlSeconds, 900),
    perPage: Math.min(positiveInteger('perPage', options.perPage, DEFAULT_PER_PAGE), maxPerPage),
    maxPerPage,
    eventualConsistencyMs: Math.max(0, options.eventualConsistencyMs ?? 0),
    randomSeed: options.randomSeed ?? 1,
  });
  installSystemObjects(core.store);

  // Seed keys replace the defaults; a default fills in when the seed lacks a full or a read-only key.
  const seedKeys = options.seed?.keys ?? [];
  for (const access of ['full', 'read-only'] as const) {
    if (!seedKeys.some((k) => k.access === access)) core.auth.addKey(DEFAULT_KEYS.find((k) => k.access === access)!);
  }
  if (options.seed) loadSeed(core, options.seed);

  const requestLog: RequestLogEntry[] = [];
  const internalErrors: Error[] = [];
  const log = options.log;
  const handler = createRequestHandler(core, {
    onRequest(entry) {
      requestLog.push(entry);
      log?.(`${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''} ${entry.status}`);
    },
    onError(error) {
      const err = error instanceof Error ? error : new Error(String(error));
      internalErrors.push(err);
      log?.(`internal error: ${err.stack ?? err.message}`);
    },
  });

  const server: Server = createServer(handler);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  core.url = formatUrl(host, port);

  let closing: Promise<void> | undefined;
  const serverOf = (id: string) => {
    const record = core.store.servers.get(id);
    if (!record) throw new Error(`no server ${id}`);
    return record;
  };
  const keyOf = (access: 'full' | 'read-only'): HaloApiKey => core.auth.allKeys().find((k) => k.access === access)!;

  const sim: HaloSim = {
    url: core.url,
    port,
    keys: { full: keyOf('full'), readOnly: keyOf('read-only'), all: core.auth.allKeys() },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
    load(seed) {
      loadSeed(core, seed);
    },
    addServer(input = {}) {
      return serverView(core.view(), registerServer(core, input));
    },
    removeServer(id) {
      serverOf(id);
      core.store.servers.delete(id);
      core.failingMoves.delete(id);
    },
    setServerState(id, state) {
      serverOf(id).state = state;
    },
    scriptScan(serverId, outcomes) {
      serverOf(serverId);
      core.scans.script(serverId, outcomes);
    },
    setScanDuration(msMin, msMax) {
      core.scans.setDuration(msMin, msMax);
    },
    advanceTime(ms) {
      core.clock.advance(ms);
    },
    expireTokens() {
      core.auth.expireAll();
    },
    rateLimit({ count, retryAfterSeconds, match }) {
      core.faults.rateLimit(count, retryAfterSeconds, match);
    },
    failNext(count, status, match) {
      core.faults.failNext(count, status, match);
    },
    failMoves(serverId, status = 500) {
      serverOf(serverId);
      if (!Number.isInteger(status) || status < 400 || status > 599) throw new RangeError('failMoves: status must be 400..599');
      core.failingMoves.set(serverId, status);
    },
    allowMoves(serverId) {
      core.failingMoves.delete(serverId);
    },
    requestLog,
    clearRequestLog() {
      requestLog.length = 0;
    },
    internalErrors,
    get state(): HaloSimState {
      core.scans.settle();
      const view = core.view();
      const store = core.store;
      return {
        zones: [...store.zones.values()].map((z) => zoneView(view, z)),
        services: [...store.services.values()].map((s) => serviceView(view, s)),
        interfaces: [...store.interfaces.values()].map((i) => interfaceView(view, i)),
        policies: [...store.policies.values()].map((p) => policyView(view, p, true)),
        groups: [...store.groups.values()].map((g) => groupView(view, g)),
        servers: [...store.servers.values()].map((s) => serverView(view, s)),
        commands: [...store.scans.values()].map((s) => commandView(view, s)),
        scans: [...store.scans.values()].map((s) => scanView(view, s, true)),
        issues: [...store.issues.values()].map((i) => issueView(view, i)),
      };
    },
  };
  return sim;
}
