/**
 * Phased apply: every change of a phase is done before the next phase starts, at most `concurrency` run at once,
 * a failure stops the run before the next phase, and every change that ran is journaled once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, type Change, type Plan } from '../../../src/plan/index.js';
import { APPLY_CONCURRENCY, applyInPhases } from '../../../src/workflows/migrate-apply-phases.js';

type Item = { readonly phase: number; readonly name: string };
const create = (phase: number, name: string): Change<Item> => ({ kind: 'create', target: 't', object: name, after: { phase, name } });
const plan = (changes: Change<Item>[]): Plan<Item> => ({ title: 'test', changes, notes: [], lossy: [] });
const phaseOf = (c: Change<Item>) => (c.kind === 'create' ? c.after.phase : 99);
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('applyInPhases', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('finishes each phase before the next, whatever the plan order, with bounded concurrency', async () => {
    const events: string[] = [];
    let inFlight = 0;
    let most = 0;
    const changes = [create(2, 'rules a'), create(1, 'group a'), create(2, 'rules b'), create(1, 'group b'), create(1, 'group c'), create(3, 'revoke a')];
    const result = await applyInPhases(
      plan([...changes, { kind: 'keep', target: 't', object: 'kept' }]),
      async (c) => {
        inFlight++;
        most = Math.max(most, inFlight);
        events.push(`start ${c.object}`);
        await tick();
        events.push(`end ${c.object}`);
        inFlight--;
      },
      phaseOf,
      { concurrency: 2 },
    );
    expect(result).toEqual({ applied: 6, failed: [] });
    expect(most).toBe(2);
    const lastEndOf = (prefix: string) => Math.max(...events.flatMap((e, i) => (e.startsWith(`end ${prefix}`) ? [i] : [])));
    const firstStartOf = (prefix: string) => events.findIndex((e) => e.startsWith(`start ${prefix}`));
    expect(lastEndOf('group')).toBeLessThan(firstStartOf('rules'));
    expect(lastEndOf('rules')).toBeLessThan(firstStartOf('revoke'));
    expect(events.filter((e) => e.startsWith('start')).map((e) => e.slice(6))).toEqual(['group a', 'group b', 'group c', 'rules a', 'rules b', 'revoke a']);
  });

  it('runs 8 at once by default, and one at a time with concurrency 1 (the order of the plan)', async () => {
    const changes = Array.from({ length: 12 }, (_, i) => create(1, `group ${i}`));
    const mostInFlight = async (concurrency?: number): Promise<{ most: number; order: string[] }> => {
      let inFlight = 0;
      let most = 0;
      const order: string[] = [];
      await applyInPhases(
        plan(changes),
        async (c) => {
          inFlight++;
          most = Math.max(most, inFlight);
          order.push(c.object);
          await tick();
          inFlight--;
        },
        phaseOf,
        concurrency === undefined ? {} : { concurrency },
      );
      return { most, order };
    };
    expect(APPLY_CONCURRENCY).toBe(8);
    expect((await mostInFlight()).most).toBe(8);
    const serial = await mostInFlight(1);
    expect(serial.most).toBe(1);
    expect(serial.order).toEqual(changes.map((c) => c.object));
  });

  it('stops after the phase that failed, and journals what ran', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ruleport-phases-'));
    const journal = new Journal(join(dir, 'j.jsonl'), 'run-1');
    const ran: string[] = [];
    const result = await applyInPhases(
      plan([create(1, 'group a'), create(1, 'group b'), create(2, 'rules a')]),
      async (c) => {
        ran.push(c.object);
        if (c.object === 'group b') throw new Error('InvalidGroup.Duplicate');
      },
      phaseOf,
      { journal, concurrency: 1 },
    );
    expect(ran).toEqual(['group a', 'group b']);
    expect(result).toEqual({ applied: 1, failed: [{ object: 'group b', error: 'InvalidGroup.Duplicate' }] });
    const lines = readFileSync(join(dir, 'j.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { object: string; result: string });
    expect(lines.map((l) => [l.object, l.result])).toEqual([['group a', 'ok'], ['group b', 'failed']]);
  });
});
