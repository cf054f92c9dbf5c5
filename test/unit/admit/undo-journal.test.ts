import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/model/index.js';
import { recordedMoves, undoPlan } from '../../../src/workflows/admit/undo.js';

const line = (run: string, object: string, result: 'ok' | 'failed', from = 'g-dirty', to = 'g-clean', workflow = 'admit') =>
  JSON.stringify({
    time: '2026-01-10T10:00:00.000Z',
    run,
    target: 'halo',
    change: 'move',
    object,
    before: { group_id: from },
    after: { group_id: to },
    result,
    detail: { workflow, hostname: `host-${object}`, from: { id: from, name: from }, to: { id: to, name: to }, scanId: 'x', critical: 0, nonCritical: 0 },
  });

describe('recordedMoves', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('takes the successful admit moves of one run, and survives a torn last line', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'ruleport-undo-'));
    dir = scratch;
    const path = join(scratch, 'journal.jsonl');
    writeFileSync(
      path,
      [
        line('run-a', 's1', 'ok'),
        line('run-b', 's2', 'ok'),
        line('run-a', 's3', 'failed'),
        JSON.stringify({ run: 'run-a', change: 'create', object: 'sg-1', result: 'ok', target: 'aws' }),
        line('run-a', 's4', 'ok'),
        '{"run":"run-a","change":"mo', // a crash cut this one short
      ].join('\n'),
    );
    const moves = recordedMoves(path, 'run-a');
    expect(moves.map((m) => m.serverId)).toEqual(['s1', 's4']);
    expect(moves[0]).toEqual({ serverId: 's1', hostname: 'host-s1', from: { id: 'g-dirty', name: 'g-dirty' }, to: { id: 'g-clean', name: 'g-clean' } });
    expect(undoPlan('run-a', moves).changes).toEqual([
      { kind: 'move', target: 'halo', object: 'host-s1 (s1)', where: 'g-clean → g-dirty' },
      { kind: 'move', target: 'halo', object: 'host-s4 (s4)', where: 'g-clean → g-dirty' },
    ]);
    expect(() => recordedMoves(path, 'run-z')).toThrow(InputError);
    expect(() => recordedMoves(join(scratch, 'absent.jsonl'), 'run-a')).toThrow('no journal here');
  });
});
