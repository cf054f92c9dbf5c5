/**
 * The journal records what was changed on which system: it is created readable by its owner only (0600),
 * whatever the umask allows, and holds one JSON line per change.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/plan/index.js';

describe('journal file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ruleport-journal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(process.platform === 'win32')('is created 0600 under a permissive umask', () => {
    const path = join(dir, '.ruleport', 'journal.jsonl');
    const before = process.umask(0o000);
    try {
      const journal = new Journal(path, 'run-1');
      journal.append({ target: 'aws:us-east-1', change: 'create', object: 'security group web', result: 'ok' });
    } finally {
      process.umask(before);
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const [line] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({ run: 'run-1', target: 'aws:us-east-1', change: 'create', object: 'security group web', result: 'ok' });
  });
});
