/**
 * A batch of candidate-configuration edits that ruleport makes on a firewall, committed once, and undone if that
 * commit fails — the shape of every write ruleport does on PAN-OS (convert, and the reconcile loop of sync):
 * read the rulebase and objects, `put`/`remove`/`move` what differs, `commit()` once.
 *
 * Each edit records its inverse before it is made (the entry as it was, the rule it followed), so `revert()`
 * restores exactly the entries ruleport touched and nothing else: other administrators' pending changes stay,
 * which a device-wide "revert config" would throw away. API I/O only.
 */
import { RemoteError } from '../../model/index.js';
import {
  PanosApiError,
  PanosCommitError,
  type CommitOptions,
  type CommitOutcome,
  type ConfigEdit,
  type PanosClient,
} from './client.js';
import { PANOS } from './parse.js';
import { entries, toXml, type XNode } from './xml.js';
import { entryXpath } from './xpath.js';

/** What an entry looked like before: the `<entry>` node, `null` when absent, undefined when not known yet. */
export type Before = XNode | null | undefined;

export interface BatchCommitOptions extends Omit<CommitOptions, 'partialAdmins'> {
  /**
   * Commit only ruleport's own changes: `true` = the administrator the key belongs to (the `--user`, or the
   * `admin` the device records on an edited entry), or the names to commit.
   */
  readonly partial?: boolean | readonly string[];
}

export class PanosChangeBatch {
  /** Inverse edits, one group per edit made, undone last-first. */
  private readonly undo: ConfigEdit[][] = [];
  private readonly orders = new Map<string, string[]>();
  private readonly edited: string[] = [];
  /** The administrator the device named on an entry this batch rewrote before deleting it. */
  private editor: string | undefined;

  constructor(readonly client: PanosClient) {}

  /** Edits made so far (and not reverted). */
  get size(): number {
    return this.undo.length;
  }

  /** Tells the batch the current order of a container's entries (saves reading it again for moves/deletes). */
  knowOrder(container: string, names: readonly string[]): void {
    this.orders.set(container, [...names]);
  }

  /**
   * Creates or replaces the entry `name` of `container` with `element` (an `<entry name=…>`); a new entry goes
   * to the end of the container.
   * @param before the entry as read (null: absent) when the caller already has it; read otherwise.
   */
  async put(container: string, name: string, element: string, before?: Before): Promise<'created' | 'replaced'> {
    const xpath = entryXpath(container, name);
    const was = before === undefined ? await this.read(container, name) : before;
    await this.client.edit(xpath, element);
    this.edited.push(xpath);
    if (was === null) {
      this.undo.push([{ action: 'delete', xpath }]);
      this.orders.get(container)?.push(name);
      return 'created';
    }
    this.undo.push([{ action: 'edit', xpath, element: toXml('entry', was) }]);
    return 'replaced';
  }

  /** Deletes the entry `name` of `container`; false when it was not there. */
  async remove(container: string, name: string, before?: Before): Promise<boolean> {
    const was = before === undefined ? await this.read(container, name) : before;
    if (was === null) return false;
    const order = await this.order(container);
    const at = order.indexOf(name);
    const prev = at > 0 ? order[at - 1] : undefined;
    const xpath = entryXpath(container, name);
    if (this.client.user === undefined && this.editor === undefined && this.edited.length === 0) {
      // A bare key names no administrator, and a deleted entry is gone before the device can name who deleted it:
      // written back unchanged first, it carries the `admin` mark the partial commit needs.
      await this.client.edit(xpath, toXml('entry', was));
      this.editor = entries(await this.client.get(xpath))[0]?.attrs.admin;
    }
    await this.client.delete(xpath);
    if (at >= 0) order.splice(at, 1);
    this.undo.push([{ action: 'set', xpath: container, element: toXml('entry', was) }, placeAfter(container, name, prev)]);
    return true;
  }

  /** Moves the entry `name` of `container` (rules: evaluation order). */
  async move(container: string, name: string, where: 'top' | 'bottom'): Promise<void>;
  async move(container: string, name: string, where: 'before' | 'after', dst: string): Promise<void>;
  async move(container: string, name: string, where: 'top' | 'bottom' | 'before' | 'after', dst?: string): Promise<void> {
    const order = await this.order(container);
    const at = order.indexOf(name);
    const prev = at > 0 ? order[at - 1] : undefined;
    const xpath = entryXpath(container, name);
    if (where === 'before' || where === 'after') await this.client.move(xpath, where, dst!);
    else await this.client.move(xpath, where);
    this.edited.push(xpath);
    if (at >= 0) {
      order.splice(at, 1);
      const d = dst === undefined ? -1 : order.indexOf(dst);
      const to = where === 'top' ? 0 : where === 'bottom' ? order.length : where === 'before' ? d : d + 1;
      order.splice(to < 0 ? order.length : to, 0, name);
    }
    this.undo.push([placeAfter(container, name, prev)]);
  }

  /**
   * Commits (only ruleport's changes with `partial`), waits for the job, and returns its outcome. When the
   * commit is refused or its job fails, the batch's edits are reverted first and the error says so; when the job
   * is still running at the timeout nothing is reverted (it may yet succeed).
   */
  async commit(opts: BatchCommitOptions = {}): Promise<CommitOutcome> {
    const partialAdmins = opts.partial === true ? [await this.admin()] : opts.partial ? [...opts.partial] : undefined;
    try {
      const outcome = await this.client.commit({ ...opts, ...(partialAdmins ? { partialAdmins } : {}) });
      this.undo.length = 0;
      return outcome;
    } catch (e) {
      // Undo only what certainly did not reach the running configuration: a refused commit, or a job that ended
      // other than OK. A job still running, or a commit whose answer was lost, may yet succeed.
      const refused = e instanceof PanosApiError;
      const failedJob = e instanceof PanosCommitError && e.job?.status === 'FIN';
      if (!(refused || failedJob) || this.undo.length === 0) {
        if (e instanceof RemoteError && !(e instanceof PanosCommitError)) {
          throw new RemoteError(PANOS, e.call, `${e.problem}; the commit may or may not have been enqueued and ruleport's candidate changes are still there: look at "show jobs all", or re-run to converge`);
        }
        throw e;
      }
      const count = this.undo.length;
      const problem = await this.revert().then(
        () => `; ruleport's ${count} candidate change(s) were reverted, other administrators' changes are untouched`,
        (r: unknown) => `; reverting ruleport's candidate changes failed too (${(r as Error).message}): check "show config diff" on the firewall`,
      );
      const call = e instanceof RemoteError ? e.call : 'commit';
      const base = e instanceof RemoteError ? e.problem : (e as Error).message;
      throw new PanosCommitError(call, `${base}${problem}`, e instanceof PanosCommitError ? e.job : undefined, true);
    }
  }

  /** Undoes every edit of the batch, last first. @throws RemoteError listing what could not be undone. */
  async revert(): Promise<void> {
    const failures: string[] = [];
    while (this.undo.length > 0) {
      const group = this.undo.pop()!;
      for (const edit of group) {
        try {
          await this.apply(edit);
        } catch (e) {
          failures.push(`${edit.action} ${edit.xpath}: ${(e as Error).message}`);
        }
      }
    }
    this.orders.clear();
    if (failures.length > 0) throw new RemoteError(PANOS, 'revert', failures.join('; '));
  }

  private async apply(edit: ConfigEdit): Promise<void> {
    switch (edit.action) {
      case 'set':
        return this.client.set(edit.xpath, edit.element);
      case 'edit':
        return this.client.edit(edit.xpath, edit.element);
      case 'delete':
        await this.client.delete(edit.xpath);
        return;
      case 'move':
        if (edit.where === 'before' || edit.where === 'after') return this.client.move(edit.xpath, edit.where, edit.dst);
        return this.client.move(edit.xpath, edit.where);
      default: {
        const never: never = edit;
        throw new Error(`unknown edit ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * The administrator whose changes a partial commit takes: the key's user, or who the device says edited an entry
   * of the batch. The API has no "who am I" for a key (none is documented), so when the batch edited nothing —
   * only deletions an earlier run already made are pending — there is nothing to learn the name from.
   */
  private async admin(): Promise<string> {
    if (this.client.user !== undefined) return this.client.user;
    if (this.editor !== undefined) return this.editor;
    for (const xpath of this.edited) {
      const result = await this.client.get(xpath);
      const admin = entries(result)[0]?.attrs.admin;
      if (admin) return admin;
    }
    throw new RemoteError(
      PANOS,
      'commit (partial)',
      "cannot tell which administrator the API key belongs to: the firewall names one only on an entry the key edited, and ruleport's pending changes left none (deletions an earlier run made but did not commit). Commit them on the firewall as that administrator (CLI: commit partial admin NAME), or run once with --user NAME and its password in PANOS_PASSWORD instead of an API key (convert: or leave out --partial-commit)",
    );
  }

  private async read(container: string, name: string): Promise<XNode | null> {
    return entries(await this.client.get(entryXpath(container, name)))[0] ?? null;
  }

  private async order(container: string): Promise<string[]> {
    let order = this.orders.get(container);
    if (!order) {
      const result = await this.client.get(container);
      const node = result ? [...result.children.values()][0]?.[0] : undefined;
      order = entries(node).map((e) => e.attrs.name ?? '');
      this.orders.set(container, order);
    }
    return order;
  }
}

/** The move that puts `name` back right after `prev` (or at the top). */
function placeAfter(container: string, name: string, prev: string | undefined): ConfigEdit {
  const xpath = entryXpath(container, name);
  return prev === undefined ? { action: 'move', xpath, where: 'top' } : { action: 'move', xpath, where: 'after', dst: prev };
}
