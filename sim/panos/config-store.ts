import { applyConfigOp, type ConfigOp, type OpOutcome } from './config-actions.js';
import { validateConfig } from './config-validation.js';
import { deviceTime } from './device-time.js';
import { PanosApiError } from './errors.js';
import { parseXpath, selectAll } from './xpath.js';
import { attrRecord, cloneElement, type XmlElement } from './xml-tree.js';

/** One uncommitted edit, kept so a partial commit can replay just one admin's changes. */
export interface PendingChange {
  readonly seq: number;
  readonly admin: string;
  readonly op: ConfigOp;
  readonly time: Date;
}

interface DirtyMark {
  readonly admin: string;
  readonly seq: number;
  readonly time: Date;
}

/** What a commit job will install, computed when the job is enqueued (the device snapshots then too). */
export interface CommitPlan {
  readonly tree: XmlElement;
  readonly seqs: ReadonlySet<number>;
  /** Validation errors; a non-empty list makes the job FAIL. */
  readonly problems: readonly string[];
}

function isPredefinedPath(xpath: string): boolean {
  return parseXpath(xpath)[1]?.name === 'predefined';
}

/**
 * The candidate and running configurations, the log of uncommitted changes per admin, and the
 * per-entry "dirty" marks that `get` reports.
 */
export class ConfigStore {
  private running: XmlElement;
  private candidate: XmlElement;
  private pending: PendingChange[] = [];
  private marks = new Map<XmlElement, DirtyMark>();
  private seq = 0;

  constructor(
    initial: XmlElement,
    /** `<config><predefined>…</predefined></config>`: read-only, outside the running config. */
    readonly predefined: XmlElement,
  ) {
    this.running = cloneElement(initial);
    this.candidate = cloneElement(initial);
  }

  get runningTree(): XmlElement {
    return this.running;
  }

  get candidateTree(): XmlElement {
    return this.candidate;
  }

  /** Applies an edit to the candidate on behalf of `admin`; throws and changes nothing on failure. */
  apply(admin: string, op: ConfigOp): OpOutcome {
    const outcome = applyConfigOp({ root: this.candidate, predefined: this.predefined }, op);
    if (!outcome.changed) return outcome;
    const change: PendingChange = { seq: ++this.seq, admin, op, time: new Date() };
    this.pending.push(change);
    for (const node of outcome.touched) this.marks.set(node, { admin, seq: change.seq, time: change.time });
    return outcome;
  }

  /**
   * Starts an all-or-nothing group of edits (multi-config with strict-transactional). Edits go to a
   * copy; the returned function puts the original candidate, log and marks back.
   */
  beginTransaction(): () => void {
    const saved = { candidate: this.candidate, pending: this.pending, marks: this.marks, seq: this.seq };
    const marks = new Map<XmlElement, DirtyMark>();
    const copy = (node: XmlElement): XmlElement => {
      const twin: XmlElement = { name: node.name, attrs: attrRecord(node.attrs), children: node.children.map(copy), text: node.text };
      const mark = this.marks.get(node);
      if (mark !== undefined) marks.set(twin, mark);
      return twin;
    };
    this.candidate = copy(this.candidate);
    this.marks = marks;
    this.pending = [...this.pending];
    return () => {
      this.candidate = saved.candidate;
      this.pending = saved.pending;
      this.marks = saved.marks;
      this.seq = saved.seq;
    };
  }

  /** `get`: candidate nodes, decorated with admin/dirtyId/time where uncommitted changes touched them. */
  readCandidate(xpath: string): XmlElement[] {
    if (isPredefinedPath(xpath)) return this.read(this.predefined, xpath);
    return selectAll(this.candidate, parseXpath(xpath)).map((hit) => this.decorate(hit.node));
  }

  /** `show`: running nodes. */
  readRunning(xpath: string): XmlElement[] {
    return this.read(isPredefinedPath(xpath) ? this.predefined : this.running, xpath);
  }

  private read(root: XmlElement, xpath: string): XmlElement[] {
    return selectAll(root, parseXpath(xpath)).map((hit) => cloneElement(hit.node));
  }

  private decorate(node: XmlElement): XmlElement {
    const copy: XmlElement = {
      name: node.name,
      attrs: attrRecord(node.attrs),
      children: node.children.map((child) => this.decorate(child)),
      text: node.text,
    };
    const mark = this.marks.get(node);
    if (mark !== undefined) {
      copy.attrs['admin'] = mark.admin;
      copy.attrs['dirtyId'] = String(mark.seq);
      copy.attrs['time'] = deviceTime(mark.time);
    }
    return copy;
  }

  pendingChanges(): readonly PendingChange[] {
    return this.pending;
  }

  hasPendingChanges(): boolean {
    return this.pending.length > 0;
  }

  /** `load config from running-config.xml`: every admin's uncommitted edits are dropped. */
  revert(): void {
    this.candidate = cloneElement(this.running);
    this.pending = [];
    this.marks = new Map();
  }

  /**
   * Computes what a commit would install. Without `admins`, the whole candidate; with `admins`, the
   * running config plus those admins' edits replayed in order (other admins' edits stay pending).
   * Undefined when there is nothing to commit and `force` is not set.
   */
  planCommit(admins: readonly string[] | undefined, force: boolean): CommitPlan | undefined {
    const included = admins === undefined ? this.pending : this.pending.filter((change) => admins.includes(change.admin));
    if (included.length === 0 && !force) return undefined;
    const problems: string[] = [];
    let tree: XmlElement;
    if (admins === undefined) {
      tree = cloneElement(this.candidate);
    } else {
      tree = cloneElement(this.running);
      for (const change of included) {
        try {
          applyConfigOp({ root: tree, predefined: this.predefined }, change.op);
        } catch (error) {
          if (!(error instanceof PanosApiError)) throw error;
          problems.push(`${change.op.action} ${change.op.xpath}: ${error.lines.join(' ')}`);
        }
      }
    }
    problems.push(...validateConfig(tree, this.predefined));
    return { tree, seqs: new Set(included.map((change) => change.seq)), problems };
  }

  /** Installs a successful commit: running changes, the committed edits stop being pending. */
  completeCommit(plan: CommitPlan): void {
    this.running = plan.tree;
    this.pending = this.pending.filter((change) => !plan.seqs.has(change.seq));
    for (const [node, mark] of this.marks) if (plan.seqs.has(mark.seq)) this.marks.delete(node);
  }
}
