import type { Server } from 'node:http';
import type { ConfigOp } from './config-actions.js';
import { FaultInjector } from './fault-injection.js';
import { PanosDevice } from './panos-device.js';
import type { Registration } from './registered-ips.js';
import { startServer, type RequestLogEntry } from './server.js';
import { serializeXml } from './xml-serializer.js';

export { PanosApiError } from './errors.js';
export type { RequestLogEntry } from './server.js';
export type { Registration } from './registered-ips.js';

export interface PanosSimOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Listen address; default 127.0.0.1. */
  readonly host?: string;
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** API users and passwords; default `{ admin: 'admin' }`. */
  readonly users?: Record<string, string>;
  /** Running configuration as `<config>` XML; default a fresh device with trust/untrust zones. */
  readonly config?: string;
  /** How long a commit job runs; default 500 ms. */
  readonly commitDurationMs?: number;
  /** Hostname for `show system info`; default the config's hostname or `PA-VM`. */
  readonly hostname?: string;
  /** Receives one line per API call (never keys or passwords). */
  readonly log?: (line: string) => void;
}

/** A pending candidate edit, for tests that check who changed what. */
export interface PendingChangeSummary {
  readonly admin: string;
  readonly action: ConfigOp['action'];
  readonly xpath: string;
}

/** A running simulator and its test control surface. */
export interface PanosSim {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the API is at `${url}/api/`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** The next commit job ends with result FAIL and these `<details><line>`s; running stays untouched. */
  failNextCommit(details: string[]): void;
  setCommitDuration(ms: number): void;
  /** Another admin takes the commit lock (no API call, no checks). */
  holdCommitLock(admin: string): void;
  releaseCommitLock(): void;
  /** Another admin takes the config lock (no API call, no checks). */
  holdConfigLock(admin: string): void;
  releaseConfigLock(): void;
  /** Pretty-printed running / candidate configuration. */
  runningXml(): string;
  candidateXml(): string;
  registeredIps(): Registration[];
  /** Uncommitted edits, oldest first. */
  pendingChanges(): PendingChangeSummary[];
  /** Every API call so far (type, action, xpath, cmd, admin, HTTP status). */
  readonly requestLog: RequestLogEntry[];
  /** The next `count` requests fail with `httpStatus` (default 503) before reaching the API. */
  failNext(count: number, httpStatus?: number): void;
  /**
   * Another administrator edits the candidate (subject to config locks, like an API call).
   * Throws {@link PanosApiError} when the device would refuse the edit.
   */
  editAsAdmin(admin: string, action: 'set' | 'edit' | 'delete', xpath: string, element?: string): void;
}

function editOp(action: 'set' | 'edit' | 'delete', xpath: string, element: string | undefined): ConfigOp {
  switch (action) {
    case 'set':
    case 'edit':
      if (element === undefined) throw new TypeError(`${action} needs an element`);
      return { action, xpath, element };
    case 'delete':
      return { action, xpath };
    default: {
      const exhaustive: never = action;
      throw new TypeError(`unsupported action ${String(exhaustive)}`);
    }
  }
}

/** Starts a PAN-OS XML API simulator. See sim/panos/README.md. */
export async function startPanosSim(options: PanosSimOptions = {}): Promise<PanosSim> {
  const host = options.host ?? '127.0.0.1';
  const device = new PanosDevice({
    users: options.users ?? { admin: 'admin' },
    commitDurationMs: options.commitDurationMs ?? 500,
    managementIp: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
  });
  const faults = new FaultInjector();
  const requestLog: RequestLogEntry[] = [];
  let server: Server;
  let port: number;
  try {
    ({ server, port } = await startServer(
      { device, faults, requestLog },
      { port: options.port ?? 0, host, ...(options.tls === undefined ? {} : { tls: options.tls }), ...(options.log === undefined ? {} : { log: options.log }) },
    ));
  } catch (error) {
    device.close();
    throw error;
  }
  const scheme = options.tls === undefined ? 'http' : 'https';
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `${scheme}://${urlHost}:${port}`,
    port,
    requestLog,
    close: () =>
      new Promise<void>((resolve, reject) => {
        device.close();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
    failNextCommit: (details) => device.jobs.failNext(details),
    setCommitDuration: (ms) => device.jobs.setDuration(ms),
    holdCommitLock: (admin) => device.locks.force('commit', admin),
    releaseCommitLock: () => device.locks.force('commit', undefined),
    holdConfigLock: (admin) => device.locks.force('config', admin),
    releaseConfigLock: () => device.locks.force('config', undefined),
    runningXml: () => {
      device.jobs.tick();
      return serializeXml(device.store.runningTree, { pretty: true });
    },
    candidateXml: () => serializeXml(device.store.candidateTree, { pretty: true }),
    registeredIps: () => device.registry.list(),
    pendingChanges: () =>
      device.store.pendingChanges().map((change) => ({ admin: change.admin, action: change.op.action, xpath: change.op.xpath })),
    failNext: (count, httpStatus) => faults.failNext(count, httpStatus),
    editAsAdmin: (admin, action, xpath, element) => {
      device.edit(admin, editOp(action, xpath, element));
    },
  };
}
