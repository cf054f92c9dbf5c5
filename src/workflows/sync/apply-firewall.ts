/**
 * Carries out a firewall plan: User-ID registrations first (they need no commit), then every configuration change
 * of the run in one batch and one commit of ruleport's own changes, the job polled to its end. If an edit or the
 * commit fails, the batch's edits are reverted — exactly the entries sync touched, other administrators' pending
 * changes stay — and the run fails; the next run plans afresh from what is there and retries.
 */
import { RemoteError } from '../../model/index.js';
import { PanosChangeBatch } from '../../platforms/panos/change-batch.js';
import type { CommitJob, PanosClient } from '../../platforms/panos/client.js';
import { OBJECT_CONTAINER, objectXml, ruleXml } from '../../platforms/panos/objects.js';
import { PANOS } from '../../platforms/panos/parse.js';
import { objectContainerXpath, rulesXpath } from '../../platforms/panos/xpath.js';
import type { Journal } from '../../plan/index.js';
import { needsCommit, type FirewallPlan, type SyncChange } from './plan-firewall.js';

export interface ApplyFirewallOptions {
  readonly vsys: string;
  /** The rulebase order as read (saves a read for moves). */
  readonly ruleOrder: readonly string[];
  readonly journal?: Journal;
  readonly commitTimeoutMs?: number;
  readonly pollMs?: number;
}

export interface FirewallApplyResult {
  readonly configChanges: number;
  readonly registered: number;
  readonly unregistered: number;
  /** The commit job, when one ran. */
  readonly job?: CommitJob;
}

/** Applies a plan. @throws PanosCommitError / RemoteError when the run failed (its config edits reverted). */
export async function applyFirewallPlan(client: PanosClient, plan: FirewallPlan, options: ApplyFirewallOptions): Promise<FirewallApplyResult> {
  const work = plan.changes.filter((c) => c.kind !== 'keep');
  const register = work.flatMap((c) => (c.kind === 'create' && c.after.kind === 'registration' ? [{ ip: c.after.ip, tags: [c.after.tag] }] : []));
  const unregister = work.flatMap((c) => (c.kind === 'delete' && c.before.kind === 'registration' ? [{ ip: c.before.ip, tags: [c.before.tag] }] : []));
  if (register.length + unregister.length > 0) {
    await client.userId(register, unregister);
    for (const c of work) if (!needsCommit(c)) journal(options, c, 'ok');
  }
  const config = work.filter(needsCommit);
  if (config.length === 0) return { configChanges: 0, registered: register.length, unregistered: unregister.length };

  const rules = rulesXpath(options.vsys);
  const scope = { vsys: options.vsys };
  const batch = new PanosChangeBatch(client);
  batch.knowOrder(rules, options.ruleOrder);
  let current: SyncChange | undefined;
  try {
    for (const c of config) {
      current = c;
      await execute(batch, c, rules, scope, plan.bottomRule);
      journal(options, c, 'ok');
    }
  } catch (e) {
    if (current) journal(options, current, 'failed', (e as Error).message);
    const count = batch.size;
    await batch.revert().catch((r: unknown) => {
      throw new RemoteError(PANOS, 'sync', `${(e as Error).message}; reverting ruleport's ${count} change(s) failed too (${(r as Error).message})`);
    });
    throw new RemoteError(PANOS, 'sync', `${(e as Error).message}; ruleport's ${count} candidate change(s) were reverted`);
  }
  let outcome;
  try {
    outcome = await batch.commit({
      partial: true,
      description: `ruleport sync: ${config.length} change(s)`,
      ...(options.commitTimeoutMs !== undefined ? { timeoutMs: options.commitTimeoutMs } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    });
  } catch (e) {
    // The changes journaled above were undone by the batch (unless the job was still running): say so.
    options.journal?.append({ target: config[0]!.target, change: 'update', object: 'commit', result: 'failed', error: (e as Error).message, detail: { changes: config.length } });
    throw e;
  }
  return {
    configChanges: config.length,
    registered: register.length,
    unregistered: unregister.length,
    ...(outcome.kind === 'committed' ? { job: outcome.job } : {}),
  };
}

async function execute(batch: PanosChangeBatch, c: SyncChange, rules: string, scope: { vsys: string }, bottomRule: string): Promise<void> {
  switch (c.kind) {
    case 'create':
    case 'update': {
      const p = c.after;
      if (p.kind === 'rule') await batch.put(rules, p.rule.name, ruleXml(p.rule), c.kind === 'create' ? null : undefined);
      else if (p.kind === 'object') await batch.put(objectContainerXpath(scope, OBJECT_CONTAINER[p.object.kind]), p.object.name, objectXml(p.object), c.kind === 'create' ? null : undefined);
      return;
    }
    case 'delete': {
      const p = c.before;
      if (p.kind === 'rule') await batch.remove(rules, p.rule.name);
      else if (p.kind === 'object') await batch.remove(objectContainerXpath(scope, OBJECT_CONTAINER[p.object.kind]), p.object.name);
      return;
    }
    case 'move':
      await batch.move(rules, c.object.replace(/^rule /, ''), 'before', bottomRule);
      return;
    case 'keep':
      return;
    default: {
      const never: never = c;
      throw new Error(`unknown change ${JSON.stringify(never)}`);
    }
  }
}

function journal(options: ApplyFirewallOptions, c: SyncChange, result: 'ok' | 'failed', error?: string): void {
  if (!options.journal || c.kind === 'keep') return;
  const before = 'before' in c ? c.before : undefined;
  const after = 'after' in c ? c.after : undefined;
  options.journal.append({ target: c.target, change: c.kind, object: c.object, before, after, result, ...(error ? { error } : {}) });
}
