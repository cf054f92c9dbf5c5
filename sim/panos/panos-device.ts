import { KeyStore } from './auth.js';
import { CommitJobs } from './commit-jobs.js';
import type { ConfigOp, OpOutcome } from './config-actions.js';
import { ConfigStore } from './config-store.js';
import { configuredHostname, defaultConfigXml, MODEL, predefinedTree, SW_VERSION, withSkeleton } from './default-config.js';
import { LockTable } from './locks.js';
import { RegisteredIps } from './registered-ips.js';
import { parseXmlDocument } from './xml-parser.js';

export interface DeviceOptions {
  readonly users: Readonly<Record<string, string>>;
  /** Running configuration (`<config>` XML); a factory-fresh one when absent. */
  readonly config?: string;
  readonly commitDurationMs: number;
  readonly hostname?: string;
  /** The management address `show system info` reports. */
  readonly managementIp: string;
}

/** Everything the simulated firewall holds, independent of HTTP. */
export class PanosDevice {
  readonly store: ConfigStore;
  readonly locks = new LockTable();
  readonly jobs: CommitJobs;
  readonly registry = new RegisteredIps();
  readonly keys: KeyStore;
  readonly startedAt = Date.now();
  readonly serial = '007051000123456';
  readonly model = MODEL;
  readonly swVersion = SW_VERSION;
  readonly managementIp: string;
  private readonly fixedHostname: string | undefined;

  constructor(options: DeviceOptions) {
    const configText = options.config ?? defaultConfigXml(options.hostname ?? MODEL);
    this.store = new ConfigStore(withSkeleton(parseXmlDocument(configText)), predefinedTree());
    this.jobs = new CommitJobs(options.commitDurationMs, (plan) => this.store.completeCommit(plan));
    this.keys = new KeyStore(options.users);
    this.fixedHostname = options.hostname;
    this.managementIp = options.managementIp;
  }

  hostname(): string {
    return this.fixedHostname ?? configuredHostname(this.store.runningTree) ?? MODEL;
  }

  /** A candidate edit on behalf of `admin`, subject to the same locks as an API call. */
  edit(admin: string, op: ConfigOp): OpOutcome {
    this.locks.assertMayEdit(admin);
    return this.store.apply(admin, op);
  }

  close(): void {
    this.jobs.close();
  }
}
