import type { CommitPlan } from './config-store.js';
import { deviceTime } from './device-time.js';
import { el, textEl, type XmlElement } from './xml-tree.js';

export type JobStatus = 'ACT' | 'FIN';
export type JobResult = 'PEND' | 'OK' | 'FAIL';

/** A commit job as `show jobs` reports it. */
export interface CommitJob {
  readonly id: number;
  readonly type: 'Commit';
  readonly admin: string;
  readonly description: string;
  readonly enqueued: Date;
  dueAt: number;
  status: JobStatus;
  result: JobResult;
  finished: Date | undefined;
  details: string[];
}

interface QueuedJob {
  readonly job: CommitJob;
  readonly plan: CommitPlan;
  readonly injectedFailure: readonly string[] | undefined;
  timer: NodeJS.Timeout;
}

/**
 * Commit jobs run one at a time and finish after a configurable duration. The outcome is decided
 * when the job finishes: an injected failure or validation problems give FAIL (running untouched),
 * otherwise `install` puts the plan in place.
 */
export class CommitJobs {
  private readonly jobs = new Map<number, CommitJob>();
  private active: QueuedJob | undefined;
  private nextId = 1;
  private injected: string[][] = [];

  constructor(
    private durationMs: number,
    private readonly install: (plan: CommitPlan) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Applies to later jobs and to the running one (measured from its enqueue time), so a test can hold a job in ACT and then let it finish. */
  setDuration(ms: number): void {
    this.durationMs = Math.max(0, ms);
    const active = this.active;
    if (active === undefined) return;
    active.job.dueAt = active.job.enqueued.getTime() + this.durationMs;
    clearTimeout(active.timer);
    active.timer = setTimeout(() => this.tick(), Math.max(0, active.job.dueAt - this.now()));
    active.timer.unref();
  }

  /** The next enqueued commit ends FAIL with these `<details><line>`s. */
  failNext(details: readonly string[]): void {
    this.injected.push([...details]);
  }

  isBusy(): boolean {
    this.tick();
    return this.active !== undefined;
  }

  enqueue(admin: string, description: string, plan: CommitPlan): CommitJob {
    const enqueued = this.now();
    const job: CommitJob = {
      id: this.nextId++,
      type: 'Commit',
      admin,
      description,
      enqueued: new Date(enqueued),
      dueAt: enqueued + this.durationMs,
      status: 'ACT',
      result: 'PEND',
      finished: undefined,
      details: [],
    };
    this.jobs.set(job.id, job);
    const timer = setTimeout(() => this.tick(), this.durationMs);
    timer.unref();
    this.active = { job, plan, injectedFailure: this.injected.shift(), timer };
    return job;
  }

  /** Finishes the active job if its time has come (called by its timer and before every read). */
  tick(): void {
    const active = this.active;
    if (active === undefined || this.now() < active.job.dueAt) return;
    clearTimeout(active.timer);
    this.active = undefined;
    const { job, plan, injectedFailure } = active;
    job.status = 'FIN';
    job.finished = new Date(this.now());
    if (injectedFailure !== undefined) {
      job.result = 'FAIL';
      job.details = [...injectedFailure];
    } else if (plan.problems.length > 0) {
      job.result = 'FAIL';
      job.details = ['Validation Error:', ...plan.problems];
    } else {
      this.install(plan);
      job.result = 'OK';
      job.details = ['Configuration committed successfully'];
    }
  }

  get(id: number): CommitJob | undefined {
    this.tick();
    return this.jobs.get(id);
  }

  /** Newest first, as the device lists them. */
  all(): CommitJob[] {
    this.tick();
    return [...this.jobs.values()].reverse();
  }

  progress(job: CommitJob): number {
    if (job.status === 'FIN') return 100;
    const total = job.dueAt - job.enqueued.getTime();
    if (total <= 0) return 99;
    return Math.min(99, Math.floor(((this.now() - job.enqueued.getTime()) / total) * 100));
  }

  close(): void {
    if (this.active !== undefined) clearTimeout(this.active.timer);
  }

  /** `<job>…</job>` as in the reference (plus the device's bookkeeping fields). */
  toXml(job: CommitJob): XmlElement {
    return el(
      'job',
      {},
      textEl('tenq', deviceTime(job.enqueued)),
      textEl('tdeq', deviceTime(job.enqueued).slice(11)),
      textEl('id', String(job.id)),
      textEl('user', job.admin),
      textEl('type', job.type),
      textEl('status', job.status),
      textEl('queued', 'NO'),
      textEl('stoppable', 'no'),
      textEl('result', job.result),
      textEl('tfin', job.finished === undefined ? '' : deviceTime(job.finished)),
      textEl('description', job.description),
      textEl('positionInQ', '0'),
      textEl('progress', String(this.progress(job))),
      el('details', {}, ...job.details.map((line) => textEl('line', line))),
      el('warnings'),
    );
  }
}
